"""Test data for development plans: a submitted assessment with gaps, courses, and plans in any state."""

from datetime import timedelta

from django.utils import timezone

from assessments import selectors as assessment_selectors
from assessments.models import Assessment, SkillResult
from catalog.models import CourseSkill
from catalog.tests.factories import CourseFactory
from devplans.services import plans


def skill(key):
    return assessment_selectors.current_rubric().skills.get(key=key)


def assess(person, assessor, **levels):
    """A submitted manager's assessment of `person` with {skill key: (level, target, priority)}."""
    rubric = assessment_selectors.current_rubric()
    assessment = Assessment.objects.create(
        person=person,
        assessor=assessor,
        rubric_version=rubric,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for key, (level, target, priority) in levels.items():
        SkillResult.objects.create(
            assessment=assessment,
            skill=rubric.skills.get(key=key),
            level=level,
            target=target,
            gap=max(0, target - level),
            priority=priority,
        )
    return assessment


def course_for(key, level_from=1, level_to=3, **fields):
    course = CourseFactory(**fields)
    CourseSkill.objects.create(course=course, skill=skill(key), level_from=level_from, level_to=level_to)
    return course


def in_weeks(weeks):
    return timezone.localdate() + timedelta(weeks=weeks)


def plan_with_goal(org, key="delegation"):
    """A draft plan for Brian, made by Kate, with one goal."""
    plan = plans.create_plan(person=org.employee_person, by=org.manager, career_goal="Lead a team")
    goal = plans.add_goal(
        plan=plan, by=org.manager, skill=skill(key), target_level=3, outcome="Hands work over", due_on=in_weeks(8)
    )
    return plan, goal


def agreed_plan(org, key="delegation"):
    plan, goal = plan_with_goal(org, key)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    plan.refresh_from_db()
    goal.refresh_from_db()
    return plan, goal
