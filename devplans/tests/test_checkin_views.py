"""The check-in page (agenda, recording it, the person's comment), moving a check-in, and feedback at any time."""

import pytest
from django.urls import reverse
from django.utils import timezone

from devplans.models import CheckIn, Feedback, Goal
from devplans.services import checkins, plans
from devplans.tests.helpers import agreed_plan, in_weeks, plan_with_goal, skill

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_employee", "other_manager", "ld"]


def scheduled(org):
    """An agreed plan meeting every twelve weeks, so its goal (due in eight) is on the agenda as due soon."""
    plan, goal = agreed_plan(org)
    plans.update_plan(
        plan=plan,
        by=org.manager,
        expected_version=plan.version,
        career_goal=plan.career_goal,
        target_role=None,
        cadence_weeks=12,
    )
    return plan, goal, plan.checkins.get(status=CheckIn.Status.SCHEDULED)


def held(org, **extra):
    plan, goal, checkin = scheduled(org)
    checkins.record_checkin(
        checkin=checkin,
        by=org.manager,
        expected_version=checkin.version,
        held_on=timezone.localdate(),
        progress={goal.pk: (Goal.Progress.ON_TRACK, "Two hand-overs")},
        feedback="Good progress on hand-overs",
        **extra,
    )
    checkin.refresh_from_db()
    return plan, goal, checkin


def url(checkin):
    return reverse("devplans:checkin", args=[checkin.pk])


def body_of(response):
    return response.content.decode()


def record_data(checkin, goal, **changes):
    return {
        "version": checkin.version,
        "held_on": timezone.localdate(),
        f"progress_{goal.pk}": "on_track",
        f"note_{goal.pk}": "Handed over the release",
        "feedback": "Well done on the release hand-over",
        "employee_comment": "",
    } | changes


# --- who may open it ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("employee", 200), ("manager", 200), ("hr", 200), ("admin", 200)] + [(role, 404) for role in OUTSIDERS],
)
def test_the_check_in_page_answers_each_role(client, org, role, status):
    _, _, checkin = scheduled(org)
    client.force_login(getattr(org, role))
    assert client.get(url(checkin)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, org):
    _, _, checkin = scheduled(org)
    assert client.get(url(checkin)).status_code == 302


def test_the_manager_sees_the_agenda_and_the_form_to_record_it(client, org):
    plan, goal, checkin = scheduled(org)
    plans.add_practice_item(plan=plan, by=org.manager, description="Run the stand-up", goal=goal)
    client.force_login(org.manager)
    body = body_of(client.get(url(checkin)))
    assert "Agenda" in body and "Goals due soon" in body
    assert reverse("devplans:record_checkin", args=[checkin.pk]) in body
    assert f'name="progress_{goal.pk}"' in body and 'type="date"' in body
    assert body.count("btn-primary") == 1


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_others_read_the_agenda_without_a_form(client, org, role):
    _, _, checkin = scheduled(org)
    client.force_login(getattr(org, role))
    body = body_of(client.get(url(checkin)))
    assert "What we will talk about" in body and "Goals due soon" in body
    assert reverse("devplans:record_checkin", args=[checkin.pk]) not in body


# --- recording a check-in ---------------------------------------------------------------------------------------------


def test_the_manager_records_a_check_in(client, org):
    plan, goal, checkin = scheduled(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:record_checkin", args=[checkin.pk]), record_data(checkin, goal))
    assert response.status_code == 302 and response["Location"] == url(checkin)
    checkin.refresh_from_db()
    goal.refresh_from_db()
    assert checkin.status == "held" and checkin.manager_feedback == "Well done on the release hand-over"
    assert goal.progress == "on_track"
    assert checkin.goal_progress.get().note == "Handed over the release"
    assert plan.checkins.filter(status="scheduled").exists()
    assert Feedback.objects.filter(checkin=checkin).exists()


def test_a_check_in_without_feedback_is_refused(client, org):
    _, goal, checkin = scheduled(org)
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:record_checkin", args=[checkin.pk]), record_data(checkin, goal, feedback="")
    )
    assert response.status_code == 400
    assert "Handed over the release" in body_of(response)  # what was typed stays
    checkin.refresh_from_db()
    assert checkin.status == "scheduled"


