"""The LOGGING dictionary: plain text for a first run, JSON lines in production (LOG_FORMAT=json).

settings.py calls `logging_config(fmt=..., level=...)`; Celery workers and beat use the same dictionary
(skillbridge/celery.py), so every process writes the same fields. This module imports nothing from Django's
apps and imports python-json-logger only when the JSON format is asked for.

Every record carries `request_id` (the web request's, "-" outside one) and, inside a Celery task,
`task_id` and `task_name`: a filter copies them from a context variable that the request middleware
(skillbridge/request_log.py) and Celery's task signals set.
"""

import logging
from contextvars import ContextVar

FORMATS = ("text", "json")

# Fields of the current unit of work (a request or a task), copied onto every log record.
log_context: ContextVar[dict[str, str] | None] = ContextVar("skillbridge_log_context", default=None)

# Attributes a record may carry that must never reach a log line: django.request puts the whole request
# (its repr holds the query string, which can hold personal filters) and the socket-server's request
# object on its records.
_NEVER_LOGGED = ("request", "server_time")


class ContextFilter(logging.Filter):
    """Copies the request id (and a task's id and name) onto each record; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = log_context.get() or {}
        for key, value in context.items():
            if not hasattr(record, key):
                setattr(record, key, value)
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return True


def json_formatter(**options):
    """The JSON-lines formatter (python-json-logger): one object per line, time in ISO 8601 UTC."""
    from pythonjsonlogger.core import RESERVED_ATTRS
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        reserved_attrs=[*RESERVED_ATTRS, *_NEVER_LOGGED],
        **options,
    )


def logging_config(*, fmt: str, level: str) -> dict:
    """The dictConfig dictionary for `fmt` ("text" or "json") at root level `level` (INFO, WARNING, …)."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    level = level.strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"LOG_LEVEL {level!r} is not a logging level")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": json_formatter},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt, "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            # The request middleware writes one line per request; Django's own lines for 4xx would repeat it.
            # 5xx (ERROR, with the traceback) still come through.
            "django.request": {"level": "ERROR"},
            # runserver's access line too (development only).
            "django.server": {"level": "WARNING"},
        },
    }
