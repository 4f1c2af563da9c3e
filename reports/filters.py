"""The filters every dashboard and export shares: scope, department, manager, date range, skill.

Filters live in the URL (GET), so a view can be shared and bookmarked, and an
export link carries the same filters as the page it came from. `parse_filters`
validates them against what the acting user may see and returns, beside the
filters, a plain-words message for every value it ignored; it never raises on
bad input.

Scope:
- "org": the whole organisation, for HR and administrators (with individual
  rows) and for L&D (aggregates only).
- "team": the acting manager's own chain (everyone below them).
A user who may have both (an HR partner who manages a team) picks with
?scope=; the default is "org" for HR, L&D and administrators, "team" otherwise.

`ReportFilters.people(user)` is the one place that answers "whose data may this
report show": the people in scope, narrowed by department and by manager (that
manager's chain). Everything the dashboards and exports count starts from it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments.models import Skill
from people.models import Department, Person
from people.selectors import chain_below, roles_for

ORG = "org"
TEAM = "team"
SCOPES = {ORG: "The organisation", TEAM: "My team"}

# Viewer kinds, as in Report.audience: HR (and administrators) see individual-level rows,
# L&D aggregates only, a manager everything but only for their own chain.
HR = "hr"
LD = "ld"
MANAGER = "manager"

# Coverage and the leaderboard count assessments in the last six months when no dates are given.
COVERAGE_WINDOW = timedelta(days=183)
_MAX_TEXT = 40  # a value longer than this is not echoed back in a message


def _echo(value: str) -> str:
    value = value.strip()
    return f"“{value[:_MAX_TEXT]}…”" if len(value) > _MAX_TEXT else f"“{value}”"


def scopes_for(user) -> list[str]:
    """The scopes this user may report on, the default first."""
    roles = roles_for(user)
    scopes = []
    if roles.is_admin or roles.is_hr or roles.is_ld:
        scopes.append(ORG)
    if roles.is_manager:
        scopes.append(TEAM)
    return scopes


def viewer_for(user, scope: str) -> str | None:
    """hr, ld or manager: what this user is when looking at this scope (None: nothing to see)."""
    roles = roles_for(user)
    if scope == ORG:
        if roles.is_admin or roles.is_hr:
            return HR
        if roles.is_ld:
            return LD
    if scope == TEAM and roles.is_manager:
        return MANAGER
    return None


@dataclass(frozen=True)
class ReportFilters:
    scope: str = ORG
    department: Department | None = None
    manager: Person | None = None
    date_from: date | None = None
    date_to: date | None = None
    skill_key: str = ""
    skill_name: str = field(default="", compare=False)

    # --- who may see what ---

    def viewer(self, user) -> str | None:
        """hr, ld or manager (see Report.audience), recomputed from the user: never trusted from the URL."""
        return viewer_for(user, self.scope)

    def people(self, user, *, include_left: bool = False) -> QuerySet[Person]:
        """The people this user may report on in this scope, narrowed by department and manager.

        Active people only unless include_left. Unscoped users (an employee, or a scope the user
        does not have) get nobody.
        """
        viewer = self.viewer(user)
        if viewer is None:
            return Person.objects.none()
        people = Person.objects.all()
        if viewer == MANAGER:
            people = people.filter(pk__in=chain_below(roles_for(user).person.pk))
        if self.department is not None:
            people = people.filter(department_id=self.department.pk)
        if self.manager is not None:
            people = people.filter(pk__in=chain_below(self.manager.pk))
        if not include_left:
            people = people.filter(is_active=True)
        return people

    # --- dates ---

    @property
    def has_dates(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def window(self, today: date | None = None) -> tuple[date, date]:
        """The period for "assessed recently": the chosen dates, else the last six months."""
        today = today or timezone.localdate()
        end = self.date_to or today
        start = self.date_from or (end - COVERAGE_WINDOW)
        return start, end

    def date_q(self, lookup: str) -> Q:
        """A filter on a DateField (e.g. "completed_on") for the chosen dates; Q() when there are none."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{lookup}__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{lookup}__lte": self.date_to})
        return q

    def datetime_q(self, lookup: str) -> Q:
        """The same for a DateTimeField (e.g. "submitted_at"), whole days in the current time zone."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{lookup}__gte": _start_of(self.date_from)})
        if self.date_to:
            q &= Q(**{f"{lookup}__lt": _start_of(self.date_to + timedelta(days=1))})
        return q

    # --- links ---

    def params(self) -> dict[str, str]:
        params = {"scope": self.scope}
        if self.department is not None:
            params["department"] = str(self.department.pk)
        if self.manager is not None:
            params["manager"] = str(self.manager.pk)
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if self.skill_key:
            params["skill"] = self.skill_key
        return params

    def querystring(self) -> str:
        """The filters as a query string (no leading "?"), for links and exports."""
        return urlencode(self.params())

    def describe(self) -> str:
        """The filters in words, e.g. for an export's heading."""
        parts = [SCOPES[self.scope]]
        if self.department is not None:
            parts.append(f"department {self.department.name}")
        if self.manager is not None:
            parts.append(f"people below {self.manager.full_name}")
        if self.skill_key:
            parts.append(f"skill {self.skill_name or self.skill_key}")
        if self.date_from and self.date_to:
            parts.append(f"{self.date_from:%-d %b %Y} to {self.date_to:%-d %b %Y}")
        elif self.date_from:
            parts.append(f"from {self.date_from:%-d %b %Y}")
        elif self.date_to:
            parts.append(f"up to {self.date_to:%-d %b %Y}")
        return ", ".join(parts)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _get(data, name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _parse_date(value: str, label: str, messages: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        messages.append(f"The {label} date {_echo(value)} is not a date like 2026-01-31, so it was ignored.")
        return None


def _parse_id(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def parse_filters(request_or_querydict, user) -> tuple[ReportFilters, list[str]]:
    """Validated filters from a request (or its GET QueryDict, or a dict), and messages for what was ignored.

    A department, manager or skill that does not exist, or that is outside what the user may see,
    is ignored and named in a message; so is a date that is not a date, and a date range that
    ends before it starts. At most three small queries whatever the input.
    """
    data = getattr(request_or_querydict, "GET", request_or_querydict)
    messages: list[str] = []
    roles = roles_for(user)

    allowed = scopes_for(user)
    scope = _get(data, "scope")
    if scope and scope not in allowed:
        if scope in SCOPES and allowed:
            messages.append(f"You cannot see “{SCOPES[scope]}”, so this shows “{SCOPES[allowed[0]]}”.")
        elif allowed:
            messages.append(f"There is no view called {_echo(scope)}, so this shows “{SCOPES[allowed[0]]}”.")
        scope = ""
    scope = scope or (allowed[0] if allowed else ORG)
    base = ReportFilters(scope=scope)
    viewer = base.viewer(user)

    # The people the user may report on at all; a department or manager outside them is unknown to them.
    visible = base.people(user, include_left=True)

    department = None
    raw = _get(data, "department")
    if raw:
        department_id = _parse_id(raw)
        if department_id is not None:
            departments = Department.objects.filter(pk=department_id)
            if viewer == MANAGER:
                departments = departments.filter(people__in=visible).distinct()
            department = departments.first()
        if department is None:
            messages.append(f"No department {_echo(raw)} that you can see, so the department filter was ignored.")

    manager = None
    raw = _get(data, "manager")
    if raw:
        manager_id = _parse_id(raw)
        if viewer == LD:
            messages.append("L&D sees the organisation as a whole, not by manager, so the manager filter was ignored.")
        else:
            if manager_id is not None:
                candidates = Person.objects.select_related("department").filter(pk=manager_id)
                if viewer == MANAGER:
                    candidates = candidates.filter(Q(pk=roles.person.pk) | Q(pk__in=visible.values("pk")))
                elif viewer is None:
                    candidates = candidates.none()
                manager = candidates.first()
            if manager is None:
                messages.append(f"No manager {_echo(raw)} in your view, so the manager filter was ignored.")
            elif viewer == MANAGER and manager.pk == roles.person.pk:
                manager = None  # their own chain is the scope already

    date_from = _parse_date(_get(data, "from"), "start", messages)
    date_to = _parse_date(_get(data, "to"), "end", messages)
    if date_from and date_to and date_from > date_to:
        messages.append(
            f"The period ends ({date_to:%-d %b %Y}) before it starts ({date_from:%-d %b %Y}), "
            "so the dates were ignored. Put the earlier date first."
        )
        date_from = date_to = None

    skill_key = skill_name = ""
    raw = _get(data, "skill")
    if raw:
        found = []
        if len(raw) <= 60:
            newest = Skill.objects.filter(key=raw).order_by("-rubric_version__number")
            found = list(newest.values_list("name", flat=True)[:1])
        if found:
            skill_key, skill_name = raw, found[0]
        else:
            messages.append(f"No skill {_echo(raw)}, so the skill filter was ignored.")

    filters = ReportFilters(
        scope=scope,
        department=department,
        manager=manager,
        date_from=date_from,
        date_to=date_to,
        skill_key=skill_key,
        skill_name=skill_name,
    )
    return filters, messages
