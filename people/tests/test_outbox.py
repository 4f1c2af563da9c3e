import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.utils import timezone

from people import outbox
from people.models import OutboundEmail
from people.tasks import send_email, send_pending_emails

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"

pytestmark = pytest.mark.django_db


def _record(key="reminder:1", **kwargs):
    values = {"key": key, "kind": "reminder", "to": "kate@example.com", "subject": "Check-in", "body": "Hello"}
    return outbox.record_email(**{**values, **kwargs})


def _age(email, minutes):
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def _due_now(email):
    """As if its retry time (after a mail server error) had come."""
    OutboundEmail.objects.filter(pk=email.pk).update(retry_at=timezone.now() - timedelta(seconds=1))


def test_recording_the_same_key_twice_keeps_one_row_and_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _record()
        second = _record(subject="Another subject")
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Check-in"
    assert mail.outbox[0].to == ["kate@example.com"]
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None


def test_recording_again_after_sending_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _record()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _record()
    assert callbacks == []
    assert len(mail.outbox) == 1


def test_nothing_is_queued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _record()
        raise RuntimeError("the caller failed")
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_a_retried_task_after_success_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _record()
    send_email.delay(email.pk)
    send_email.apply(args=[email.pk])
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().attempts == 1


def test_a_row_claimed_by_another_worker_is_left_alone():
    email = _record()
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.SENDING, attempts=1)
    assert outbox.send_recorded_email(email_id=email.pk) is False
    assert mail.outbox == []
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENDING


def test_an_smtp_failure_leaves_it_pending_with_the_error_and_a_later_run_sends_it_once():
    email = _record()
    with (
        mock.patch(LOCMEM_SEND, side_effect=smtplib.SMTPServerDisconnected("connection lost")),
        pytest.raises(outbox.MailServerError, match="connection lost"),
    ):
        outbox.send_recorded_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert "connection lost" in email.last_error
    assert email.attempts == 1
    assert email.claimed_at is None
    # It waits a minute before the next try (the backoff), whoever tries.
    assert timedelta(seconds=55) < email.retry_at - timezone.now() <= timedelta(minutes=1)
    assert outbox.send_recorded_email(email_id=email.pk) is False
    assert mail.outbox == []

    _due_now(email)
    assert outbox.send_recorded_email(email_id=email.pk) is True
    assert outbox.send_recorded_email(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.last_error == ""
    assert email.attempts == 2
    assert len(mail.outbox) == 1


def test_the_task_retries_a_mail_server_error_with_backoff():
    email = _record()
    with (
        mock.patch(LOCMEM_SEND, side_effect=ConnectionRefusedError("refused")),
        mock.patch.object(send_email, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        send_email.run(email.pk)
    assert 60 <= retry.call_args.kwargs["countdown"] <= 66  # one minute, plus up to a tenth of jitter
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.PENDING
    assert "refused" in row.last_error


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (9, 30)])
def test_the_backoff_doubles_and_stays_below_the_brokers_visibility_timeout(settings, attempts, minutes):
    assert outbox.retry_delay(attempts) == timedelta(minutes=minutes)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert outbox.retry_delay(attempts).total_seconds() * 1.1 + 1 < visibility


def test_run_eagerly_a_mail_server_error_does_not_raise_and_leaves_the_row_for_the_sweep():
    email = _record()
    with mock.patch(LOCMEM_SEND, side_effect=smtplib.SMTPException("busy")):
        send_email.apply(args=[email.pk]).get()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1


def test_an_email_fails_for_good_after_five_attempts():
    email = _record()
    with mock.patch(LOCMEM_SEND, side_effect=smtplib.SMTPException("busy")):
        for _ in range(outbox.MAX_ATTEMPTS - 1):
            with pytest.raises(outbox.MailServerError):
                outbox.send_recorded_email(email_id=email.pk)
            _due_now(email)
        assert outbox.send_recorded_email(email_id=email.pk) is False  # the last attempt: failed for good
    email.refresh_from_db()
    assert email.retry_at is None
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert outbox.send_recorded_email(email_id=email.pk) is False
    assert mail.outbox == []


def test_the_sweep_sends_leftovers_and_skips_sent_and_fresh_ones():
    leftover = _record("a")
    other_leftover = _record("b")
    _record("c")  # recorded just now: its task is probably on its way
    already_sent = _record("d")
    for email in (leftover, other_leftover, already_sent):
        _age(email, 5)
    OutboundEmail.objects.filter(pk=already_sent.pk).update(status=OutboundEmail.Status.SENT, sent_at=timezone.now())

    result = outbox.send_pending_emails(batch_size=1)

    assert result.sent == 2
    assert len(mail.outbox) == 2
    statuses = dict(OutboundEmail.objects.values_list("key", "status"))
    assert statuses == {"a": "sent", "b": "sent", "c": "pending", "d": "sent"}
    assert outbox.send_pending_emails().sent == 0
    assert len(mail.outbox) == 2


def test_the_sweep_reuses_one_connection():
    for key in ("a", "b", "c"):
        _age(_record(key), 5)
    with mock.patch("people.outbox.mail.get_connection", wraps=mail.get_connection) as get_connection:
        send_pending_emails.apply().get()
    assert get_connection.call_count == 1
    assert len(mail.outbox) == 3


def _claimed(email, *, ago, attempts=1):
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING, attempts=attempts, claimed_at=timezone.now() - ago
    )


