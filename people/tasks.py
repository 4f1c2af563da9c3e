from celery import shared_task

from . import services


@shared_task(acks_late=True)
def run_org_import(org_import_id: int) -> None:
    """Validate and apply one uploaded org chart. Idempotent: a finished import is skipped."""
    services.run_queued_org_import(org_import_id=org_import_id)
