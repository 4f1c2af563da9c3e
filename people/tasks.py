import logging
import random

from celery import shared_task

from . import outbox, services

logger = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 5


@shared_task(acks_late=True)
def run_org_import(org_import_id: int) -> None:
    """Validate and apply one uploaded org chart. Idempotent: a finished import is skipped."""
    services.run_queued_org_import(org_import_id=org_import_id)


def _backoff(retries: int) -> int:
    """Seconds before the next try: 1, 2, 4, 8, 16 minutes, give or take a little (full jitter on top half)."""
    ceiling = min(60 * 2**retries, 30 * 60)
    return random.randint(ceiling // 2, ceiling)  # noqa: S311 -- jitter, not security


@shared_task(bind=True, acks_late=True, max_retries=EMAIL_MAX_RETRIES)
def send_email(self, email_id: int) -> None:
    """Send one recorded e-mail. Idempotent: a sent or claimed row is left alone.

    A mail server error (SMTPException, OSError) is retried with backoff, up to
    five times. Run eagerly (no broker: a first run, tests) it is not retried
    in the web request: the row stays pending with its error and the sweep
    sends it later.
    """
    try:
        outbox.send_recorded_email(email_id=email_id)
    except outbox.RETRYABLE_ERRORS as error:
        if self.request.is_eager:
            logger.warning("E-mail %s was not sent (%s); the sweep will try again", email_id, error)
            return
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


@shared_task(acks_late=True)
def send_pending_emails() -> None:
    """The outbox sweep (every minute, CELERY_BEAT_SCHEDULE): sends e-mails whose task never ran."""
    result = outbox.send_pending_emails()
    if result.sent or result.failed:
        logger.info("Outbox sweep: %s sent, %s failed", result.sent, result.failed)


@shared_task(acks_late=True)
def send_email_batch(email_ids: list[int]) -> None:
    """Send a batch of recorded e-mails over one connection. Idempotent: each row is claimed before it is
    sent, so a retried or duplicated task sends nothing twice; what fails is left to the sweep."""
    sent, failed = outbox.send_recorded_emails(email_ids=email_ids)
    if failed:
        logger.info("E-mail batch: %s sent, %s failed (left for the sweep)", sent, failed)
