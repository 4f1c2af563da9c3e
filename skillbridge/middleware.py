"""Cross-cutting middleware: session expiry, NUL bytes in requests, and the Permissions-Policy header.

A session ends in one of two ways besides logging out:

* absolute: SESSION_COOKIE_AGE seconds after sign-in, however busy the user is. Django's own expiry
  moves forward each time the session is saved, so the sign-in time is kept in the session and checked
  here;
* idle: SESSION_IDLE_TIMEOUT seconds without a request. The time of the last request is written back
  at most once a minute, so a busy user costs one session write a minute, not one per request.

A deactivated account (the org import deactivates a leaver's account with the person; so does
anonymising a leaver): Django's ModelBackend refuses an inactive user when it loads the user for a
request, and the session is then ended here, so that request and every later one is anonymous and
LoginRequiredMiddleware sends it to log in.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseBadRequest

SIGNED_IN_AT = "skillbridge_signed_in_at"
LAST_SEEN_AT = "skillbridge_last_seen_at"
# How stale the stored last-request time may get before it is written again (seconds).
LAST_SEEN_RESOLUTION = 60


def stamp_session_at_login(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in apps.py): the clocks of both expiries start now."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


class SessionExpiryMiddleware:
    """Signs out a session past its absolute age, idle too long, or whose account was deactivated.

    Sits after MessageMiddleware, so it can say why on the login page; LoginRequiredMiddleware then
    sends the now anonymous request to log in, with ?next= back to the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # Only a signed-in session is checked (an anonymous one costs nothing: no user is loaded).
        if SESSION_KEY in session:
            now = int(time.time())
            signed_in_at = session.get(SIGNED_IN_AT)
            last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
            if not request.user.is_authenticated:
                # The account was deactivated, or its password changed elsewhere: Django's ModelBackend
                # no longer loads the user. End the session itself rather than leave it half alive.
                self._sign_out(request, "You were signed out because your account changed or is no longer active.")
            elif signed_in_at is None:
                # A session that began before this middleware: its clocks start now.
                session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now
            elif now - signed_in_at >= settings.SESSION_COOKIE_AGE:
                self._sign_out(request, "Your session reached its time limit, so you were signed out.")
            elif now - last_seen_at >= settings.SESSION_IDLE_TIMEOUT:
                minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
                self._sign_out(request, f"You were signed out after {minutes} minutes without activity.")
            elif now - last_seen_at >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, reason):
        logout(request)
        messages.info(request, f"{reason} Please log in again.")


class PermissionsPolicyMiddleware:
    """Sets the Permissions-Policy header (Django has no setting for it) from PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class RejectNulBytesMiddleware:
    """Answers 400 to a NUL byte anywhere in the path, the query string or a posted form field.

    No browser sends one and no text of ours holds one; PostgreSQL refuses them in text, so a NUL that
    reached a query (a search box, a filter) would be a 500. Refused here once, for every view. Uploaded
    files are not looked at: a file is bytes, and the importers read it as such.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or self._has_nul(request.GET)
            or (request.method == "POST" and self._has_nul(request.POST))
        ):
            return HttpResponseBadRequest(
                "Bad request: the address or the form holds a NUL character.", content_type="text/plain"
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(data):
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())
