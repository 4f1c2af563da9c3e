"""Reachability of the services SkillBridge depends on, for the status page and the readiness probe."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .celery import app as celery_app


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    millis: float


def _timed(name, probe) -> Check:
    started = time.perf_counter()
    try:
        ok, detail = probe()
    except Exception as exc:  # the page must report any failure, not raise it
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return Check(name=name, ok=ok, detail=detail, millis=(time.perf_counter() - started) * 1000)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, f"{connection.vendor} answered"


def _broker(url=None):
    with celery_app.connection_for_write(url) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
        return True, f"{conn.as_uri()} answered"


def _migrations():
    """Every migration on disk is applied: a web process of a new release is not ready before the release phase."""
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return False, f"{len(unapplied)} unapplied: " + ", ".join(f"{m.app_label}.{m.name}" for m, _ in unapplied[:5])
    return True, "all applied"


def _workers():
    replies = celery_app.control.ping(timeout=1.0) or []
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return False, "no worker answered within 1 second"
    return True, f"{len(names)} answered: " + ", ".join(names)


def run_checks() -> list[Check]:
    checks = [_timed("Database", _database)]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        note = "not used: REDIS_URL is unset, so tasks run inside the web process"
        checks.append(Check("Broker (Redis)", True, note, 0.0))
        checks.append(Check("Celery workers", True, note, 0.0))
        return checks
    broker = _timed("Broker (Redis)", _broker)
    checks.append(broker)
    if broker.ok:
        checks.append(_timed("Celery workers", _workers))
    else:
        checks.append(Check("Celery workers", False, "not asked: the broker is unreachable", 0.0))
    return checks


def readiness_checks() -> list[Check]:
    """What a web process needs before the load balancer sends it traffic (never the workers: a web process
    serves pages without them). Each probe is bounded: the broker's by its 3-second connect and socket
    timeouts (CELERY_BROKER_*), the database's by libpq's connect_timeout (see deploy/README.md)."""
    database = _timed("database", _database)
    checks = [database]
    if database.ok:
        checks.append(_timed("migrations", _migrations))
    else:
        checks.append(Check("migrations", False, "not asked: the database is unreachable", 0.0))
    if settings.REDIS_URL:
        checks.append(_timed("broker", lambda: _broker(settings.REDIS_URL)))
    return checks
