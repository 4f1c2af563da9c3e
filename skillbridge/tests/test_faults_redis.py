"""Redis stopped: pages and form saves still work, and every e-mail they queue is sent, once, when it is back.

The test runs its own Redis (never the shared one), a real Celery worker and the web app as production
runs it (gunicorn, DEBUG off), both on that Redis and on this test's PostgreSQL database, and a real SMTP
server that counts what arrives. Marked `services` (CI runs it).

people/tests/test_outbox_worker.py covers the pieces one by one (a request in a process whose broker is a
closed port, a worker killed mid-batch); this is the whole path through a Redis that goes away and comes
back on the same port, empty.
"""

import json
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import LearningRequest
from people.models import OutboundEmail
from people.tasks import send_pending_emails
from skillbridge.celery import app as celery_app

from .fault_helpers import (
    PrivateRedis,
    Received,
    RecordingSMTPServer,
    WebClient,
    database_url,
    session_for,
    start_web,
    start_worker,
    stop_process,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Status = OutboundEmail.Status


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    if server.process is not None:
        server.stop()


@pytest.fixture
def smtp():
    with RecordingSMTPServer() as server:
        yield server


def _expected(rows) -> Counter:
    return Counter(Received(to=row.to, subject=row.subject, body=row.body) for row in rows)


def _arrived(smtp) -> Counter:
    return Counter(
        Received(to=m.to, subject=m.subject, body=m.body.replace("\r\n", "\n").strip() + "\n") for m in smtp.received()
    )


def _sweep(redis_url: str) -> None:
    """What Celery beat does every minute (CELERY_BEAT_SCHEDULE): queue the outbox sweep, on this Redis."""
    with celery_app.connection_for_write(redis_url) as conn:
        send_pending_emails.apply_async(connection=conn)


def test_with_redis_stopped_pages_and_saves_work_and_every_email_goes_once_when_it_is_back(
    org, redis_server, smtp, tmp_path
):
    started = time.monotonic()
    database = database_url(connection.settings_dict)
    worker = start_worker(database=database, redis_url=redis_server.url, email_url=smtp.url)
    web = start_web(tmp_path, DATABASE_URL=database, REDIS_URL=redis_server.url, EMAIL_URL=smtp.url)
    try:
        kate = WebClient(web.base_url, {"sessionid": session_for(org.manager)})
        lisa = WebClient(web.base_url, {"sessionid": session_for(org.ld)})
        ask = f"/catalog/requests/new/{org.employee_person.pk}/"

        # Redis up: a save's e-mail goes out through the worker within seconds.
        assert kate.post_form(ask, {"note": "Before: help with delegation, please."}).status == 302
        wait_until(lambda: len(smtp.received()) == 1, timeout=60, what="the worker to send the first e-mail")

        redis_server.stop()
        answers = {}
        for n in range(3):  # three requests to L&D, each e-mailing Lisa
            answers[f"ask {n}"] = kate.post_form(ask, {"note": f"During the outage ({n}): help with delegation."})
        thread = LearningRequest.objects.order_by("pk")[1]
        detail = f"/catalog/requests/{thread.pk}/"
        answers["answer"] = lisa.post_form(detail, {"body": "Try the workshop."}, action=f"{detail}answer/")
        answers["reply"] = kate.post_form(detail, {"body": "Thanks, booked it."}, action=f"{detail}reply/")
        for page in ("/team/", f"/people/{org.employee_person.pk}/", "/catalog/requests/", detail, "/my-plan/"):
            answers[page] = kate.get(page)
        for what, answer in answers.items():
            assert answer.status in (200, 302), f"{what} answered {answer.status} with Redis down"
            assert answer.seconds < 5, f"{what} took {answer.seconds:.1f} s with Redis down"
        ready = WebClient(web.base_url).get("/readyz")
        assert ready.status == 503 and json.loads(ready.text)["checks"]["broker"] == "failed"
        # Every e-mail is recorded and waits; none went anywhere.
        waiting = OutboundEmail.objects.filter(status=Status.PENDING)
        kinds = sorted(waiting.values_list("kind", flat=True))
        assert kinds == ["request_answer", "request_new", "request_new", "request_new", "request_reply"]
        assert len(smtp.received()) == 1

        redis_server.start()  # the same port, empty: what was queued before the stop is gone too
        # The web processes publish again, without a restart: a new save's e-mail goes straight out.
        assert kate.post_form(ask, {"note": "After: help with delegation."}).status == 302
        after = OutboundEmail.objects.get(body__contains="After: help with delegation.")
        wait_until(
            lambda: OutboundEmail.objects.get(pk=after.pk).status == Status.SENT,
            timeout=60,
            what="the worker to reconnect and send the e-mail of a save made after Redis came back",
        )
        # The rows that waited are sent by the sweep, which beat queues every minute; they are made a minute
        # old, as they would be by then. Swept again and again until all are sent: none goes twice.
        OutboundEmail.objects.filter(status=Status.PENDING).update(created_at=timezone.now() - timedelta(minutes=2))

        def all_sent():
            _sweep(redis_server.url)
            return not OutboundEmail.objects.exclude(status=Status.SENT).exists()

        wait_until(all_sent, timeout=60, what="the sweep to send the e-mails recorded while Redis was down", every=1)
        time.sleep(2)  # a duplicate would arrive now
    finally:
        stop_process(web.process)
        stop_process(worker)
    assert OutboundEmail.objects.count() == 7
    assert _arrived(smtp) == _expected(OutboundEmail.objects.all())  # each e-mail exactly once
    assert time.monotonic() - started < 90
