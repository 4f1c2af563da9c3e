"""Gunicorn settings for SkillBridge's web process (deploy/README.md). Every value can be changed from the
environment, so the Procfile and the systemd unit stay the same everywhere:

WEB_CONCURRENCY            worker processes (default 2 × CPU cores + 1)
PORT / GUNICORN_BIND       where to listen (default 0.0.0.0:$PORT, PORT 8000)
GUNICORN_TIMEOUT           seconds a request may take before its worker is killed and replaced (default 60)
GUNICORN_GRACEFUL_TIMEOUT  seconds running requests get to finish on a restart or deploy (default 30)
FORWARDED_ALLOW_IPS        the proxies whose X-Forwarded-* headers are believed (default 127.0.0.1,::1;
                           the load balancer's addresses, comma-separated, or * on a private network)
LOG_FORMAT / LOG_LEVEL     as for the app: gunicorn's own lines (start, worker restarts) in the same format
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Synchronous workers: each serves one request at a time, and pages are short database work. Long work
# (big exports, imports, e-mail) runs in Celery, so a worker is never held for minutes.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# A worker is replaced after this many requests (with jitter, so they do not all restart at once):
# a slow memory leak never grows for long.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The workers' heartbeat files on a memory file system, where one exists: a slow disk cannot make a busy
# worker look dead.
_SHM = "/dev/shm"  # noqa: S108 -- gunicorn makes its files there with mkstemp, private to this user
if os.path.isdir(_SHM) and os.access(_SHM, os.W_OK):
    worker_tmp_dir = _SHM

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The app logs one line per request itself (skillbridge/request_log.py), with the user id and request id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "skillbridge-web"

# Gunicorn 25+ opens a control socket under $HOME by default; the service user's home is read-only under
# systemd's ProtectHome, and systemd (or the platform) already restarts and reloads the process.
control_socket_disable = True

if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":
    from skillbridge.log_config import logging_config

    logconfig_dict = logging_config(fmt="json", level=os.environ.get("LOG_LEVEL", "INFO"))
    # Gunicorn's own messages through the same JSON handler, once.
    logconfig_dict["loggers"]["gunicorn.error"] = {"handlers": ["console"], "propagate": False}
    logconfig_dict["loggers"]["gunicorn.access"] = {"handlers": [], "propagate": False}