def test_the_sweep_takes_back_rows_a_stopped_worker_claimed_and_sends_them_once(settings):
    settings.OUTBOX_RELEASE_AFTER = 360
    stopped = _record("stopped")
    working = _record("working")  # claimed a minute ago: its worker may still be sending it
    for email in (stopped, working):
        _age(email, 30)
    _claimed(stopped, ago=timedelta(minutes=7))
    _claimed(working, ago=timedelta(minutes=1))
    assert list(outbox.stuck_emails().values_list("pk", flat=True)) == [stopped.pk]

    result = outbox.send_pending_emails()

    assert result.released == [stopped.pk]
    assert result.sent == 1
    assert [m.to for m in mail.outbox] == [["kate@example.com"]]
    rows = dict(OutboundEmail.objects.values_list("key", "status"))
    assert rows == {"stopped": "sent", "working": "sending"}
    assert OutboundEmail.objects.get(key="stopped").attempts == 2
    assert outbox.send_pending_emails().sent == 0


def test_a_row_whose_worker_stopped_again_and_again_fails_for_good_instead_of_looping(settings):
    settings.OUTBOX_RELEASE_AFTER = 360
    email = _record()
    _claimed(email, ago=timedelta(minutes=7), attempts=outbox.MAX_ATTEMPTS)
    assert outbox.send_pending_emails().released == [email.pk]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "worker stopped" in email.last_error
    assert mail.outbox == []


def test_the_sweep_stops_at_a_mail_server_error_and_counts_no_attempt_for_the_rest():
    emails = [_record(str(n)) for n in range(5)]
    for email in emails:
        _age(email, 5)
    with mock.patch(LOCMEM_SEND, side_effect=OSError("network unreachable")):
        result = outbox.send_pending_emails()
    assert (result.sent, result.failed) == (0, 1)
    rows = list(OutboundEmail.objects.order_by("pk").values_list("status", "attempts", "claimed_at"))
    assert rows == [("pending", 1, None)] + [("pending", 0, None)] * 4
    # The next sweep sends the four untried; the failed one waits for its retry time.
    assert outbox.send_pending_emails().sent == 4
    _due_now(emails[0])
    assert outbox.send_pending_emails().sent == 1
    assert len(mail.outbox) == 5


