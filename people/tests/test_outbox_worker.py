"""The outbox against a real Celery worker on the real Redis (CI runs these; marked `services`).

The worker is a separate process on the test database, writing e-mails to files, so what is counted
is what really left the worker.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from people import outbox
from people.models import OutboundEmail
from people.tasks import send_email, send_email_batch

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mailbox(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(mailbox, settings):
    """A real worker on REDIS_URL and on this test's PostgreSQL database, e-mail written to `mailbox`."""
    if connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL (a worker process cannot share SQLite's test database).")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_URL": f"filemail:///{mailbox}",  # django-environ drops one slash of an absolute path
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "skillbridge", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--hostname", f"outboxtest-{os.getpid()}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=30)


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
