import logging
import random
from datetime import timedelta

from celery import shared_task

from . import outbox, services

logger = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 5


@shared_task(acks_late=True)
def run_org_import(org_import_id: int) -> None:
    """Validate and apply one uploaded org chart. Idempotent: a finished import is skipped."""
    services.run_queued_org_import(org_import_id=org_import_id)


def _countdown(delay: timedelta) -> int:
    """Seconds to wait before retrying: the rows' retry time plus a little jitter, so that many tasks
    failing together do not all come back at the same second. Always far below the broker's visibility
    timeout (outbox.retry_delay is at most 30 minutes, the timeout an hour)."""
    seconds = int(delay.total_seconds())
    return seconds + random.randint(0, max(seconds // 10, 1))  # noqa: S311 -- jitter, not security


@shared_task(bind=True, acks_late=True, max_retries=EMAIL_MAX_RETRIES)
def send_email(self, email_id: int) -> None:
    """Send one recorded e-mail. Idempotent: a sent or claimed row is left alone.

    A mail server error (SMTPException, OSError) is retried with backoff (outbox.retry_delay), up to
    five times. Run eagerly (no broker: a first run, tests) it is not retried in the web request: the
    row stays pending with its error and the sweep sends it later.
    """
    result = outbox.send_recorded_emails(email_ids=[email_id])
    if result.retry and not self.request.is_eager:
        raise self.retry(countdown=_countdown(result.retry_in))


@shared_task(acks_late=True)
def send_pending_emails() -> None:
    """The outbox sweep (every minute, CELERY_BEAT_SCHEDULE): takes back the rows of a worker that stopped
    mid-send and sends e-mails whose task never ran or whose retry time has come."""
    result = outbox.send_pending_emails()
    if result.sent or result.failed:
        logger.info("Outbox sweep: %s sent, %s failed", result.sent, result.failed)


@shared_task(bind=True, acks_late=True, max_retries=EMAIL_MAX_RETRIES)
def send_email_batch(self, email_ids: list[int]) -> None:
    """Send a batch of recorded e-mails over one connection. Idempotent: each row is claimed before it is
    sent, so a retried or duplicated task sends nothing twice.

    On a mail server error the batch stops; the task is retried with backoff for the rows not sent
    (and the sweep would send them too, whichever comes first, once their retry time has come).
    """
    result = outbox.send_recorded_emails(email_ids=email_ids)
    if result.retry and not self.request.is_eager:
        logger.info("E-mail batch: %s sent; %s to retry in %s", result.sent, len(result.retry), result.retry_in)
        raise self.retry(args=[result.retry], countdown=_countdown(result.retry_in))
