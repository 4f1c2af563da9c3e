"""The audit trail: PostgreSQL triggers record who changed what, HR reads it per person, nobody can edit it.

Tests marked `services` need the triggers, so PostgreSQL (CI runs them); the others hold on SQLite too.
Changes made inside `acting(user)` carry that user as the request middleware would; changes made through
the test client go through the real middleware (reports/audit_middleware.py).
"""

import json

import pghistory
import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pghistory.models import Context

from assessments.models import Assessment, AssessmentAuditEvent, RoleProfile, SkillResult, SkillResultAuditEvent
from assessments.services.roles import set_person_role
from devplans.models import (
    CheckIn,
    Feedback,
    FeedbackAuditEvent,
    Goal,
    GoalAuditEvent,
    LearningItem,
    PracticeItem,
)
from devplans.services import checkins, items, plans
from devplans.tests.helpers import course_for, in_weeks, skill
from people.audit import VIEWED
from people.models import HR_GROUP, GroupMembershipAuditEvent, Person, PersonAuditEvent, UserAuditEvent
from people.tests.factories import add_to_group
from reports import audit_selectors
from reports.tests.dashboard_data import agreed_plan_from_gap, complete_course

pytestmark = pytest.mark.django_db

SECRET = "Brian froze in the client meeting"
EVENT_MODELS = [source.event_model for source in audit_selectors.SOURCES]


def acting(user, url="/test/"):
    """Changes inside are recorded as made by `user` on `url`, as during a request."""
    return pghistory.context(user=user.pk, url=url)


def history_url(person):
    return reverse("reports:person_history", args=[person.pk])


def page_text(client, person, page=1):
    response = client.get(history_url(person), {"page": page})
    assert response.status_code == 200
    return response.content.decode()


def everything_in(model) -> str:
    """Every value of every row of an event table, context included, as one string."""
    return json.dumps(list(model.objects.values()), default=str)


@pytest.fixture
def brian(org):
    """Brian with one of everything, made by Kate: an assessment with a gap, an agreed plan with a goal, a
    completed course, a practice assignment, check-ins and feedback, and a role."""
    person = org.employee_person
    with acting(org.manager):
        plan, goal = agreed_plan_from_gap(person, org.manager)
        complete_course(plan, goal, org.manager, person)
        practice = plans.add_practice_item(plan=plan, by=org.manager, description="Run the stand-up", goal=goal)
        checkins.give_feedback(person=person, by=org.manager, text="Good hand-over", skill=skill("delegation"))
    org.plan, org.goal, org.practice = plan, goal, practice
    return org


# --- what the triggers record ---------------------------------------------------------------------------------------


@pytest.mark.services
def test_a_manager_starting_an_assessment_is_recorded_with_who_and_where(client, org):
    client.force_login(org.manager)
    url = reverse("assessments:start_assessment", args=[org.employee_person.pk])

    assert client.post(url).status_code == 302

    [event] = AssessmentAuditEvent.objects.filter(person_id=org.employee_person.pk)
    assert event.pgh_label == "insert"
    assert event.assessor_id == org.manager.pk and event.status == Assessment.Status.DRAFT
    assert event.pgh_context == {"user": org.manager.pk, "url": url}


@pytest.mark.services
def test_changing_a_goal_records_the_new_level_and_that_the_outcome_changed_but_not_its_text(client, brian):
    goal = brian.goal
    client.force_login(brian.manager)
    url = reverse("devplans:change_goal", args=[brian.plan.pk, goal.pk])
    data = {"version": goal.version, "target_level": 4, "outcome": SECRET, "due_on": goal.due_on}

    assert client.post(url, data).status_code == 302

    events = GoalAuditEvent.objects.filter(pgh_obj_id=goal.pk, pgh_context__url=url)
    assert sorted(e.pgh_label for e in events) == ["outcome.changed", "update"]
    assert {(e.target_level, e.pgh_context["user"]) for e in events} == {(4, brian.manager.pk)}
    assert SECRET not in everything_in(GoalAuditEvent)


