from django.shortcuts import render

from assessments.selectors import role_of
from people.selectors import reports_of, roles_for


def my_plan(request):
    """The employee's own page: who they are, who their manager is, and their plan."""
    person = roles_for(request.user).person
    reports = reports_of(request.user, person) if person else []
    return render(request, "devplans/my_plan.html", {"person": person, "reports": reports, "role": role_of(person)})
