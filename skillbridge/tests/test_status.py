import pytest
from django.urls import reverse

from skillbridge.celery import app


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


@pytest.mark.services
def test_status_page_sees_the_real_broker_and_a_running_worker(client, org, settings):
    from celery.contrib.testing.worker import start_worker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(org.admin)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        body = client.get(reverse("status")).content.decode()
    assert "Unreachable" not in body
    assert "1 answered" in body
