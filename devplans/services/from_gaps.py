"""Writes for drafting a plan from the gaps the manager chose (devplans.gap_selectors reads the choices).

One goal per chosen gap (the target level of the latest manager's assessment, due in twelve weeks, with
the rubric's own words for that level as the outcome) and, for each goal, its best course not already
taken. Without an open plan, a draft is created; with one, the goals the plan lacks are added to it
through the plan services, so a change to an agreed plan opens a new revision both confirm.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.selectors import role_of
from catalog.models import Course
from devplans import gap_selectors, selectors
from devplans.models import Goal, LearningItem, Plan
from people.models import Person

from .plans import DEFAULT_COURSE_WEEKS, DEFAULT_GOAL_WEEKS, add_goal, add_learning_item, create_plan, outcome_text


class NewerAssessment(ValidationError):
    """The gaps were chosen on an assessment that is no longer the latest."""


@dataclass
class FromGaps:
    """What plan_from_gaps did: the plan, whether it is new, and the goals and courses it added."""

    plan: Plan
    created: bool
    goals: list[Goal] = field(default_factory=list)
    courses: list[LearningItem] = field(default_factory=list)
    # Chosen gaps the open plan already had a goal for (chosen on a page opened before it got one).
    already_in_plan: list[str] = field(default_factory=list)


def _chosen(gaps: gap_selectors.GapsToPlan, skill_keys) -> tuple[list, list[str]]:
    """The choosable gaps picked (rank order) and the names of those the open plan already has."""
    keys = set(gaps.ticked_keys) if skill_keys is None else {str(key) for key in skill_keys}
    known = {c.key: c for c in gaps.choices}
    unknown = sorted(keys - known.keys())
    if unknown:
        raise ValidationError(
            f"{', '.join(unknown)} is not a gap of the latest assessment; open the page again and choose from it."
        )
    gone = [known[key] for key in keys if known[key].skill is None]
    if gone:
        raise ValidationError(
            f"{gone[0].result.skill.name} is no longer a skill of the rubric in force, so it cannot be a goal."
        )
    chosen = sorted((known[key] for key in keys if known[key].is_choosable), key=lambda c: c.rank)
    in_plan = [known[key].result.skill.name for key in sorted(keys, key=lambda k: known[k].rank) if known[key].in_plan]
    return chosen, in_plan


@transaction.atomic
def plan_from_gaps(*, person: Person, by, skill_keys=None, assessment_id: int | None = None) -> FromGaps:
    """Goals (and their best courses) for the chosen gaps of the person's latest manager's assessment.

    skill_keys: the skills of the gaps chosen; None takes the ones ticked by default (the top three and
    every high-impact gap). assessment_id: the assessment the choice was made on; if a newer one was
    submitted since, nothing changes and the manager is asked to choose again. Without an open plan a
    draft is created; with one, the gaps it lacks are added to it.
    """
    if not selectors.may_manage(by, person):
        raise ValidationError(f"Only {person.full_name}'s manager can plan from their gaps.")
    gaps = gap_selectors.gaps_to_plan(person)
    if gaps.latest is None:
        raise ValidationError(f"Assess {person.full_name} first: a plan from gaps needs a manager's assessment.")
    if assessment_id is not None and assessment_id != gaps.latest.pk:
        raise NewerAssessment(
            f"A newer assessment of {person.full_name} was submitted after you opened this page, so nothing was "
            "added. Here are its gaps: choose again."
        )
    if not gaps.choices:
        raise ValidationError(f"{person.full_name} has no gaps in the latest assessment; start an empty plan instead.")
    chosen, in_plan = _chosen(gaps, skill_keys)
    if not chosen:
        if in_plan:
            raise ValidationError("The plan already has a goal for every gap you ticked; nothing was added.")
        raise ValidationError("Tick at least one gap to make it a goal; nothing was added.")
    plan, created = gaps.open_plan, False
    if plan is None:
        role = role_of(person)
        target_role = role.target_profile if role else None
        plan = create_plan(
            person=person,
            by=by,
            career_goal=f"Grow into the {target_role.name} role." if target_role else "",
            target_role=target_role,
            source_assessment=gaps.latest,
        )
        created = True
    done = FromGaps(plan=plan, created=created, already_in_plan=in_plan)
    due = timezone.localdate() + timedelta(weeks=DEFAULT_GOAL_WEEKS)
    for choice in chosen:
        result = choice.result
        done.goals.append(
            add_goal(
                plan=plan,
                by=by,
                skill=choice.skill,
                target_level=result.target,
                outcome=outcome_text(choice.skill, result.target),
                due_on=due,
                source_result=result,
                start_level=result.level,
            )
        )
    best = gap_selectors.best_courses(gaps, [c.key for c in chosen])
    found = Course.objects.in_bulk([r.course.course_id for r in best.values()])
    course_due = timezone.localdate() + timedelta(weeks=DEFAULT_COURSE_WEEKS)
    for choice, goal in zip(chosen, done.goals, strict=True):
        recommendation = best.get(choice.key)
        if recommendation is None:
            continue
        done.courses.append(
            add_learning_item(
                plan=plan,
                by=by,
                course=found[recommendation.course.course_id],
                goal=goal,
                due_on=course_due,
                reason=recommendation.reason,
            )
        )
    plan.refresh_from_db()
    return done
