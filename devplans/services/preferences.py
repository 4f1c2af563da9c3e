"""Writes for development plans: one function per business action."""

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Course
from people.models import Person


@transaction.atomic
def set_preferred_formats(*, person: Person, formats: list[str]) -> Person:
    """The course formats a person learns best with; recommendations favour them. Empty: no preference."""
    allowed = {value for value, _ in Course.Format.choices}
    unknown = sorted(set(formats) - allowed)
    if unknown:
        raise ValidationError(f"Unknown course format(s): {', '.join(unknown)}.")
    ordered = [value for value, _ in Course.Format.choices if value in set(formats)]
    Person.objects.filter(pk=person.pk).update(preferred_formats=ordered)
    person.preferred_formats = ordered
    return person
