"""Reads for the audit trail: one person's history, for HR and administrators.

A person's history gathers, newest first:

- the events PostgreSQL triggers wrote (people/audit.py) about their org chart record, account and groups,
  role, assessments of them and their results, development plans with goals, courses, practice and check-ins,
  and feedback they received: one query per event table, whatever the number of events;
- the export log's lines about them (their data downloaded, their anonymisation) and the exports they made;
- HR opening the page of everything held about them (a manual event, reports/audit_services.py).

Events of one row written in one transaction by one request (the same time and context) read as one entry:
an UPDATE that changes a level and a note writes two events ("update" and "note.changed") but is one change.
What changed is the difference between the entry's last snapshot and the one before it, as pghistory's
`pgh_diff` computes it, here in Python over the rows already read (the Events proxy's SQL cannot select a
person's goals by their plan, and computes every diff with a subquery per event).

`names_for` then reads, for one page of entries, the names the sentences need (people, skills, courses, groups…):
one query per kind of name on the page. reports/audit_rows.py turns entries and names into words.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.utils.formats import date_format

from assessments.models import (
    Assessment,
    AssessmentAuditEvent,
    Behaviour,
    PersonRoleAuditEvent,
    RoleProfile,
    RubricVersion,
    Skill,
    SkillResultAuditEvent,
)
from catalog.models import Course
from devplans.models import (
    CheckIn,
    CheckInAuditEvent,
    FeedbackAuditEvent,
    Goal,
    GoalAuditEvent,
    LearningItem,
    LearningItemAuditEvent,
    Plan,
    PlanAuditEvent,
    PlanTemplate,
    PracticeItem,
    PracticeItemAuditEvent,
)
from people.audit import TEXT_CHANGED, VIEWED
from people.models import Department, GroupMembershipAuditEvent, Person, PersonAuditEvent, UserAuditEvent
from people.selectors import roles_for, visible_people

from .models import ExportLog

PAGE_SIZE = 50
User = get_user_model()


def people_with_history(user) -> QuerySet[Person]:
    """Everyone whose history this user may read: everyone for HR and administrators, nobody for anyone else
    (so a manager or an employee asking for a history page gets 404, as for someone else's data)."""
    roles = roles_for(user)
    if roles.is_hr or roles.is_admin:
        return visible_people(user)
    return Person.objects.none()


def records_changes() -> bool:
    """True where triggers record changes (PostgreSQL); SQLite, the demo database, has none."""
    return connection.vendor == "postgresql"


# --- where a person's events are ------------------------------------------------------------------------------------


def _assessments_of(person: Person) -> Q:
    # Assessments that exist now, and those that were deleted (their insert event says whose they were).
    return Q(assessment_id__in=Assessment.objects.filter(person=person).values("pk")) | Q(
        assessment_id__in=AssessmentAuditEvent.objects.filter(person_id=person.pk).values("pgh_obj_id")
    )


def _plans_of(person: Person) -> Q:
    return Q(plan_id__in=Plan.objects.filter(person=person).values("pk")) | Q(
        plan_id__in=PlanAuditEvent.objects.filter(person_id=person.pk).values("pgh_obj_id")
    )


@dataclass(frozen=True)
class Source:
    """One event table and how to find a person's events in it."""

    event_model: type[models.Model]
    scope: Callable[[Person], Q]
    # Fields that only say whose or which row it is (shown in the sentence, or this person): not repeated in details.
    quiet: tuple[str, ...] = ()

    @property
    def tracked_model(self) -> type[models.Model]:
        return self.event_model.pgh_tracked_model

    @property
    def fields(self) -> list[models.Field]:
        """The tracked model's fields the event table keeps, in the tracked model's order."""
        kept = {f.name for f in self.event_model._meta.fields if not f.name.startswith("pgh_")}
        return [f for f in self.tracked_model._meta.fields if f.name in kept]

    @property
    def has_obj(self) -> bool:
        return any(f.name == "pgh_obj" for f in self.event_model._meta.fields)


SOURCES = (
    Source(PersonAuditEvent, lambda p: Q(pgh_obj_id=p.pk)),
    Source(UserAuditEvent, lambda p: Q(pgh_obj_id=p.user_id)),
    Source(GroupMembershipAuditEvent, lambda p: Q(user_id=p.user_id), quiet=("user", "group")),
    Source(PersonRoleAuditEvent, lambda p: Q(person_id=p.pk), quiet=("person",)),
    Source(AssessmentAuditEvent, lambda p: Q(person_id=p.pk), quiet=("person", "kind")),
    Source(SkillResultAuditEvent, _assessments_of, quiet=("assessment", "skill")),
    Source(PlanAuditEvent, lambda p: Q(person_id=p.pk), quiet=("person",)),
    Source(GoalAuditEvent, _plans_of, quiet=("plan", "skill")),
    Source(LearningItemAuditEvent, _plans_of, quiet=("plan", "course")),
    Source(PracticeItemAuditEvent, _plans_of, quiet=("plan",)),
    Source(CheckInAuditEvent, _plans_of, quiet=("plan", "scheduled_for")),
    Source(FeedbackAuditEvent, lambda p: Q(person_id=p.pk), quiet=("person", "skill")),
)


# --- entries --------------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of a person's history: a change to one row, a page view, or an export."""

    at: datetime
    source: Source | None = None  # None for an export
    obj_id: int | None = None
    labels: list[str] = field(default_factory=list)
    before: dict | None = None  # the row's tracked fields before (None: nothing recorded before)
    after: dict | None = None  # and after (for a deletion: as the row was)
    context: dict | None = None  # {"user": id or None, "url": path}; None: no request (a task, a command)
    export: ExportLog | None = None
    sort_key: tuple = ()

    @property
    def kind(self) -> str:
        if self.export is not None:
            return "export"
        if "delete" in self.labels:
            return "removed"
        if "insert" in self.labels:
            return "added"
        if VIEWED in self.labels:
            return "viewed"
        return "changed"

    @property
    def actor_id(self) -> int | None:
        if self.export is not None:
            return self.export.user_id
        return (self.context or {}).get("user")

    @property
    def url(self) -> str:
        return (self.context or {}).get("url") or ""

    @property
    def changes(self) -> list[tuple[models.Field, object, object]]:
        """(field, before, after) for each tracked field this entry changed."""
        if self.kind != "changed" or self.before is None:
            return []
        return [
            (f, self.before.get(f.attname), self.after.get(f.attname))
            for f in self.source.fields
            if self.before.get(f.attname) != self.after.get(f.attname)
        ]

    @property
    def texts_changed(self) -> list[models.Field]:
        """The free-text fields this entry changed (the trail keeps that they changed, never what they said)."""
        names = {label.removesuffix(TEXT_CHANGED) for label in self.labels if label.endswith(TEXT_CHANGED)}
        return [f for f in self.source.tracked_model._meta.fields if f.name in names]


def _entries_from(source: Source, index: int, rows: list[dict]) -> list[Entry]:
    """Group one table's events (in pgh_id order) into entries: per row, per transaction and context."""
    attnames = [f.attname for f in source.fields]
    by_row = defaultdict(list)
    for row in rows:
        by_row[row["pgh_obj_id"] if source.has_obj else row.get("group_id")].append(row)
    entries = []
    for obj_id, events in by_row.items():
        snapshot = None  # the row as the events so far leave it
        group: list[dict] = []
        for event in [*events, None]:
            if group and (event is None or _moment(event) != _moment(group[0])):
                after = {name: group[-1][name] for name in attnames}
                entries.append(
                    Entry(
                        at=group[0]["pgh_created_at"],
                        source=source,
                        obj_id=obj_id,
                        labels=[e["pgh_label"] for e in group],
                        before=snapshot,
                        after=after,
                        context=group[0]["pgh_context"],
                        sort_key=(group[0]["pgh_created_at"], index, group[-1]["pgh_id"]),
                    )
                )
                snapshot, group = after, []
            if event is not None:
                group.append(event)
    return entries


def _moment(event: dict) -> tuple:
    # Triggers stamp events with the transaction's start time, and a request's events share one context id.
    return (event["pgh_created_at"], event["pgh_context_id"], event["pgh_label"] == VIEWED)


def _exports_about(person: Person) -> QuerySet[ExportLog]:
    """Exports of this person's data, their anonymisation, and every export they made themselves."""
    about = Q(kind__in=[ExportLog.Kind.PERSON, ExportLog.Kind.ANONYMISED], key=str(person.pk))
    return ExportLog.objects.filter(about | Q(user_id=person.user_id)).order_by("created_at", "pk")


def history_of(person: Person) -> list[Entry]:
    """Everything recorded about this person, newest first (one query per event table and one for exports)."""
    entries = []
    for index, source in enumerate(SOURCES):
        names = ["pgh_id", "pgh_created_at", "pgh_label", "pgh_context", "pgh_context_id"]
        names += ["pgh_obj_id"] if source.has_obj else []
        names += [f.attname for f in source.fields]
        rows = list(source.event_model.objects.filter(source.scope(person)).order_by("pgh_id").values(*names))
        entries += _entries_from(source, index, rows)
    entries += [
        Entry(at=log.created_at, export=log, sort_key=(log.created_at, len(SOURCES), log.pk))
        for log in _exports_about(person)
    ]
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries


# --- names for one page ---------------------------------------------------------------------------------------------


def _user_name(user) -> str:
    person = getattr(user, "person", None)
    return (person.full_name if person else "") or user.get_full_name() or user.email or user.username


# model → (queryset of the rows to name, how to name one); a model not here is named by its id.
_NAMERS: dict[type[models.Model], tuple[Callable[[], QuerySet], Callable[[models.Model], str]]] = {
    User: (lambda: User.objects.select_related("person"), _user_name),
    Person: (lambda: Person.objects.only("full_name"), lambda p: p.full_name),
    Department: (lambda: Department.objects.all(), lambda d: d.name),
    Skill: (lambda: Skill.objects.only("name"), lambda s: s.name),
    Behaviour: (lambda: Behaviour.objects.only("text"), lambda b: b.text),
    RoleProfile: (lambda: RoleProfile.objects.only("name"), lambda r: r.name),
    RubricVersion: (lambda: RubricVersion.objects.only("number"), lambda r: f"version {r.number}"),
    Course: (lambda: Course.objects.only("title"), lambda c: c.title),
    PlanTemplate: (lambda: PlanTemplate.objects.only("name"), lambda t: t.name),
    Goal: (lambda: Goal.objects.select_related("skill").only("skill__name"), lambda g: g.skill.name),
    LearningItem: (
        lambda: LearningItem.objects.select_related("course").only("course__title"),
        lambda i: i.course.title,
    ),
    PracticeItem: (lambda: PracticeItem.objects.only("description"), lambda i: i.description),
    CheckIn: (lambda: CheckIn.objects.only("scheduled_for"), lambda c: date_format(c.scheduled_for, "j M Y")),
    Group: (lambda: Group.objects.all(), lambda g: g.name),
}


def _concrete(model):
    return model._meta.concrete_model


def names_for(entries: list[Entry]) -> dict[tuple[type[models.Model], int], str]:
    """{(model, id): name} for every row the entries mention: one query per kind of row on the page."""
    wanted = defaultdict(set)
    for entry in entries:
        if entry.actor_id:
            wanted[User].add(entry.actor_id)
        if entry.source is None:
            continue
        if _concrete(entry.source.tracked_model) is PracticeItem:  # named by its assignment, which is free text
            wanted[PracticeItem].add(entry.obj_id)
        for f in entry.source.fields:
            if f.is_relation:
                for snapshot in (entry.before, entry.after):
                    if snapshot and snapshot.get(f.attname) is not None:
                        wanted[_concrete(f.related_model)].add(snapshot[f.attname])
    names = {}
    for model, ids in wanted.items():
        if model not in _NAMERS:
            continue
        queryset, name = _NAMERS[model]
        names.update({(model, row.pk): name(row) for row in queryset().filter(pk__in=ids)})
    return names
