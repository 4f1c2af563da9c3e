"""PostgreSQL restarted while people browse: requests fail cleanly, and the app recovers without a restart.

The first test runs its own PostgreSQL cluster (never the shared one), the demo org in it, and the web app
as production runs it (gunicorn, two workers, DEBUG off). It stops the database under the running app,
then starts it again. Marked `services`: it needs PostgreSQL's server binaries, which CI has. The tests
after it show, in the test process, each way a lost connection is caught (skillbridge/db_unavailable.py).
"""

import base64
import hashlib
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import time
from unittest import mock

import psycopg2
import pytest
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from skillbridge.db_unavailable import is_database_unavailable
from skillbridge.demo_data import DEMO_PASSWORD

from .fault_helpers import ROOT, PrivatePostgres, WebClient, start_web, stop_process

UNAVAILABLE = "The database is not answering; please try again in a minute."


@pytest.fixture
def demo_database():
    """A private PostgreSQL cluster with the demo org (manage.py migrate and seed_demo, as the README's run)."""
    postgres = PrivatePostgres()
    try:
        postgres.init()
        postgres.start()
        postgres.execute("CREATE DATABASE skillbridge")
        url = postgres.url("skillbridge", connect_timeout=3)
        env = {**os.environ, "DATABASE_URL": url}
        env.pop("REDIS_URL", None)
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            done = subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
            )
            if done.returncode:
                pytest.fail(f"manage.py {command[0]} failed:\n{done.stderr[-3000:]}")
        yield postgres
    finally:
        postgres.remove()


def _log_in(client: WebClient, email: str, password: str) -> None:
    answer = client.post_form("/accounts/login/", {"username": email, "password": password})
    assert answer.status == 302, f"logging in answered {answer.status}: {answer.text[:500]}"


def _pages(postgres) -> list[str]:
    """Kate's team, her own plan, a report's page, that report's plan, and the feedback form."""
    ((person, plan),) = postgres.execute(
        "SELECT p.id, pl.id FROM devplans_plan pl JOIN people_person p ON p.id = pl.person_id "
        "JOIN people_person m ON m.id = p.manager_id WHERE m.full_name = 'Kate Morgan' ORDER BY pl.id LIMIT 1",
        database="skillbridge",
    )
    return ["/team/", "/my-plan/", f"/people/{person}/", f"/plan/{plan}/", f"/people/{person}/feedback/new/"]


@pytest.mark.services
def test_postgres_restarted_during_browsing_answers_503_then_recovers_without_a_restart(demo_database, tmp_path):
    started = time.monotonic()
    postgres = demo_database
    web = start_web(tmp_path, DATABASE_URL=postgres.url("skillbridge", connect_timeout=3), REDIS_URL="")
    try:
        kate = WebClient(web.base_url)
        _log_in(kate, "kate@example.com", DEMO_PASSWORD)
        pages = _pages(postgres)
        # Twice round: each of the two gunicorn workers serves pages and keeps a database connection.
        for page in pages * 2:
            assert kate.get(page).status == 200, page
        feedback_token = kate.csrf_token(pages[-1])

        postgres.stop("fast")
        for page in pages * 2:
            answer = kate.get(page, timeout=15)
            assert answer.status == 503, f"{page} answered {answer.status} with the database down"
            assert answer.seconds < 5, f"{page} took {answer.seconds:.1f} s to answer with the database down"
            assert UNAVAILABLE in answer.text
            assert answer.header("Retry-After") == "60"
            assert "Traceback" not in answer.text and "OperationalError" not in answer.text
        # A form save fails the same clean way (and nothing is half saved: the database is not there).
        saved = kate.post(
            pages[-1], {"csrfmiddlewaretoken": feedback_token, "text": "Clear plan for the release."}, timeout=15
        )
        assert (saved.status, saved.seconds < 5) == (503, True)
        # The probes, asked as a load balancer does (no cookie): liveness stays up (no restart loop),
        # readiness says the database is down.
        balancer = WebClient(web.base_url)
        assert balancer.get("/healthz").status == 200
        ready = balancer.get("/readyz", timeout=15)
        assert ready.status == 503 and json.loads(ready.text)["checks"]["database"] == "failed"

        postgres.start()
        for page in pages * 2:
            answer = kate.get(page)
            assert answer.status == 200, f"{page} answered {answer.status} after the database came back"
        assert balancer.get("/readyz").status == 200
        saved = kate.post_form(pages[-1], {"text": "Clear plan for the release."})
        assert saved.status == 302
        assert postgres.execute("SELECT count(*) FROM devplans_feedback WHERE text = 'Clear plan for the release.'",
                                database="skillbridge") == [(1,)]  # fmt: skip
        assert web.process.poll() is None, "gunicorn stopped"
    finally:
        stop_process(web.process)
    log = web.log_text()
    assert "The database is not answering" in log  # each 503 is logged...
    assert "Traceback" not in log, log[-3000:]  # ...as one line, without a stack trace
    assert time.monotonic() - started < 60


