"""The e-mail outbox: every e-mail is recorded before it is sent, so a retry never sends twice.

- record_email() writes one OutboundEmail row per unique key (recording the
  same key again returns the existing row) and, once the caller's transaction
  commits, queues people.tasks.send_email. If the broker cannot be reached the
  row simply stays pending: the web request goes on and the sweep sends it.
- send_recorded_email() claims the row with one UPDATE ... WHERE status =
  'pending' before talking to the mail server, so two workers (a retried task
  and the sweep, say) can never both send it. Delivery is at most once: a row
  left in "sending" by a worker that died mid-send is reported, never resent.
- send_pending_emails() is the sweep Celery beat runs every minute
  (CELERY_BEAT_SCHEDULE): rows still pending after a minute go out over one
  connection to the mail server.

E-mails are rendered from templates/emails/<name>_subject.txt and
<name>_body.txt, with absolute links built from settings.SITE_URL.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import mail
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The task normally sends within seconds; the sweep only takes what it has missed.
SWEEP_AFTER = timedelta(minutes=1)
# A row claimed this long ago and never marked sent: the worker died mid-send. Reported, not resent.
STUCK_AFTER = timedelta(minutes=15)
SWEEP_BATCH = 100
# This many failures in a row and the mail server is taken to be down: the sweep stops until next time.
SWEEP_MAX_FAILURES_IN_A_ROW = 3

# What a mail server (or the network to it) raises when sending may work later.
RETRYABLE_ERRORS = (smtplib.SMTPException, OSError)


def absolute_url(path: str) -> str:
    """A link for an e-mail: SITE_URL plus a path from reverse()."""
    return settings.SITE_URL.rstrip("/") + path


def render_email(name: str, context: dict) -> tuple[str, str]:
    """(subject, body) from templates/emails/<name>_subject.txt and <name>_body.txt."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}_body.txt", context).strip() + "\n"
    return subject, body


@dataclass(frozen=True)
class Email:
    """One e-mail to record (see record_emails)."""

    key: str
    kind: str
    to: str
    subject: str
    body: str
    recipient_id: int | None = None
    ics: str = ""


# How many recorded e-mails one send task takes, over one connection to the mail server.
SEND_BATCH = 100


def existing_keys(keys: list[str]) -> set[str]:
    """Which of these keys are recorded already (one query per 5,000 keys)."""
    keys = [key[:200] for key in keys]
    found = set()
    for start in range(0, len(keys), 5000):
        found.update(OutboundEmail.objects.filter(key__in=keys[start : start + 5000]).values_list("key", flat=True))
    return found


def record_emails(emails: list[Email]) -> list[int]:
    """Record many e-mails at once (one INSERT per thousand, a key already there is skipped) and queue
    the new ones in batches once the caller's transaction commits. Returns the ids of the rows added.

    Call it inside the transaction that decided the e-mails are due: the rows and that decision
    commit together, and a second run finds the keys already there and adds nothing.
    """
    if not emails:
        return []
    existing = existing_keys([email.key for email in emails])
    fresh = {}
    for email in emails:
        key = email.key[:200]
        if key not in existing and key not in fresh:
            fresh[key] = OutboundEmail(
                key=key,
                kind=email.kind[:40],
                to=email.to,
                subject=email.subject[:200],
                body=email.body,
                recipient_id=email.recipient_id,
                ics=email.ics,
            )
    # ignore_conflicts: a run deciding the same e-mails at the same moment loses the race quietly.
    OutboundEmail.objects.bulk_create(fresh.values(), batch_size=1000, ignore_conflicts=True)
    added = []
    fresh_keys = list(fresh)
    for start in range(0, len(fresh_keys), 5000):
        added.extend(
            OutboundEmail.objects.filter(
                key__in=fresh_keys[start : start + 5000], status=OutboundEmail.Status.PENDING
            ).values_list("pk", flat=True)
        )
    added.sort()
    for start in range(0, len(added), SEND_BATCH):
        transaction.on_commit(partial(_queue_batch, added[start : start + SEND_BATCH]))
    return added


def record_email(*, key: str, kind: str, to: str, subject: str, body: str, recipient=None) -> OutboundEmail:
    """Record one e-mail under a unique key and queue it once the transaction commits.

    Recording the same key again returns the row already there and queues nothing.
    """
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:200],
        defaults={
            "kind": kind[:40],
            "to": to,
            "subject": subject[:200],
            "body": body,
            "recipient": recipient,
        },
    )
    if created:
        transaction.on_commit(partial(_queue, email.pk))
    return email


def _queue(email_id: int) -> None:
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception:  # broker unreachable (or, run eagerly, the send failed): the row stays pending for the sweep
        logger.warning("Could not queue e-mail %s; the sweep will send it", email_id, exc_info=True)


def _queue_batch(email_ids: list[int]) -> None:
    from .tasks import send_email_batch

    try:
        send_email_batch.delay(email_ids)
    except Exception:  # broker unreachable: the rows stay pending for the sweep
        logger.warning("Could not queue %s e-mails; the sweep will send them", len(email_ids), exc_info=True)


def _claim(email_id: int) -> bool:
    """Take one pending row for sending: one conditional UPDATE, so only one worker ever gets it."""
    return bool(
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING).update(
            status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1
        )
    )


