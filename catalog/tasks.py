from celery import shared_task

from . import services


@shared_task(acks_late=True)
def run_course_import(course_import_id: int) -> None:
    """Validate and apply one uploaded catalog file. Idempotent: a finished import is skipped."""
    services.run_queued_course_import(course_import_id=course_import_id)