@pytest.mark.services
def test_feedback_is_recorded_with_the_manager_who_gave_it_and_without_its_text(client, org):
    client.force_login(org.manager)
    url = reverse("devplans:give_feedback", args=[org.employee_person.pk])

    response = client.post(url, {"text": SECRET, "skill": skill("delegation").pk})

    assert response.status_code == 302
    [event] = FeedbackAuditEvent.objects.filter(person_id=org.employee_person.pk)
    assert (event.pgh_label, event.given_by_id, event.skill_id) == ("insert", org.manager.pk, skill("delegation").pk)
    assert event.pgh_context["user"] == org.manager.pk
    assert SECRET not in everything_in(FeedbackAuditEvent)


@pytest.mark.services
def test_a_manager_change_made_by_a_bulk_update_is_recorded(org):
    brian = org.employee_person

    with acting(org.hr, url="/people/import/"):
        # QuerySet.update() sends no model signals: only a trigger sees it.
        Person.objects.filter(pk=brian.pk).update(manager=org.other_manager_person)

    [event] = PersonAuditEvent.objects.filter(pgh_obj_id=brian.pk, pgh_label="update")
    assert event.manager_id == org.other_manager_person.pk
    assert event.pgh_context == {"user": org.hr.pk, "url": "/people/import/"}


@pytest.mark.services
def test_a_change_that_touches_no_tracked_field_records_nothing(org):
    brian = org.employee_person
    before = PersonAuditEvent.objects.count()

    Person.objects.filter(pk=brian.pk).update(full_name="Brian W.", time_zone="Europe/Paris")

    assert PersonAuditEvent.objects.count() == before


@pytest.mark.services
def test_adding_someone_to_the_hr_group_and_taking_them_out_is_recorded(org):
    with acting(org.admin):
        add_to_group(org.employee, HR_GROUP)
        org.employee.groups.clear()

    events = GroupMembershipAuditEvent.objects.filter(user_id=org.employee.pk)
    hr = Group.objects.get(name=HR_GROUP)
    assert [(e.pgh_label, e.group_id, e.pgh_context["user"]) for e in events.order_by("pgh_id")] == [
        ("insert", hr.pk, org.admin.pk),
        ("delete", hr.pk, org.admin.pk),
    ]


@pytest.mark.services
def test_an_account_made_staff_is_recorded(org):
    with acting(org.admin):
        type(org.employee).objects.filter(pk=org.employee.pk).update(is_staff=True)

    event = UserAuditEvent.objects.filter(pgh_obj_id=org.employee.pk).latest("pgh_id")
    assert (event.pgh_label, event.is_staff, event.pgh_context["user"]) == ("update", True, org.admin.pk)


@pytest.mark.services
def test_a_change_outside_any_request_is_recorded_without_a_user(client, org):
    Person.objects.filter(pk=org.employee_person.pk).update(job_title="Staff Engineer")  # as a Celery task would

    event = org.employee_person.audit_events.latest("pgh_id")
    assert (event.pgh_label, event.job_title, event.pgh_context) == ("update", "Staff Engineer", None)
    client.force_login(org.hr)
    assert "System" in page_text(client, org.employee_person)


@pytest.mark.services
def test_deleting_a_goal_keeps_its_events(brian):
    goal = brian.goal
    with acting(brian.manager):
        plans.remove_goal(goal=goal, by=brian.manager, expected_version=goal.version)

    assert not Goal.objects.filter(pk=goal.pk).exists()
    labels = list(GoalAuditEvent.objects.filter(pgh_obj_id=goal.pk).order_by("pgh_id").values_list("pgh_label"))
    assert labels[0] == ("insert",) and labels[-1] == ("delete",)


@pytest.mark.services
@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_the_app_cannot_change_or_delete_an_audit_event(brian, model):
    with acting(brian.admin):
        set_person_role(person=brian.employee_person, current=RoleProfile.objects.get(key="engineer"), target=None)
        add_to_group(brian.other_employee, HR_GROUP)
    assert model.objects.exists()

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        model.objects.update(pgh_label="edited")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        model.objects.all().delete()
    assert not model.objects.filter(pgh_label="edited").exists()


# --- the history page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employee", "manager", "other_manager", "ld"])
def test_only_hr_and_administrators_find_a_history_page(client, org, role):
    client.force_login(getattr(org, role))

    assert client.get(history_url(org.employee_person)).status_code == 404


