"""The Outbox page (people:outbox) and "Send again" (people:outbox_retry)."""

from datetime import datetime, timedelta
from itertools import count
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from people import outbox_admin
from people.models import OutboundEmail
from people.outbox import release_after
from people.outbox_selectors import outbox_counts, outbox_for, outbox_kinds

URL = reverse("people:outbox")
_keys = count(1)

Status = OutboundEmail.Status


def _email(*, recorded=None, **kwargs):
    """One outbox row; recorded (an aware datetime) sets created_at, which is otherwise now."""
    n = next(_keys)
    values = {
        "key": f"test:{n}",
        "kind": "request_new",
        "to": f"person{n}@example.com",
        "subject": f"Subject {n}",
        "body": "Private note about Brian's confidence",
        "status": Status.SENT,
    }
    email = OutboundEmail.objects.create(**{**values, **kwargs})
    if recorded is not None:
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=recorded)
        email.refresh_from_db()
    return email


def _local(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def _retry_url(email):
    return reverse("people:outbox_retry", args=[email.pk])


def _body(response):
    return response.content.decode()


# Who may open it


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("employee", 403),
        ("other_employee", 403),
        ("manager", 403),
        ("other_manager", 403),
        ("hr", 403),
        ("ld", 200),
        ("admin", 200),
    ],
)
def test_only_ld_and_admins_may_open_the_outbox(client, org, role, expected):
    client.force_login(getattr(org, role))
    assert client.get(URL).status_code == expected


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_outbox_takes_no_post(client, org):
    client.force_login(org.admin)
    assert client.post(URL).status_code == 405


def test_selectors_show_nothing_to_other_roles(org):
    _email(status=Status.FAILED)
    for user in (org.employee, org.manager, org.hr):
        assert not outbox_for(user).exists()
        assert outbox_kinds(user) == []
        assert outbox_counts(user)["all"] == 0
    assert outbox_for(org.ld).count() == 1
    assert outbox_for(org.admin).count() == 1


# What the list shows


def test_list_shows_the_columns_in_plain_words_newest_first(client, org):
    _email(subject="Older one", recorded=timezone.now() - timedelta(days=2))
    _email(subject="Newer one", kind="request_answer", to="kate@example.com", attempts=2)
    _email(subject="Odd kind", kind="legacy_notice")
    client.force_login(org.ld)
    body = _body(client.get(URL))
    assert body.index("Newer one") < body.index("Older one")
    assert "L&amp;D answered a request" in body
    assert "legacy_notice" in body  # an unknown kind shows as stored
    assert "kate@example.com" in body
    assert 'data-label="Attempts" class="text-end">2<' in body
    assert "table-stack" in body


def test_status_badges_are_words(client, org):
    for status in Status.values:
        _email(status=status)
    client.force_login(org.ld)
    body = _body(client.get(URL))
    for label in ("Waiting to be sent", "Being sent", "Sent", "Failed"):
        assert f">{label}</span>" in body


def test_the_body_is_never_shown(client, org):
    _email(body="Private note about Brian's confidence")
    client.force_login(org.admin)
    body = _body(client.get(URL))
    assert "Private note" not in body
    assert "confidence" not in body


def test_the_list_does_not_load_the_body(org):
    _email()
    row = outbox_for(org.admin).get()
    assert "body" in row.get_deferred_fields()


def test_a_long_error_is_truncated_with_the_full_text_in_details(client, org):
    error = "SMTPRecipientsRefused: " + "the mailbox is full and the server says so at length " * 3 + "END"
    _email(status=Status.FAILED, last_error=error)
    client.force_login(org.ld)
    body = _body(client.get(URL))
    assert "<details><summary>SMTPRecipientsRefused:" in body
    assert "END</div></details>" in body


def test_a_short_error_is_shown_whole(client, org):
    _email(status=Status.FAILED, last_error="OSError: refused")
    client.force_login(org.ld)
    body = _body(client.get(URL))
    assert "OSError: refused" in body
    assert "<details>" not in body


# The stuck flag


def _long_ago():
    return timezone.now() - release_after() - timedelta(minutes=1)


def test_a_row_claimed_longer_ago_than_a_task_may_live_is_flagged(client, org):
    _email(subject="Stuck one", status=Status.SENDING, claimed_at=_long_ago())
    client.force_login(org.ld)
    body = _body(client.get(URL))
    assert "Stopped mid-send — sent again soon" in body
    assert "1 e-mail was being sent when a worker stopped" in body


