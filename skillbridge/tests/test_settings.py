import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from skillbridge.celery import app

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7$k2!production-like-secret-key-with-plenty-of-entropy-9q8w7e6r5t4y3u2i1o0p",
    "ALLOWED_HOSTS": "skillbridge.example.com",
    "DATABASE_URL": "sqlite:////tmp/skillbridge-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def _manage(*args, env_extra):
    skip = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set it for this process only
    env = {k: v for k, v in os.environ.items() if k not in skip} | env_extra
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_prints_no_warning_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env_extra=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_celery_is_wired_for_reliable_delivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


def test_tasks_run_eagerly_exactly_when_redis_url_is_unset():
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
