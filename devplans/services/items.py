"""Writes for the work in a plan: courses started, done or postponed; practice and its feedback."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import Course
from devplans import selectors
from devplans.models import LearningItem, PlanEvent, PracticeItem

from .plans import activate, add_learning_item, check_due_date, require_manager, require_open
from .timeline import bump, lock, name_of, record, show

# What the person may set on their own courses; the manager may set any status.
OWNER_LEARNING_STATUSES = {LearningItem.Status.PLANNED, LearningItem.Status.IN_PROGRESS, LearningItem.Status.COMPLETED}


def _may_work_on(plan, by) -> bool:
    return selectors.is_own(by, plan) or selectors.may_manage(by, plan.person)


@transaction.atomic
def set_learning_status(*, item: LearningItem, by, expected_version: int, status: str, note: str = "") -> LearningItem:
    """Mark a course planned, in progress, completed or (the manager only) dropped; a note says what was learned."""
    plan = item.plan
    if not _may_work_on(plan, by):
        raise ValidationError(f"Only {plan.person.full_name} and their manager can update this course.")
    item = lock(LearningItem, item.pk, expected_version=expected_version, what=f"“{item.course.title}”")
    require_open(plan)
    if status not in LearningItem.Status.values or status == LearningItem.Status.POSTPONED:
        raise ValidationError("Choose planned, in progress, completed or dropped (postponing asks for a new date).")
    if not selectors.is_own(by, plan):
        require_manager(plan, by)
    elif status not in OWNER_LEARNING_STATUSES:
        raise ValidationError("Only your manager can drop a course from the plan.")
    before = item.get_status_display()
    item.status = status
    item.completed_on = timezone.localdate() if status == LearningItem.Status.COMPLETED else None
    if note.strip() and selectors.is_own(by, plan):
        item.employee_note = note.strip()
    item.save(update_fields=["status", "completed_on", "employee_note", "updated_at"])
    bump(item)
    if status in (LearningItem.Status.IN_PROGRESS, LearningItem.Status.COMPLETED):
        activate(plan)
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.LEARNING_CHANGED,
        summary=f"{name_of(by)} marked “{item.course.title}” {item.get_status_display().lower()}.",
        row=item,
        changes=[["Status", before, item.get_status_display()]],
    )
    return item


@transaction.atomic
def postpone_learning_item(
    *, item: LearningItem, by, expected_version: int, until, reason: str = "", alternative: Course | None = None
) -> tuple[LearningItem, LearningItem | None]:
    """Put a course off to a new date and, if chosen, take a shorter or self-paced course for the same skill now."""
    plan = item.plan
    if not _may_work_on(plan, by):
        raise ValidationError(f"Only {plan.person.full_name} and their manager can postpone this course.")
    item = lock(LearningItem, item.pk, expected_version=expected_version, what=f"“{item.course.title}”")
    require_open(plan)
    if item.is_done:
        raise ValidationError("A completed or dropped course cannot be postponed.")
    if until is None:
        raise ValidationError("Choose the new date for the course.")
    check_due_date(until, label="The new date")
    if alternative is not None and alternative.pk not in {c.pk for c in selectors.alternatives_for(item)}:
        raise ValidationError("That course is not an alternative for this one; choose one from the list.")
    before = item.due_on
    item.status, item.due_on, item.postponed_reason = LearningItem.Status.POSTPONED, until, reason.strip()[:300]
    item.save(update_fields=["status", "due_on", "postponed_reason", "updated_at"])
    bump(item)
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.LEARNING_CHANGED,
        summary=f"{name_of(by)} postponed “{item.course.title}” to {show(until)}."
        + (f" {item.postponed_reason}" if item.postponed_reason else ""),
        row=item,
        changes=[["Do by", show(before), show(until)]],
    )
    replacement = None
    if alternative is not None:
        # The alternative is added by the same rule as any course, but the person may choose it too.
        replacement = _add_alternative(item=item, by=by, course=alternative)
    return item, replacement


def _add_alternative(*, item: LearningItem, by, course: Course) -> LearningItem:
    plan = item.plan
    if plan.learning_items.filter(course=course).exclude(status=LearningItem.Status.DROPPED).exists():
        raise ValidationError(f"“{course.title}” is already in the plan.")
    if selectors.may_manage(by, plan.person):
        added = add_learning_item(
            plan=plan, by=by, course=course, goal=item.goal, reason=f"Instead of “{item.course.title}” for now"
        )
    else:
        added = LearningItem.objects.create(
            plan=plan,
            course=course,
            goal=item.goal,
            reason=f"Instead of “{item.course.title}” for now",
            order=plan.learning_items.count(),
        )
        record(
            plan,
            by=by,
            kind=PlanEvent.Kind.LEARNING_ADDED,
            summary=f"{name_of(by)} took “{course.title}” instead of “{item.course.title}” for now.",
            row=added,
        )
    LearningItem.objects.filter(pk=added.pk).update(replaces=item)
    added.replaces = item
    return added


@transaction.atomic
def record_observation(*, item: LearningItem, by, text: str, expected_version: int | None = None) -> LearningItem:
    """The manager says what change they have seen since the person completed the course."""
    require_manager(item.plan, by)
    item = lock(LearningItem, item.pk, expected_version=expected_version, what=f"“{item.course.title}”")
    if item.status != LearningItem.Status.COMPLETED:
        raise ValidationError("Observations follow a completed course.")
    if not text.strip():
        raise ValidationError("Say what change you have seen (or that you have seen none yet).")
    item.manager_observation, item.observed_at = text.strip(), timezone.now()
    item.save(update_fields=["manager_observation", "observed_at", "updated_at"])
    bump(item)
    record(
        item.plan,
        by=by,
        kind=PlanEvent.Kind.OBSERVATION,
        summary=f"{name_of(by)} on “{item.course.title}”: {item.manager_observation}",
        row=item,
    )
    return item


@transaction.atomic
def reflect_on_practice(*, item: PracticeItem, by, expected_version: int, reflection: str, status: str) -> PracticeItem:
    """The person says how the assignment went and where it stands."""
    plan = item.plan
    if not selectors.is_own(by, plan):
        raise ValidationError(f"Only {plan.person.full_name} writes how their practice went.")
    item = lock(PracticeItem, item.pk, expected_version=expected_version, what="this practice")
    require_open(plan)
    if status not in (PracticeItem.Status.PLANNED, PracticeItem.Status.IN_PROGRESS, PracticeItem.Status.DONE):
        raise ValidationError("Choose planned, in progress or done.")
    changes = []
    if status != item.status:
        changes.append(["Status", item.get_status_display(), PracticeItem.Status(status).label])
    item.status = status
    if reflection.strip() and reflection.strip() != item.reflection:
        item.reflection, item.reflected_at = reflection.strip(), timezone.now()
        changes.append(["How it went", "", item.reflection])
    if not changes:
        return item
    item.save(update_fields=["status", "reflection", "reflected_at", "updated_at"])
    bump(item)
    activate(plan)
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.REFLECTION,
        summary=f"{name_of(by)} on “{item.description}”: {item.reflection or item.get_status_display()}",
        row=item,
        changes=changes,
    )
    return item


@transaction.atomic
def give_practice_feedback(
    *, item: PracticeItem, by, expected_version: int, text: str, status: str = ""
) -> PracticeItem:
    """The manager's feedback on a practice assignment (and, optionally, its status)."""
    require_manager(item.plan, by)
    item = lock(PracticeItem, item.pk, expected_version=expected_version, what="this practice")
    require_open(item.plan)
    if not text.strip():
        raise ValidationError("Write your feedback: what you saw, and what to keep or change.")
    if status and status not in PracticeItem.Status.values:
        raise ValidationError("That status is not one of planned, in progress, done or dropped.")
    item.manager_feedback, item.feedback_at = text.strip(), timezone.now()
    item.status = status or item.status
    item.save(update_fields=["manager_feedback", "feedback_at", "status", "updated_at"])
    bump(item)
    activate(item.plan)
    record(
        item.plan,
        by=by,
        kind=PlanEvent.Kind.FEEDBACK,
        summary=f"{name_of(by)}'s feedback on “{item.description}”: {item.manager_feedback}",
        row=item,
    )
    return item
