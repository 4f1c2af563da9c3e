"""The e-mail outbox: every e-mail is recorded before it is sent, so a retry never sends twice, and a
row is only ever settled by being sent (or failing for good), so nothing is lost.

- record_emails() / record_email() write one OutboundEmail row per unique key (recording the same key
  again adds nothing) and, once the caller's transaction commits, queue people.tasks.send_email_batch
  (or send_email). If the broker cannot be reached the rows simply stay pending: the web request or
  task goes on and the sweep sends them.
- send_recorded_emails() claims its rows (select_for_update(skip_locked) and one UPDATE) before talking
  to the mail server, so two workers (a retried task and the sweep, say) never both send one; it sends
  over one connection and marks each row sent as soon as the server took it.
- send_pending_emails() is the sweep Celery beat runs every minute (CELERY_BEAT_SCHEDULE): it takes back
  rows claimed by a worker that stopped (release_stale_claims) and sends what is still pending a minute
  after it was recorded, once its retry time (after a mail server error) has come.

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
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The task normally sends within seconds; the sweep only takes what it has missed.
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 100

# What a mail server (or the network to it) raises when sending may work later, and what it raises
# when this message will never go (every recipient refused). The second is checked first.
RETRYABLE_ERRORS = (smtplib.SMTPException, OSError)
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused,)


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
            fresh[key] = email
    if not fresh:
        return []
    added = _insert_returning_ids(fresh) if db_connection.vendor == "postgresql" else _bulk_create(fresh)
    added.sort()
    for start in range(0, len(added), SEND_BATCH):
        transaction.on_commit(partial(_queue_batch, added[start : start + SEND_BATCH]))
    return added


_INSERT = (
    'INSERT INTO people_outboundemail (key, kind, "to", subject, body, ics, recipient_id, status, attempts, '
    "last_error, created_at) VALUES %s ON CONFLICT (key) DO NOTHING RETURNING id"
)


def _insert_returning_ids(fresh: dict[str, Email]) -> list[int]:
    """PostgreSQL: one INSERT per thousand rows that skips a key already there (a run deciding the same
    e-mails at the same moment loses the race quietly) and returns the ids it added. About twice as fast
    as bulk_create followed by a query for the ids, which counts when 100,000 check-ins fall due."""
    from psycopg2.extras import execute_values

    now = timezone.now()
    values = [
        (key, e.kind[:40], e.to, e.subject[:200], e.body, e.ics, e.recipient_id, "pending", 0, "", now)
        for key, e in fresh.items()
    ]
    with db_connection.cursor() as cursor:
        rows = execute_values(cursor.cursor, _INSERT, values, page_size=1000, fetch=True)
    return [row[0] for row in rows]


def _bulk_create(fresh: dict[str, Email]) -> list[int]:
    """Other databases (SQLite for a first run): bulk_create skipping conflicts, then the ids added."""
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                key=key,
                kind=e.kind[:40],
                to=e.to,
                subject=e.subject[:200],
                body=e.body,
                recipient_id=e.recipient_id,
                ics=e.ics,
            )
            for key, e in fresh.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    added = []
    keys = list(fresh)
    for start in range(0, len(keys), 5000):
        added.extend(
            OutboundEmail.objects.filter(
                key__in=keys[start : start + 5000], status=OutboundEmail.Status.PENDING
            ).values_list("pk", flat=True)
        )
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


def release_after() -> timedelta:
    """How long a claim may last before the sweep takes the row back: longer than a task may live.

    A task is killed at CELERY_TASK_TIME_LIMIT, so a claim older than that belongs to a worker that
    stopped; OUTBOX_RELEASE_AFTER (seconds) defaults to that limit plus a minute.
    """
    return timedelta(seconds=settings.OUTBOX_RELEASE_AFTER)


def retry_delay(attempts: int) -> timedelta:
    """How long a row waits after its n-th failed attempt: 1, 2, 4, 8 minutes (then it has failed for good).

    Always far below the broker's visibility timeout (an hour), so a task retried with this countdown is
    never delivered twice by Redis."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 30))