# --- each way a lost connection is caught -----------------------------------------------------------------------------


class _Cause(Exception):
    """A driver error with an SQLSTATE, as psycopg2 raises for an error the server reported."""

    def __init__(self, pgcode):
        super().__init__(f"server error {pgcode}")
        self.pgcode = pgcode


def _error(kind, cause):
    error = kind(str(cause))
    error.__cause__ = cause
    return error


def _connection_lost():
    return _error(OperationalError, psycopg2.OperationalError("server closed the connection unexpectedly"))


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (_connection_lost(), True),
        (_error(InterfaceError, psycopg2.InterfaceError("connection already closed")), True),
        (_error(OperationalError, _Cause("08006")), True),  # connection failure
        (_error(OperationalError, _Cause("57P01")), True),  # terminating connection: administrator command
        (_error(OperationalError, _Cause("57P03")), True),  # the database system is starting up
        (_error(OperationalError, _Cause("40P01")), False),  # deadlock detected
        (_error(OperationalError, _Cause("57014")), False),  # statement timeout
        (_error(IntegrityError, psycopg2.IntegrityError("duplicate key")), False),
        (_error(OperationalError, sqlite3.OperationalError("unable to open database file")), True),
        (_error(OperationalError, sqlite3.OperationalError("database is locked")), False),
        (ValueError("not a database error"), False),
    ],
)
def test_only_connection_level_errors_count_as_the_database_not_answering(error, unavailable):
    assert is_database_unavailable(error) is unavailable


def _feedback_page(org):
    return reverse("devplans:give_feedback", args=[org.employee_person.pk])


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert response["Retry-After"] == "60"
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_a_view_that_loses_its_connection_answers_503_and_logs_one_line(client, org, caplog):
    client.force_login(org.manager)
    with mock.patch("devplans.checkin_views.visible_people", side_effect=_connection_lost()):
        response = client.get(_feedback_page(org))
    _assert_unavailable_page(response)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in failures] == ["skillbridge.db"]  # not django.request again, with a stack trace
    assert "GET " + _feedback_page(org) + " answered 503" in failures[0].getMessage()
    assert failures[0].exc_info is None


@pytest.mark.django_db
def test_a_signed_in_request_is_answered_503_before_anything_else_needs_the_database(client, org):
    client.force_login(org.manager)
    with mock.patch("skillbridge.db_unavailable.connection") as connection:
        connection.cursor.side_effect = _connection_lost()
        _assert_unavailable_page(client.get(_feedback_page(org)))


@pytest.mark.django_db
def test_a_lost_connection_in_another_middleware_answers_503_too(org):
    client = Client(raise_request_exception=False)
    client.force_login(org.manager)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=_connection_lost()):
        _assert_unavailable_page(client.get(_feedback_page(org)))


@pytest.mark.django_db
def test_an_ordinary_database_error_stays_a_500(org):
    client = Client(raise_request_exception=False)
    client.force_login(org.manager)
    deadlock = _error(OperationalError, _Cause("40P01"))
    with mock.patch("devplans.checkin_views.visible_people", side_effect=deadlock):
        assert client.get(_feedback_page(org)).status_code == 500


@pytest.mark.django_db
def test_the_503_page_needs_no_database_and_its_style_is_allowed_by_the_csp(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("503.html")
    assert UNAVAILABLE in page
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert len(styles) == 1 and f"'sha256-{digest}'" == settings.ERROR_PAGE_STYLE_HASH
