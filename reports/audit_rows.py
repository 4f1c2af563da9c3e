"""A person's history in words: each entry of reports/audit_selectors.py as When, Who, What and Details.

Fields are named by their models' verbose names ("Target level", "Due"), values by their choices' labels and the
names of what they point at ("Kate Morgan", "Listening"), never by column names or ids where a name exists.
Free text is never shown: the trail only knows that it changed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from assessments.models import Assessment, PersonRole, Skill, SkillResult
from catalog.models import Course
from devplans.models import CheckIn, Feedback, Goal, LearningItem, Plan, PracticeItem
from people.models import AuditedGroupMembership, AuditedUser, Person

from .audit_selectors import Entry
from .models import ExportLog

User = get_user_model()


@dataclass
class Row:
    at: datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)
    url: str = ""


def rows_for(entries: list[Entry], names: dict, *, person: Person) -> list[Row]:
    return [_row(entry, names, person) for entry in entries]


def _row(entry: Entry, names: dict, person: Person) -> Row:
    if entry.export is not None:
        what, details = _export(entry.export, person)
    else:
        what, details = _sentence(entry, names), _details(entry, names)
    return Row(at=entry.at, who=_who(entry, names), what=what, details=details, url=entry.url)


def _who(entry: Entry, names: dict) -> str:
    if entry.export is not None:
        return names.get((User, entry.export.user_id)) or entry.export.user_label or "System"
    if entry.context is None:
        return "System"
    user_id = entry.context.get("user")
    if user_id is None:
        return "Someone not signed in"
    return names.get((User, user_id)) or f"A deleted account (#{user_id})"


# --- what ---------------------------------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return f"“{text}”" if text else ""


def _name(names, model, pk) -> str:
    return names.get((model._meta.concrete_model, pk), "") if pk is not None else ""


def _subject(entry: Entry, names: dict) -> str:
    """What the entry is about, as a noun phrase: goal “Listening”, check-in of 3 Mar 2026, …"""
    model = entry.source.tracked_model._meta.concrete_model
    row = entry.after or {}
    if model is PersonRole:
        return "role"
    if model is Assessment:
        kind = dict(Assessment.Kind.choices).get(row.get("kind"), "assessment")
        return f"{kind[0].lower()}{kind[1:]} #{entry.obj_id}"
    if model is SkillResult:
        skill = _name(names, Skill, row.get("skill_id"))
        return f"result for {_quoted(skill) or 'a skill'} in assessment #{row.get('assessment_id')}"
    if model is Plan:
        return f"development plan #{entry.obj_id}"
    if model is Goal:
        return f"goal {_quoted(_name(names, Skill, row.get('skill_id')))}".strip()
    if model is LearningItem:
        return f"course {_quoted(_name(names, Course, row.get('course_id')))}".strip()
    if model is PracticeItem:
        return f"practice {_quoted(_name(names, PracticeItem, entry.obj_id))}".strip()
    if model is CheckIn:
        when = row.get("scheduled_for")
        return f"check-in of {date_format(when, 'j M Y')}" if when else "check-in"
    if model is Feedback:
        skill = _name(names, Skill, row.get("skill_id"))
        return f"feedback on {_quoted(skill)}" if skill else "feedback"
    return str(model._meta.verbose_name)


_VERBS = {"added": "Added", "changed": "Changed", "removed": "Removed"}


def _sentence(entry: Entry, names: dict) -> str:
    model = entry.source.tracked_model
    kind = entry.kind
    if model is Person:
        return {
            "added": "Added to the org chart",
            "removed": "Removed from the org chart",
            "viewed": "Opened the page of everything held about this person",
        }.get(kind, "Changed the org chart record")
    if model is AuditedUser:
        return {"added": "Account created", "removed": "Account deleted"}.get(kind, "Changed the account")
    if model is AuditedGroupMembership:
        group = _quoted(_name(names, Group, entry.after.get("group_id")))
        return f"Removed from group {group}" if kind == "removed" else f"Added to group {group}"
    return f"{_VERBS.get(kind, 'Changed')} {_subject(entry, names)}"


# --- details ------------------------------------------------------------------------------------------------------


def value_text(f: models.Field, value, names: dict) -> str:
    """A snapshot value as words: choices by label, related rows by name, dates as dates, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return _name(names, f.related_model, value) or f"{f.related_model._meta.verbose_name} #{value}"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j M Y")
    return str(value)


def _label(f: models.Field) -> str:
    """The field's name as people read it, without a question mark ("How often?" reads "How often: …")."""
    return capfirst(str(f.verbose_name)).rstrip("?")


def _details(entry: Entry, names: dict) -> list[str]:
    kind = entry.kind
    if kind == "changed":
        if entry.before is None:
            lines = [
                f"{_label(f)}: {value_text(f, entry.after.get(f.attname), names)}"
                for f in entry.source.fields
                if f.name not in entry.source.quiet and entry.after.get(f.attname) not in (None, "")
            ]
            lines = ["Now (the values before were not recorded):", *lines] if lines else []
        else:
            lines = [
                f"{_label(f)}: {value_text(f, old, names)} → {value_text(f, new, names)}"
                for f, old, new in entry.changes
            ]
        texts = entry.texts_changed
        if texts:
            fields = "; ".join(_label(f) for f in texts)
            lines.append(f"Text changed (what it said is not kept in the history): {fields}")
        return lines
    if kind == "added" and entry.source.tracked_model is not AuditedGroupMembership:
        return [
            f"{_label(f)}: {value_text(f, entry.after.get(f.attname), names)}"
            for f in entry.source.fields
            if f.name not in entry.source.quiet and entry.after.get(f.attname) not in (None, "", False)
        ]
    return []


def _export(log: ExportLog, person: Person) -> tuple[str, list[str]]:
    details = []
    if log.file_format:
        details.append(f"Format: {log.file_format.upper()}")
    about_them = log.key == str(person.pk)
    if log.kind == ExportLog.Kind.ANONYMISED:
        what = "Anonymised this person" if about_them else f"Anonymised person #{log.key}"
        if about_them:
            details.append("Names, contact details and free text removed; figures kept")
    elif log.kind == ExportLog.Kind.PERSON:
        what = "Downloaded everything held about " + ("this person" if about_them else f"person #{log.key}")
    else:
        what = f"Exported {log.get_kind_display().lower()} {_quoted(log.key)}"
        if log.filters_text:
            details.append(f"Filters: {log.filters_text}")
        if log.row_count is not None:
            details.append(f"Rows: {log.row_count:,}")
        if log.background:
            details.append("Prepared in the background")
    return what, details
