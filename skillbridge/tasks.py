"""Housekeeping tasks of the project package (Celery beat: settings.CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from . import submit_once

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def forget_old_form_submissions() -> None:
    """Hourly: delete the submit tokens of forms posted more than a day ago (skillbridge/submit_once.py)."""
    deleted = submit_once.forget_old_submissions()
    if deleted:
        logger.info("Forgot %s submit tokens older than a day", deleted)
