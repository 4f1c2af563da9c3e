"""The choices and values of the shared filter form (reports/partials/dashboard_filters.html): the
departments and managers this user may filter by, and the skills."""

from django.db.models import Exists, OuterRef

from people.models import Department, Person
from people.selectors import roles_for

from .dashboard_selectors import department_name, skill_names
from .filters import HR, MANAGER, SCOPES, ReportFilters, scopes_for


def department_choices(user, filters: ReportFilters) -> list[tuple[int, str]]:
    """(id, name) of the departments the user may filter by: all, or those of their chain (one query)."""
    departments = Department.objects.order_by("name")
    if filters.viewer(user) == MANAGER:
        scope = ReportFilters(scope=filters.scope).people(user, include_left=True)
        departments = departments.filter(Exists(scope.filter(department_id=OuterRef("pk"))))
    return list(departments.values_list("pk", "name"))


MAX_MANAGER_CHOICES = 300


def manager_options(user, filters: ReportFilters) -> tuple[list[tuple[int, str]], bool]:
    """(id, "name (department)") of the managers the user may filter by, and whether the list is cut short.

    HR picks among all managers (of the chosen department, if any), a manager among the managers in
    their own chain (themself included); L&D gets none. When there are more than MAX_MANAGER_CHOICES
    (a list nobody reads), only the managers of managers are offered, and the list says so; the chosen
    manager is always listed. One query, two when cut short.
    """
    viewer = filters.viewer(user)
    if viewer not in (HR, MANAGER):
        return [], False
    people = ReportFilters(scope=filters.scope).people(user)
    if viewer == MANAGER:
        people = people | Person.objects.filter(pk=roles_for(user).person.pk)
    if filters.department is not None:
        people = people.filter(department_id=filters.department.pk)
    has_reports = Exists(Person.objects.filter(manager_id=OuterRef("pk"), is_active=True))
    managers = people.filter(has_reports)

    def listed(queryset):
        if filters.manager is not None:
            queryset = queryset | Person.objects.filter(pk=filters.manager.pk)
        return list(
            queryset.order_by("full_name", "pk").values_list("pk", "full_name", "department__name")[
                : MAX_MANAGER_CHOICES + 1
            ]
        )

    rows, cut_short = listed(managers), False
    if len(rows) > MAX_MANAGER_CHOICES:
        manages_managers = Exists(Person.objects.filter(manager_id=OuterRef("pk"), is_active=True).filter(has_reports))
        rows, cut_short = listed(managers.filter(manages_managers)), True
    return [(pk, f"{name} ({department_name(department)})") for pk, name, department in rows], cut_short


def filter_form(user, filters: ReportFilters, names: dict | None = None) -> dict:
    """The choices and values the shared filter form (reports/partials/dashboard_filters.html) shows."""
    names = skill_names() if names is None else names
    managers, cut_short = manager_options(user, filters)
    return {
        "scopes": [(key, SCOPES[key]) for key in scopes_for(user)],
        "departments": department_choices(user, filters),
        "managers": managers,
        "managers_cut_short": cut_short,
        "skills": [(key, skill["name"]) for key, skill in sorted(names.items(), key=lambda i: i[1]["order"])],
        "values": {
            "scope": filters.scope,
            "department": filters.department.pk if filters.department else None,
            "manager": filters.manager.pk if filters.manager else None,
            "from": filters.date_from.isoformat() if filters.date_from else "",
            "to": filters.date_to.isoformat() if filters.date_to else "",
            "skill": filters.skill_key,
        },
    }