@pytest.mark.services
def test_hr_reads_who_changed_what_in_plain_words(client, brian):
    goal = brian.goal
    with acting(brian.manager):
        plans.change_goal(
            goal=goal,
            by=brian.manager,
            expected_version=goal.version,
            target_level=4,
            outcome=SECRET,
            due_on=goal.due_on,
        )
    with acting(brian.hr):
        Person.objects.filter(pk=brian.employee_person.pk).update(manager=brian.other_manager_person)
    client.force_login(brian.hr)

    body = page_text(client, brian.employee_person)

    assert "History of Brian Walsh" in body
    assert "Changed goal “Delegation”" in body
    assert "Target level: 3 → 4" in body
    assert "Text changed (what it said is not kept in the history): Measurable outcome" in body
    assert "Manager: Kate Morgan → Sam Ortiz" in body
    assert "Added feedback on “Delegation”" in body
    assert "Kate Morgan" in body and "on /test/" in body
    assert SECRET not in body
    assert "target_level" not in body


def test_opening_a_persons_data_page_and_downloading_it_are_in_their_history(client, org):
    brian = org.employee_person
    client.force_login(org.hr)

    assert client.get(reverse("reports:person_data", args=[brian.pk])).status_code == 200
    client.get(reverse("reports:person_data_download", args=[brian.pk, "json"]))

    [viewed] = PersonAuditEvent.objects.filter(pgh_obj_id=brian.pk, pgh_label=VIEWED)
    assert viewed.pgh_context == {"user": org.hr.pk, "url": reverse("reports:person_data", args=[brian.pk])}
    body = page_text(client, brian)
    assert "Opened the page of everything held about this person" in body
    assert "Downloaded everything held about this person" in body and "Format: JSON" in body


def test_a_refused_data_page_is_not_recorded_as_viewed(client, org):
    client.force_login(org.manager)

    assert client.get(reverse("reports:person_data", args=[org.employee_person.pk])).status_code == 403

    assert not PersonAuditEvent.objects.filter(pgh_label=VIEWED).exists()


def test_exports_a_person_made_are_in_their_history(client, org):
    client.force_login(org.hr)
    client.get(reverse("reports:dataset_export", kwargs={"key": "people", "fmt": "csv"}))

    body = page_text(client, Person.objects.get(user=org.hr))

    assert "Exported raw data “people”" in body and "Format: CSV" in body


def test_without_triggers_the_page_says_so(client, org, monkeypatch):
    monkeypatch.setattr(audit_selectors, "records_changes", lambda: False)
    client.force_login(org.hr)

    body = page_text(client, org.employee_person)

    assert "This database (SQLite, the demo) keeps none" in body


def test_the_person_page_links_to_the_history_for_hr_only(client, org):
    url = history_url(org.employee_person)
    client.force_login(org.hr)
    assert url in client.get(org.employee_person.get_absolute_url()).content.decode()
    client.force_login(org.manager)
    assert url not in client.get(org.employee_person.get_absolute_url()).content.decode()


# --- anonymisation ------------------------------------------------------------------------------------------------


@pytest.mark.services
def test_anonymising_a_leaver_leaves_no_erased_text_in_any_audit_table_and_is_itself_in_the_trail(client, brian):
    person, plan = brian.employee_person, brian.plan
    with acting(brian.manager):
        # Free text written and rewritten through the services and in bulk: every kind the anonymisation erases.
        goal = Goal.objects.get(pk=brian.goal.pk)
        plans.change_goal(
            goal=goal,
            by=brian.manager,
            expected_version=goal.version,
            target_level=3,
            outcome=SECRET,
            due_on=goal.due_on,
        )
        plan.refresh_from_db()
        plans.update_plan(
            plan=plan,
            by=brian.manager,
            expected_version=plan.version,
            career_goal=SECRET,
            target_role=None,
            cadence_weeks=4,
        )
        SkillResult.objects.filter(assessment__person=person).update(note=SECRET, mistakes=SECRET)
        LearningItem.objects.filter(plan=plan).update(employee_note=SECRET, manager_observation=SECRET)
        PracticeItem.objects.filter(plan=plan).update(reflection=SECRET, manager_feedback=SECRET)
        CheckIn.objects.filter(plan=plan).update(employee_comment=SECRET, manager_feedback=SECRET)
        Feedback.objects.filter(person=person).update(text=SECRET)
    assert SECRET in json.dumps(list(SkillResult.objects.values("note")))
    with acting(brian.hr):
        Person.objects.filter(pk=person.pk).update(is_active=False, left_on=in_weeks(0))
    client.force_login(brian.hr)
    anonymise_url = reverse("reports:person_anonymise", args=[person.pk])

    response = client.post(anonymise_url, {"confirmation": person.employee_number})

    assert response.status_code == 302
    # Every audit table, and pghistory's table of request contexts (user id and path) the triggers fill in passing.
    for model in [*EVENT_MODELS, Context]:
        text = everything_in(model)
        assert SECRET not in text, model.__name__
        assert "Brian Walsh" not in text and brian.employee.email not in text, model.__name__
    body = page_text(client, person)
    assert "Anonymised this person" in body
    erased = SkillResultAuditEvent.objects.filter(pgh_context__url=anonymise_url, pgh_label="note.changed")
    assert erased.exists() and {e.pgh_context["user"] for e in erased} == {brian.hr.pk}


