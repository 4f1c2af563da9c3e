"""The load balancer's probes: /healthz (liveness) and /readyz (readiness)."""

import json
import logging
import time

import pytest
from django.db import OperationalError
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from skillbridge import health


@pytest.fixture
def no_broker(settings):
    """No REDIS_URL: tasks run inline and readiness does not ask for a broker."""
    settings.REDIS_URL = ""


def test_healthz_answers_ok_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_even_when_the_database_is_down(client, db, monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "_database", down)
    assert client.get(reverse("healthz")).status_code == 200


def test_readyz_is_ready_with_the_database_up_and_every_migration_applied(client, db, no_broker):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_readyz_names_the_database_when_it_is_down_and_says_nothing_more(client, db, no_broker, monkeypatch, caplog):
    def down():
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr(health, "_database", down)
    with caplog.at_level(logging.WARNING, logger="skillbridge.health"):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["database", "migrations"]
    assert "db.internal" not in response.content.decode()
    assert "db.internal" in caplog.text  # the operator reads the reason in the log


def test_readyz_is_unavailable_while_a_migration_is_unapplied(client, db, no_broker):
    MigrationRecorder.Migration.objects.filter(app="reports").order_by("-id").first().delete()
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert "reports" not in response.content.decode()


def test_readyz_is_unavailable_quickly_when_the_broker_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    started = time.monotonic()
    response = client.get(reverse("readyz"))
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"] == {"database": "ok", "migrations": "ok", "broker": "failed"}
    assert "127.0.0.1" not in response.content.decode()


def test_a_failing_readiness_probe_is_one_warning_not_an_error_mailed_to_the_admins(client, db, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    with caplog.at_level(logging.INFO):
        assert client.get(reverse("readyz")).status_code == 503
    assert [(r.name, r.levelname) for r in caplog.records if r.levelno >= logging.WARNING] == [
        ("skillbridge.health", "WARNING")
    ]


@pytest.mark.services
def test_readyz_is_ready_with_the_real_broker(client, db, settings):
    assert settings.REDIS_URL
    response = client.get(reverse("readyz"))
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["checks"]["broker"] == "ok"


def test_probes_refuse_writes(client, db):
    assert client.post(reverse("healthz")).status_code == 405
    assert client.post(reverse("readyz")).status_code == 405
