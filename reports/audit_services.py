"""Writes for the audit trail that no trigger can make: HR opening the page of everything held about a person.

Changes are recorded by PostgreSQL triggers (people/audit.py) and exports by the export log; a page view
changes no row, so it is written here, as a manual event in the person's audit table. It is written through the
ORM with its context given explicitly, so it is recorded on SQLite (the demo) as well.
"""

from people.audit import VIEWED
from people.models import Person, PersonAuditEvent

# The person's fields the audit table keeps (as attribute names: manager_id, not manager).
_SNAPSHOT = [
    field.attname
    for field in PersonAuditEvent._meta.fields
    if not field.name.startswith("pgh_") and hasattr(Person, field.attname)
]


def record_person_data_viewed(*, person_id: int, user, url: str) -> PersonAuditEvent | None:
    """One event "data.viewed" on the person, with who opened the page and where; None if they no longer exist."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return None
    return PersonAuditEvent.objects.create(
        pgh_label=VIEWED,
        pgh_obj_id=person.pk,
        pgh_context={"user": user.pk if user.is_authenticated else None, "url": url},
        **{name: getattr(person, name) for name in _SNAPSHOT},
    )
