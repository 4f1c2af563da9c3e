"""The outbox against a real Celery worker on the real Redis (CI runs these; marked `services`).

The worker is a separate process on the test database, writing e-mails to files or talking to a real
(slow) SMTP server run by the test, so what is counted is what really left the worker.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from people import outbox
from people.models import OutboundEmail
from people.tasks import send_email, send_email_batch
from people.tasks import send_pending_emails as send_pending_emails_task

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mailbox(tmp_path):
    return tmp_path / "mail"


def _start_worker(email_url: str, **extra_env) -> subprocess.Popen:
    """A real worker (one process, solo pool) on REDIS_URL and on this test's PostgreSQL database."""
    if connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL (a worker process cannot share SQLite's test database).")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_URL": email_url,
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "skillbridge", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--hostname", f"outboxtest-{os.getpid()}-{time.monotonic_ns()}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def worker(mailbox, settings):
    """A real worker writing e-mails to `mailbox` (django-environ drops one slash of an absolute path)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    process = _start_worker(f"filemail:///{mailbox}")
    yield process
    _stop(process)


def _messages(mailbox) -> int:
    """How many e-mails the worker wrote (the file backend writes each message followed by a line of dashes)."""
    if not mailbox.exists():
        return 0
    return sum(path.read_text().count("\n" + "-" * 79 + "\n") for path in mailbox.iterdir())


def _wait_until_sent(ids, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.SENT).count() == len(ids):
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not send the e-mails in time")


def test_the_same_email_queued_many_times_goes_out_once(worker, mailbox):
    email = outbox.record_email(key="worker:1", kind="test", to="kate@example.com", subject="Hello", body="Once")
    for _ in range(3):
        send_email.delay(email.pk)
    send_email_batch.delay([email.pk])
    _wait_until_sent([email.pk])
    time.sleep(2)  # give the duplicate tasks time to run (and find the row sent)
    assert _messages(mailbox) == 1
    assert OutboundEmail.objects.get(pk=email.pk).attempts == 1


def test_a_batch_queued_twice_sends_each_email_once(worker, mailbox):
    ids = outbox.record_emails(
        [
            outbox.Email(key=f"worker:b{n}", kind="test", to=f"p{n}@example.com", subject="Hi", body="B")
            for n in range(30)
        ]
    )
    send_email_batch.delay(ids)
    send_email_batch.delay(ids)
    _wait_until_sent(ids)
    time.sleep(2)
    assert _messages(mailbox) == 30


class SlowSMTPServer:
    """A real SMTP server on a free local port that takes `delay` seconds to accept each recipient (a
    slow mail server), and keeps what it received: the recipients of every message, and how many
    connections brought them. A message counts once the server has replied 250 to its data."""

    def __init__(self, delay: float):
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.received: list[str] = []
        self.sessions: set[int] = set()
        self.lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
            self.sessions.add(id(session))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@pytest.fixture
def slow_smtp():
    server = SlowSMTPServer(delay=0.1)
    server.controller.start()
    yield server
    server.controller.stop()


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(slow_smtp, settings):
    """Kill -9 the worker while it sends a batch of 40 over a slow SMTP server, start a new one, let beat's
    sweep run as it would: every e-mail arrives exactly once, and the first worker used one connection."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    smtp = f"smtp://127.0.0.1:{slow_smtp.port}"
    # A claim is taken back 3 s after it was made (in production: the task time limit plus a minute).
    first = _start_worker(smtp, OUTBOX_RELEASE_AFTER="3")
    try:
        emails = [outbox.Email(key=f"k{n}", kind="t", to=f"k{n}@example.com", subject="H", body="K") for n in range(40)]
        ids = outbox.record_emails(emails)
        assert len(ids) == 40  # one batch, queued on commit (this test runs in autocommit)
        deadline = time.monotonic() + 60
        while slow_smtp.count() < 10:
            assert time.monotonic() < deadline, "the first worker did not start sending"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)  # no warm shutdown: the worker dies mid-batch
        first.wait(timeout=10)
    finally:
        _stop(first)
    sent_before = slow_smtp.count()
    assert 10 <= sent_before < 40
    assert len(slow_smtp.sessions) == 1  # the batch used one SMTP connection
    statuses = Counter(OutboundEmail.objects.filter(pk__in=ids).values_list("status", flat=True))
    # Every e-mail the server accepted is marked sent (or is the one in flight); the rest of the batch is
    # still claimed by the dead worker: nothing pending, nothing lost yet.
    assert statuses["sent"] in (sent_before, sent_before - 1)
    assert statuses["sending"] == 40 - statuses["sent"]

    # What beat does every minute; the rows are made a minute old, as they would be by then.
    OutboundEmail.objects.filter(pk__in=ids).update(created_at=timezone.now() - timedelta(minutes=2))
    second = _start_worker(smtp, OUTBOX_RELEASE_AFTER="3")
    try:
        deadline = time.monotonic() + 90
        while OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.SENT).count() < 40:
            assert time.monotonic() < deadline, "the rows of the dead worker were not sent"
            send_pending_emails_task.delay()
            time.sleep(1)
        time.sleep(1)  # any duplicate would arrive now
    finally:
        _stop(second)
    assert Counter(slow_smtp.received) == {f"k{n}@example.com": 1 for n in range(40)}


REQUEST_WITH_REDIS_DOWN = """
import time, django
django.setup()
from django.test import Client
from django.contrib.auth import get_user_model
client = Client()
client.force_login(get_user_model().objects.get(pk={user}))
started = time.monotonic()
response = client.post("{url}", {{"note": "Help with delegation, please."}})
print(response.status_code, round(time.monotonic() - started, 2))
"""


def test_with_redis_down_a_form_save_records_the_email_in_seconds_and_the_sweep_sends_it(org):
    """A real web request in a process whose broker is a closed port: publishing gives up quickly, the
    request succeeds with the e-mail recorded as pending, and the sweep sends it later."""
    from django.urls import reverse

    from catalog.models import LearningRequest

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": "redis://127.0.0.1:9/0",  # nothing listens on the discard port: Redis is down
        "EMAIL_URL": "consolemail://",
    }
    url = reverse("catalog:request_new", args=[org.employee_person.pk])
    script = REQUEST_WITH_REDIS_DOWN.format(user=org.manager.pk, url=url)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    status, seconds = done.stdout.split()[-2:]
    assert status == "302", done.stderr[-2000:]
    assert float(seconds) < 10, f"the request took {seconds} s with Redis down"
    assert time.monotonic() - started < 30
    assert LearningRequest.objects.count() == 1
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox.send_pending_emails().sent == 1