@dataclass
class BatchResult:
    """What one batch did: sent, failed for good, and the ids to try again after `retry_in`."""

    sent: int = 0
    failed: int = 0
    retry: list[int] = field(default_factory=list)
    retry_in: timedelta = timedelta(0)
    error: str = ""  # the mail server error that stopped the batch


def _claim(email_ids: list[int]) -> list[int]:
    """Take the rows that are pending and due for sending: the ids this worker now owns.

    select_for_update(skip_locked) then one UPDATE, in one transaction: a row another worker is claiming
    at this moment, has claimed, or has sent is not taken. Each row records when it was claimed, so the
    sweep can take back the rows of a worker that stopped (see release_stale_claims).
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if claimed:
            OutboundEmail.objects.filter(pk__in=claimed).update(
                status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now, retry_at=None
            )
    return claimed


def _message(email: OutboundEmail, connection) -> mail.EmailMessage:
    message = mail.EmailMessage(subject=email.subject, body=email.body, to=[email.to], connection=connection)
    if email.ics:
        message.attach("invite.ics", email.ics, "text/calendar; method=REQUEST")
    return message


def _mark_sent(email_id: int) -> None:
    """Record that the mail server took the message: one plain UPDATE, the cheapest statement there is,
    because it runs once per e-mail (see send_recorded_emails for how it commits)."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_outboundemail SET status = %s, sent_at = %s, last_error = '' WHERE id = %s",
            [OutboundEmail.Status.SENT, timezone.now(), email_id],
        )


def _failed(email: OutboundEmail, error: Exception, *, for_good: bool) -> timedelta:
    """Record a failed attempt: pending again after a delay, or failed for good. Returns the delay."""
    delay = retry_delay(email.attempts)
    gave_up = for_good or email.attempts >= MAX_ATTEMPTS
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        claimed_at=None,
        retry_at=None if gave_up else timezone.now() + delay,
    )
    return timedelta(0) if gave_up else delay


def _release(email_ids: list[int]) -> None:
    """Give back claimed rows that were not tried (the batch stopped early): not an attempt."""
    OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.SENDING).update(
        status=OutboundEmail.Status.PENDING, attempts=F("attempts") - 1, claimed_at=None
    )


def send_recorded_emails(*, email_ids: list[int]) -> BatchResult:
    """Send recorded e-mails over one connection to the mail server; never one a worker has claimed or sent.

    The rows are claimed together (see _claim), then each is handed to the mail server and marked sent
    right after, one by one, so a worker killed mid-batch leaves every e-mail it sent marked "sent" and
    the rest claimed; the sweep gives those back after release_after() and sends them. The only e-mail
    that can go out twice is the one the mail server had accepted in the instant before the worker died,
    before its row was marked.

    A message the mail server refuses for good (a bad address or header) is marked failed and the batch
    goes on. A mail server error (SMTPException, OSError: down, busy, network) ends the batch: that row
    waits retry_delay() (failed for good after MAX_ATTEMPTS), the untried rows go back to pending, and
    the result lists them to retry with backoff.
    """
    result = BatchResult()
    claimed = _claim(email_ids)
    if not claimed:
        return result
    emails = list(OutboundEmail.objects.filter(pk__in=claimed).order_by("pk"))
    connection = mail.get_connection()
    # The claims above were committed durably, so the "sent" marks need not wait for the disk: on
    # PostgreSQL they commit asynchronously (one round trip each instead of a flush per message). A
    # worker killed at any point loses none of them; only a crash of PostgreSQL itself within that
    # fraction of a second could forget a mark, and that e-mail would be sent again after the release.
    _asynchronous_commits(True)
    try:
        for index, email in enumerate(emails):
            try:
                if index == 0:
                    connection.open()  # one connection for the batch (send() alone would open one each)
                _message(email, connection).send()
            except PERMANENT_ERRORS as error:
                logger.warning("E-mail %s was refused: %s", email.pk, error)
                _failed(email, error, for_good=True)
                result.failed += 1
            except RETRYABLE_ERRORS as error:
                logger.warning("The mail server failed on e-mail %s: %s", email.pk, error)
                delay = _failed(email, error, for_good=False)
                untried = [e.pk for e in emails[index + 1 :]]
                _release(untried)
                result.failed += 0 if delay else 1
                result.retry = ([email.pk] if delay else []) + untried
                result.error = f"{type(error).__name__}: {error}"
                result.retry_in = delay or retry_delay(1)
                break
            except Exception as error:  # a message that cannot be built will not get better by retrying
                logger.exception("E-mail %s could not be sent", email.pk)
                _failed(email, error, for_good=True)
                result.failed += 1
            else:
                _mark_sent(email.pk)
                result.sent += 1
    finally:
        _asynchronous_commits(False)
        _close_quietly(connection)
    return result