def test_a_row_claimed_just_now_is_not_flagged(client, org):
    # Recorded long ago but claimed a minute ago: a worker is sending it now.
    _email(status=Status.SENDING, recorded=_long_ago(), claimed_at=timezone.now() - timedelta(minutes=1))
    _email(status=Status.FAILED, recorded=_long_ago() - timedelta(hours=1))
    client.force_login(org.ld)
    body = _body(client.get(URL))
    assert "Stopped mid-send" not in body
    assert "when a worker stopped" not in body


def test_stuck_rows_match_the_outbox_own_definition(org):
    from people.outbox import stuck_emails

    old = _long_ago()
    _email(status=Status.SENDING, claimed_at=old)
    _email(status=Status.SENDING, recorded=old, claimed_at=timezone.now())
    _email(status=Status.PENDING, recorded=old)
    flagged = {row.pk for row in outbox_for(org.admin) if row.is_stuck}
    assert flagged == set(stuck_emails().values_list("pk", flat=True))
    assert outbox_counts(org.admin)["stuck"] == 1


# Filters


def test_status_tab_shows_only_that_status(client, org):
    _email(subject="Went out", status=Status.SENT)
    _email(subject="Bounced", status=Status.FAILED)
    client.force_login(org.ld)
    body = _body(client.get(URL, {"status": "failed"}))
    assert "Bounced" in body
    assert "Went out" not in body


def test_counts_per_status_ignore_the_status_but_follow_the_other_filters(client, org):
    for status, n in ((Status.PENDING, 1), (Status.SENDING, 2), (Status.SENT, 3), (Status.FAILED, 4)):
        for _ in range(n):
            _email(status=status)
    _email(status=Status.FAILED, kind="request_reply")
    assert outbox_counts(org.ld) == {"all": 11, "pending": 1, "sending": 2, "sent": 3, "failed": 5, "stuck": 0}
    assert outbox_counts(org.ld, kind="request_reply")["failed"] == 1
    assert outbox_counts(org.ld, kind="request_reply")["all"] == 1

    client.force_login(org.ld)
    body = _body(client.get(URL, {"status": "sent"}))
    for label, n in (("All", 11), ("Waiting", 1), ("Being sent", 2), ("Sent", 3), ("Failed", 5)):
        assert f'{label} <span class="badge rounded-pill' in body
        assert f'">{n}</span></a>' in body
    assert "3 e-mails." in body


def test_counts_take_one_query(org, django_assert_num_queries):
    _email()
    outbox_kinds(org.admin)  # the roles are cached on the user from here on
    with django_assert_num_queries(1):
        outbox_counts(org.admin, kind="request_new", search="Subject")


def test_kinds_present_are_listed_once_in_one_query(org, django_assert_num_queries):
    _email(kind="request_new")
    _email(kind="request_new")
    _email(kind="request_reply")
    outbox_counts(org.admin)
    with django_assert_num_queries(1):
        assert outbox_kinds(org.admin) == ["request_new", "request_reply"]


def test_kind_filter(client, org):
    _email(subject="A new request", kind="request_new")
    _email(subject="An answer", kind="request_answer")
    client.force_login(org.ld)
    body = _body(client.get(URL, {"kind": "request_answer"}))
    assert "An answer" in body
    assert "A new request" not in body
    assert '<option value="request_answer" selected>L&amp;D answered a request</option>' in body


def test_search_looks_in_the_address_and_the_subject(client, org):
    _email(subject="Your request was answered", to="kate@example.com")
    _email(subject="Reply from Kate", to="sam@example.com")
    _email(subject="Something else", to="olivia@example.com")
    client.force_login(org.ld)
    body = _body(client.get(URL, {"q": "KATE"}))
    assert "Your request was answered" in body
    assert "Reply from Kate" in body
    assert "Something else" not in body


def test_date_range_includes_both_days(client, org):
    _email(subject="Before", recorded=_local(2025, 3, 9, 23))
    _email(subject="First day", recorded=_local(2025, 3, 10, 0))
    _email(subject="Last day", recorded=_local(2025, 3, 12, 23))
    _email(subject="After", recorded=_local(2025, 3, 13, 0))
    client.force_login(org.ld)
    body = _body(client.get(URL, {"date_from": "2025-03-10", "date_to": "2025-03-12"}))
    assert "First day" in body
    assert "Last day" in body
    assert "Before" not in body
    assert "After" not in body
    assert 'value="2025-03-10"' in body


