"""Report test data, built through the services (shared by the dashboard and privacy tests)."""

from decimal import Decimal

from devplans.services import items, plans, surveys
from devplans.tests.helpers import assess, course_for, in_weeks, skill


def agreed_plan_from_gap(person, manager_user, key="delegation", *, level=1, target=3):
    """A manager's assessment of `person` with a gap in `key`, and a plan with one goal from it, agreed by both."""
    assessment = assess(person, manager_user, **{key: (level, target, 6)})
    result = assessment.skill_results.get(skill__key=key)
    plan = plans.create_plan(person=person, by=manager_user)
    goal = plans.add_goal(
        plan=plan,
        by=manager_user,
        skill=skill(key),
        target_level=target,
        outcome=f"Better at {key}",
        due_on=in_weeks(8),
        source_result=result,
        start_level=level,
    )
    plans.confirm_plan(plan=plan, by=manager_user, revision=1)
    plans.confirm_plan(plan=plan, by=person.user, revision=1)
    plan.refresh_from_db()
    return plan, goal


def complete_course(plan, goal, manager_user, person, *, cost="120.00", key="delegation"):
    course = course_for(key, cost=Decimal(cost))
    item = plans.add_learning_item(plan=plan, by=manager_user, course=course, goal=goal)
    item.refresh_from_db()
    items.set_learning_status(item=item, by=person.user, expected_version=item.version, status="completed")
    return course


def answer_follow_up(plan, frequency):
    """The manager's follow-up survey, every strength of every goal's skill seen at `frequency` (4: gap closed)."""
    manager_survey, _ = surveys.create_follow_up_surveys(plan=plan)
    answers = {
        goal.pk: {
            "frequencies": {b.pk: frequency for b in goal.skill.behaviours.filter(kind="strength")},
            "impact": "some",
        }
        for goal in plan.goals.all()
    }
    return surveys.answer_survey(survey=manager_survey, answers=answers)
