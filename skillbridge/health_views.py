"""Liveness and readiness probes for load balancers and process managers (deploy/README.md).

Both are open without a login and say nothing sensitive: check names and "ok" / "failed" only. What
failed and why goes to the log (logger skillbridge.health), where an operator reads it.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import readiness_checks

logger = logging.getLogger("skillbridge.health")


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Liveness: the process answers. No database, no broker, so a dependency outage never restarts it."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """Readiness: database reachable, every migration applied, broker reachable when REDIS_URL is set."""
    checks = readiness_checks()
    failed = [check for check in checks if not check.ok]
    for check in failed:
        logger.warning("readiness check %s failed: %s", check.name, check.detail)
    body = {
        "status": "unavailable" if failed else "ready",
        "checks": {check.name: "ok" if check.ok else "failed" for check in checks},
    }
    if failed:
        body["failed"] = [check.name for check in failed]
    response = JsonResponse(body, status=503 if failed else 200)
    # A failing probe is logged once, above, as a warning. Not again by django.request as an ERROR, which
    # would e-mail the ADMINS every few seconds for every web process while, say, Redis is down.
    response._has_been_logged = True
    return response
