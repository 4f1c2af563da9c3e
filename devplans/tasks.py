import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from . import reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_due_reminders(at: str | None = None) -> None:
    """Every quarter of an hour (CELERY_BEAT_SCHEDULE): record and queue the reminders due now (or at `at`,
    an ISO 8601 date and time, to catch up by hand). Check-in reminders fan out, one task per chunk.

    Idempotent: every message has a unique key, so a second run, a retry or a second beat records nothing.
    """
    now = datetime.fromisoformat(at) if at else timezone.now()
    run = reminders.send_due_reminders(now=now, fan_out=_queue_checkin_chunk)
    if any(run.recorded.values()):
        logger.info("Reminders recorded: %s", run.recorded)


@shared_task(acks_late=True)
def record_checkin_reminders(first_id: int, last_id: int, at: str) -> None:
    """Decide and record the check-in reminders for one chunk of check-ins (see send_due_reminders)."""
    reminders.record_checkin_reminders(ids=(first_id, last_id), now=datetime.fromisoformat(at))


def _queue_checkin_chunk(first_id: int, last_id: int, now: datetime) -> None:
    try:
        record_checkin_reminders.delay(first_id, last_id, now.isoformat())
    except Exception:  # broker unreachable: decide this chunk here instead
        logger.warning("Could not queue check-in reminders %s-%s; recording them here", first_id, last_id)
        reminders.record_checkin_reminders(ids=(first_id, last_id), now=now)
