from django.shortcuts import render

from people import selectors as people_selectors
from skillbridge.authz import hr_required


@hr_required
def home(request):
    """HR's overview of the organisation: headcount by department, with a chart."""
    departments = list(people_selectors.headcount_by_department())
    return render(
        request,
        "reports/home.html",
        {
            "departments": departments,
            "totals": people_selectors.org_totals(),
            "imports": people_selectors.recent_org_imports(request.user, limit=5),
            "chart": {
                "labels": [d.name for d in departments],
                "values": [d.headcount for d in departments],
            },
        },
    )
