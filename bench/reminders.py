"""Check-in reminder fan-out (run by hand, not by pytest).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python bench/reminders.py --checkins 100000

Builds (once, with bulk inserts) a separate org of managers with ten reports each, every report with an
agreed plan and a check-in due the day after tomorrow, in a few time zones where it is morning at the
chosen moment. Then times:

1. `devplans.reminders.send_due_reminders(now=...)`: deciding what is due and recording the messages
   (two per check-in: the person and the manager, each with the .ics invite) in the outbox;
2. sending every recorded row the way a worker does, in batches over one connection
   (`people.outbox.send_recorded_emails`), to Django's in-memory e-mail backend;
3. a second run, which must record nothing.

The outbox rows and plans of this org are deleted at the start, so each run measures a cold fan-out.

With --worker it measures what the issue asks instead, end to end with one real Celery worker (its
default pool: one process per core) on Redis: the clock starts when the beat task is queued and stops
when every e-mail is marked sent. The beat task fans the check-ins out in chunks (one task each); each
chunk records its e-mails and queues them in batches of 100; the worker sends each batch over one
connection to bench/null_mail.py, a backend that builds every message (MIME, as Django's in-memory
backend does) and drops it.

    REDIS_URL=redis://127.0.0.1:6379/7 DATABASE_URL=... .venv/bin/python bench/reminders.py --worker
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from devplans import reminders  # noqa: E402
from devplans.models import CheckIn, Plan, PlanRevision  # noqa: E402
from people.models import OutboundEmail, Person  # noqa: E402
from people.outbox import SEND_BATCH, send_recorded_emails  # noqa: E402

PREFIX = "R"
UNUSABLE = "!"  # a password hash no password matches
DOMAIN = "remind.example.com"
ZONES = ["Europe/London", "Europe/Paris", "Africa/Lagos", "Europe/Lisbon"]
NOW = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)  # a Tuesday: no weekly digest in the way


def build(checkins: int) -> None:
    """The org: one manager per ten reports, each report with an agreed plan and a scheduled check-in."""
    User = get_user_model()
    have = Person.objects.filter(employee_number__startswith=PREFIX).count()
    wanted = checkins + checkins // 10
    if have == wanted:
        return
    Person.objects.filter(employee_number__startswith=PREFIX).delete()
    User.objects.filter(username__endswith=f"@{DOMAIN}").delete()
    users = User.objects.bulk_create(
        [User(username=f"r{n:07d}@{DOMAIN}", email=f"r{n:07d}@{DOMAIN}", password=UNUSABLE) for n in range(wanted)],
        batch_size=5000,
    )
    managers = Person.objects.bulk_create(
        [
            Person(user=users[n], employee_number=f"{PREFIX}M{n:07d}", full_name=f"Manager {n}", time_zone=ZONES[n % 4])
            for n in range(checkins // 10)
        ],
        batch_size=5000,
    )
    offset = len(managers)
    reports = Person.objects.bulk_create(
        [
            Person(
                user=users[offset + n],
                employee_number=f"{PREFIX}P{n:07d}",
                full_name=f"Report {n}",
                manager=managers[n // 10],
                time_zone=ZONES[(n // 10) % 4],
            )
            for n in range(checkins)
        ],
        batch_size=5000,
    )
    agreed = NOW - timedelta(days=30)
    plans = Plan.objects.bulk_create(
        [Plan(person=p, status=Plan.Status.AGREED, revision=1, agreed_revision=1, agreed_at=agreed) for p in reports],
        batch_size=5000,
    )
    PlanRevision.objects.bulk_create([PlanRevision(plan=p, number=1) for p in plans], batch_size=5000)
    day = (NOW + timedelta(days=2)).date()
    CheckIn.objects.bulk_create([CheckIn(plan=p, scheduled_for=day) for p in plans], batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def _clear_outbox() -> None:
    OutboundEmail.objects.filter(to__endswith=f"@{DOMAIN}").delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE people_outboundemail")


def with_worker(checkins: int, concurrency: int | None) -> None:
    """End to end: queue the beat task, one real worker decides, records and sends everything."""
    from devplans.tasks import send_due_reminders as beat_task
    from skillbridge.celery import app

    if not os.environ.get("REDIS_URL"):
        sys.exit("--worker needs REDIS_URL (a Redis database the bench may empty, e.g. redis://127.0.0.1:6379/7)")
    app.control.purge()
    # Production settings (DEBUG off: no query log), with a throwaway key.
    env = {**os.environ, "EMAIL_BACKEND": "bench.null_mail.EmailBackend", "LOG_LEVEL": "WARNING", "DEBUG": "False"}
    env.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    env.setdefault("ALLOWED_HOSTS", "localhost")
    command = [sys.executable, "-m", "celery", "-A", "skillbridge", "worker", "--loglevel", "WARNING",
               "--hostname", f"bench-{os.getpid()}@%h", "--without-gossip", "--without-mingle"]  # fmt: skip
    if concurrency:
        command += ["--concurrency", str(concurrency)]
    worker = subprocess.Popen(command, cwd=Path(__file__).resolve().parent.parent, env=env)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                sys.exit("the worker did not start")
        expected = 2 * checkins
        # Cheap polls (once a second, on indexes), so that the bench does not load the machine it measures:
        # rows added since the start (primary key range), and those not sent yet (status index).
        base = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.perf_counter()
        since = timezone.now()
        beat_task.delay(NOW.isoformat())
        recorded_at = None
        while True:
            time.sleep(1)
            recorded = OutboundEmail.objects.filter(pk__gt=base).count()
            if recorded_at is None and recorded >= expected:
                recorded_at = time.perf_counter() - started
            waiting = OutboundEmail.objects.filter(status__in=["pending", "sending"], created_at__gte=since).count()
            if recorded_at is not None and not waiting:
                break
            if time.perf_counter() - started > 900:
                sys.exit(f"gave up after 15 minutes: {recorded:,} recorded")
        total = time.perf_counter() - started
        emails = OutboundEmail.objects.filter(pk__gt=base)
        statuses = dict(emails.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        print(f"All {expected:,} recorded after {recorded_at:.1f} s; all sent after {total:.1f} s: {statuses}")
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkins", type=int, default=100_000)
    parser.add_argument("--worker", action="store_true", help="end to end with one real Celery worker on Redis")
    parser.add_argument("--concurrency", type=int, help="worker processes (default: one per core)")
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.checkins)
    print(f"Org ready ({args.checkins:,} check-ins due) in {time.perf_counter() - started:.1f} s; {connection.vendor}")
    _clear_outbox()
    if args.worker:
        with_worker(args.checkins, args.concurrency)
        return
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        from django.core import mail

        mail.outbox = []
        # The bench hands the batches to the backend itself, so queueing is switched off.
        settings.CELERY_TASK_ALWAYS_EAGER = False
        from people import outbox

        outbox._queue_batch = lambda ids: None
        started = time.perf_counter()
        run = reminders.send_due_reminders(now=NOW)
        recorded = time.perf_counter() - started
        print(f"1. decided and recorded {sum(run.recorded.values()):,} e-mails in {recorded:.1f} s: {run.recorded}")
        ids = list(
            OutboundEmail.objects.filter(to__endswith=f"@{DOMAIN}", status="pending")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        started = time.perf_counter()
        sent = 0
        for start in range(0, len(ids), SEND_BATCH):
            sent += send_recorded_emails(email_ids=ids[start : start + SEND_BATCH]).sent
        sending = time.perf_counter() - started
        print(f"2. handed {sent:,} e-mails to the backend in {sending:.1f} s ({len(mail.outbox):,} in its outbox)")
        print(f"   total {recorded + sending:.1f} s")
        started = time.perf_counter()
        again = reminders.send_due_reminders(now=NOW)
        print(f"3. a second run recorded {sum(again.recorded.values())} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