def test_when_publishing_fails_the_row_stays_pending_and_the_caller_goes_on(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(send_email, "delay", side_effect=ConnectionError("redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = _record()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert mail.outbox == []
    _age(email, 2)
    assert outbox.send_pending_emails().sent == 1
    assert len(mail.outbox) == 1


def test_render_email_builds_absolute_links_from_site_url(settings, tmp_path):
    settings.SITE_URL = "https://skills.example.com/"
    assert outbox.absolute_url("/catalog/requests/3/") == "https://skills.example.com/catalog/requests/3/"


def test_the_command_sends_what_is_waiting_and_says_how_many():
    from io import StringIO

    from django.core.management import call_command

    with mock.patch.object(outbox, "_queue"):  # as if the broker were down: nothing sent on commit
        email = _record()
    _age(email, 5)
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "Sent 1, failed 0" in out.getvalue()
    assert len(mail.outbox) == 1
    call_command("send_pending_emails", stdout=StringIO())
    assert len(mail.outbox) == 1


def _emails(n, **extra):
    from people.outbox import Email

    return [
        Email(key=f"bulk:{i}", kind="bulk", to=f"p{i}@example.com", subject=f"S{i}", body="B", **extra)
        for i in range(n)
    ]


def test_record_emails_adds_each_key_once_and_queues_the_new_ones(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.record_emails(_emails(3))
    assert len(first) == 3 and len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        again = outbox.record_emails(_emails(4))
    assert len(again) == 1
    assert OutboundEmail.objects.filter(kind="bulk").count() == 4
    assert len(mail.outbox) == 4


def test_a_batch_goes_out_over_one_connection_and_never_twice(db, monkeypatch):
    opened = []
    real = mail.get_connection

    def counting(*args, **kwargs):
        connection = real(*args, **kwargs)
        opened.append(connection)
        return connection

    ids = outbox.record_emails(_emails(5))
    monkeypatch.setattr(outbox.mail, "get_connection", counting)
    first = outbox.send_recorded_emails(email_ids=ids)
    assert (first.sent, first.failed, first.retry) == (5, 0, [])
    second = outbox.send_recorded_emails(email_ids=ids)
    assert (second.sent, second.failed, second.retry) == (0, 0, [])
    assert len(mail.outbox) == 5 and len(opened) == 1  # the second call had nothing to send


def test_a_batch_opens_one_smtp_connection_for_all_its_emails(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    ids = outbox.record_emails(_emails(4))
    with mock.patch("django.core.mail.backends.smtp.smtplib.SMTP") as smtp:
        smtp.return_value.sendmail.return_value = {}
        result = outbox.send_recorded_emails(email_ids=ids)
    assert result.sent == 4
    assert smtp.call_count == 1  # one connection...
    assert smtp.return_value.sendmail.call_count == 4  # ...four messages over it
    recipients = [call.args[1] for call in smtp.return_value.sendmail.call_args_list]
    assert recipients == [[f"p{i}@example.com"] for i in range(4)]


def test_a_refused_address_fails_for_good_and_the_batch_goes_on(db):
    ids = outbox.record_emails(_emails(3))
    refused = smtplib.SMTPRecipientsRefused({"p1@example.com": (550, b"no such user")})
    real = mail.backends.locmem.EmailBackend.send_messages

    def refuse_p1(backend, messages):
        if messages[0].to == ["p1@example.com"]:
            raise refused
        return real(backend, messages)

    with mock.patch(LOCMEM_SEND, refuse_p1):
        result = outbox.send_recorded_emails(email_ids=ids)
    assert (result.sent, result.failed, result.retry) == (2, 1, [])
    statuses = dict(OutboundEmail.objects.values_list("to", "status"))
    assert statuses == {"p0@example.com": "sent", "p1@example.com": "failed", "p2@example.com": "sent"}


def test_a_batch_stops_at_a_mail_server_error_and_hands_back_the_rest_to_retry(db):
    ids = outbox.record_emails(_emails(4))
    real = mail.backends.locmem.EmailBackend.send_messages

    def fail_on_p1(backend, messages):
        if messages[0].to == ["p1@example.com"]:
            raise smtplib.SMTPServerDisconnected("gone")
        return real(backend, messages)

    with mock.patch(LOCMEM_SEND, fail_on_p1):
        result = outbox.send_recorded_emails(email_ids=ids)
    assert (result.sent, result.failed) == (1, 0)
    assert result.retry == ids[1:] and result.retry_in == timedelta(minutes=1)
    rows = list(OutboundEmail.objects.order_by("pk").values_list("status", "attempts"))
    assert rows == [("sent", 1), ("pending", 1), ("pending", 0), ("pending", 0)]


def test_the_batch_task_retries_what_was_not_sent(db):
    from people.tasks import send_email_batch

    ids = outbox.record_emails(_emails(2))
    with (
        mock.patch(LOCMEM_SEND, side_effect=smtplib.SMTPServerDisconnected("gone")),
        mock.patch.object(send_email_batch, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        send_email_batch.run(ids)
    assert retry.call_args.kwargs["args"] == [ids]
    assert 60 <= retry.call_args.kwargs["countdown"] <= 66


def test_a_calendar_invite_is_attached(db):
    ids = outbox.record_emails(_emails(1, ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
    outbox.send_recorded_emails(email_ids=ids)
    (name, content, mimetype) = mail.outbox[0].attachments[0]
    assert name == "invite.ics" and "VCALENDAR" in content and mimetype.startswith("text/calendar")
