"""The database not answering is a clean 503, and the app recovers by itself when it answers again.

While PostgreSQL is down or restarting, every page that needs it answers 503 with templates/503.html ("The
database is not answering; please try again in a minute."), a Retry-After header and no stack trace, and
the error is logged once per request (logger skillbridge.db). Nothing needs restarting afterwards: a
connection that failed is closed at the end of its request (Django's errors_occurred), and with
CONN_HEALTH_CHECKS a kept connection is checked before its first use in each request, so the next request
connects afresh. libpq's connect_timeout (DATABASE_URL ?connect_timeout=5, deploy/README.md) bounds how
long a request waits for a server that does not answer at all.

Only connection-level errors count: InterfaceError, and OperationalError without an SQLSTATE or with one
of class 08 (connection exception) or 57P01-57P03 (the server shutting down or starting up). A deadlock,
a statement timeout or a serialization failure stays an ordinary error.

Where the error is caught:

- a signed-in request (it carries a session cookie, so its first step is reading the session from the
  database) opens the connection here first, before any other middleware uses it: the common case during
  an outage costs no stack trace in the logs;
- an error in a view or while rendering its template: process_exception;
- an error anywhere else (another middleware): Django's got_request_exception signal marks the request,
  and its 500 answer is replaced here by the 503 page.

The page is rendered without a request or context processors, so it never touches the database.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("skillbridge.db")

RETRY_AFTER_SECONDS = 60
_SHUTTING_DOWN = {"57P01", "57P02", "57P03"}  # admin_shutdown, crash_shutdown, cannot_connect_now
_MARK = "_database_unavailable"


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether this error means the database cannot be reached (rather than a query that failed)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    if cause is not None and (hasattr(cause, "pgcode") or hasattr(cause, "sqlstate")):
        return code is None or code.startswith("08") or code in _SHUTTING_DOWN
    # Another database (SQLite on a laptop): only a file that cannot be opened is "not answering".
    return "unable to open database" in str(error)


def unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once, by this module; not again by django.request as a server error.
    response._has_been_logged = True
    return response


def _answer(request, error) -> HttpResponse:
    logger.error(
        "The database is not answering: %s %s answered 503 (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )
    return unavailable_response()


def _mark_request(sender, request=None, **kwargs):
    """got_request_exception receiver: remember a database outage raised outside a view."""
    error = sys.exc_info()[1]
    if request is not None and is_database_unavailable(error):
        setattr(request, _MARK, error)


got_request_exception.connect(_mark_request, dispatch_uid="skillbridge-database-unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            try:
                # Connects, or checks a kept connection (CONN_HEALTH_CHECKS) and reconnects: no query of its own.
                with connection.cursor():
                    pass
            except DatabaseError as error:
                if not is_database_unavailable(error):
                    raise
                return _answer(request, error)
        response = self.get_response(request)
        error = getattr(request, _MARK, None)
        if error is not None and response.status_code == 500:
            return _answer(request, error)
        return response

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return _answer(request, exception)
        return None