def test_a_check_in_held_in_the_future_is_refused(client, org):
    _, goal, checkin = scheduled(org)
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:record_checkin", args=[checkin.pk]), record_data(checkin, goal, held_on=in_weeks(1))
    )
    assert response.status_code == 400
    assert "cannot be in the future" in body_of(response)
    checkin.refresh_from_db()
    assert checkin.status == "scheduled"


def test_an_unknown_progress_value_is_refused(client, org):
    _, goal, checkin = scheduled(org)
    client.force_login(org.manager)
    data = record_data(checkin, goal, **{f"progress_{goal.pk}": "brilliant"})
    assert client.post(reverse("devplans:record_checkin", args=[checkin.pk]), data).status_code == 400
    checkin.refresh_from_db()
    assert checkin.status == "scheduled"


def test_recording_a_check_in_that_moved_answers_409_with_what_changed(client, org):
    _, goal, checkin = scheduled(org)
    opened_at = checkin.version
    checkins.reschedule_checkin(checkin=checkin, by=org.manager, expected_version=opened_at, on=in_weeks(6))
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:record_checkin", args=[checkin.pk]), record_data(checkin, goal, version=opened_at)
    )
    body = body_of(response)
    assert response.status_code == 409
    assert "What changed since you opened the page" in body and "moved the check-in" in body
    assert f'name="version" value="{opened_at + 1}"' in body
    assert "Well done on the release hand-over" in body
    checkin.refresh_from_db()
    assert checkin.status == "scheduled"


@pytest.mark.parametrize("role", ["employee", "hr", "admin", "other_manager"])
def test_only_the_manager_side_records_a_check_in(client, org, role):
    _, goal, checkin = scheduled(org)
    client.force_login(getattr(org, role))
    response = client.post(reverse("devplans:record_checkin", args=[checkin.pk]), record_data(checkin, goal))
    assert response.status_code == 404
    checkin.refresh_from_db()
    assert checkin.status == "scheduled"


# --- a held check-in and the person's comment ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "admin"])
def test_a_held_check_in_shows_what_was_recorded(client, org, role):
    _, _, checkin = held(org)
    client.force_login(getattr(org, role))
    body = body_of(client.get(url(checkin)))
    assert "Good progress on hand-overs" in body
    assert "On track" in body and "Two hand-overs" in body
    assert "Goals due soon" in body  # the agenda as it was saved


def test_the_person_adds_and_changes_a_comment(client, org):
    _, _, checkin = held(org)
    client.force_login(org.employee)
    body = body_of(client.get(url(checkin)))
    assert "Add my comment" in body
    comment_url = reverse("devplans:comment_on_checkin", args=[checkin.pk])
    assert client.post(comment_url, {"version": checkin.version, "comment": "Thanks"}).status_code == 302
    assert client.post(comment_url, {"version": checkin.version + 1, "comment": "Thanks, Kate"}).status_code == 302
    checkin.refresh_from_db()
    assert checkin.employee_comment == "Thanks, Kate"


def test_a_stale_comment_answers_409(client, org):
    _, _, checkin = held(org)
    checkins.comment_on_checkin(checkin=checkin, by=org.employee, expected_version=checkin.version, comment="First")
    client.force_login(org.employee)
    response = client.post(
        reverse("devplans:comment_on_checkin", args=[checkin.pk]), {"version": checkin.version, "comment": "Second"}
    )
    assert response.status_code == 409
    assert "commented on the check-in" in body_of(response)
    checkin.refresh_from_db()
    assert checkin.employee_comment == "First"


def test_an_empty_comment_is_refused(client, org):
    _, _, checkin = held(org)
    client.force_login(org.employee)
    response = client.post(
        reverse("devplans:comment_on_checkin", args=[checkin.pk]), {"version": checkin.version, "comment": " "}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["manager", "hr", "other_employee"])
