"""Writes for exports: the export log, and background exports (ExportJob) from request to file.

`log_export` records every export (who, what, filters, when; the row count once
known). `start_export_job` records a background export and queues its task once
the request's transaction commits. `run_export_job` is what the task calls: it
claims the job, writes the file with progress every CHUNK_ROWS rows, stores it
under exports/ in the default storage and marks the job done. It is safe to
call again for the same job: a finished job is left alone, and a job whose
worker died half-way is written again from the start.
"""

import logging
import tempfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from . import dashboards, tabular
from .export_selectors import DATASETS, ITERATOR_CHUNK, may_export_individuals
from .filters import ReportFilters, parse_filters
from .models import ExportJob, ExportLog

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """What a file is made of: its title, header and rows for one user and filters."""

    kind: str
    key: str
    title: str
    header: list[str]
    rows: object  # an iterable of tuples (lazy: nothing is read before the file is written)


def all_reports() -> list:
    return list(dashboards.REPORTS.values())


def report_for(key: str):
    return dashboards.REPORTS.get(key)


def may_export_report(user, filters: ReportFilters, report) -> bool:
    return report.allows(user, filters)


def source_for(*, kind: str, key: str, user, filters: ReportFilters) -> Source:
    """The rows of a dataset or report for this user, or ValidationError if they may not have them."""
    if kind == ExportJob.Kind.DATASET:
        dataset = DATASETS.get(key)
        if dataset is None:
            raise ValidationError(f"There is no dataset “{key[:40]}”.")
        if not may_export_individuals(user, filters):
            raise ValidationError("Only HR, and managers for their own team, can export individual-level data.")
        rows = dataset.rows(user, filters).iterator(chunk_size=ITERATOR_CHUNK)
        return Source(kind=kind, key=key, title=dataset.title, header=dataset.header, rows=rows)
    report = report_for(key)
    if report is None:
        raise ValidationError(f"There is no report “{key[:40]}”.")
    if not may_export_report(user, filters, report):
        raise ValidationError("This report is not available to you.")

    def rows():  # computed when the file is written, not when the job is checked
        yield from report.rows(user, filters)

    return Source(kind=kind, key=key, title=report.title, header=report.headers, rows=rows())


def _user_label(user) -> str:
    return (getattr(user, "email", "") or getattr(user, "username", "") or f"user {user.pk}")[:254]


def log_export(
    *,
    user,
    kind: str,
    key: str,
    file_format: str = "",
    filters: dict | None = None,
    filters_text: str = "",
    row_count: int | None = None,
    background: bool = False,
) -> ExportLog:
    return ExportLog.objects.create(
        user=user,
        user_label=_user_label(user),
        kind=kind,
        key=key[:60],
        file_format=file_format,
        filters=filters or {},
        filters_text=filters_text[:300],
        row_count=row_count,
        background=background,
    )


def set_row_count(log_id: int, count: int) -> None:
    ExportLog.objects.filter(pk=log_id).update(row_count=count)


@transaction.atomic
def start_export_job(*, user, kind: str, key: str, file_format: str, filters: ReportFilters) -> ExportJob:
    """Record a background export (checked now, and again when it runs) and queue it."""
    if file_format not in tabular.FORMATS:
        raise ValidationError("Exports are CSV or Excel (XLSX).")
    source = source_for(kind=kind, key=key, user=user, filters=filters)
    params = filters.params()
    log = log_export(
        user=user,
        kind=kind,
        key=key,
        file_format=file_format,
        filters=params,
        filters_text=filters.describe(),
        background=True,
    )
    job = ExportJob.objects.create(
        user=user,
        kind=kind,
        key=key,
        title=source.title,
        file_format=file_format,
        filters=params,
        filters_text=filters.describe()[:300],
        log=log,
    )
    from .tasks import run_export_job as task

    def enqueue():
        try:
            task.delay(job.pk)
        except Exception:  # the broker is down: the job waits; requeue_waiting_exports picks it up later
            logger.warning("Could not queue export job %s; it stays queued", job.pk, exc_info=True)

    transaction.on_commit(enqueue)
    return job


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.FAILED, error=message[:300], finished_at=timezone.now()
    )


def run_export_job(*, job_id: int, progress_every: int = tabular.CHUNK_ROWS) -> ExportJob | None:
    """Write one background export's file; None if it was already finished (or does not exist)."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    ).update(status=ExportJob.Status.RUNNING, started_at=timezone.now(), rows_done=0)
    if not claimed:
        return None
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    filters, problems = parse_filters(dict(job.filters), job.user)
    if problems:
        _fail(job_id, "The filters no longer apply: " + " ".join(problems))
        return ExportJob.objects.get(pk=job_id)
    try:
        source = source_for(kind=job.kind, key=job.key, user=job.user, filters=filters)
        if job.kind == ExportJob.Kind.DATASET:
            total = DATASETS[job.key].count(job.user, filters)
            ExportJob.objects.filter(pk=job_id).update(rows_total=total)
    except ValidationError as error:
        _fail(job_id, " ".join(error.messages))
        return ExportJob.objects.get(pk=job_id)

    last = [0]

    def progress(done: int) -> None:
        if done - last[0] >= progress_every:
            last[0] = done
            ExportJob.objects.filter(pk=job_id).update(rows_done=done)

    try:
        with tempfile.TemporaryFile(suffix=f".{job.file_format}") as spool:
            count = tabular.write_file(
                job.file_format, source.header, source.rows, spool, sheet_title=source.title, on_progress=progress
            )
            spool.seek(0)
            name = f"job-{job.pk}-{job.key}.{job.file_format}"
            if job.file:
                job.file.delete(save=False)
            job.file.save(name, File(spool), save=False)
    except Exception:
        logger.exception("Export job %s failed", job_id)
        _fail(job_id, "The file could not be written because of an unexpected error. Try again, or ask an admin.")
        return ExportJob.objects.get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE,
        file=job.file.name,
        rows_done=count,
        rows_total=count,
        finished_at=timezone.now(),
        error="",
    )
    if job.log_id:
        set_row_count(job.log_id, count)
    return ExportJob.objects.get(pk=job_id)
