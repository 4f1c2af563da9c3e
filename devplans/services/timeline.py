"""The plan's timeline and optimistic locking, shared by every plan service.

Every editable row has a `version`. A form posts the version it was opened
at; `lock()` re-reads the row FOR UPDATE and, if someone saved it since,
raises StaleEdit with the timeline lines recorded in between, so the page can
say what changed instead of overwriting it silently.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils import formats

from devplans.models import Plan, PlanEvent


class StaleEdit(ValidationError):
    """Someone saved this since the form was opened; `changes` are the timeline lines since then."""

    def __init__(self, message, *, changes):
        super().__init__(message)
        self.changes = list(changes)


SUBJECTS = {
    "Plan": "plan",
    "Goal": "goal",
    "LearningItem": "learning",
    "PracticeItem": "practice",
    "CheckIn": "checkin",
}


def subject_of(row: Model) -> str:
    return SUBJECTS[type(row).__name__]


def lock(model, pk: int, *, expected_version: int | None, what: str):
    """The row, locked for this transaction; StaleEdit if its version moved past expected_version.

    expected_version None skips the check (used by actions that cannot conflict, such as adding a row).
    """
    row = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and row.version != expected_version:
        raise stale(model, pk, expected_version=expected_version, what=what)
    return row


def stale(model, pk: int, *, expected_version: int, what: str) -> StaleEdit:
    """The refusal for a form opened at expected_version, with the timeline lines since then."""
    if model is Plan:
        changes = PlanEvent.objects.filter(plan_id=pk, plan_version__gt=expected_version)
    else:
        changes = PlanEvent.objects.filter(
            subject=SUBJECTS[model.__name__], subject_id=pk, subject_version__gt=expected_version
        )
    return StaleEdit(
        f"Someone saved {what} after you opened it, so your changes were not saved. "
        "Here is what changed; check it and make your change again.",
        changes=changes.select_related("actor__person"),
    )


def bump(row: Model) -> None:
    """Count one more saved change on the row (in memory and in the database).

    A plan's own version moves only when the plan itself or what is agreed changes (see
    services.plans._content_changed), so marking a course done never makes a plan form stale.
    """
    type(row).objects.filter(pk=row.pk).update(version=F("version") + 1)
    row.version += 1


def show(value) -> str:
    """A value as a person reads it in a change list."""
    if value in (None, ""):
        return "—"
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    return str(value)


def diff(before: dict, after: dict, labels: dict) -> list[list[str]]:
    """[label, before, after] for each field that changed (values already readable)."""
    return [
        [labels.get(field, field), show(before[field]), show(after[field])]
        for field in after
        if show(before.get(field)) != show(after[field])
    ]


def record(plan: Plan, *, by, kind: str, summary: str, row: Model | None = None, changes=()) -> PlanEvent:
    """Add a line to the plan's timeline (about `row`, at the version it has now)."""
    return PlanEvent.objects.create(
        plan=plan,
        actor=by,
        kind=kind,
        summary=summary[:500],
        changes=list(changes),
        subject=subject_of(row) if row is not None else "",
        subject_id=row.pk if row is not None else None,
        subject_version=row.version if row is not None else None,
        plan_version=plan.version,
    )


def name_of(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person else (user.email if user else "Someone")