def test_only_the_person_comments(client, org, role):
    _, _, checkin = held(org)
    client.force_login(getattr(org, role))
    response = client.post(
        reverse("devplans:comment_on_checkin", args=[checkin.pk]), {"version": checkin.version, "comment": "Hi"}
    )
    assert response.status_code == 404
    checkin.refresh_from_db()
    assert checkin.employee_comment == ""


# --- moving a check-in ---------------------------------------------------------------------------------------------


def test_the_manager_moves_the_check_in(client, org):
    _, _, checkin = scheduled(org)
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:reschedule_checkin", args=[checkin.pk]), {"version": checkin.version, "on": in_weeks(2)}
    )
    assert response.status_code == 302 and response["Location"].endswith("#checkins")
    checkin.refresh_from_db()
    assert checkin.scheduled_for == in_weeks(2)


def test_moving_a_check_in_into_the_past_is_refused(client, org):
    _, _, checkin = scheduled(org)
    before = checkin.scheduled_for
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:reschedule_checkin", args=[checkin.pk]),
        {"version": checkin.version, "on": timezone.localdate().replace(year=2000)},
    )
    assert response.status_code == 400
    checkin.refresh_from_db()
    assert checkin.scheduled_for == before


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_only_the_manager_side_moves_a_check_in(client, org, role):
    _, _, checkin = scheduled(org)
    client.force_login(getattr(org, role))
    response = client.post(
        reverse("devplans:reschedule_checkin", args=[checkin.pk]), {"version": checkin.version, "on": in_weeks(2)}
    )
    assert response.status_code == 404


# --- feedback at any time --------------------------------------------------------------------------------------------


def feedback_url(org):
    return reverse("devplans:give_feedback", args=[org.employee_person.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("employee", 404), ("hr", 404), ("admin", 404)] + [(role, 404) for role in OUTSIDERS],
)
def test_the_feedback_page_is_for_the_manager_side(client, org, role, status):
    client.force_login(getattr(org, role))
    assert client.get(feedback_url(org)).status_code == status


def test_the_feedback_form_groups_behaviours_by_skill(client, org):
    client.force_login(org.manager)
    body = body_of(client.get(feedback_url(org)))
    assert '<optgroup label="Delegation">' in body


def test_feedback_with_a_plan_goes_to_the_plan(client, org):
    plan, _ = plan_with_goal(org)
    behaviour = skill("delegation").behaviours.first()
    client.force_login(org.manager)
    response = client.post(
        feedback_url(org),
        {"text": "You let Ana run the demo", "skill": skill("delegation").pk, "behaviour": behaviour.pk},
    )
    assert (
        response.status_code == 302 and response["Location"] == reverse("devplans:plan", args=[plan.pk]) + "#feedback"
    )
    feedback = Feedback.objects.get()
    assert (feedback.plan, feedback.behaviour) == (plan, behaviour)
    client.force_login(org.employee)
    assert "You let Ana run the demo" in body_of(client.get(reverse("devplans:my_plan")))
    assert "You let Ana run the demo" in body_of(client.get(reverse("devplans:plan", args=[plan.pk])))


def test_feedback_without_a_plan_goes_to_the_person_page(client, org):
    client.force_login(org.manager)
    response = client.post(feedback_url(org), {"text": "Clear write-up", "skill": "", "behaviour": ""})
    assert response.status_code == 302 and response["Location"] == org.employee_person.get_absolute_url()
    assert Feedback.objects.get().plan is None


def test_a_behaviour_of_another_skill_is_refused(client, org):
    behaviour = skill("coaching").behaviours.first()
    client.force_login(org.manager)
    response = client.post(
        feedback_url(org), {"text": "Mixed up", "skill": skill("delegation").pk, "behaviour": behaviour.pk}
    )
    assert response.status_code == 400
    assert "belongs to another skill" in body_of(response)
    assert not Feedback.objects.exists()


def test_empty_feedback_is_refused(client, org):
    client.force_login(org.manager)
    response = client.post(feedback_url(org), {"text": ""})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("role", ["employee", "hr", "other_manager"])
def test_only_the_manager_side_posts_feedback(client, org, role):
    client.force_login(getattr(org, role))
    assert client.post(feedback_url(org), {"text": "Hi"}).status_code == 404
    assert not Feedback.objects.exists()