def test_only_one_end_of_the_range_may_be_given(client, org):
    _email(subject="Early", recorded=_local(2025, 1, 1))
    _email(subject="Late", recorded=_local(2025, 6, 1))
    client.force_login(org.ld)
    assert "Early" not in _body(client.get(URL, {"date_from": "2025-03-01"}))
    assert "Late" not in _body(client.get(URL, {"date_to": "2025-03-01"}))


def test_far_off_dates_filter_nothing_and_do_not_fail(client, org):
    _email(subject="Any time")
    client.force_login(org.ld)
    response = client.get(URL, {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200
    assert "Any time" in _body(response)


def test_the_filter_form_is_labelled(client, org):
    client.force_login(org.ld)
    body = _body(client.get(URL))
    for field_id in ("outbox-search", "outbox-kind", "outbox-from", "outbox-to"):
        assert f'<label for="{field_id}"' in body
    assert 'type="date" name="date_from"' in body
    assert 'method="get"' in body


# Bad filter values


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "lost"}, "There is no status “lost”, so every status is shown."),
        ({"kind": "nonsense"}, "No e-mail of the kind “nonsense” is in the outbox"),
        ({"date_from": "yesterday"}, "The “from” date is not a date"),
        ({"date_to": "2025-02-30"}, "The “up to” date is not a date"),
        ({"date_from": "2025-03-10", "date_to": "2025-03-01"}, "The “from” date is after the “up to” date"),
    ],
)
def test_a_bad_filter_shows_a_message_and_the_unfiltered_list(client, org, params, message):
    _email(subject="Went out", status=Status.SENT, recorded=_local(2025, 3, 5))
    _email(subject="Bounced", status=Status.FAILED, recorded=_local(2025, 1, 5))
    client.force_login(org.ld)
    response = client.get(URL, params)
    assert response.status_code == 200
    body = _body(response)
    assert message in body
    assert 'role="alert"' in body
    assert "Went out" in body
    assert "Bounced" in body


def test_a_bad_filter_keeps_the_good_ones(client, org):
    _email(subject="Bounced", status=Status.FAILED)
    _email(subject="Went out", status=Status.SENT)
    client.force_login(org.ld)
    body = _body(client.get(URL, {"status": "failed", "date_from": "not a date"}))
    assert "Bounced" in body
    assert "Went out" not in body


def test_a_bad_page_number_shows_a_page(client, org):
    _email(subject="Only one")
    client.force_login(org.ld)
    for page in ("abc", "0", "999", "-1"):
        response = client.get(URL, {"page": page})
        assert response.status_code == 200
        assert "Only one" in _body(response)


# Pagination and query counts


def test_pagination_shows_fifty_and_keeps_the_filters(client, org):
    for _ in range(60):
        _email(kind="request_reply", status=Status.FAILED, recorded=_local(2025, 3, 5))
    client.force_login(org.ld)
    params = {"status": "failed", "kind": "request_reply", "q": "Subject", "date_from": "2025-03-01"}
    response = client.get(URL, params)
    body = _body(response)
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 2" in body
    next_link = "?status=failed&amp;kind=request_reply&amp;q=Subject&amp;date_from=2025-03-01&amp;page=2"
    assert f'href="{next_link}"' in body
    second = client.get(URL, {**params, "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_status_tabs_keep_the_other_filters(client, org):
    _email(kind="request_reply")
    client.force_login(org.ld)
    body = _body(client.get(URL, {"kind": "request_reply", "q": "Subject"}))
    assert 'href="?status=failed&amp;kind=request_reply&amp;q=Subject"' in body


@pytest.mark.parametrize("rows", [5, 60])
def test_the_page_takes_the_same_queries_at_any_size(client, org, rows, django_assert_max_num_queries):
    old = _long_ago()
    for n in range(rows):
        _email(status=Status.values[n % 4], kind=("request_new", "weekly_digest")[n % 2], recorded=old)
    client.force_login(org.admin)
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"q": "example"})
    assert response.status_code == 200


# Admin links and "Send again"


def test_admins_get_a_link_to_the_admin_and_a_send_again_button_on_failed_rows(client, org):
    failed = _email(status=Status.FAILED)
    sent = _email(status=Status.SENT)
    client.force_login(org.admin)
    body = _body(client.get(URL))
    assert reverse("admin:people_outboundemail_change", args=[failed.pk]) in body
    assert reverse("admin:people_outboundemail_change", args=[sent.pk]) in body
    assert _retry_url(failed) in body
    assert _retry_url(sent) not in body


