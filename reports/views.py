from django.shortcuts import render

from people import selectors as people_selectors
from skillbridge.authz import hr_required
from skillbridge.data_cache import SETTLE_FOR, remember


@hr_required
def home(request):
    """HR's overview of the organisation: headcount by department, with a chart."""

    def figures():
        departments = [
            {"name": d.name, "headcount": d.headcount, "managers": d.managers}
            for d in people_selectors.headcount_by_department()
        ]
        return {"departments": departments, "totals": people_selectors.org_totals()}

    figures, computed_at = remember("headcount", [], figures)
    return render(
        request,
        "reports/home.html",
        {
            **figures,
            "computed_at": computed_at,
            "settle_seconds": SETTLE_FOR,
            "imports": people_selectors.recent_org_imports(request.user, limit=5),
            "chart": {
                "labels": [d["name"] for d in figures["departments"]],
                "values": [d["headcount"] for d in figures["departments"]],
            },
        },
    )
