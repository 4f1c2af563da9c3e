"""How the audit trail tracks a model (django-pghistory): one `track(...)` decorator for every audited model.

PostgreSQL triggers (installed by the migrations, through django-pgtrigger) write one event row for each
insert, each delete, and each update that changes a tracked field, whatever made the change: a form, the
admin, a bulk `QuerySet.update()`, a Celery task, raw SQL. Each event row keeps

- a snapshot of the tracked `fields` (numbers, dates, statuses, foreign keys), never free text;
- `pgh_label`: "insert", "update", "delete", "<field>.changed" or a manual label such as "data.viewed";
- `pgh_context`: who and where, {"user": id, "url": path}, set per request by reports/audit_middleware.py
  (no context: a task or a command, shown as "system");
- `pgh_obj`: the tracked row, by id only (no database constraint, no cascade: deleting the row keeps its events).

Free text (notes, outcomes, feedback, comments) is never copied into an event: a change to one of the `text`
fields adds an event labelled "<field>.changed", so the trail says that the text changed, not what it said.
Anonymising a leaver (reports/privacy.py) therefore leaves nothing of the erased text behind.

Event tables are append-only: a pgtrigger.Protect trigger refuses UPDATE and DELETE on them, and the admin
has no page for them. On SQLite (the zero-setup demo) pgtrigger installs no triggers, so no changes are
recorded there; the tables exist and stay empty apart from manual events.
"""

import pghistory

TEXT_CHANGED = ".changed"
VIEWED = "data.viewed"


def text_label(field_name: str) -> str:
    """The label of the event that records a change to one free-text field."""
    return f"{field_name}{TEXT_CHANGED}"


def track(*, model_name: str, fields, text=(), manual=(), app_label=None, obj_field=True):
    """Track inserts, deletes and changes to `fields` of the decorated model; changes to `text` without values."""
    trackers = [
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),  # fires only when one of `fields` changed
        pghistory.DeleteEvent(),
        *(pghistory.UpdateEvent(text_label(name), condition=pghistory.AnyChange(name)) for name in text),
        *(pghistory.ManualEvent(label) for label in manual),
    ]
    return pghistory.track(
        *trackers,
        fields=list(fields),
        model_name=model_name,
        app_label=app_label,
        obj_field=pghistory.ObjForeignKey(related_name="audit_events") if obj_field else None,
        # The context (who, where) is copied into each event row, so one query per table reads a person's history
        # with its actors. (pghistory's statement-level SQL also upserts it into its own pghistory_context table
        # in passing: a user id and a path per request, nothing the history page reads.)
        context_field=pghistory.ContextJSONField(),
        append_only=True,
        # One trigger run per statement, over all the rows it touched (PostgreSQL transition tables), rather than
        # one per row: a 20,000-person first org import took 9.3 s with row-level triggers, 4.8 s with these
        # (4.4 s without any; bench/import_org.py).
        level=pghistory.Statement,
    )
