"""Which role profile a person holds, and which they are aiming for."""

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import PersonRole, RoleProfile


@transaction.atomic
def set_person_role(*, person, current: RoleProfile | None, target: RoleProfile | None) -> bool:
    """Set a person's current and target profiles; returns True when something changed."""
    if current and target and current.pk == target.pk:
        raise ValidationError("The target role must differ from the current one.")
    role, created = PersonRole.objects.get_or_create(
        person=person, defaults={"current_profile": current, "target_profile": target}
    )
    if created:
        return True
    if (role.current_profile_id, role.target_profile_id) == (getattr(current, "pk", None), getattr(target, "pk", None)):
        return False
    role.current_profile, role.target_profile = current, target
    role.save(update_fields=["current_profile", "target_profile"])
    return True
