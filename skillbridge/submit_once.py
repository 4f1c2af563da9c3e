"""The same form posted twice (a double click, a resend) is handled once.

static/js/submit-once.js gives every POST form of a page a hidden `submit_token`, new for each page shown,
and disables the form's buttons once it is sent. The browser part is a courtesy; this middleware is the
guarantee. For a signed-in user's POST carrying a token it:

1. refuses a malformed token (400);
2. records (user, token) in SubmittedForm in a transaction of its own, before the view runs. The
   pair is unique, so of two posts with one token, however close together, exactly one gets the row;
3. the other does not run the view: it waits (up to WAIT_SECONDS, polling the row) for the first to
   finish, then answers 303 to where the first one redirected, with the message "That was sent twice; it
   was saved once." (an htmx post: 204 with HX-Redirect there). When the first is still running after
   the wait, it goes back to the page the form was on and says so. A row left unfinished longer than
   any request may run (ABANDONED_AFTER: the process was killed) frees the token;
4. after the view, keeps the first response's status and Location. A response that is not a redirect (the
   form came back with its errors, an error page) deletes the row: nothing was saved, and the form may be
   corrected and sent again with the same token.

Posts without a token (API clients, tests, anonymous forms such as the login) are handled as before.
Rows older than a day are deleted by forget_old_submissions() (Celery beat, skillbridge/tasks.py).

It sits after the authentication and messages middleware (it needs the user and leaves a message) and
works in process_view, so CSRF and login checks have already run.
"""

import logging
import re
import time
from datetime import timedelta

from django.contrib import messages
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .models import SubmittedForm

logger = logging.getLogger(__name__)

FIELD = "submit_token"
TOKEN = re.compile(r"[A-Za-z0-9-]{8,64}", re.ASCII)
# How long a second post waits for the first one to finish, and how often it looks.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.1
KEEP_FOR = timedelta(days=1)
# Longer than any request may run (gunicorn kills a worker after GUNICORN_TIMEOUT, 60 s by default).
ABANDONED_AFTER = timedelta(minutes=2)
SENT_TWICE = "That was sent twice; it was saved once."
STILL_SAVING = "That was sent twice; the first one is still being saved, so the second was ignored."

_REDIRECTS = (301, 302, 303, 307, 308)


class SubmitOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "_submit_once_claim", None)
        if claim is not None:
            _settle(claim, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or FIELD not in request.POST:
            return None
        token = request.POST.get(FIELD, "")
        if not TOKEN.fullmatch(token):
            return HttpResponseBadRequest(
                "Bad request: the form's submit_token must be 8 to 64 letters, digits or hyphens. "
                "Reload the page and send the form again.",
                content_type="text/plain; charset=utf-8",
            )
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # the login and password reset forms: nobody to record the token against
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            claim = _claim(user.pk, token)
            if claim is not None:
                request._submit_once_claim = claim
                return None
            first = _wait_for_first(user.pk, token, deadline)
            if first is not _GONE:
                return _answer_duplicate(request, first)
            # The first post saved nothing and freed the token: this one is handled like any other.
            if time.monotonic() >= deadline:
                return None


_GONE = object()


def _claim(user_id: int, token: str) -> int | None:
    """Record the token, committed at once; the new row's id, or None when the token is taken."""
    try:
        with transaction.atomic():
            return SubmittedForm.objects.create(user_id=user_id, token=token).pk
    except IntegrityError:
        return None


def _wait_for_first(user_id: int, token: str, deadline: float):
    """The first post's finished row; _GONE if it freed the token; None if it is still running at the deadline.

    A row left unfinished for longer than any request may run belongs to a post that never finished (its
    process was killed, or the database went away before the row could be deleted): it is deleted, and
    the token is free again."""
    rows = SubmittedForm.objects.filter(user_id=user_id, token=token)
    while True:
        row = rows.values("pk", "status", "location", "created_at").first()
        if row is None:
            return _GONE
        if row["status"] is not None:
            return row
        if row["created_at"] < timezone.now() - ABANDONED_AFTER:
            rows.filter(pk=row["pk"], status__isnull=True).delete()
            return _GONE
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


def _answer_duplicate(request, first):
    is_htmx = request.headers.get("HX-Request") == "true"
    location = first["location"] if first else ""
    logger.info("%s was posted twice with one submit token; the second post was not handled", request.path)
    if not location:
        location = _page_of(request)
    if is_htmx:
        response = HttpResponse(status=204)
        if first:
            response["HX-Redirect"] = location
            messages.info(request, SENT_TWICE)
        return response
    messages.info(request, SENT_TWICE if first else STILL_SAVING)
    return HttpResponseRedirect(location, status=303)


def _page_of(request) -> str:
    """The page the form was on (the Referer, when it is this site), else the address posted to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()


def _settle(claim: int, response) -> None:
    """Keep a redirect's status and Location for a second post; otherwise free the token."""
    location = response.get("Location", "") if response.status_code in _REDIRECTS else ""
    try:
        if location and len(location) <= SubmittedForm._meta.get_field("location").max_length:
            SubmittedForm.objects.filter(pk=claim).update(status=response.status_code, location=location)
        else:
            SubmittedForm.objects.filter(pk=claim).delete()
    except DatabaseError as error:
        # The database went away during the request: the row is taken as abandoned after ABANDONED_AFTER.
        logger.warning("Could not record the outcome of submitted form %s: %s", claim, error)


def forget_old_submissions(*, older_than: timedelta = KEEP_FOR) -> int:
    """Delete the tokens recorded longer ago than `older_than` (a day); how many went."""
    deleted, _ = SubmittedForm.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
