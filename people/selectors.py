"""Reads about people, already scoped to what the acting user may see.

This module is the one place that answers "whose data may this user see".
Every other app composes these functions; views never query Person directly.

- An employee sees themself.
- A manager also sees their direct reports and, through the chain, everyone
  below them (the reports of their reports, and so on).
- HR and administrators see everyone in the org chart.
- L&D sees aggregates elsewhere, not individual people beyond their own chain.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Coalesce

from .models import HR_GROUP, LD_GROUP, Department, OrgImport, Person

# Everyone below one person, however deep. UNION (not UNION ALL) stops at
# repeated rows, so even a corrupt cycle cannot loop forever. Works on
# PostgreSQL and SQLite alike.
_CHAIN_SQL = """
WITH RECURSIVE chain(id) AS (
    SELECT id FROM people_person WHERE manager_id = %s
    UNION
    SELECT p.id FROM people_person p INNER JOIN chain c ON p.manager_id = c.id
)
SELECT id FROM chain
"""


# Whether one person is above another: a walk up from the row's person to the top of the org chart
# (a few index lookups), for queries about one or a few people. UNION stops a corrupt cycle too.
_ABOVE_SQL = """
%s IN (
    WITH RECURSIVE up(id) AS (
        SELECT anc.manager_id FROM people_person anc WHERE anc.id = {person}
        UNION
        SELECT p.manager_id FROM people_person p INNER JOIN up u ON p.id = u.id
    )
    SELECT id FROM up
)
"""


class HasAbove(Expression):
    """True for the rows whose person (the Person id in `field`) has `manager_id` somewhere above them.

    chain_below() lists everyone below a manager (thousands of rows for a head of department); this
    walks up from each row instead, so it is the faster test when the query is about one row.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, manager_id: int):
        super().__init__()
        self.person, self.manager_id = F(field), int(manager_id)

    def get_source_expressions(self):
        return [self.person]

    def set_source_expressions(self, exprs):
        (self.person,) = exprs

    def as_sql(self, compiler, connection):
        person_sql, person_params = compiler.compile(self.person)
        return _ABOVE_SQL.format(person=person_sql), [self.manager_id, *person_params]


@dataclass(frozen=True)
class Roles:
    person: Person | None
    is_admin: bool
    is_hr: bool
    is_ld: bool
    is_manager: bool

    @property
    def is_employee(self):
        return self.person is not None


_NO_ROLES = Roles(person=None, is_admin=False, is_hr=False, is_ld=False, is_manager=False)


def roles_for(user) -> Roles:
    """What this user is, computed once per request (two queries) and cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return _NO_ROLES
    cached = getattr(user, "_skillbridge_roles", None)
    if cached is not None:
        return cached
    person = (
        Person.objects.select_related("user", "department", "manager__user")
        .annotate(has_reports=Exists(Person.objects.filter(manager=OuterRef("pk"), is_active=True)))
        .filter(user=user)
        .first()
    )
    groups = set(user.groups.values_list("name", flat=True))
    roles = Roles(
        person=person,
        is_admin=user.is_superuser,
        is_hr=HR_GROUP in groups,
        is_ld=LD_GROUP in groups,
        is_manager=bool(person and person.is_active and person.has_reports),
    )
    user._skillbridge_roles = roles
    return roles


def person_for(user) -> Person | None:
    return roles_for(user).person


def chain_below(person_id: int) -> RawSQL:
    """A subquery of the ids of everyone below a person in the org chart."""
    return RawSQL(_CHAIN_SQL, [person_id])  # noqa: S611 -- constant SQL, the id is a bound parameter


def is_below(person_id: int, *, manager_id: int) -> bool:
    """True when manager_id is somewhere in person_id's chain (so making them the manager would loop)."""
    return Person.objects.filter(pk=manager_id).filter(HasAbove("pk", person_id)).exists()


def seen_by(user, field: str = "pk") -> Q:
    """The condition "this user may see the person in `field`" (a Person id), for a query about one or a
    few rows, such as a detail page's: it walks up from the row (HasAbove). Lists use visible_people()."""
    roles = roles_for(user)
    if roles.is_admin or roles.is_hr:
        return Q()
    if roles.person is None:
        return Q(pk__in=[])
    me = roles.person.pk
    return Q(**{field: me}) | Q(HasAbove(field, me))


def visible_person(user, pk: int) -> QuerySet[Person]:
    """The person with this id if the user may see them (as visible_people()), else nothing."""
    return _people().filter(pk=pk).filter(seen_by(user))


def _people() -> QuerySet[Person]:
    return Person.objects.select_related("user", "department", "manager")


def visible_people(user, *, chain: bool = True) -> QuerySet[Person]:
    """Everyone whose data this user may see, including themself."""
    roles = roles_for(user)
    if roles.is_admin or roles.is_hr:
        return _people()
    if roles.person is None:
        return Person.objects.none()
    me = roles.person.pk
    if chain:
        return _people().filter(Q(pk=me) | Q(pk__in=chain_below(me)))
    return _people().filter(Q(pk=me) | Q(manager_id=me))


def team_for(user, *, chain: bool = False, search: str = "") -> QuerySet[Person]:
    """The active people this user manages: direct reports, or the whole chain."""
    person = person_for(user)
    if person is None:
        return Person.objects.none()
    people = _people().filter(pk__in=chain_below(person.pk)) if chain else _people().filter(manager_id=person.pk)
    people = people.filter(is_active=True)
    if search:
        people = people.filter(
            Q(full_name__icontains=search) | Q(job_title__icontains=search) | Q(department__name__icontains=search)
        )
    # A correlated subquery rather than JOIN + GROUP BY: PostgreSQL evaluates it
    # only for the rows of the page, after ORDER BY ... LIMIT.
    active_reports = (
        Person.objects.filter(manager=OuterRef("pk"), is_active=True)
        .order_by()
        .values("manager")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return people.annotate(report_count=Coalesce(Subquery(active_reports), 0)).order_by("full_name", "pk")


def reports_of(user, person: Person) -> QuerySet[Person]:
    """A visible person's own active direct reports."""
    return visible_people(user).filter(manager=person, is_active=True).order_by("full_name")


def headcount_by_department() -> QuerySet:
    """Active people per department (for HR), one aggregate query."""
    return Department.objects.annotate(
        headcount=Count("people", filter=Q(people__is_active=True), distinct=True),
        managers=Count(
            "people",
            filter=Q(people__is_active=True, people__reports__is_active=True),
            distinct=True,
        ),
    ).order_by("-headcount", "name")


def org_totals() -> dict:
    return Person.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        left=Count("pk", filter=Q(is_active=False)),
        unassigned=Count("pk", filter=Q(is_active=True, department__isnull=True)),
    )


def recent_org_imports(user, *, limit: int = 20) -> QuerySet[OrgImport]:
    roles = roles_for(user)
    if not (roles.is_hr or roles.is_admin):
        return OrgImport.objects.none()
    return OrgImport.objects.select_related("uploaded_by").defer("content")[:limit]


def org_import_for(user, pk: int) -> QuerySet[OrgImport]:
    roles = roles_for(user)
    if not (roles.is_hr or roles.is_admin):
        return OrgImport.objects.none()
    return OrgImport.objects.select_related("uploaded_by").defer("content").filter(pk=pk)