# --- query count --------------------------------------------------------------------------------------------------


def _grow(org, plan, n):
    """n more goals, courses, practice and feedback, each goal and course changed later: 6 × n more entries."""
    from assessments.models import Skill

    skills = Skill.objects.filter(rubric_version=plan.goals.first().skill.rubric_version).exclude(goals__plan=plan)
    for skill_ in skills[:n]:
        with acting(org.manager):
            goal = plans.add_goal(
                plan=plan, by=org.manager, skill=skill_, target_level=3, outcome="x", due_on=in_weeks(8)
            )
            item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for(skill_.key), goal=goal)
            plans.add_practice_item(plan=plan, by=org.manager, description=f"Try {skill_.name}", goal=goal)
            checkins.give_feedback(person=org.employee_person, by=org.manager, text="z", skill=skill_)
        with acting(org.manager):
            Goal.objects.filter(pk=goal.pk).update(target_level=4, outcome="y")
            item.refresh_from_db()
            items.set_learning_status(item=item, by=org.manager, expected_version=item.version, status="in_progress")


@pytest.mark.services
def test_the_history_page_reads_the_same_number_of_queries_for_few_or_many_events(
    client, brian, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    client.force_login(brian.hr)
    person = brian.employee_person
    page_text(client, person)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        page_text(client, person)
    assert len(audit_selectors.history_of(person)) < audit_selectors.PAGE_SIZE

    _grow(brian, brian.plan, 8)
    assert len(audit_selectors.history_of(person)) > audit_selectors.PAGE_SIZE

    with django_assert_max_num_queries(len(few)):
        page_text(client, person)
    with django_assert_max_num_queries(len(few)):
        page_text(client, person, page=2)


def test_entries_of_one_row_in_one_request_read_as_one_change(org):
    """An UPDATE of a level and a note writes two events; the history shows one change with both."""
    from datetime import UTC, datetime
    from uuid import uuid4

    source = next(s for s in audit_selectors.SOURCES if s.event_model is SkillResultAuditEvent)
    at, request = datetime(2026, 3, 2, 9, 0, tzinfo=UTC), uuid4()
    base = {"assessment_id": 1, "skill_id": 2, "mistake_frequency": None, "impact": None, "target": 3}
    base |= {"gap": 0, "priority": 0, "pgh_obj_id": 7, "pgh_context": {"user": 5, "url": "/a/"}}
    rows = [
        {**base, "pgh_id": 1, "pgh_label": "insert", "pgh_created_at": at, "pgh_context_id": None, "level": None},
        *(
            {**base, "pgh_id": n, "pgh_label": label, "pgh_created_at": at.replace(hour=10), "pgh_context_id": request}
            | {"level": 2}
            for n, label in ((2, "note.changed"), (3, "update"))
        ),
    ]

    added, changed = audit_selectors._entries_from(source, 0, rows)

    assert added.kind == "added" and changed.kind == "changed"
    assert [(f.name, old, new) for f, old, new in changed.changes] == [("level", None, 2)]
    assert [f.name for f in changed.texts_changed] == ["note"]


def test_every_audited_table_is_read_for_a_persons_history(org):
    """Each event model the app defines is one of the history's sources (a new one must be added there)."""
    from django.apps import apps
    from pghistory.models import Event

    defined = {m for m in apps.get_models() if issubclass(m, Event)}

    assert defined == set(EVENT_MODELS)