def _deliver(email: OutboundEmail, connection=None) -> None:
    """Send one claimed row and record the outcome. Re-raises a mail server error after recording it."""
    message = mail.EmailMessage(subject=email.subject, body=email.body, to=[email.to], connection=connection)
    if email.ics:
        message.attach("invite.ics", email.ics, "text/calendar; method=REQUEST")
    try:
        message.send()
    except RETRYABLE_ERRORS as error:
        gave_up = email.attempts >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    except Exception as error:  # a bad message (header, address) will not get better by retrying
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    _mark_sent(email.pk)


def _mark_sent(email_id: int) -> None:
    """Record that the mail server took the message (one UPDATE; see send_recorded_emails for its commit)."""
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def send_recorded_email(*, email_id: int) -> bool:
    """Send one recorded e-mail if nobody has yet; True when this call sent it.

    A row already sent, failed for good, or claimed by another worker is left
    alone. On a mail server error the row goes back to pending with the error
    (failed after MAX_ATTEMPTS) and the error is re-raised so the task retries.
    """
    if not _claim(email_id):
        return False
    _deliver(OutboundEmail.objects.get(pk=email_id))
    return True


def send_recorded_emails(*, email_ids: list[int]) -> tuple[int, int]:
    """Send a batch of recorded e-mails over one connection; each row is claimed first, so a row another
    worker (or the sweep) took is left alone. Returns (sent, failed).

    A mail server error puts the row back to pending (failed after MAX_ATTEMPTS) for the sweep; the
    rest of the batch still goes out, over a fresh connection.
    """
    with transaction.atomic():
        # Claim the whole batch in two statements; rows another worker holds or has sent are skipped.
        claimed = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=claimed).update(
            status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1
        )
    sent = failed = 0
    connection = mail.get_connection()
    # The claims above were committed durably, so the "sent" marks need not wait for the disk: on
    # PostgreSQL they commit asynchronously (one round trip each instead of a flush per message). If the
    # database itself crashed within that fraction of a second, a row would read "being sent" and be
    # flagged, never sent again: still at most once.
    _asynchronous_commits(True)
    try:
        for email in OutboundEmail.objects.filter(pk__in=claimed).order_by("pk"):
            try:
                _deliver(email, connection)
            except Exception:
                logger.warning("Could not send e-mail %s; the sweep will try again", email.pk, exc_info=True)
                failed += 1
                _close_quietly(connection)
            else:
                sent += 1
    finally:
        _asynchronous_commits(False)
        _close_quietly(connection)
    return sent, failed


def _asynchronous_commits(on: bool) -> None:
    if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF" if on else "SET synchronous_commit TO DEFAULT")


@dataclass
class SweepResult:
    sent: int = 0
    failed: int = 0
    stuck: list = field(default_factory=list)  # ids claimed long ago and never confirmed sent


def stuck_emails():
    """Rows claimed more than STUCK_AFTER ago and never marked sent: check them by hand (admin)."""
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, created_at__lt=timezone.now() - STUCK_AFTER
    ).order_by("created_at", "pk")


def send_pending_emails(*, batch_size: int = SWEEP_BATCH) -> SweepResult:
    """Send every e-mail still pending a minute after it was recorded, over one connection.

    Each batch is claimed under select_for_update(skip_locked=True), so two
    sweeps running at once take different rows. Every row is tried at most
    once per sweep. Rows stuck in "sending" are listed in the log, not resent.
    """
    result = SweepResult(stuck=list(stuck_emails().values_list("pk", flat=True)[:100]))
    if result.stuck:
        logger.warning(
            "E-mails %s were being sent when a worker stopped; they are not resent automatically "
            "(at most once). Check them in the admin.",
            result.stuck,
        )
    cutoff = timezone.now() - SWEEP_AFTER
    last_pk = 0
    failures_in_a_row = 0
    connection = mail.get_connection()
    try:
        while failures_in_a_row < SWEEP_MAX_FAILURES_IN_A_ROW:
            with transaction.atomic():
                batch = list(
                    OutboundEmail.objects.select_for_update(skip_locked=True)
                    .filter(status=OutboundEmail.Status.PENDING, created_at__lte=cutoff, pk__gt=last_pk)
                    .order_by("pk")[:batch_size]
                )
                if not batch:
                    break
                last_pk = batch[-1].pk
                # One conditional UPDATE per row: a row a task claimed meanwhile is not ours to send.
                claimed = [email for email in batch if _claim(email.pk)]
            for email in claimed:
                email.attempts += 1
                if failures_in_a_row >= SWEEP_MAX_FAILURES_IN_A_ROW:
                    _release(email)
                    continue
                try:
                    _deliver(email, connection)
                except Exception:
                    logger.warning("Could not send e-mail %s", email.pk, exc_info=True)
                    result.failed += 1
                    failures_in_a_row += 1
                    _close_quietly(connection)
                else:
                    result.sent += 1
                    failures_in_a_row = 0
    finally:
        _close_quietly(connection)
    if failures_in_a_row >= SWEEP_MAX_FAILURES_IN_A_ROW:
        logger.warning("The mail server keeps failing; the sweep stopped and tries again next time")
    return result


def _release(email: OutboundEmail) -> None:
    """Give back a claimed row that was not tried (the sweep stopped): not an attempt."""
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENDING).update(
        status=OutboundEmail.Status.PENDING, attempts=F("attempts") - 1
    )


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # a dead connection may fail to close; the next send opens a new one
        logger.debug("Closing the mail connection failed", exc_info=True)
