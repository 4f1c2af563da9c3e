from django.shortcuts import redirect, render

from people.selectors import roles_for

from .authz import admin_required
from .health import run_checks


def home(request):
    """Send each role to its place."""
    roles = roles_for(request.user)
    if roles.is_hr:
        return redirect("reports:home")
    if roles.is_ld:
        return redirect("catalog:course_list")
    if roles.is_manager:
        return redirect("devplans:team")
    if roles.is_admin and roles.person is None:
        return redirect("status")
    return redirect("devplans:my_plan")


@admin_required
def status(request):
    checks = run_checks()
    return render(request, "skillbridge/status.html", {"checks": checks, "all_ok": all(c.ok for c in checks)})
