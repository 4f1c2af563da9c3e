"""Background exports: thin tasks that call reports.export_services."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import export_services
from .models import ExportJob

# A big XLSX takes minutes; allow an hour rather than the default five minutes.
EXPORT_TIME_LIMIT = 60 * 60
WAITING_TOO_LONG = timedelta(minutes=5)


@shared_task(acks_late=True, time_limit=EXPORT_TIME_LIMIT + 60, soft_time_limit=EXPORT_TIME_LIMIT)
def run_export_job(job_id: int) -> None:
    """Write one background export. Idempotent: a finished job is skipped; a half-written one starts again."""
    export_services.run_export_job(job_id=job_id)


@shared_task(acks_late=True)
def requeue_waiting_exports() -> int:
    """Queue again the exports still waiting after a while (their task was lost: broker down, worker died)."""
    cutoff = timezone.now() - WAITING_TOO_LONG
    waiting = list(
        ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)
    )
    for pk in waiting:
        run_export_job.delay(pk)
    return len(waiting)
