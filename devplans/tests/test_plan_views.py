"""The plan page, the panel on the person page, My plan, and the plan's forms: who may open and post what,
the happy paths, refusals that change nothing (400), stale saves (409) and constant query counts."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.services.rubric import publish_draft, start_draft
from devplans.models import Goal, LearningItem, Plan, PlanEvent, PracticeItem
from devplans.services import checkins, items, plans
from devplans.tests.helpers import agreed_plan, assess, course_for, in_weeks, plan_with_goal, skill
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

READERS = [("employee", 200), ("manager", 200), ("hr", 200), ("admin", 200)]
OUTSIDERS = ["other_employee", "other_manager", "ld"]


def plan_url(plan):
    return reverse("devplans:plan", args=[plan.pk])


def body_of(response):
    return response.content.decode()


def past():
    return timezone.localdate() - timedelta(days=1)


# --- who may open the plan page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), READERS + [(role, 404) for role in OUTSIDERS])
def test_the_plan_page_answers_each_role(client, org, role, status):
    plan, _ = plan_with_goal(org)
    client.force_login(getattr(org, role))
    assert client.get(plan_url(plan)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, org):
    plan, _ = plan_with_goal(org)
    assert client.get(plan_url(plan)).status_code == 302


def test_the_manager_sees_the_plan_with_its_forms(client, org):
    plan, goal = plan_with_goal(org)
    client.force_login(org.manager)
    body = body_of(client.get(plan_url(plan)))
    assert "Development plan for Brian Walsh" in body
    assert "What to do next" in body
    assert 'id="agreement"' in body and "Confirm the plan" in body
    assert reverse("devplans:change_goal", args=[plan.pk, goal.pk]) in body
    assert reverse("devplans:add_goal", args=[plan.pk]) in body
    assert reverse("devplans:end_plan", args=[plan.pk]) in body
    assert 'data-chart="plan-chart-data-' in body and f'id="plan-chart-data-{plan.pk}"' in body


def test_one_primary_button_on_the_plan_page(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    body = body_of(client.get(plan_url(plan)))
    assert body.count("btn-primary") == 1


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_read_the_plan_without_any_form(client, org, role):
    plan, goal = plan_with_goal(org)
    client.force_login(getattr(org, role))
    body = body_of(client.get(plan_url(plan)))
    assert "You can read this plan" in body
    for name, args in [
        ("devplans:add_goal", [plan.pk]),
        ("devplans:change_goal", [plan.pk, goal.pk]),
        ("devplans:confirm_plan", [plan.pk]),
        ("devplans:end_plan", [plan.pk]),
    ]:
        assert reverse(name, args=args) not in body


@pytest.mark.parametrize("role", ["hr", "admin", "other_manager", "ld"])
def test_only_the_manager_side_may_post_a_goal(client, org, role):
    plan, _ = plan_with_goal(org)
    client.force_login(getattr(org, role))
    response = client.post(
        reverse("devplans:add_goal", args=[plan.pk]),
        {"skill": skill("coaching").pk, "target_level": 3, "outcome": "Listens", "due_on": in_weeks(4)},
    )
    assert response.status_code == 404
    assert plan.goals.count() == 1


# --- the panel on the person page and starting a plan ------------------------------------------------------------


def panel_url(org):
    return reverse("devplans:person_plan_panel", args=[org.employee_person.pk])


@pytest.mark.parametrize(("role", "status"), READERS + [(role, 404) for role in OUTSIDERS])
def test_the_plan_panel_answers_each_role(client, org, role, status):
    client.force_login(getattr(org, role))
    assert client.get(panel_url(org)).status_code == status


def test_the_person_page_loads_the_plan_panel_with_htmx_and_a_plain_link(client, org):
    client.force_login(org.manager)
    body = body_of(client.get(org.employee_person.get_absolute_url()))
    assert f'hx-get="{panel_url(org)}"' in body
    assert f'<a href="{panel_url(org)}">' in body


def test_the_panel_offers_a_plan_from_gaps_when_there_are_gaps(client, org):
    assess(org.employee_person, org.manager, delegation=(1, 3, 9))
    client.force_login(org.manager)
    body = body_of(client.get(panel_url(org), HTTP_HX_REQUEST="true"))
    assert "<html" not in body
    chooser = reverse("devplans:create_plan_from_gaps", args=[org.employee_person.pk])
    assert f'<a class="btn btn-primary" href="{chooser}">Create plan from gaps</a>' in body
    assert "Start an empty plan" in body
    assert reverse("devplans:give_feedback", args=[org.employee_person.pk]) in body


def test_without_gaps_the_panel_explains_and_offers_only_an_empty_plan(client, org):
    assess(org.employee_person, org.manager, delegation=(3, 3, 0))
    client.force_login(org.manager)
    body = body_of(client.get(panel_url(org)))
    assert "no gaps" in body
    assert "Create plan from gaps" not in body
    assert "Start an empty plan" in body


def test_the_panel_shows_the_open_plan_and_past_plans(client, org):
    old, _ = agreed_plan(org)
    plans.end_plan(plan=old, by=org.manager, status=Plan.Status.COMPLETED)
    current, _ = plan_with_goal(org, "coaching")
    client.force_login(org.employee)
    body = body_of(client.get(panel_url(org)))
    assert "Awaiting agreement" in body and "1 goal" in body
    assert f'href="{plan_url(current)}">Open the plan' in body
    assert plan_url(old) in body and "Past plans" in body
    assert "Create plan from gaps" not in body


def test_the_manager_creates_a_plan_from_gaps(client, org):
    assess(org.employee_person, org.manager, delegation=(1, 3, 9), feedback=(2, 3, 4))
    course = course_for("delegation")
    client.force_login(org.manager)
    url = reverse("devplans:create_plan_from_gaps", args=[org.employee_person.pk])
    assert 'value="feedback" id="gap-feedback" checked' in body_of(client.get(url))
    response = client.post(url, {"skill": ["delegation", "feedback"]})
    plan = Plan.objects.get(person=org.employee_person)
    assert response.status_code == 302 and response["Location"] == plan_url(plan)
    assert sorted(plan.goals.values_list("skill__key", flat=True)) == ["delegation", "feedback"]
    assert list(plan.learning_items.values_list("course", flat=True)) == [course.pk]
    assert "Plan drafted" in body_of(client.get(response["Location"]))


def test_a_plan_from_gaps_needs_an_assessment(client, org):
    client.force_login(org.manager)
    response = client.post(reverse("devplans:create_plan_from_gaps", args=[org.employee_person.pk]))
    assert response.status_code == 400
    assert "Assess Brian Walsh first" in body_of(response)
    assert not Plan.objects.exists()


def test_the_manager_starts_an_empty_plan(client, org):
    client.force_login(org.manager)
    response = client.post(reverse("devplans:create_plan", args=[org.employee_person.pk]))
    plan = Plan.objects.get(person=org.employee_person)
    assert response["Location"] == plan_url(plan)
    assert plan.is_draft and not plan.goals.exists()


def test_a_second_open_plan_is_refused(client, org):
    plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:create_plan", args=[org.employee_person.pk]))
    assert response.status_code == 400
    assert "already has a plan" in body_of(response)
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("role", ["employee", "other_manager", "hr", "admin", "ld"])
def test_only_the_manager_side_starts_a_plan(client, org, role):
    assess(org.employee_person, org.manager, delegation=(1, 3, 9))
    client.force_login(getattr(org, role))
    assert client.post(reverse("devplans:create_plan_from_gaps", args=[org.employee_person.pk])).status_code == 404
    assert client.post(reverse("devplans:create_plan", args=[org.employee_person.pk])).status_code == 404
    assert not Plan.objects.exists()


# --- goals ---------------------------------------------------------------------------------------------------------


def goal_data(**changes):
    return {
        "skill": skill("coaching").pk,
        "target_level": 3,
        "outcome": "Lets others finish",
        "due_on": in_weeks(6),
    } | (changes)


def test_the_manager_adds_a_goal(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:add_goal", args=[plan.pk]), goal_data())
    goal = plan.goals.get(skill__key="coaching")
    assert response.status_code == 302 and response["Location"].endswith(f"#goal-{goal.pk}")
    assert (goal.target_level, goal.outcome) == (3, "Lets others finish")


def test_a_goal_due_in_the_past_is_refused(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:add_goal", args=[plan.pk]), goal_data(due_on=past()))
    assert response.status_code == 400
    assert "in the past" in body_of(response)
    assert 'value="Lets others finish"' not in body_of(response)  # a textarea keeps it as text
    assert "Lets others finish" in body_of(response)
    assert not plan.goals.filter(skill__key="coaching").exists()


def test_a_goal_for_a_skill_of_an_old_rubric_is_refused(client, org):
    plan, _ = plan_with_goal(org)
    old_coaching = skill("coaching")
    publish_draft(version=start_draft(by=org.ld), by=org.ld)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:add_goal", args=[plan.pk]), goal_data(skill=old_coaching.pk))
    assert response.status_code == 400
    assert "rubric in force" in body_of(response)
    assert plan.goals.count() == 1


def test_a_goal_for_an_unknown_skill_is_refused(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:add_goal", args=[plan.pk]), goal_data(skill=999999))
    assert response.status_code == 400
    assert plan.goals.count() == 1


def test_a_second_goal_for_the_same_skill_is_refused_with_the_services_words(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:add_goal", args=[plan.pk]), goal_data(skill=skill("delegation").pk))
    assert response.status_code == 400
    assert "already has a goal for Delegation" in body_of(response)


def change_data(goal, **changes):
    return {"version": goal.version, "target_level": 4, "outcome": "Hands two projects over", "due_on": goal.due_on} | (
        changes
    )


def test_the_manager_changes_a_goal(client, org):
    plan, goal = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:change_goal", args=[plan.pk, goal.pk]), change_data(goal))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.target_level, goal.outcome, goal.version) == (4, "Hands two projects over", 2)


def test_a_stale_goal_edit_answers_409_with_what_changed_and_overwrites_nothing(client, org):
    plan, goal = plan_with_goal(org)
    opened_at = goal.version
    boss = PersonFactory(full_name="Rachel Stone")
    org.manager_person.manager = boss
    org.manager_person.save()
    plans.change_goal(
        goal=goal,
        by=boss.user,
        expected_version=opened_at,
        target_level=2,
        outcome="Rachel's words",
        due_on=goal.due_on,
    )
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:change_goal", args=[plan.pk, goal.pk]),
        change_data(goal, version=opened_at, outcome="Kate's words"),
    )
    body = body_of(response)
    assert response.status_code == 409
    assert "What changed since you opened the page" in body
    assert "Rachel Stone" in body and "Target level: 3 → 2" in body and "Outcome: Hands work over → Rachel" in body
    assert "Kate's words" in html.unescape(body)  # escaped as &#39; or &#x27;, by the widget's engine
    assert 'name="version" value="2"' in body
    goal.refresh_from_db()
    assert (goal.outcome, goal.target_level) == ("Rachel's words", 2)


def test_saving_again_after_a_stale_edit_is_a_deliberate_save(client, org):
    plan, goal = plan_with_goal(org)
    plans.change_goal(goal=goal, by=org.manager, expected_version=1, target_level=2, outcome="A", due_on=goal.due_on)
    client.force_login(org.manager)
    client.post(reverse("devplans:change_goal", args=[plan.pk, goal.pk]), change_data(goal, version=1, outcome="B"))
    response = client.post(reverse("devplans:change_goal", args=[plan.pk, goal.pk]), change_data(goal, version=2))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.outcome == "Hands two projects over"


def test_the_manager_removes_a_goal(client, org):
    plan, goal = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:remove_goal", args=[plan.pk, goal.pk]), {"version": goal.version})
    assert response.status_code == 302
    assert not plan.goals.exists()


def test_the_employee_cannot_change_goals(client, org):
    plan, goal = plan_with_goal(org)
    client.force_login(org.employee)
    assert client.post(reverse("devplans:add_goal", args=[plan.pk]), goal_data()).status_code == 404
    assert client.post(reverse("devplans:change_goal", args=[plan.pk, goal.pk]), change_data(goal)).status_code == 404
    assert client.post(reverse("devplans:remove_goal", args=[plan.pk, goal.pk]), {"version": 1}).status_code == 404
    goal.refresh_from_db()
    assert (plan.goals.count(), goal.target_level, goal.version) == (1, 3, 1)


def test_a_goal_of_another_plan_answers_404(client, org):
    plan, _ = plan_with_goal(org)
    other = plans.create_plan(person=org.other_employee_person, by=org.other_manager)
    other_goal = plans.add_goal(
        plan=other, by=org.other_manager, skill=skill("coaching"), target_level=3, outcome="x", due_on=in_weeks(3)
    )
    client.force_login(org.manager)
    response = client.post(reverse("devplans:change_goal", args=[plan.pk, other_goal.pk]), change_data(other_goal))
    assert response.status_code == 404


# --- agreement ---------------------------------------------------------------------------------------------------


def confirm(client, plan, revision, version=None):
    """Post a confirmation as from a page showing `version` of the plan (by default, the one now)."""
    version = Plan.objects.get(pk=plan.pk).version if version is None else version
    return client.post(reverse("devplans:confirm_plan", args=[plan.pk]), {"revision": revision, "version": version})


def test_both_sides_confirm_and_the_plan_is_agreed(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    assert confirm(client, plan, 1).status_code == 302
    client.force_login(org.employee)
    response = confirm(client, plan, 1)
    assert response.status_code == 302 and response["Location"].endswith("#agreement")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED and plan.agreed_revision == 1
    assert plan.checkins.filter(status="scheduled").exists()


def test_the_employee_confirms_from_my_plan_and_returns_there(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.employee)
    body = body_of(client.get(reverse("devplans:my_plan")))
    assert reverse("devplans:confirm_plan", args=[plan.pk]) in body and "btn btn-primary" in body
    response = client.post(
        reverse("devplans:confirm_plan", args=[plan.pk]),
        {"revision": 1, "version": Plan.objects.get(pk=plan.pk).version, "next": "my_plan"},
    )
    assert response["Location"] == reverse("devplans:my_plan") + "#agreement"


def test_a_manager_higher_in_the_chain_cannot_confirm_for_the_direct_manager(client, org):
    plan, _ = plan_with_goal(org)
    boss = PersonFactory(full_name="Rachel Stone")
    org.manager_person.manager = boss
    org.manager_person.save()
    client.force_login(boss.user)
    assert client.get(plan_url(plan)).status_code == 200
    response = confirm(client, plan, 1)
    assert response.status_code == 400
    assert "Only Brian Walsh and Kate Morgan can confirm" in body_of(response)
    assert plan.revisions.get(number=1).manager_confirmed_at is None


@pytest.mark.parametrize("role", ["hr", "admin", "other_manager", "ld"])
def test_people_outside_the_plan_cannot_confirm_it(client, org, role):
    plan, _ = plan_with_goal(org)
    client.force_login(getattr(org, role))
    assert confirm(client, plan, 1).status_code == 404
    revision = plan.revisions.get(number=1)
    assert revision.manager_confirmed_at is None and revision.employee_confirmed_at is None


def test_confirming_a_revision_that_moved_on_answers_409_with_what_changed(client, org):
    plan, goal = agreed_plan(org)
    seen = Plan.objects.get(pk=plan.pk).version
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    client.force_login(org.employee)
    response = confirm(client, plan, 1, version=seen)
    body = body_of(response)
    assert response.status_code == 409
    assert "Revision 2 opened" in body and "Target level: 3 → 4" in body
    assert 'name="revision" value="2"' in body
    assert f'name="version" value="{Plan.objects.get(pk=plan.pk).version}"' in body
    assert plan.revisions.get(number=2).employee_confirmed_at is None


# --- the plan's settings and its end --------------------------------------------------------------------------------


def test_the_manager_changes_the_career_goal(client, org):
    plan, _ = plan_with_goal(org)
    plan.refresh_from_db()
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:edit_plan", args=[plan.pk]),
        {"version": plan.version, "career_goal": "Lead the platform team", "target_role": "", "cadence_weeks": 2},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.career_goal, plan.cadence_weeks) == ("Lead the platform team", 2)


def test_the_manager_closes_a_plan_with_a_reason(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:end_plan", args=[plan.pk]), {"status": "closed", "reason": "Moved team"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED and plan.end_reason == "Moved team"
    body = body_of(client.get(plan_url(plan)))
    assert "This plan was closed" in body and reverse("devplans:add_goal", args=[plan.pk]) not in body


def test_closing_without_a_reason_is_refused(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:end_plan", args=[plan.pk]), {"status": "closed", "reason": ""})
    assert response.status_code == 400
    assert "Say why the plan is closed" in body_of(response)
    plan.refresh_from_db()
    assert plan.is_open


# --- courses ---------------------------------------------------------------------------------------------------------


def test_the_manager_sees_recommended_courses_and_adds_one_with_its_reason(client, org):
    assess(org.employee_person, org.manager, delegation=(1, 3, 9))
    plan, goal = plan_with_goal(org)
    course = course_for("delegation", title="Delegate with confidence")
    client.force_login(org.manager)
    body = body_of(client.get(plan_url(plan)))
    assert "Delegate with confidence" in body and "recommendation-reason" in body
    response = client.post(reverse("devplans:add_learning_item", args=[plan.pk]), {"course": course.pk, "goal": ""})
    item = plan.learning_items.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#learning-{item.pk}")
    assert item.goal == goal and item.reason.startswith("Delegation, level 1 → 3")


def test_a_course_added_leaves_the_recommendations_at_once(client, org, django_capture_on_commit_callbacks):
    assess(org.employee_person, org.manager, delegation=(1, 3, 9))
    plan, _ = plan_with_goal(org)
    course = course_for("delegation", title="Delegate with confidence")
    client.force_login(org.manager)

    def recommended():
        return [r["course_id"] for r in client.get(plan_url(plan)).context["add_course"]["recommended"]]

    assert recommended() == [course.pk]
    assert recommended() == [course.pk]  # kept in the cache (skillbridge/data_cache.py)...
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("devplans:add_learning_item", args=[plan.pk]), {"course": course.pk, "goal": ""})
    assert recommended() == []  # ...until the plan changes


def test_a_retired_course_leaves_the_recommendations_at_once(client, org, django_capture_on_commit_callbacks):
    from catalog.services import set_course_active

    assess(org.employee_person, org.manager, delegation=(1, 3, 9))
    plan, _ = plan_with_goal(org)
    course = course_for("delegation", title="Delegate with confidence")
    client.force_login(org.manager)
    assert [r["course_id"] for r in client.get(plan_url(plan)).context["add_course"]["recommended"]] == [course.pk]
    with django_capture_on_commit_callbacks(execute=True):  # retiring is a bulk write: no save signal
        set_course_active(course=course, active=False)
    assert client.get(plan_url(plan)).context["add_course"]["recommended"] == []


def test_the_manager_finds_any_active_course_by_search(client, org):
    plan, _ = plan_with_goal(org)
    course_for("coaching", title="Listening at work")
    client.force_login(org.manager)
    body = body_of(client.get(plan_url(plan), {"course_q": "Listening at"}))
    assert "Found in the catalog" in body and "Listening at work" in body


def test_a_retired_course_is_refused(client, org):
    plan, _ = plan_with_goal(org)
    course = course_for("delegation", is_active=False)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:add_learning_item", args=[plan.pk]), {"course": course.pk})
    assert response.status_code == 400
    assert not plan.learning_items.exists()


def learning_item(org, **course_fields):
    plan, goal = agreed_plan(org)
    item = plans.add_learning_item(
        plan=plan, by=org.manager, course=course_for("delegation", duration_minutes=480, **course_fields), goal=goal
    )
    return plan, item


def status_url(plan, item):
    return reverse("devplans:set_learning_status", args=[plan.pk, item.pk])


def test_the_employee_starts_a_course_and_marks_it_done_with_a_note(client, org):
    plan, item = learning_item(org)
    client.force_login(org.employee)
    assert client.post(status_url(plan, item), {"version": 1, "status": "in_progress"}).status_code == 302
    response = client.post(status_url(plan, item), {"version": 2, "status": "completed", "note": "Ask, not tell"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.employee_note) == ("completed", "Ask, not tell")


def test_the_employee_cannot_drop_a_course(client, org):
    plan, item = learning_item(org)
    client.force_login(org.employee)
    response = client.post(status_url(plan, item), {"version": 1, "status": "dropped"})
    assert response.status_code == 400
    assert "Only your manager can drop" in body_of(response)
    item.refresh_from_db()
    assert item.status == "planned"


def test_the_manager_drops_a_course(client, org):
    plan, item = learning_item(org)
    client.force_login(org.manager)
    assert client.post(status_url(plan, item), {"version": 1, "status": "dropped"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "dropped"


def test_a_stale_course_status_answers_409(client, org):
    plan, item = learning_item(org)
    items.set_learning_status(item=item, by=org.manager, expected_version=1, status="in_progress")
    client.force_login(org.employee)
    response = client.post(status_url(plan, item), {"version": 1, "status": "completed"})
    body = body_of(response)
    assert response.status_code == 409
    assert "Kate Morgan" in body and "Status: Planned → In progress" in body
    item.refresh_from_db()
    assert item.status == "in_progress"


@pytest.mark.parametrize("role", ["hr", "admin", "other_employee"])
def test_only_the_person_and_their_managers_update_a_course(client, org, role):
    plan, item = learning_item(org)
    client.force_login(getattr(org, role))
    assert client.post(status_url(plan, item), {"version": 1, "status": "in_progress"}).status_code == 404


def test_postponing_offers_shorter_alternatives_with_none_chosen(client, org):
    plan, item = learning_item(org)
    short = course_for("delegation", title="Delegation in 15 minutes", duration_minutes=15)
    client.force_login(org.employee)
    response = client.get(reverse("devplans:postpone_learning_item", args=[plan.pk, item.pk]))
    body = body_of(response)
    assert response.status_code == 200
    assert "Delegation in 15 minutes · 15 min" in body and "self-paced" in body
    assert 'type="radio" name="alternative" value=""' in body
    assert f'value="{short.pk}"' in body
    assert re.search(r'<input type="radio" name="alternative" value=""[^>]*checked', body)


def test_the_employee_postpones_a_course_and_takes_an_alternative(client, org):
    plan, item = learning_item(org)
    short = course_for("delegation", title="Delegation in 15 minutes", duration_minutes=15)
    client.force_login(org.employee)
    response = client.post(
        reverse("devplans:postpone_learning_item", args=[plan.pk, item.pk]) + "?next=my_plan",
        {"version": 1, "until": in_weeks(6), "reason": "Release week", "alternative": short.pk, "next": "my_plan"},
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("devplans:my_plan"))
    item.refresh_from_db()
    assert item.status == "postponed" and item.postponed_reason == "Release week"
    assert plan.learning_items.get(course=short).replaces == item


def test_postponing_to_a_past_date_is_refused(client, org):
    plan, item = learning_item(org)
    client.force_login(org.employee)
    response = client.post(
        reverse("devplans:postpone_learning_item", args=[plan.pk, item.pk]), {"version": 1, "until": past()}
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == "planned"


def test_the_manager_says_what_change_they_have_seen(client, org):
    plan, item = learning_item(org)
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status="completed")
    client.force_login(org.manager)
    body = body_of(client.get(plan_url(plan)))
    assert "What change have you seen?" in body
    response = client.post(
        reverse("devplans:record_observation", args=[plan.pk, item.pk]), {"version": 2, "text": "Delegates more"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.manager_observation == "Delegates more"


def test_the_employee_cannot_record_an_observation(client, org):
    plan, item = learning_item(org)
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status="completed")
    client.force_login(org.employee)
    response = client.post(
        reverse("devplans:record_observation", args=[plan.pk, item.pk]), {"version": 2, "text": "I am great"}
    )
    assert response.status_code == 404


# --- practice --------------------------------------------------------------------------------------------------------


def test_the_manager_adds_practice(client, org):
    plan, goal = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:add_practice_item", args=[plan.pk]),
        {"description": "Run the Monday stand-up", "goal": goal.pk, "due_on": in_weeks(4)},
    )
    assert response.status_code == 302
    assert plan.practice_items.get().goal == goal


def test_practice_without_a_description_is_refused(client, org):
    plan, _ = plan_with_goal(org)
    client.force_login(org.manager)
    response = client.post(reverse("devplans:add_practice_item", args=[plan.pk]), {"description": "  "})
    assert response.status_code == 400
    assert not plan.practice_items.exists()


def practice(org):
    plan, goal = agreed_plan(org)
    return plan, plans.add_practice_item(plan=plan, by=org.manager, description="Run the stand-up", goal=goal)


def test_the_employee_writes_how_practice_went_and_the_manager_answers(client, org):
    plan, item = practice(org)
    client.force_login(org.employee)
    response = client.post(
        reverse("devplans:reflect_on_practice", args=[plan.pk, item.pk]),
        {"version": 1, "reflection": "Nervous, but fine", "status": "done"},
    )
    assert response.status_code == 302
    client.force_login(org.manager)
    assert "Awaiting your feedback" in body_of(client.get(plan_url(plan)))
    response = client.post(
        reverse("devplans:give_practice_feedback", args=[plan.pk, item.pk]), {"version": 2, "text": "Well run"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.reflection, item.manager_feedback, item.status) == ("Nervous, but fine", "Well run", "done")


def test_only_the_person_reflects_and_only_the_manager_side_gives_practice_feedback(client, org):
    plan, item = practice(org)
    client.force_login(org.manager)
    reflection = {"version": 1, "reflection": "x", "status": "done"}
    assert client.post(reverse("devplans:reflect_on_practice", args=[plan.pk, item.pk]), reflection).status_code == 404
    client.force_login(org.employee)
    feedback = {"version": 1, "text": "x"}
    assert client.post(reverse("devplans:give_practice_feedback", args=[plan.pk, item.pk]), feedback).status_code == 404
    item.refresh_from_db()
    assert (item.reflection, item.manager_feedback) == ("", "")


# --- My plan ----------------------------------------------------------------------------------------------------------


def test_my_plan_without_a_plan_keeps_the_explanation(client, org):
    client.force_login(org.employee)
    body = body_of(client.get(reverse("devplans:my_plan")))
    assert "You do not have a development plan yet" in body
    assert "What to do next" not in body


def test_my_plan_shows_the_plan_with_the_employees_forms_only(client, org):
    plan, item = learning_item(org)
    goal = item.goal
    checkins.give_feedback(person=org.employee_person, by=org.manager, text="Good hand-over of the release")
    client.force_login(org.employee)
    body = body_of(client.get(reverse("devplans:my_plan")))
    assert "What to do next" in body and f'href="#learning-{item.pk}"' in body
    assert f'id="goal-{goal.pk}-bar"' in body and 'max="100"' in body
    assert status_url(plan, item) in body and "What I took from it" in body
    assert reverse("devplans:postpone_learning_item", args=[plan.pk, item.pk]) + "?next=my_plan" in body
    assert reverse("catalog:course_detail", args=[item.course.pk]) in body
    assert "Good hand-over of the release" in body
    assert reverse("devplans:change_goal", args=[plan.pk, goal.pk]) not in body
    assert reverse("devplans:add_goal", args=[plan.pk]) not in body
    assert f'href="{plan_url(plan)}">Open the full plan' in body
    assert "How you like to learn" in body  # the existing parts stay
    assert body.count("btn-primary") == 1


# --- constant queries ------------------------------------------------------------------------------------------------

KEYS = [
    "delegation",
    "coaching",
    "presenting",
    "collaboration",
    "feedback",
    "conflict-resolution",
    "adaptability",
    "time-management",
]


def fill(org, plan, *, goals, learning, practice):
    """Grow the plan (which has one goal) to this many goals, courses and practice."""
    keys = [k for k in KEYS if not plan.goals.filter(skill__key=k).exists()]
    existing = list(plan.goals.all())
    for key in keys[: goals - len(existing)]:
        existing.append(
            plans.add_goal(plan=plan, by=org.manager, skill=skill(key), target_level=3, outcome="x", due_on=in_weeks(6))
        )
    for n in range(learning):
        item = plans.add_learning_item(
            plan=plan, by=org.manager, course=course_for("delegation"), goal=existing[n % len(existing)]
        )
        if n % 2:
            items.set_learning_status(item=item, by=org.employee, expected_version=1, status="completed")
    for n in range(practice):
        plans.add_practice_item(
            plan=plan, by=org.manager, description=f"Practice {n}", goal=existing[n % len(existing)], due_on=in_weeks(2)
        )


def queries_for(client, url):
    client.get(url)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_the_plan_page_makes_the_same_queries_for_1_or_30_items(client, org, role, django_assert_max_num_queries):
    plan, _ = agreed_plan(org)
    client.force_login(getattr(org, role))
    url = plan_url(plan)
    small = queries_for(client, url)
    fill(org, plan, goals=8, learning=12, practice=10)
    assert plan.goals.count() + plan.learning_items.count() + plan.practice_items.count() == 30
    with django_assert_max_num_queries(small):
        client.get(url)
    assert queries_for(client, url) == small


def test_my_plan_makes_the_same_queries_for_1_or_30_items(client, org, django_assert_max_num_queries):
    plan, _ = agreed_plan(org)
    client.force_login(org.employee)
    url = reverse("devplans:my_plan")
    small = queries_for(client, url)
    fill(org, plan, goals=8, learning=12, practice=10)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert queries_for(client, url) == small


def test_the_plan_page_lists_revisions_with_the_agreed_snapshot_and_the_timeline(client, org):
    plan, goal = agreed_plan(org)
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    client.force_login(org.employee)
    body = body_of(client.get(plan_url(plan)))
    assert 'id="revision-2"' in body and "Delegation: Target level: 3 → 4" in body
    assert "What was agreed in revision 1" in body and "Hands work over" in body
    assert PlanEvent.objects.filter(plan=plan).count() > 3
    assert "Kate Morgan started the plan." in body


def test_goal_levels_are_shown_by_name(client, org):
    plan, goal = plan_with_goal(org)
    Goal.objects.filter(pk=goal.pk).update(start_level=1)
    client.force_login(org.manager)
    body = body_of(client.get(plan_url(plan)))
    assert "Not yet (1) → <strong>Proficient (3)</strong>" in body


def test_unused_statuses_are_not_offered_to_the_employee(client, org):
    plan, item = practice(org)
    client.force_login(org.employee)
    body = body_of(client.get(plan_url(plan)))
    assert 'value="dropped"' not in body
    assert PracticeItem.objects.get(pk=item.pk).status == "planned"
    assert LearningItem.objects.count() == 0
