"""The plan lifecycle: creating, agreeing, revising, conflicts, postponing, check-ins, feedback, ending."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import RubricVersion, Skill
from devplans import selectors
from devplans.models import CheckIn, Feedback, Goal, LearningItem, Plan, PlanEvent, PlanRevision, PracticeItem
from devplans.services import checkins, items, plans
from devplans.services.timeline import StaleEdit
from people.tests.factories import PersonFactory

from .helpers import agreed_plan, assess, course_for, in_weeks, plan_with_goal, skill

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


# --- creating ---------------------------------------


def test_a_manager_creates_a_draft_plan_with_revision_one(org):
    plan = plans.create_plan(person=org.employee_person, by=org.manager, career_goal=" Lead a team ")
    assert plan.status == Plan.Status.DRAFT
    assert plan.career_goal == "Lead a team"
    assert plan.revisions.get().number == 1
    assert plan.events.get().kind == PlanEvent.Kind.CREATED


def test_only_someone_up_the_chain_creates_a_plan(org):
    for user in (org.other_manager, org.employee, org.hr, org.ld):
        with pytest.raises(ValidationError, match="manager can start a plan"):
            plans.create_plan(person=org.employee_person, by=user)
    assert not Plan.objects.exists()


def test_a_skip_level_manager_may_create_a_plan(org):
    deep = PersonFactory(manager=org.employee_person)
    plan = plans.create_plan(person=deep, by=org.manager)
    assert plan.person == deep


def test_a_second_open_plan_is_refused(org):
    plans.create_plan(person=org.employee_person, by=org.manager)
    with pytest.raises(ValidationError, match="already has a plan"):
        plans.create_plan(person=org.employee_person, by=org.manager)
    assert Plan.objects.count() == 1


def test_a_plan_from_gaps_has_goals_for_the_top_gaps_and_the_top_courses(org):
    assess(
        org.employee_person,
        org.manager,
        delegation=(1, 3, 18),
        feedback=(2, 3, 6),
        coaching=(2, 4, 12),
        presenting=(3, 3, 0),
        adaptability=(1, 2, 2),
    )
    first = course_for("delegation", title="Delegation basics")
    second = course_for("coaching", level_from=2, level_to=4, title="Coaching conversations")
    plan = plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)
    goals = list(plan.goals.select_related("skill"))
    assert [g.skill.key for g in goals] == ["delegation", "coaching", "feedback"]
    assert [(g.start_level, g.target_level) for g in goals] == [(1, 3), (2, 4), (2, 3)]
    assert all(g.source_result_id for g in goals)
    assert goals[0].due_on == in_weeks(12)
    assert "Proficient" in goals[0].outcome
    learning = list(plan.learning_items.select_related("course", "goal__skill"))
    assert {i.course for i in learning} == {first, second}
    assert {i.course.pk: i.goal.skill.key for i in learning} == {first.pk: "delegation", second.pk: "coaching"}
    assert all(i.reason for i in learning)
    assert plan.source_assessment is not None


def test_a_plan_from_gaps_leaves_out_courses_already_taken(org):
    assess(org.employee_person, org.manager, delegation=(1, 3, 18))
    taken = course_for("delegation", title="Taken before")
    fresh = course_for("delegation", title="Fresh", duration_minutes=300)
    old = plans.create_plan(person=org.employee_person, by=org.manager)
    plans.add_learning_item(plan=old, by=org.manager, course=taken)
    plans.end_plan(plan=old, by=org.manager, status=Plan.Status.CLOSED, reason="Restarting from the new assessment")
    plan = plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)
    assert [i.course for i in plan.learning_items.all()] == [fresh]


def test_a_plan_from_gaps_needs_an_assessment(org):
    with pytest.raises(ValidationError, match="Assess"):
        plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)
    assert not Plan.objects.exists()


def test_a_plan_from_gaps_needs_a_gap(org):
    assess(org.employee_person, org.manager, delegation=(3, 3, 0))
    with pytest.raises(ValidationError, match="no gaps"):
        plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)
    assert not Plan.objects.exists()


# --- goals: bad input ---------------------------------------------------------------------------------------


def test_a_goal_due_in_the_past_is_refused(org):
    plan = plans.create_plan(person=org.employee_person, by=org.manager)
    with pytest.raises(ValidationError, match="in the past"):
        plans.add_goal(
            plan=plan,
            by=org.manager,
            skill=skill("delegation"),
            target_level=3,
            outcome="x",
            due_on=_today() - timedelta(days=1),
        )
    assert not plan.goals.exists()


def test_a_goal_for_a_skill_not_in_the_rubric_in_force_is_refused(org):
    plan = plans.create_plan(person=org.employee_person, by=org.manager)
    old = RubricVersion.objects.create(number=99, status=RubricVersion.Status.DRAFT)
    stray = Skill.objects.create(
        rubric_version=old,
        key="juggling",
        name="Juggling",
        category="Other",
        description="x",
        level_not_yet="a",
        level_developing="b",
        level_proficient="c",
        level_role_model="d",
        next_steps="e",
    )
    with pytest.raises(ValidationError, match="not a skill of the rubric in force"):
        plans.add_goal(plan=plan, by=org.manager, skill=stray, target_level=3, outcome="x", due_on=in_weeks(4))
    assert not plan.goals.exists()


@pytest.mark.parametrize("level", [0, 5])
def test_a_target_level_off_the_scale_is_refused(org, level):
    plan = plans.create_plan(person=org.employee_person, by=org.manager)
    with pytest.raises(ValidationError, match="between 1"):
        plans.add_goal(
            plan=plan, by=org.manager, skill=skill("delegation"), target_level=level, outcome="x", due_on=in_weeks(4)
        )


def test_two_goals_for_one_skill_are_refused(org):
    plan, _ = plan_with_goal(org)
    with pytest.raises(ValidationError, match="already has a goal"):
        plans.add_goal(
            plan=plan, by=org.manager, skill=skill("delegation"), target_level=4, outcome="y", due_on=in_weeks(4)
        )


def test_the_employee_cannot_change_goals(org):
    plan, goal = plan_with_goal(org)
    with pytest.raises(ValidationError, match="manager"):
        plans.change_goal(
            goal=goal, by=org.employee, expected_version=1, target_level=4, outcome="y", due_on=in_weeks(2)
        )
    with pytest.raises(ValidationError, match="manager"):
        plans.add_goal(
            plan=plan, by=org.employee, skill=skill("feedback"), target_level=3, outcome="x", due_on=in_weeks(4)
        )
    goal.refresh_from_db()
    assert (goal.target_level, goal.version) == (3, 1)
    assert plan.goals.count() == 1


# --- agreement and revisions ---------------------------------------


def test_both_confirming_agrees_the_plan_and_schedules_the_first_checkin(org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT and plan.awaits_agreement
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    assert plan.agreed_revision == 1 and not plan.awaits_agreement
    assert plan.agreed_at is not None
    revision = plan.revisions.get()
    assert revision.is_agreed and revision.snapshot["goals"][0]["skill"] == "Delegation"
    checkin = plan.checkins.get()
    assert checkin.status == CheckIn.Status.SCHEDULED
    assert checkin.scheduled_for == _today() + timedelta(weeks=4)


def test_a_confirm_by_the_wrong_person_is_refused(org):
    plan, _ = plan_with_goal(org)
    skip_level = PersonFactory()
    org.manager_person.manager = skip_level
    org.manager_person.save()
    for user in (org.other_manager, org.other_employee, org.hr, org.ld, skip_level.user):
        with pytest.raises(ValidationError, match="can confirm this plan"):
            plans.confirm_plan(plan=plan, by=user, revision=1)
    revision = plan.revisions.get()
    assert revision.manager_confirmed_at is None and revision.employee_confirmed_at is None


def test_a_confirm_of_a_stale_revision_is_refused(org):
    plan, goal = agreed_plan(org)
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    with pytest.raises(ValidationError, match="revision 2 is now up for agreement"):
        plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    assert plan.revisions.get(number=2).employee_confirmed_at is None


def test_confirming_twice_is_refused(org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    with pytest.raises(ValidationError, match="already confirmed"):
        plans.confirm_plan(plan=plan, by=org.employee, revision=1)


def test_a_plan_without_goals_cannot_be_agreed(org):
    plan = plans.create_plan(person=org.employee_person, by=org.manager)
    with pytest.raises(ValidationError, match="at least one goal"):
        plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    assert plan.revisions.get().manager_confirmed_at is None


def test_a_goal_change_in_a_draft_clears_earlier_confirmations(org):
    plan, goal = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    plans.change_goal(goal=goal, by=org.manager, expected_version=1, target_level=4, outcome="More", due_on=goal.due_on)
    revision = plan.revisions.get()
    assert revision.employee_confirmed_at is None
    assert revision.changes[-2:] == [
        ["Delegation: Target level", "3", "4"],
        ["Delegation: Outcome", "Hands work over", "More"],
    ]


def test_a_goal_change_after_agreement_opens_a_new_revision_both_confirm(org):
    plan, goal = agreed_plan(org)
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    plan.refresh_from_db()
    assert (plan.revision, plan.agreed_revision, plan.status) == (2, 1, Plan.Status.AGREED)
    assert plan.awaits_agreement
    assert plan.revisions.get(number=1).snapshot["goals"][0]["target_level"] == 3
    plans.confirm_plan(plan=plan, by=org.manager, revision=2)
    plans.confirm_plan(plan=plan, by=org.employee, revision=2)
    plan.refresh_from_db()
    assert plan.agreed_revision == 2 and not plan.awaits_agreement
    assert plan.revisions.get(number=2).snapshot["goals"][0]["target_level"] == 4
    assert plan.checkins.filter(status=CheckIn.Status.SCHEDULED).count() == 1


def test_several_changes_before_reconfirming_stay_in_one_revision(org):
    plan, goal = agreed_plan(org)
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    plans.add_goal(plan=plan, by=org.manager, skill=skill("feedback"), target_level=3, outcome="x", due_on=in_weeks(6))
    plan.refresh_from_db()
    assert plan.revision == 2
    assert len(plan.revisions.get(number=2).changes) == 3


def test_adding_a_course_after_agreement_does_not_reopen_agreement(org):
    plan, _ = agreed_plan(org)
    plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    plan.refresh_from_db()
    assert not plan.awaits_agreement and plan.revision == 1


def test_changing_only_the_cadence_after_agreement_needs_no_new_revision(org):
    plan, _ = agreed_plan(org)
    plans.update_plan(
        plan=plan,
        by=org.manager,
        expected_version=plan.version,
        career_goal=plan.career_goal,
        target_role=None,
        cadence_weeks=2,
    )
    plan.refresh_from_db()
    assert plan.cadence_weeks == 2 and plan.revision == 1


def test_changing_the_career_goal_after_agreement_opens_a_revision(org):
    plan, _ = agreed_plan(org)
    plans.update_plan(
        plan=plan,
        by=org.manager,
        expected_version=plan.version,
        career_goal="Head a department",
        target_role=None,
        cadence_weeks=4,
    )
    plan.refresh_from_db()
    assert plan.revision == 2
    assert plan.revisions.get(number=2).changes == [["Career goal", "Lead a team", "Head a department"]]


# --- no lost updates ---------------------------------------


def test_a_stale_goal_edit_is_refused_with_what_changed(org):
    _plan, goal = plan_with_goal(org)
    opened_at = goal.version
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=opened_at, target_level=4, outcome="Kate's", due_on=goal.due_on
    )
    with pytest.raises(StaleEdit) as refused:
        plans.change_goal(
            goal=goal, by=org.manager, expected_version=opened_at, target_level=2, outcome="Mine", due_on=goal.due_on
        )
    assert "not saved" in refused.value.messages[0]
    (change,) = refused.value.changes
    assert change.kind == PlanEvent.Kind.GOAL_CHANGED
    assert ["Target level", "3", "4"] in change.changes
    goal.refresh_from_db()
    assert (goal.target_level, goal.outcome) == (4, "Kate's")


def test_a_stale_plan_edit_is_refused_and_changes_nothing(org):
    plan, _ = plan_with_goal(org)
    seen = Plan.objects.get(pk=plan.pk).version
    plans.update_plan(
        plan=plan, by=org.manager, expected_version=seen, career_goal="A", target_role=None, cadence_weeks=4
    )
    with pytest.raises(StaleEdit) as refused:
        plans.update_plan(
            plan=plan, by=org.manager, expected_version=seen, career_goal="B", target_role=None, cadence_weeks=2
        )
    assert [e.kind for e in refused.value.changes] == [PlanEvent.Kind.EDITED]
    assert refused.value.changes[0].changes == [["Career goal", "Lead a team", "A"]]
    plan.refresh_from_db()
    assert (plan.career_goal, plan.cadence_weeks) == ("A", 4)


def test_a_stale_learning_status_is_refused(org):
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status=LearningItem.Status.IN_PROGRESS)
    with pytest.raises(StaleEdit) as refused:
        items.set_learning_status(item=item, by=org.manager, expected_version=1, status=LearningItem.Status.DROPPED)
    assert refused.value.changes[0].changes == [["Status", "Planned", "In progress"]]
    item.refresh_from_db()
    assert item.status == LearningItem.Status.IN_PROGRESS


def test_removing_a_goal_keeps_its_items_and_logs_it(org):
    plan, goal = plan_with_goal(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"), goal=goal)
    plans.remove_goal(goal=goal, by=org.manager, expected_version=goal.version)
    item.refresh_from_db()
    assert item.goal is None
    assert plan.events.filter(kind=PlanEvent.Kind.GOAL_REMOVED).exists()


# --- learning ---------------------------------------


def test_the_employee_marks_a_course_done_and_the_plan_becomes_active(org):
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    items.set_learning_status(
        item=item, by=org.employee, expected_version=1, status=LearningItem.Status.COMPLETED, note="Delegate outcomes"
    )
    item.refresh_from_db()
    plan.refresh_from_db()
    assert item.status == LearningItem.Status.COMPLETED and item.completed_on == _today()
    assert item.employee_note == "Delegate outcomes"
    assert item.awaits_observation
    assert plan.status == Plan.Status.ACTIVE


def test_only_the_manager_drops_a_course(org):
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    with pytest.raises(ValidationError, match="Only your manager"):
        items.set_learning_status(item=item, by=org.employee, expected_version=1, status=LearningItem.Status.DROPPED)
    items.set_learning_status(item=item, by=org.manager, expected_version=1, status=LearningItem.Status.DROPPED)


def test_the_manager_records_what_changed_after_a_course(org):
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    with pytest.raises(ValidationError, match="follow a completed course"):
        items.record_observation(item=item, by=org.manager, text="Early days")
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status=LearningItem.Status.COMPLETED)
    items.record_observation(item=item, by=org.manager, text="Handed the release to Greg")
    item.refresh_from_db()
    assert not item.awaits_observation and item.manager_observation == "Handed the release to Greg"


def test_a_retired_course_or_a_duplicate_cannot_be_added(org):
    plan, _ = plan_with_goal(org)
    course = course_for("delegation")
    plans.add_learning_item(plan=plan, by=org.manager, course=course)
    with pytest.raises(ValidationError, match="already in the plan"):
        plans.add_learning_item(plan=plan, by=org.manager, course=course)
    retired = course_for("delegation", is_active=False)
    with pytest.raises(ValidationError, match="retired"):
        plans.add_learning_item(plan=plan, by=org.manager, course=retired)


# --- postponing ---------------------------------------


def test_postponing_asks_for_a_new_date_and_offers_shorter_or_self_paced_courses(org):
    plan, goal = agreed_plan(org)
    workshop = course_for("delegation", title="Workshop", duration_minutes=420, is_self_paced=False)
    short = course_for("delegation", title="Short video", duration_minutes=20, is_self_paced=False)
    self_paced = course_for("delegation", title="Self-paced long", duration_minutes=600, is_self_paced=True)
    course_for("delegation", title="Long scheduled", duration_minutes=900, is_self_paced=False)
    course_for("feedback", title="Other skill", duration_minutes=10)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=workshop, goal=goal, due_on=in_weeks(1))
    assert selectors.alternatives_for(item) == [short, self_paced]
    item, alternative = items.postpone_learning_item(
        item=item, by=org.employee, expected_version=1, until=in_weeks(10), reason="Release week", alternative=short
    )
    assert (item.status, item.due_on, item.postponed_reason) == (
        LearningItem.Status.POSTPONED,
        in_weeks(10),
        "Release week",
    )
    assert alternative.course == short and alternative.replaces == item and alternative.goal == goal
    assert selectors.alternatives_for(item) == [self_paced]


def test_postponing_needs_a_future_date(org):
    plan, goal = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"), goal=goal)
    for until in (None, _today() - timedelta(days=1)):
        with pytest.raises(ValidationError):
            items.postpone_learning_item(item=item, by=org.employee, expected_version=1, until=until)
    item.refresh_from_db()
    assert item.status == LearningItem.Status.PLANNED


def test_postponing_refuses_a_course_that_is_not_an_alternative(org):
    plan, goal = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"), goal=goal)
    other = course_for("feedback", duration_minutes=5)
    with pytest.raises(ValidationError, match="not an alternative"):
        items.postpone_learning_item(
            item=item, by=org.employee, expected_version=1, until=in_weeks(3), alternative=other
        )
    item.refresh_from_db()
    assert item.status == LearningItem.Status.PLANNED
    assert plan.learning_items.count() == 1


# --- practice ---------------------------------------


def test_practice_reflection_then_manager_feedback(org):
    plan, goal = agreed_plan(org)
    practice = plans.add_practice_item(
        plan=plan, by=org.manager, description="Run the Monday stand-up for four weeks", goal=goal, due_on=in_weeks(4)
    )
    with pytest.raises(ValidationError, match="Only Brian"):
        items.reflect_on_practice(item=practice, by=org.manager, expected_version=1, reflection="x", status="done")
    items.reflect_on_practice(
        item=practice, by=org.employee, expected_version=1, reflection="Ran over twice", status="in_progress"
    )
    practice.refresh_from_db()
    assert practice.awaits_feedback
    items.give_practice_feedback(item=practice, by=org.manager, expected_version=practice.version, text="Use a timer")
    practice.refresh_from_db()
    assert not practice.awaits_feedback
    assert practice.manager_feedback == "Use a timer"


def test_practice_needs_a_description(org):
    plan, _ = plan_with_goal(org)
    with pytest.raises(ValidationError, match="Describe"):
        plans.add_practice_item(plan=plan, by=org.manager, description="  ")
    assert not PracticeItem.objects.exists()


# --- check-ins and feedback ---------------------------------------


def test_the_agenda_lists_overdue_work_observations_feedback_and_goals_due(org):
    plan, goal = agreed_plan(org)
    late = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation", title="Late one"))
    LearningItem.objects.filter(pk=late.pk).update(due_on=_today() - timedelta(days=3))
    done = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation", title="Done one"))
    items.set_learning_status(item=done, by=org.employee, expected_version=1, status="completed")
    practice = plans.add_practice_item(plan=plan, by=org.manager, description="Chair the retro")
    items.reflect_on_practice(item=practice, by=org.employee, expected_version=1, reflection="Went well", status="done")
    agenda = {section["title"]: section["items"] for section in selectors.agenda(plan, today=_today())}
    assert any("Late one" in line for line in agenda["Overdue"])
    assert agenda["Courses completed: what change have you seen?"] == ["Done one"]
    assert agenda["Practice awaiting feedback"] == ["Chair the retro"]
    assert not any("Delegation" in line for line in agenda.get("Goals due soon", []))
    Goal.objects.filter(pk=goal.pk).update(due_on=_today() + timedelta(days=10))
    agenda = {section["title"]: section["items"] for section in selectors.agenda(plan, today=_today())}
    assert any("Delegation" in line for line in agenda["Goals due soon"])


def test_recording_a_checkin_keeps_progress_feedback_and_schedules_the_next(org):
    plan, goal = agreed_plan(org)
    checkin = plan.checkins.get()
    checkins.record_checkin(
        checkin=checkin,
        by=org.manager,
        expected_version=checkin.version,
        held_on=_today(),
        progress={goal.pk: ("on_track", "Handed over the release")},
        feedback="Good start; let the team choose how",
        employee_comment="I want more stretch",
    )
    checkin.refresh_from_db()
    goal.refresh_from_db()
    plan.refresh_from_db()
    assert checkin.status == CheckIn.Status.HELD and checkin.held_on == _today()
    assert checkin.goal_progress.get().note == "Handed over the release"
    assert goal.progress == Goal.Progress.ON_TRACK
    assert plan.status == Plan.Status.ACTIVE
    assert Feedback.objects.get(person=org.employee_person).text == "Good start; let the team choose how"
    following = plan.checkins.get(status=CheckIn.Status.SCHEDULED)
    assert following.scheduled_for == _today() + timedelta(weeks=4)
    assert plan.events.filter(kind=PlanEvent.Kind.CHECKIN_HELD).exists()


def test_a_checkin_cannot_be_recorded_twice_or_in_the_future_or_by_the_employee(org):
    plan, goal = agreed_plan(org)
    checkin = plan.checkins.get()
    common = {"progress": {goal.pk: ("started", "")}, "feedback": "ok"}
    with pytest.raises(ValidationError, match="future"):
        checkins.record_checkin(checkin=checkin, by=org.manager, expected_version=1, held_on=in_weeks(1), **common)
    with pytest.raises(ValidationError, match="manager"):
        checkins.record_checkin(checkin=checkin, by=org.employee, expected_version=1, held_on=_today(), **common)
    with pytest.raises(ValidationError, match="Progress must be"):
        checkins.record_checkin(
            checkin=checkin,
            by=org.manager,
            expected_version=1,
            held_on=_today(),
            progress={goal.pk: ("brilliant", "")},
            feedback="ok",
        )
    checkins.record_checkin(checkin=checkin, by=org.manager, expected_version=1, held_on=_today(), **common)
    with pytest.raises(StaleEdit):
        checkins.record_checkin(checkin=checkin, by=org.manager, expected_version=1, held_on=_today(), **common)
    assert plan.checkins.filter(status=CheckIn.Status.HELD).count() == 1


def test_progress_for_a_goal_of_another_plan_is_refused(org):
    plan, _goal = agreed_plan(org)
    other = plans.create_plan(person=PersonFactory(manager=org.manager_person), by=org.manager)
    stray = plans.add_goal(
        plan=other, by=org.manager, skill=skill("feedback"), target_level=3, outcome="x", due_on=in_weeks(3)
    )
    checkin = plan.checkins.get()
    with pytest.raises(ValidationError, match="not in this plan"):
        checkins.record_checkin(
            checkin=checkin,
            by=org.manager,
            expected_version=1,
            held_on=_today(),
            progress={stray.pk: ("started", "")},
            feedback="x",
        )


def test_the_employee_comments_on_a_held_checkin(org):
    plan, _goal = agreed_plan(org)
    checkin = plan.checkins.get()
    with pytest.raises(ValidationError, match="once the check-in has been held"):
        checkins.comment_on_checkin(checkin=checkin, by=org.employee, expected_version=1, comment="x")
    checkins.record_checkin(
        checkin=checkin, by=org.manager, expected_version=1, held_on=_today(), progress={}, feedback="ok"
    )
    checkin.refresh_from_db()
    checkins.comment_on_checkin(checkin=checkin, by=org.employee, expected_version=checkin.version, comment="Thanks")
    checkin.refresh_from_db()
    assert checkin.employee_comment == "Thanks"


def test_rescheduling_moves_the_checkin_but_not_into_the_past(org):
    plan, _ = agreed_plan(org)
    checkin = plan.checkins.get()
    checkins.reschedule_checkin(checkin=checkin, by=org.manager, expected_version=1, on=in_weeks(1))
    checkin.refresh_from_db()
    assert checkin.scheduled_for == in_weeks(1)
    with pytest.raises(ValidationError, match="today or a later day"):
        checkins.reschedule_checkin(
            checkin=checkin, by=org.manager, expected_version=checkin.version, on=_today() - timedelta(days=1)
        )


def test_feedback_at_any_time_tied_to_a_behaviour(org):
    plan, _ = agreed_plan(org)
    delegation = skill("delegation")
    behaviour = delegation.behaviours.first()
    feedback = checkins.give_feedback(
        person=org.employee_person, by=org.manager, text="Good hand-over", behaviour=behaviour
    )
    assert (feedback.skill, feedback.plan) == (delegation, plan)
    assert plan.events.filter(kind=PlanEvent.Kind.FEEDBACK).exists()
    with pytest.raises(ValidationError, match="another skill"):
        checkins.give_feedback(
            person=org.employee_person, by=org.manager, text="x", skill=skill("feedback"), behaviour=behaviour
        )
    with pytest.raises(ValidationError, match="manager"):
        checkins.give_feedback(person=org.employee_person, by=org.other_manager, text="x")
    assert Feedback.objects.count() == 1


# --- ending ---------------------------------------


def test_closing_needs_a_reason_and_cancels_the_next_checkin(org):
    plan, _ = agreed_plan(org)
    with pytest.raises(ValidationError, match="why"):
        plans.end_plan(plan=plan, by=org.manager, status=Plan.Status.CLOSED, reason=" ")
    plans.end_plan(plan=plan, by=org.manager, status=Plan.Status.CLOSED, reason="Moved to another team")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED and plan.ended_at and plan.end_reason == "Moved to another team"
    assert not plan.checkins.filter(status=CheckIn.Status.SCHEDULED).exists()
    with pytest.raises(ValidationError, match="can no longer change"):
        plans.add_goal(
            plan=plan, by=org.manager, skill=skill("feedback"), target_level=3, outcome="x", due_on=in_weeks(2)
        )


def test_a_completed_plan_frees_the_person_for_a_new_one(org):
    plan, _ = agreed_plan(org)
    plans.end_plan(plan=plan, by=org.manager, status=Plan.Status.COMPLETED)
    again = plans.create_plan(person=org.employee_person, by=org.manager)
    assert again.status == Plan.Status.DRAFT
    assert PlanRevision.objects.filter(plan=again).count() == 1


def test_a_never_agreed_plan_is_closed_not_completed(org):
    plan, _ = plan_with_goal(org)
    with pytest.raises(ValidationError, match="never agreed"):
        plans.end_plan(plan=plan, by=org.manager, status=Plan.Status.COMPLETED)


# --- reads ---------------------------------------


def test_plans_are_visible_to_the_person_their_chain_and_hr_only(org):
    plan, _ = plan_with_goal(org)
    for user in (org.employee, org.manager, org.hr, org.admin):
        assert selectors.visible_plans(user).filter(pk=plan.pk).exists()
    for user in (org.other_employee, org.other_manager, org.ld):
        assert not selectors.visible_plans(user).filter(pk=plan.pk).exists()


def test_next_steps_for_the_employee_start_with_confirming(org):
    plan, _goal = plan_with_goal(org)
    plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation", title="Delegation 101"))
    page = selectors.plan_page(plan, user=org.employee, today=_today())
    texts = [s["text"] for s in page["next_steps"]]
    assert texts[0] == "Read the plan and confirm revision 1"
    assert "Start Delegation 101" in texts[1]


@pytest.mark.parametrize("size", [1, 30])
def test_the_plan_page_reads_in_a_fixed_number_of_queries(org, size, django_assert_max_num_queries):
    plan, _ = agreed_plan(org)
    course = course_for("delegation")
    for n in range(size):
        plans.add_practice_item(plan=plan, by=org.manager, description=f"Practice {n}")
    plans.add_learning_item(plan=plan, by=org.manager, course=course)
    with django_assert_max_num_queries(11):
        page = selectors.plan_page(plan, user=org.manager, today=_today())
    assert len(page["practice"]) == size


def test_a_confirm_from_a_page_opened_before_a_change_in_the_draft_is_refused(org):
    plan, goal = plan_with_goal(org)
    seen = Plan.objects.get(pk=plan.pk).version
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    with pytest.raises(StaleEdit) as refused:
        plans.confirm_plan(plan=plan, by=org.employee, revision=1, expected_version=seen)
    assert [e.kind for e in refused.value.changes] == [PlanEvent.Kind.GOAL_CHANGED]
    assert plan.revisions.get().employee_confirmed_at is None
    plans.confirm_plan(plan=plan, by=org.employee, revision=1, expected_version=Plan.objects.get(pk=plan.pk).version)
    assert plan.revisions.get().employee_confirmed_at is not None


def test_work_on_items_never_makes_the_plan_form_stale(org):
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    seen = Plan.objects.get(pk=plan.pk).version
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status="in_progress")
    plans.update_plan(
        plan=plan, by=org.manager, expected_version=seen, career_goal="Lead", target_role=None, cadence_weeks=2
    )
    plan.refresh_from_db()
    assert plan.cadence_weeks == 2


def test_a_stale_observation_is_refused(org):
    plan, _ = agreed_plan(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"))
    items.set_learning_status(item=item, by=org.employee, expected_version=1, status="completed")
    items.record_observation(item=item, by=org.manager, text="Handed over the release", expected_version=2)
    with pytest.raises(StaleEdit):
        items.record_observation(item=item, by=org.manager, text="Nothing yet", expected_version=2)
    item.refresh_from_db()
    assert item.manager_observation == "Handed over the release"
