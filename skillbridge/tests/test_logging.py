"""Structured logs: the LOGGING builder (skillbridge/log_config.py), the request line and request id
(skillbridge/request_log.py), and Celery workers logging the same JSON lines."""

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from skillbridge.log_config import ContextFilter, log_context, logging_config

ROOT = Path(__file__).resolve().parents[2]
REQUEST_LOG = "skillbridge.request_log.RequestLogMiddleware"


def _formatted(fmt, emit):
    """What `emit(logger)` writes through a handler built from logging_config(fmt=...)."""
    config = logging_config(fmt=fmt, level="INFO")
    formatter_config = dict(config["formatters"][fmt])
    factory = formatter_config.pop("()", None)
    formatter = factory(**formatter_config) if factory else logging.Formatter(formatter_config["format"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    test_logger = logging.getLogger("skillbridge.tests.logging")
    test_logger.addHandler(handler)
    test_logger.setLevel(logging.INFO)
    test_logger.propagate = False
    try:
        emit(test_logger)
    finally:
        test_logger.removeHandler(handler)
    return stream.getvalue().splitlines()


def test_json_format_writes_one_json_object_a_line_with_the_request_fields():
    def emit(log):
        log.info(
            "GET /reports/ 200 12.5ms",
            extra={
                "method": "GET",
                "path": "/reports/",
                "status": 200,
                "duration_ms": 12.5,
                "user_id": 7,
                "request_id": "abc12345",
            },
        )

    [line] = _formatted("json", emit)
    record = json.loads(line)
    assert record["level"] == "INFO"
    assert record["logger"] == "skillbridge.tests.logging"
    assert record["message"] == "GET /reports/ 200 12.5ms"
    assert record["time"].startswith("20")
    for field, value in {"method": "GET", "path": "/reports/", "status": 200, "duration_ms": 12.5}.items():
        assert record[field] == value
    assert record["user_id"] == 7
    assert record["request_id"] == "abc12345"


def test_json_format_never_writes_a_request_object_and_its_query_string():
    class FakeRequest:
        def __repr__(self):
            return "<WSGIRequest: GET '/reports/?person=Brian+Walsh'>"

    [line] = _formatted("json", lambda log: log.warning("Not Found: /reports/", extra={"request": FakeRequest()}))
    assert "Brian" not in line
    assert json.loads(line)["message"] == "Not Found: /reports/"


def test_json_format_keeps_a_traceback_in_the_same_line():
    def emit(log):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("failed")

    [line] = _formatted("json", emit)
    assert "RuntimeError: boom" in json.loads(line)["exc_info"]


def test_every_line_carries_the_request_id_of_the_request_it_belongs_to():
    token = log_context.set({"request_id": "req-00000001"})
    try:
        inside = _formatted("json", lambda log: log.info("inside"))
    finally:
        log_context.reset(token)
    outside = _formatted("text", lambda log: log.info("outside"))
    assert json.loads(inside[0])["request_id"] == "req-00000001"
    assert "[-] outside" in outside[0]


def test_text_is_the_format_of_a_first_run():
    config = logging_config(fmt="text", level="info")
    assert config["handlers"]["console"]["formatter"] == "text"
    assert config["root"]["level"] == "INFO"


@pytest.mark.parametrize("fmt, level", [("xml", "INFO"), ("json", "LOUD")])
def test_an_unknown_format_or_level_is_refused_at_start(fmt, level):
    with pytest.raises(ValueError):
        logging_config(fmt=fmt, level=level)


def test_the_json_config_works_in_a_fresh_process():
    script = (
        "import logging, logging.config\n"
        "from skillbridge.log_config import logging_config\n"
        "config = logging_config(fmt='json', level='INFO')\n"
        "logging.config.dictConfig(config)\n"
        "logging.config.dictConfig(config)\n"  # a second time, as Celery does after Django
        "logging.getLogger('x').info('hello', extra={'user_id': 3})\n"
        "logging.getLogger('x').debug('not at INFO')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    [line] = result.stderr.splitlines()
    assert json.loads(line) | {"time": None} == {
        "level": "INFO",
        "logger": "x",
        "message": "hello",
        "user_id": 3,
        "request_id": "-",
        "time": None,
    }


# --- The request middleware -------------------------------------------------


@pytest.fixture
def request_log(settings, caplog):
    """The request middleware first in MIDDLEWARE (once, wired in settings or not); its lines in caplog."""
    settings.MIDDLEWARE = [REQUEST_LOG, *(m for m in settings.MIDDLEWARE if m != REQUEST_LOG)]
    caplog.set_level(logging.DEBUG, logger="skillbridge.request")
    return lambda: [r for r in caplog.records if r.name == "skillbridge.request"]


def test_one_line_per_request_without_the_query_string(client, org, request_log):
    client.force_login(org.hr)
    response = client.get(reverse("catalog:course_list"), {"q": "Brian Walsh"})
    [line] = request_log()
    assert response.status_code == 200
    assert line.levelno == logging.INFO
    assert (line.method, line.path, line.status) == ("GET", reverse("catalog:course_list"), 200)
    assert "Brian" not in line.getMessage()
    assert line.user_id == org.hr.pk
    assert line.duration_ms > 0
    assert line.request_id == response["X-Request-ID"]


def test_a_sane_request_id_from_the_proxy_is_kept(client, db, request_log):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "lb-7f3a9c2e-0001"})
    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert request_log()[0].request_id == "lb-7f3a9c2e-0001"


@pytest.mark.parametrize("given", ["short", "x" * 200, "evil id; with spaces", "<script>alert(1)</script>"])
def test_an_odd_request_id_is_replaced_by_a_new_one(client, db, request_log, given):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": given})
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


def test_each_request_gets_its_own_id(client, db, request_log):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]
    assert first != second


