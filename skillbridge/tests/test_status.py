import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from skillbridge.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_status_page_reports_the_database_and_eager_tasks(client, org, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(org.admin)
    body = client.get(reverse("status")).content.decode()
    assert "Database" in body
    assert "answered" in body
    assert "tasks run inside the web process" in body


def test_status_page_says_when_the_broker_is_unreachable(client, org, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    client.force_login(org.admin)
    response = client.get(reverse("status"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Unreachable" in body
    assert "not asked: the broker is unreachable" in body


@pytest.fixture
def celery_worker_process():
    """A real Celery worker in its own process, on the broker in REDIS_URL."""
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "skillbridge",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--hostname",
            f"statustest-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield worker
    worker.terminate()
    worker.wait(timeout=30)


@pytest.mark.services
def test_status_page_sees_the_real_broker_and_a_running_worker(client, org, settings, celery_worker_process):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(org.admin)
    deadline = time.monotonic() + 30
    body = ""
    while time.monotonic() < deadline and f"statustest-{os.getpid()}@" not in body:
        body = client.get(reverse("status")).content.decode()
    assert "Everything SkillBridge depends on is reachable" in body
    assert f"statustest-{os.getpid()}@" in body
