"""One log line per request, and a request id that follows it (skillbridge.request logger).

Put first in MIDDLEWARE, so it times the whole stack and sees every answer, HTTPS redirects and static
files included. Each line holds method, path, status, duration_ms, user_id and request_id:

- the path never carries the query string (filters in it can name people), and the secret parts of a
  signed link (URL arguments named token or uidb64) are replaced by "<token>";
- the user is the numeric id, never the e-mail, and only when the request already loaded its user: the
  log line itself never costs a session or database query (a health probe has no user: user_id is null);
- the request id is the caller's X-Request-ID when it looks like an id (a load balancer's or proxy's),
  otherwise a new random one; it goes back in the response's X-Request-ID header and onto every other
  line logged while the request runs (skillbridge.log_config.ContextFilter).

Successful health probes (/healthz, /readyz) are logged at DEBUG: a load balancer asks every few seconds.
"""

import logging
import re
import time
import uuid

from django.utils.functional import SimpleLazyObject, empty

from .log_config import log_context

logger = logging.getLogger("skillbridge.request")

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:@=+/-]{8,128}", re.ASCII)
_SECRET_ARGUMENTS = ("token", "uidb64")
_PROBES = ("/healthz", "/readyz")


def request_id_for(request) -> str:
    """The caller's request id when it is a plain token of 8 to 128 characters, else a new one."""
    given = request.headers.get(HEADER, "")
    if _SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def loggable_path(request) -> str:
    """The path without the query string, with the secret arguments of signed links blanked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in _SECRET_ARGUMENTS and value:
                path = path.replace(str(value), "<token>")
    return path


def user_id_for(request):
    """The id of a user the request already loaded, or None; never loads one."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:  # not evaluated: loading it now would cost a session query
            return None
        user = user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        token = log_context.set({"request_id": request_id})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            log_context.reset(token)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[HEADER] = request_id
        path = loggable_path(request)
        level = logging.DEBUG if path in _PROBES and response.status_code < 400 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id_for(request),
                "request_id": request_id,
            },
        )
        return response
