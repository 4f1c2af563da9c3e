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
"""

import argparse
import os
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
from django.test.utils import override_settings  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkins", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.checkins)
    print(f"Org ready ({args.checkins:,} check-ins due) in {time.perf_counter() - started:.1f} s; {connection.vendor}")
    OutboundEmail.objects.filter(to__endswith=f"@{DOMAIN}").delete()
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
            sent += send_recorded_emails(email_ids=ids[start : start + SEND_BATCH])[0]
        sending = time.perf_counter() - started
        print(f"2. handed {sent:,} e-mails to the backend in {sending:.1f} s ({len(mail.outbox):,} in its outbox)")
        print(f"   total {recorded + sending:.1f} s")
        started = time.perf_counter()
        again = reminders.send_due_reminders(now=NOW)
        print(f"3. a second run recorded {sum(again.recorded.values())} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
