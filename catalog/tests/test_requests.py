"""Managers' requests to L&D: services (who may do what, e-mails through the outbox) and selectors."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import request_selectors as selectors
from catalog import request_services as services
from catalog.models import CourseSkill, LearningRequest, RequestMessage
from catalog.selectors import current_skills
from catalog.tests.factories import CourseFactory
from people.models import OutboundEmail
from people.tests.factories import PersonFactory, ld_user

Status = LearningRequest.Status


@pytest.fixture
def delegation(db):
    return current_skills().get(key="delegation")


def _ask(org, *, note="Brian avoids handing work over.", skill=None, by=None, person=None):
    return services.create_learning_request(
        by=by or org.manager, person=person or org.employee_person, note=note, skill=skill
    )


def _course_for(skill, **kwargs):
    course = CourseFactory(**kwargs)
    CourseSkill.objects.create(course=course, skill=skill, level_from=1, level_to=3)
    return course


# --- asking ------------------------------------------------------------------


def test_a_manager_asks_about_a_report_and_every_ld_user_gets_an_email(
    org, delegation, django_capture_on_commit_callbacks
):
    second_ld = ld_user(full_name="Lisa Park")
    with django_capture_on_commit_callbacks(execute=True):
        learning_request = _ask(org, skill=delegation)
    assert learning_request.status == Status.NEW
    assert learning_request.requested_by == org.manager
    assert learning_request.skill == delegation
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {f"request-new:{learning_request.pk}:{user.pk}" for user in (org.ld, second_ld)}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.ld.email, second_ld.email])
    message = mail.outbox[0]
    assert "Kate Morgan" in message.subject and "Brian Walsh" in message.subject
    assert "Brian avoids handing work over." in message.body
    assert f"http://127.0.0.1:8000/catalog/requests/{learning_request.pk}/" in message.body
    assert "Delegation" in message.body


def test_inactive_ld_users_and_hr_get_no_email(org):
    gone = ld_user()
    gone.is_active = False
    gone.save()
    _ask(org)
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [org.ld.email]


def test_the_email_links_use_site_url(org, settings):
    settings.SITE_URL = "https://skills.example.com"
    learning_request = _ask(org)
    assert f"https://skills.example.com/catalog/requests/{learning_request.pk}/" in OutboundEmail.objects.get().body


def test_a_manager_can_ask_about_someone_further_down_the_chain(org):
    grandchild = PersonFactory(full_name="Ivy Chen", manager=org.employee_person)
    assert _ask(org, person=grandchild).person == grandchild


@pytest.mark.parametrize("asker", ["other_manager", "employee", "hr", "ld"])
def test_only_a_manager_in_the_persons_chain_may_ask(org, asker):
    with pytest.raises(ValidationError):
        _ask(org, by=getattr(org, asker))
    assert not LearningRequest.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_manager_cannot_ask_about_themself(org):
    with pytest.raises(ValidationError):
        _ask(org, person=org.manager_person)


def test_a_manager_cannot_ask_about_someone_who_has_left(org):
    org.employee_person.is_active = False
    org.employee_person.left_on = "2024-01-31"
    org.employee_person.save()
    with pytest.raises(ValidationError):
        _ask(org)


def test_an_administrator_may_ask_about_anyone(org):
    assert _ask(org, by=org.admin, person=org.other_employee_person).requested_by == org.admin


def test_an_empty_note_is_refused_and_changes_nothing(org):
    with pytest.raises(ValidationError, match="what help you need"):
        _ask(org, note="   ")
    assert not LearningRequest.objects.exists()


# --- L&D taking and answering ---------------------------------------------------


def test_ld_takes_a_request(org):
    learning_request = services.take_learning_request(learning_request=_ask(org), by=org.ld)
    learning_request.refresh_from_db()
    assert learning_request.status == Status.IN_PROGRESS
    assert learning_request.handled_by == org.ld


def test_only_ld_may_take_or_answer(org):
    learning_request = _ask(org)
    with pytest.raises(PermissionDenied):
        services.take_learning_request(learning_request=learning_request, by=org.manager)
    with pytest.raises(PermissionDenied):
        services.answer_learning_request(learning_request=learning_request, by=org.hr, body="Try this")


def test_an_answer_suggests_courses_and_emails_the_manager(org, delegation, django_capture_on_commit_callbacks):
    course = _course_for(delegation, title="Delegation in practice", duration_minutes=90)
    learning_request = _ask(org, skill=delegation)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.answer_learning_request(
            learning_request=learning_request, by=org.ld, body="Start with this workshop.", courses=[course]
        )
    learning_request.refresh_from_db()
    assert learning_request.status == Status.ANSWERED
    assert learning_request.handled_by == org.ld
    assert list(learning_request.suggested_courses.all()) == [course]
    assert message.body == "Start with this workshop."
    assert message.author == org.ld
    answer_email = OutboundEmail.objects.get(key=f"request-answer:{message.pk}")
    assert answer_email.to == org.manager.email
    assert answer_email.recipient == org.manager
    assert [m.to for m in mail.outbox] == [[org.manager.email]]
    body = mail.outbox[0].body
    assert "Start with this workshop." in body
    assert "Delegation in practice (Workshop" not in body  # the factory course is a video
    assert "Delegation in practice (Video, 1 h 30 min)" in body
    assert f"/catalog/{course.pk}/" in body


def test_a_second_answer_adds_to_the_suggestions(org):
    first, second = CourseFactory(), CourseFactory()
    learning_request = _ask(org)
    services.answer_learning_request(learning_request=learning_request, by=org.ld, body="One", courses=[first])
    services.answer_learning_request(learning_request=learning_request, by=org.ld, body="Two", courses=[second])
    assert set(learning_request.suggested_courses.all()) == {first, second}
    assert OutboundEmail.objects.filter(kind="request_answer").count() == 2


def test_a_retired_course_cannot_be_suggested(org):
    retired = CourseFactory(is_active=False)
    learning_request = _ask(org)
    with pytest.raises(ValidationError, match="retired"):
        services.answer_learning_request(learning_request=learning_request, by=org.ld, body="Try", courses=[retired])
    assert not RequestMessage.objects.exists()
    learning_request.refresh_from_db()
    assert learning_request.status == Status.NEW


def test_an_empty_answer_is_refused(org):
    learning_request = _ask(org)
    with pytest.raises(ValidationError):
        services.answer_learning_request(learning_request=learning_request, by=org.ld, body=" ")
    assert not RequestMessage.objects.exists()


# --- the manager writing back ----------------------------------------------------


def test_a_reply_reopens_the_request_and_emails_whoever_handles_it(org):
    second_ld = ld_user()
    learning_request = _ask(org)
    services.take_learning_request(learning_request=learning_request, by=org.ld)
    services.answer_learning_request(learning_request=learning_request, by=org.ld, body="Try coaching.")
    message = services.reply_to_learning_request(
        learning_request=learning_request, by=org.manager, body="Is there something shorter?"
    )
    learning_request.refresh_from_db()
    assert learning_request.status == Status.IN_PROGRESS
    replies = OutboundEmail.objects.filter(kind="request_reply")
    assert list(replies.values_list("key", "to")) == [(f"request-reply:{message.pk}:{org.ld.pk}", org.ld.email)]
    assert "Is there something shorter?" in replies.get().body
    assert not replies.filter(to=second_ld.email).exists()


def test_a_reply_nobody_has_taken_goes_to_all_of_ld(org):
    second_ld = ld_user()
    learning_request = _ask(org)
    services.reply_to_learning_request(learning_request=learning_request, by=org.manager, body="Any news?")
    learning_request.refresh_from_db()
    assert learning_request.status == Status.NEW
    assert set(OutboundEmail.objects.filter(kind="request_reply").values_list("to", flat=True)) == {
        org.ld.email,
        second_ld.email,
    }


def test_only_the_requesting_manager_may_reply(org):
    learning_request = _ask(org)
    with pytest.raises(PermissionDenied):
        services.reply_to_learning_request(learning_request=learning_request, by=org.other_manager, body="Hi")


# --- closing ----------------------------------------------------------------------


@pytest.mark.parametrize("closer", ["manager", "ld", "admin"])
def test_ld_or_the_requesting_manager_closes_a_request(org, closer):
    learning_request = services.close_learning_request(learning_request=_ask(org), by=getattr(org, closer))
    assert learning_request.status == Status.CLOSED


def test_another_manager_cannot_close_a_request(org):
    with pytest.raises(PermissionDenied):
        services.close_learning_request(learning_request=_ask(org), by=org.other_manager)


def test_a_closed_request_refuses_every_change(org):
    course = CourseFactory()
    learning_request = services.close_learning_request(learning_request=_ask(org), by=org.manager)
    emails_before = OutboundEmail.objects.count()
    attempts = [
        lambda: services.take_learning_request(learning_request=learning_request, by=org.ld),
        lambda: services.answer_learning_request(
            learning_request=learning_request, by=org.ld, body="Late", courses=[course]
        ),
        lambda: services.reply_to_learning_request(learning_request=learning_request, by=org.manager, body="Hi"),
        lambda: services.close_learning_request(learning_request=learning_request, by=org.ld),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="closed"):
            attempt()
    learning_request.refresh_from_db()
    assert learning_request.status == Status.CLOSED
    assert learning_request.handled_by is None
    assert not learning_request.suggested_courses.exists()
    assert not RequestMessage.objects.exists()
    assert OutboundEmail.objects.count() == emails_before


# --- selectors --------------------------------------------------------------------


def test_requests_for_scopes_to_the_asker_or_ld(org):
    mine = _ask(org)
    theirs = _ask(org, by=org.other_manager, person=org.other_employee_person)
    assert list(selectors.requests_for(org.manager)) == [mine]
    assert list(selectors.requests_for(org.other_manager)) == [theirs]
    assert set(selectors.requests_for(org.ld)) == {mine, theirs}
    assert set(selectors.requests_for(org.admin)) == {mine, theirs}
    assert not selectors.requests_for(org.hr).exists()
    assert not selectors.requests_for(org.employee).exists()


def test_filters_by_status_skill_and_words(org, delegation):
    feedback = current_skills().get(key="feedback")
    about_delegation = _ask(org, skill=delegation, note="Hands nothing over")
    about_feedback = _ask(org, skill=feedback, note="Harsh in reviews")
    answered = _ask(org, note="Needs a mentor")
    services.answer_learning_request(learning_request=answered, by=org.ld, body="Done")
    everything = selectors.requests_for(org.ld)

    assert set(selectors.filter_requests(everything)) == {about_delegation, about_feedback}
    assert list(selectors.filter_requests(everything, status="answered")) == [answered]
    assert set(selectors.filter_requests(everything, status="all")) == {about_delegation, about_feedback, answered}
    assert list(selectors.filter_requests(everything, skill_key="delegation")) == [about_delegation]
    assert list(selectors.filter_requests(everything, search="harsh")) == [about_feedback]
    assert len(selectors.filter_requests(everything, search="kate morgan", status="all")) == 3
    assert len(selectors.filter_requests(everything, search="brian", status="all")) == 3
    counts = selectors.status_counts(everything)
    assert counts == {"new": 2, "in_progress": 0, "answered": 1, "closed": 0, "open": 2, "all": 3}


def test_answer_courses_lists_active_courses_for_the_skill_first(org, delegation):
    CourseFactory(title="Alpha")
    _course_for(delegation, title="Zulu delegation")
    CourseFactory(title="Retired", is_active=False)
    titles = [c.title for c in selectors.answer_courses("delegation")]
    assert titles == ["Zulu delegation", "Alpha"]
    assert [c.title for c in selectors.answer_courses(None)] == ["Alpha", "Zulu delegation"]


def test_suggested_courses_for_a_person_are_active_newest_first_and_listed_once(org):
    old, new, retired, twice = (CourseFactory(title=t) for t in ("Old", "New", "Retired", "Twice"))
    first = _ask(org)
    services.answer_learning_request(learning_request=first, by=org.ld, body="a", courses=[old, twice, retired])
    second = _ask(org)
    services.answer_learning_request(learning_request=second, by=org.ld, body="b", courses=[new, twice])
    retired.is_active = False
    retired.save()
    other = _ask(org, by=org.other_manager, person=org.other_employee_person)
    services.answer_learning_request(learning_request=other, by=org.ld, body="c", courses=[CourseFactory()])

    suggestions = selectors.suggested_courses_for(org.employee_person)

    assert suggestions[0][1] == second
    assert sorted(c.title for c, _ in suggestions[:2]) == ["New", "Twice"]
    assert [(c.title, r.pk) for c, r in suggestions[2:]] == [("Old", first.pk)]


@pytest.mark.parametrize("size", [1, 12])
def test_suggested_courses_for_takes_one_query(org, size):
    for _ in range(size):
        learning_request = _ask(org)
        services.answer_learning_request(
            learning_request=learning_request, by=org.ld, body="x", courses=CourseFactory.create_batch(2)
        )
    with CaptureQueriesContext(connection) as queries:
        suggestions = selectors.suggested_courses_for(org.employee_person)
        [(c.title, r.skill) for c, r in suggestions]
    assert len(suggestions) == 2 * size
    assert len(queries) == 1
