"""Writes for check-ins and feedback.

A plan has at most one scheduled check-in: the first is scheduled when the
plan is agreed, one cadence later; holding one schedules the next, one
cadence after the day it was held.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Behaviour, Skill
from devplans import selectors
from devplans.models import CheckIn, Feedback, Goal, GoalProgress, Plan, PlanEvent
from people.models import Person

from .plans import activate, require_manager, require_open
from .timeline import bump, lock, name_of, record, show


def schedule_checkin(*, plan: Plan, by, on) -> CheckIn:
    """The plan's next check-in on `on` (the one already scheduled, if there is one)."""
    existing = plan.checkins.filter(status=CheckIn.Status.SCHEDULED).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(plan=plan, scheduled_for=on)
    except IntegrityError:  # scheduled a moment ago by another request
        return plan.checkins.get(status=CheckIn.Status.SCHEDULED)
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.CHECKIN_SCHEDULED,
        summary=f"Check-in scheduled for {show(on)}.",
        row=checkin,
    )
    return checkin


@transaction.atomic
def reschedule_checkin(*, checkin: CheckIn, by, expected_version: int, on) -> CheckIn:
    require_manager(checkin.plan, by)
    checkin = lock(CheckIn, checkin.pk, expected_version=expected_version, what="this check-in")
    require_open(checkin.plan)
    if checkin.status != CheckIn.Status.SCHEDULED:
        raise ValidationError("Only a check-in that is still to come can move.")
    if on is None or on < timezone.localdate():
        raise ValidationError("Choose today or a later day for the check-in.")
    before = checkin.scheduled_for
    if before == on:
        return checkin
    checkin.scheduled_for = on
    checkin.save(update_fields=["scheduled_for", "updated_at"])
    bump(checkin)
    record(
        checkin.plan,
        by=by,
        kind=PlanEvent.Kind.CHECKIN_SCHEDULED,
        summary=f"{name_of(by)} moved the check-in to {show(on)}.",
        row=checkin,
        changes=[["Date", f"{show(before)}", f"{show(on)}"]],
    )
    return checkin


@transaction.atomic
def record_checkin(
    *,
    checkin: CheckIn,
    by,
    expected_version: int,
    held_on,
    progress: dict[int, tuple[str, str]],
    feedback: str,
    employee_comment: str = "",
) -> CheckIn:
    """The manager records a check-in: the day held, progress per goal, feedback, and the person's comment.

    progress maps goal id → (Goal.Progress value, note). The agenda as it stood is kept with it,
    and the next check-in is scheduled one cadence later.
    """
    plan = checkin.plan
    require_manager(plan, by)
    checkin = lock(CheckIn, checkin.pk, expected_version=expected_version, what="this check-in")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require_open(plan)
    if checkin.status != CheckIn.Status.SCHEDULED:
        raise ValidationError("This check-in has already been recorded.")
    if plan.agreed_revision is None:
        raise ValidationError("Agree the plan before holding check-ins on it.")
    today = timezone.localdate()
    if held_on is None or held_on > today:
        raise ValidationError("The day the check-in was held cannot be in the future.")
    goals = {g.pk: g for g in plan.goals.select_related("skill")}
    unknown = set(progress) - set(goals)
    if unknown:
        raise ValidationError("Progress was given for a goal that is not in this plan.")
    for value, _ in progress.values():
        if value not in Goal.Progress.values:
            raise ValidationError("Progress must be one of: " + ", ".join(Goal.Progress.labels) + ".")
    if not feedback.strip():
        raise ValidationError("Write your feedback: what went well and what to work on next.")
    checkin.agenda = selectors.agenda(plan, today=held_on)
    checkin.status, checkin.held_on, checkin.recorded_by = CheckIn.Status.HELD, held_on, by
    checkin.manager_feedback, checkin.employee_comment = feedback.strip(), employee_comment.strip()
    checkin.save()
    bump(checkin)
    GoalProgress.objects.bulk_create(
        GoalProgress(checkin=checkin, goal_id=goal_id, progress=value, note=note.strip()[:500])
        for goal_id, (value, note) in progress.items()
    )
    changed = [goals[goal_id] for goal_id, (value, _) in progress.items() if goals[goal_id].progress != value]
    for goal in changed:
        goal.progress = progress[goal.pk][0]
    Goal.objects.bulk_update(changed, ["progress"])
    Feedback.objects.create(person=plan.person, plan=plan, checkin=checkin, text=checkin.manager_feedback, given_by=by)
    activate(plan)
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.CHECKIN_HELD,
        summary=f"Check-in held on {show(held_on)}: {checkin.manager_feedback}",
        row=checkin,
        changes=[[goals[g].skill.name, "", Goal.Progress(v).label] for g, (v, _) in progress.items()],
    )
    schedule_checkin(plan=plan, by=by, on=max(held_on + timedelta(weeks=plan.cadence_weeks), today + timedelta(days=1)))
    return checkin


@transaction.atomic
def comment_on_checkin(*, checkin: CheckIn, by, expected_version: int, comment: str) -> CheckIn:
    """The person adds or changes their comment on a check-in that was held."""
    if not selectors.is_own(by, checkin.plan):
        raise ValidationError(f"Only {checkin.plan.person.full_name} can comment here.")
    checkin = lock(CheckIn, checkin.pk, expected_version=expected_version, what="this check-in")
    if checkin.status != CheckIn.Status.HELD:
        raise ValidationError("You can comment once the check-in has been held.")
    if not comment.strip():
        raise ValidationError("Write your comment first.")
    checkin.employee_comment = comment.strip()
    checkin.save(update_fields=["employee_comment", "updated_at"])
    bump(checkin)
    record(
        checkin.plan,
        by=by,
        kind=PlanEvent.Kind.REFLECTION,
        summary=f"{name_of(by)} commented on the check-in of {show(checkin.held_on)}: {checkin.employee_comment}",
        row=checkin,
    )
    return checkin


@transaction.atomic
def give_feedback(
    *, person: Person, by, text: str, skill: Skill | None = None, behaviour: Behaviour | None = None
) -> Feedback:
    """Feedback a manager documents at any time, about a skill or one of its behaviours; the person sees it."""
    if not selectors.may_manage(by, person):
        raise ValidationError(f"Only {person.full_name}'s manager can give them feedback here.")
    if not text.strip():
        raise ValidationError("Write the feedback: what you saw, and what to keep or change.")
    if behaviour is not None:
        if skill is None:
            skill = behaviour.skill
        elif behaviour.skill_id != skill.pk:
            raise ValidationError("That behaviour belongs to another skill.")
    plan = selectors.open_plan_for(person)
    feedback = Feedback.objects.create(
        person=person, plan=plan, skill=skill, behaviour=behaviour, text=text.strip(), given_by=by
    )
    if plan is not None:
        about = f" on {skill.name}" if skill else ""
        record(plan, by=by, kind=PlanEvent.Kind.FEEDBACK, summary=f"{name_of(by)}'s feedback{about}: {feedback.text}")
    return feedback
