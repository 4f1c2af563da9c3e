import logging

from celery import shared_task

from . import reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_due_reminders() -> None:
    """Every quarter of an hour (CELERY_BEAT_SCHEDULE): record and queue the reminders due now.

    Idempotent: every message has a unique key, so a second run, a retry or a second beat records nothing.
    """
    run = reminders.send_due_reminders()
    if any(run.recorded.values()):
        logger.info("Reminders recorded: %s", run.recorded)