def send_recorded_email(*, email_id: int) -> bool:
    """Send one recorded e-mail if nobody has yet; True when this call sent it.

    A row already sent, failed for good, claimed by another worker or waiting for its retry time is
    left alone. On a mail server error the row goes back to pending with the error (failed after
    MAX_ATTEMPTS) and the error is re-raised, so the task retries.
    """
    result = send_recorded_emails(email_ids=[email_id])
    if result.retry:
        raise MailServerError(result.error)
    return result.sent == 1


class MailServerError(smtplib.SMTPException):
    """The mail server failed on a recorded e-mail (the row says how); try again later."""


def _asynchronous_commits(on: bool) -> None:
    if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF" if on else "SET synchronous_commit TO DEFAULT")


@dataclass
class SweepResult:
    sent: int = 0
    failed: int = 0
    released: list = field(default_factory=list)  # ids taken back from a worker that stopped mid-send


def stuck_emails():
    """Rows claimed longer ago than a task may live and never marked sent: their worker stopped.

    The next sweep gives them back and sends them (release_stale_claims)."""
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=timezone.now() - release_after()
    ).order_by("claimed_at", "pk")


def release_stale_claims() -> list[int]:
    """Put rows claimed by a worker that stopped back to pending, so they are sent; their ids.

    The claim counts as an attempt (after MAX_ATTEMPTS such rows fail for good instead of looping)."""
    with transaction.atomic():
        stale = list(stuck_emails().select_for_update(skip_locked=True).values_list("pk", flat=True)[:10_000])
        if stale:
            OutboundEmail.objects.filter(pk__in=stale, attempts__lt=MAX_ATTEMPTS).update(
                status=OutboundEmail.Status.PENDING, claimed_at=None
            )
            OutboundEmail.objects.filter(pk__in=stale, status=OutboundEmail.Status.SENDING).update(
                status=OutboundEmail.Status.FAILED,
                last_error="A worker stopped while sending it, too many times.",
                claimed_at=None,
            )
    if stale:
        logger.warning(
            "E-mails %s were claimed by a worker that stopped before marking them sent; they are sent again "
            "(the one it was sending when it stopped may arrive twice).",
            stale[:100],
        )
    return stale


def send_pending_emails(*, batch_size: int = SWEEP_BATCH) -> SweepResult:
    """The sweep: send every e-mail still pending a minute after it was recorded and due for (re)trying.

    First it takes back the rows of workers that stopped mid-send (release_stale_claims). Then it sends
    the waiting rows in batches over one connection each (send_recorded_emails claims them with
    select_for_update(skip_locked), so two sweeps or a sweep and a task never take the same row). It
    stops at the first mail server error: the server is down or busy and the rows wait for their retry
    time; nothing is tried twice in one sweep.
    """
    result = SweepResult(released=release_stale_claims())
    cutoff = timezone.now() - SWEEP_AFTER
    last_pk = 0
    while True:
        now = timezone.now()
        ids = list(
            OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, created_at__lte=cutoff, pk__gt=last_pk)
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        last_pk = ids[-1]
        batch = send_recorded_emails(email_ids=ids)
        result.sent += batch.sent
        result.failed += batch.failed + bool(batch.retry)
        if batch.retry:
            logger.warning("The mail server is failing; the sweep stops and tries again next time")
            break
    return result


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # a dead connection may fail to close; the next send opens a new one
        logger.debug("Closing the mail connection failed", exc_info=True)