def test_the_anonymous_and_the_probes_cost_no_query_and_have_no_user(
    client, db, request_log, django_assert_num_queries
):
    with django_assert_num_queries(0):
        client.get(reverse("healthz"))
    [line] = request_log()
    assert line.user_id is None
    assert line.levelno == logging.DEBUG  # a load balancer asks every few seconds


def test_a_redirect_to_the_login_page_is_logged_too(client, db, request_log):
    client.get(reverse("devplans:my_plan"))
    [line] = request_log()
    assert line.status == 302
    assert line.user_id is None


def test_the_secret_of_a_signed_link_is_not_logged(client, db, request_log):
    token = "Brian-secret-token.abc123"
    client.get(reverse("devplans:survey", kwargs={"token": token}))
    [line] = request_log()
    assert token not in line.path
    assert "<token>" in line.path


def test_lines_logged_during_the_request_carry_its_id(client, db, request_log, monkeypatch):
    from skillbridge import health_views

    def checks_that_log():
        logging.getLogger("skillbridge.health").warning("probe")
        return []

    class Collect(logging.Handler):
        records = []

        def emit(self, record):
            self.records.append(record)

    handler = Collect()
    handler.addFilter(ContextFilter())  # as the console handler of logging_config has it
    monkeypatch.setattr(health_views, "readiness_checks", checks_that_log)
    logging.getLogger("skillbridge.health").addHandler(handler)
    try:
        client.get(reverse("readyz"), headers={"X-Request-ID": "req-12345678"})
    finally:
        logging.getLogger("skillbridge.health").removeHandler(handler)
    assert [r.request_id for r in handler.records] == ["req-12345678"]


# --- Celery ---------------------------------------------------------------


def test_a_celery_worker_logs_json_lines_with_the_json_config(tmp_path):
    """A real worker (in-memory broker) started with LOGGING = logging_config(fmt="json") writes JSON."""
    (tmp_path / "json_log_settings.py").write_text(
        "from skillbridge.settings import *  # noqa\n"
        "from skillbridge.log_config import logging_config\n"
        "LOGGING = logging_config(fmt='json', level='INFO')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "json_log_settings", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "skillbridge", "--quiet", "worker", "--pool", "solo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line:
                break
            lines.append(line)
            if " ready." in line:
                break
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    # Only Python warnings (running as root here) and Celery's shutdown note are not log records.
    assert not [line for line in lines if "INFO/MainProcess]" in line], "Celery's own format"
    records = [json.loads(line) for line in lines if line.startswith("{")]
    ready = [r for r in records if r["message"].endswith(" ready.")]
    assert ready, "".join(lines)
    assert ready[0]["level"] == "INFO"
    assert ready[0]["logger"].startswith("celery")


def test_lines_a_task_logs_carry_its_id_and_name_and_the_request_gets_its_context_back():
    from types import SimpleNamespace

    from celery import signals

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "inside the task", None, None)
    token = log_context.set({"request_id": "req-00000042"})
    try:
        signals.task_prerun.send(sender=None, task_id="task-1", task=SimpleNamespace(name="people.tasks.send"))
        ContextFilter().filter(record)
        signals.task_postrun.send(sender=None, task_id="task-1")
        after = log_context.get()
    finally:
        log_context.reset(token)
    assert (record.task_id, record.task_name, record.request_id) == ("task-1", "people.tasks.send", "req-00000042")
    assert after == {"request_id": "req-00000042"}