def test_ld_see_no_admin_link_and_no_send_again(client, org):
    failed = _email(status=Status.FAILED)
    client.force_login(org.ld)
    body = _body(client.get(URL))
    assert "/admin/" not in body
    assert _retry_url(failed) not in body
    assert "Send again" not in body


@pytest.mark.parametrize("role", ["employee", "other_employee", "manager", "other_manager", "hr", "ld"])
def test_only_admins_may_send_again(client, org, role):
    email = _email(status=Status.FAILED, attempts=5)
    client.force_login(getattr(org, role))
    assert client.post(_retry_url(email)).status_code == 403
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.attempts == 5


def test_anonymous_cannot_send_again(client, db):
    email = _email(status=Status.FAILED)
    response = client.post(_retry_url(email))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    email.refresh_from_db()
    assert email.status == Status.FAILED


def test_send_again_takes_no_get(client, org):
    email = _email(status=Status.FAILED)
    client.force_login(org.admin)
    assert client.get(_retry_url(email)).status_code == 405


def test_send_again_on_a_missing_row_is_not_found(client, org):
    client.force_login(org.admin)
    assert client.post(reverse("people:outbox_retry", args=[987654])).status_code == 404


def test_admin_sends_a_failed_email_again(client, org, django_capture_on_commit_callbacks):
    email = _email(status=Status.FAILED, attempts=5, last_error="OSError: refused", subject="Your request")
    client.force_login(org.admin)
    with mock.patch("people.outbox._queue") as queue, django_capture_on_commit_callbacks(execute=True):
        response = client.post(_retry_url(email), {"back": "status=failed&kind=request_new&page=2&evil=1"})
    assert response.status_code == 302
    assert response.url == f"{URL}?status=failed&kind=request_new&page=2"
    queue.assert_called_once_with(email.pk)
    email.refresh_from_db()
    assert email.status == Status.PENDING
    assert email.attempts == 0
    assert "will be sent again" in _body(client.get(response.url))


def test_sent_again_the_email_goes_out(client, org, django_capture_on_commit_callbacks):
    email = _email(status=Status.FAILED, attempts=5, to="kate@example.com", subject="Your request")
    client.force_login(org.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_retry_url(email))
    assert [m.to for m in mail.outbox] == [["kate@example.com"]]
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert email.attempts == 1


def test_a_double_click_changes_the_row_once_and_queues_it_once(client, org, django_capture_on_commit_callbacks):
    email = _email(status=Status.FAILED, attempts=5)
    client.force_login(org.admin)
    with mock.patch("people.outbox._queue") as queue, django_capture_on_commit_callbacks(execute=True):
        client.post(_retry_url(email))
        second = client.post(_retry_url(email), follow=True)
    queue.assert_called_once_with(email.pk)
    assert "is no longer failed" in _body(second)
    email.refresh_from_db()
    assert email.status == Status.PENDING


@pytest.mark.parametrize("status", [Status.PENDING, Status.SENDING, Status.SENT])
def test_only_failed_rows_are_sent_again(client, org, status, django_capture_on_commit_callbacks):
    email = _email(status=status, attempts=3)
    client.force_login(org.admin)
    with mock.patch("people.outbox._queue") as queue, django_capture_on_commit_callbacks(execute=True):
        response = client.post(_retry_url(email))
    assert response.status_code == 302
    queue.assert_not_called()
    email.refresh_from_db()
    assert email.status == status
    assert email.attempts == 3


def test_retry_service_changes_a_failed_row_once(db, django_capture_on_commit_callbacks):
    email = _email(status=Status.FAILED, attempts=5)
    with mock.patch("people.outbox._queue") as queue, django_capture_on_commit_callbacks(execute=True):
        assert outbox_admin.retry_failed_email(email_id=email.pk) is True
        assert outbox_admin.retry_failed_email(email_id=email.pk) is False
    queue.assert_called_once_with(email.pk)


def test_retry_service_queues_nothing_until_the_commit(db, django_capture_on_commit_callbacks):
    email = _email(status=Status.FAILED)
    with mock.patch("people.outbox._queue") as queue, django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_admin.retry_failed_email(email_id=email.pk)
        queue.assert_not_called()
    assert len(callbacks) == 1
