"""Managers' requests to L&D: who may open what, forms, filters and query counts."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from catalog import request_services as services
from catalog.models import CourseSkill, LearningRequest, RequestMessage
from catalog.selectors import current_skills
from catalog.tests.factories import CourseFactory
from people.models import OutboundEmail
from people.tasks import send_email
from people.tests.factories import PersonFactory

Status = LearningRequest.Status


@pytest.fixture
def delegation(db):
    return current_skills().get(key="delegation")


@pytest.fixture
def learning_request(org):
    return services.create_learning_request(
        by=org.manager, person=org.employee_person, note="Brian avoids handing work over."
    )


def _new_url(org, person=None):
    return reverse("catalog:request_new", args=[(person or org.employee_person).pk])


# --- asking ------------------------------------------------------------------


def test_the_request_form_preselects_the_skill_from_the_query_string(client, org, delegation):
    client.force_login(org.manager)
    response = client.get(_new_url(org), {"skill": "delegation"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "What help do you need?" in body
    assert f'<option value="{delegation.pk}" selected>Delegation</option>' in body
    assert "Brian Walsh" in body


def test_an_unknown_skill_key_is_ignored(client, org):
    client.force_login(org.manager)
    response = client.get(_new_url(org), {"skill": "telepathy"})
    assert response.status_code == 200
    assert '<option value="" selected>No particular skill</option>' in response.content.decode()


def test_asking_creates_the_request_emails_ld_and_shows_it(client, org, delegation, django_capture_on_commit_callbacks):
    client.force_login(org.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_new_url(org), {"skill": delegation.pk, "note": "Needs to let go of the details."})
    learning_request = LearningRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("catalog:request_detail", args=[learning_request.pk])
    assert learning_request.skill == delegation
    assert [m.to for m in mail.outbox] == [[org.ld.email]]
    page = client.get(response.url).content.decode()
    assert "Your request is with L&amp;D" in page
    assert "Needs to let go of the details." in page


def test_an_empty_note_shows_an_error_and_creates_nothing(client, org):
    client.force_login(org.manager)
    response = client.post(_new_url(org), {"skill": "", "note": "  "})
    assert response.status_code == 200
    assert "Say what help you need" in response.content.decode()
    assert not LearningRequest.objects.exists()


def test_asking_works_when_the_broker_is_down(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.manager)
    with (
        mock.patch.object(send_email, "delay", side_effect=ConnectionError("redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(_new_url(org), {"note": "Help, please."})
    assert response.status_code == 302
    assert LearningRequest.objects.count() == 1
    assert list(OutboundEmail.objects.values_list("status", flat=True)) == ["pending"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "status"),
    [("other_manager", 404), ("employee", 403), ("other_employee", 403), ("ld", 403), ("hr", 403), ("admin", 200)],
)
def test_who_may_ask_about_brian(client, org, role, status):
    client.force_login(getattr(org, role))
    assert client.get(_new_url(org)).status_code == status
    assert client.post(_new_url(org), {"note": "x"}).status_code == (302 if status == 200 else status)


def test_a_manager_gets_404_for_themself_and_for_someone_outside_their_chain(client, org):
    client.force_login(org.manager)
    assert client.get(_new_url(org, org.manager_person)).status_code == 404
    assert client.get(_new_url(org, org.other_employee_person)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, org):
    response = client.get(_new_url(org))
    assert response.status_code == 302
    assert reverse("login") in response.url


# --- the list ----------------------------------------------------------------------


def test_ld_see_the_open_queue_with_counts(client, org, learning_request):
    answered = services.create_learning_request(by=org.manager, person=org.employee_person, note="Answered one")
    services.answer_learning_request(learning_request=answered, by=org.ld, body="Done")
    client.force_login(org.ld)
    response = client.get(reverse("catalog:request_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Requests from managers" in body
    assert "Brian avoids handing work over." in body
    assert "Answered one" not in body
    assert 'aria-current="page" href="?status=open">Open <span class="badge rounded-pill text-bg-primary">1' in body
    assert '>Answered <span class="badge rounded-pill text-bg-light border">1</span>' in body


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"status": "answered"}, "Answered one", "Brian avoids"),
        ({"status": "all"}, "Answered one", "nothing-hidden"),
        ({"skill": "delegation"}, "About delegation", "Brian avoids"),
        ({"q": "delegation"}, "About delegation", "Brian avoids"),
        ({"q": "kate", "status": "all"}, "Answered one", "Olivia"),
        ({"status": "nonsense"}, "Brian avoids", "Answered one"),
    ],
)
def test_ld_filter_the_queue(client, org, learning_request, delegation, params, shown, hidden):
    services.create_learning_request(
        by=org.manager, person=org.employee_person, note="About delegation", skill=delegation
    )
    answered = services.create_learning_request(by=org.manager, person=org.employee_person, note="Answered one")
    services.answer_learning_request(learning_request=answered, by=org.ld, body="Done")
    services.create_learning_request(by=org.other_manager, person=org.other_employee_person, note="Olivia's team")
    client.force_login(org.ld)
    body = client.get(reverse("catalog:request_list"), params).content.decode()
    assert shown in body
    assert hidden not in body


def test_a_manager_sees_only_their_own_requests(client, org, learning_request):
    services.create_learning_request(by=org.other_manager, person=org.other_employee_person, note="Olivia's team")
    client.force_login(org.manager)
    body = client.get(reverse("catalog:request_list")).content.decode()
    assert "Your requests to L&amp;D" in body
    assert "Brian avoids handing work over." in body
    assert "Olivia" not in body
    client.force_login(org.other_manager)
    body = client.get(reverse("catalog:request_list")).content.decode()
    assert "Brian" not in body


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_people_who_neither_ask_nor_answer_get_403_on_the_list(client, org, role):
    client.force_login(getattr(org, role))
    assert client.get(reverse("catalog:request_list")).status_code == 403


@pytest.mark.parametrize("size", [2, 40])
def test_the_queue_takes_the_same_queries_whatever_its_size(
    client, org, size, delegation, django_assert_max_num_queries
):
    people = PersonFactory.create_batch(3, manager=org.manager_person)
    for n in range(size):
        learning_request = services.create_learning_request(
            by=org.manager, person=people[n % 3], note=f"Request {n}", skill=delegation if n % 2 else None
        )
        if n % 3 == 0:
            services.take_learning_request(learning_request=learning_request, by=org.ld)
    client.force_login(org.ld)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("catalog:request_list"), {"status": "all", "q": "request"}).status_code == 200


@pytest.mark.parametrize("size", [2, 40])
def test_the_managers_list_takes_the_same_queries_whatever_its_size(client, org, size, django_assert_max_num_queries):
    for n in range(size):
        services.create_learning_request(by=org.manager, person=org.employee_person, note=f"Request {n}")
    client.force_login(org.manager)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("catalog:request_list")).status_code == 200


# --- one request -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("ld", 200),
        ("admin", 200),
        ("other_manager", 404),
        ("employee", 404),
        ("other_employee", 404),
        ("hr", 404),
    ],
)
def test_who_may_open_a_request(client, org, learning_request, role, status):
    client.force_login(getattr(org, role))
    assert client.get(reverse("catalog:request_detail", args=[learning_request.pk])).status_code == status


def test_the_thread_shows_note_messages_in_order_and_suggested_courses(client, org, learning_request):
    course = CourseFactory(title="Delegation in practice", duration_minutes=90)
    services.answer_learning_request(
        learning_request=learning_request, by=org.ld, body="First answer", courses=[course]
    )
    services.reply_to_learning_request(learning_request=learning_request, by=org.manager, body="Then a reply")
    client.force_login(org.manager)
    body = client.get(reverse("catalog:request_detail", args=[learning_request.pk])).content.decode()
    note, answer, reply = (body.index(t) for t in ("Brian avoids", "First answer", "Then a reply"))
    assert note < answer < reply
    assert "Senior Engineer" in body and "Engineering" in body
    assert reverse("catalog:course_detail", args=[course.pk]) in body
    assert "Video · 1 h 30 min" in body
    assert "Send the reply" in body
    assert "Send the answer" not in body


@pytest.mark.parametrize("size", [1, 20])
def test_a_request_page_takes_the_same_queries_whatever_its_length(
    client, org, learning_request, size, django_assert_max_num_queries
):
    CourseFactory.create_batch(size)
    for n in range(size):
        services.answer_learning_request(
            learning_request=learning_request, by=org.ld, body=f"Answer {n}", courses=[CourseFactory()]
        )
        services.reply_to_learning_request(learning_request=learning_request, by=org.manager, body=f"Reply {n}")
    client.force_login(org.ld)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("catalog:request_detail", args=[learning_request.pk])).status_code == 200


def test_the_answer_form_lists_the_courses_for_the_skill_first(client, org, delegation):
    learning_request = services.create_learning_request(
        by=org.manager, person=org.employee_person, note="Delegation help", skill=delegation
    )
    CourseFactory.create_batch(30)
    mapped = CourseFactory(title="Zz Delegation workshop")
    CourseSkill.objects.create(course=mapped, skill=delegation, level_from=1, level_to=3)
    client.force_login(org.ld)
    body = client.get(reverse("catalog:request_detail", args=[learning_request.pk])).content.decode()
    assert "These build Delegation" in body
    assert body.index("Zz Delegation workshop") < body.index("Course ")
    assert "Other courses (30)" in body
    assert body.count('class="btn btn-primary"') == 1


# --- L&D actions ---------------------------------------------------------------------


def test_ld_take_a_request(client, org, learning_request):
    client.force_login(org.ld)
    response = client.post(reverse("catalog:request_take", args=[learning_request.pk]))
    assert response.status_code == 302
    learning_request.refresh_from_db()
    assert (learning_request.status, learning_request.handled_by) == (Status.IN_PROGRESS, org.ld)


@pytest.mark.parametrize("role", ["manager", "employee", "hr"])
def test_only_ld_may_take_or_answer(client, org, learning_request, role):
    client.force_login(getattr(org, role))
    assert client.post(reverse("catalog:request_take", args=[learning_request.pk])).status_code == 403
    assert client.post(reverse("catalog:request_answer", args=[learning_request.pk]), {"body": "x"}).status_code == 403


def test_ld_answer_with_courses_and_the_manager_gets_an_email(
    client, org, learning_request, django_capture_on_commit_callbacks
):
    course = CourseFactory(title="Letting go")
    mail.outbox.clear()
    client.force_login(org.ld)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("catalog:request_answer", args=[learning_request.pk]),
            {"body": "Try this.", "courses": [course.pk]},
        )
    assert response.status_code == 302
    learning_request.refresh_from_db()
    assert learning_request.status == Status.ANSWERED
    assert list(learning_request.suggested_courses.all()) == [course]
    assert [m.to for m in mail.outbox] == [[org.manager.email]]
    assert "Letting go" in mail.outbox[0].body


def test_an_empty_answer_shows_an_error_and_changes_nothing(client, org, learning_request):
    client.force_login(org.ld)
    response = client.post(reverse("catalog:request_answer", args=[learning_request.pk]), {"body": ""})
    assert response.status_code == 200
    assert "Write your answer first." in response.content.decode()
    learning_request.refresh_from_db()
    assert learning_request.status == Status.NEW
    assert not RequestMessage.objects.exists()


def test_a_retired_course_is_a_form_error(client, org, learning_request):
    retired = CourseFactory(is_active=False)
    client.force_login(org.ld)
    response = client.post(
        reverse("catalog:request_answer", args=[learning_request.pk]), {"body": "Try", "courses": [retired.pk]}
    )
    assert response.status_code == 200
    assert "not on offer any more" in response.content.decode()
    assert not RequestMessage.objects.exists()
    assert not learning_request.suggested_courses.exists()


# --- the manager's reply and closing -------------------------------------------------


def test_the_manager_replies(client, org, learning_request):
    client.force_login(org.manager)
    response = client.post(reverse("catalog:request_reply", args=[learning_request.pk]), {"body": "Any news?"})
    assert response.status_code == 302
    assert RequestMessage.objects.get().body == "Any news?"
    assert OutboundEmail.objects.filter(kind="request_reply", to=org.ld.email).exists()


def test_an_empty_reply_shows_an_error(client, org, learning_request):
    client.force_login(org.manager)
    response = client.post(reverse("catalog:request_reply", args=[learning_request.pk]), {"body": " "})
    assert response.status_code == 200
    assert "Write your reply first." in response.content.decode()
    assert not RequestMessage.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("other_manager", 404), ("employee", 404), ("ld", 403)])
def test_only_the_requesting_manager_may_reply(client, org, learning_request, role, status):
    client.force_login(getattr(org, role))
    assert client.post(reverse("catalog:request_reply", args=[learning_request.pk]), {"body": "Hi"}).status_code == (
        status
    )
    assert not RequestMessage.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("manager", 302), ("ld", 302), ("other_manager", 404), ("hr", 404)])
def test_who_may_close_a_request(client, org, learning_request, role, status):
    client.force_login(getattr(org, role))
    assert client.post(reverse("catalog:request_close", args=[learning_request.pk])).status_code == status
    learning_request.refresh_from_db()
    assert (learning_request.status == Status.CLOSED) == (status == 302)


@pytest.mark.parametrize(
    ("role", "action", "data"),
    [
        ("ld", "catalog:request_take", {}),
        ("ld", "catalog:request_answer", {"body": "Late"}),
        ("manager", "catalog:request_reply", {"body": "Late"}),
        ("manager", "catalog:request_close", {}),
    ],
)
def test_acting_on_a_closed_request_says_so_and_changes_nothing(client, org, learning_request, role, action, data):
    services.close_learning_request(learning_request=learning_request, by=org.manager)
    client.force_login(getattr(org, role))
    response = client.post(reverse(action, args=[learning_request.pk]), data, follow=True)
    assert "This request is closed, so nothing was changed." in response.content.decode()
    learning_request.refresh_from_db()
    assert learning_request.status == Status.CLOSED
    assert learning_request.handled_by is None
    assert not RequestMessage.objects.exists()
