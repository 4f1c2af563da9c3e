"""The Celery app. Settings come from Django settings (CELERY_* names)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")

app = Celery("skillbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _log_like_the_web_processes(**kwargs):
    """Workers and beat log through settings.LOGGING (JSON lines when LOG_FORMAT=json), not Celery's own
    format: with a receiver on this signal Celery leaves logging alone. LOG_LEVEL sets the level."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


# Context tokens of the running tasks, so a task run inline inside a web request (no REDIS_URL) gives the
# request its own context back afterwards.
_context_tokens: dict = {}


@signals.task_prerun.connect
def _task_log_context(task_id=None, task=None, **kwargs):
    """Every line a task logs carries its id and name (skillbridge.log_config.ContextFilter)."""
    from .log_config import log_context

    fields = {"task_id": task_id or "-", "task_name": getattr(task, "name", "-")}
    _context_tokens[task_id] = log_context.set({**(log_context.get() or {}), **fields})


@signals.task_postrun.connect
def _task_log_context_done(task_id=None, **kwargs):
    from .log_config import log_context

    token = _context_tokens.pop(task_id, None)
    if token is None:
        return
    try:
        log_context.reset(token)
    except ValueError:  # set in another context (thread): nothing of ours is left in this one
        log_context.set(None)
