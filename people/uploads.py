"""Uploads checked and applied in the background: shared by the org chart and catalog imports.

An upload is recorded as a row (OrgImport, CourseImport) with a status, then a
Celery task applies it. `queue_import` queues the task once the upload is
committed, or runs it in the request when the broker cannot be reached.
`run_queued_import` claims the row, applies it all-or-nothing and records the
outcome; calling it twice for the same row does the work once.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    dropped_errors: int = 0

    @property
    def ok(self):
        return not self.errors


def queue_import(*, task, pk: int, run_inline: Callable[[int], object]) -> None:
    """Queue task(pk) once the transaction commits; without a broker, run it here instead of leaving it waiting."""

    def enqueue():
        try:
            task.delay(pk)
        except Exception:
            logger.warning("Could not queue %s(%s); running it in the request", task.name, pk, exc_info=True)
            run_inline(pk)

    transaction.on_commit(enqueue)


def run_queued_import(*, model, pk: int, apply: Callable[[object], ImportResult], position: str = "line"):
    """Apply one recorded upload with apply(record) and record the outcome; None if it was already finished.

    position names where an error is in the file ("line" for the org chart, "row" for the catalog).
    """
    claimed = model.objects.filter(pk=pk, status__in=[model.Status.PENDING, model.Status.RUNNING]).update(
        status=model.Status.RUNNING
    )
    if not claimed:
        return None
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=pk)
        if record.is_finished:
            return record
        try:
            result = apply(record)
        except Exception:
            # The import's own savepoint is rolled back: nothing was written. Say so,
            # rather than leaving the upload "running" for ever.
            logger.exception("%s %s failed", model.__name__, pk)
            result = ImportResult(errors=[(None, "the import stopped on an unexpected error; nothing was changed.")])
        if result.ok:
            record.status = model.Status.DONE
            record.created_count = result.created
            record.updated_count = result.updated
            record.unchanged_count = result.unchanged
            record.row_count = result.created + result.updated + result.unchanged
        else:
            record.status = model.Status.REJECTED
            record.errors = [{position: where, "message": message} for where, message in result.errors]
            if result.dropped_errors:
                record.errors.append(
                    {position: None, "message": f"… and {result.dropped_errors} more errors not shown."}
                )
        record.finished_at = timezone.now()
        record.save()
    return record
