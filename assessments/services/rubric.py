"""Writes to the rubric: drafts, edits and publishing. L&D's actions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessments.models import Behaviour, RubricVersion, Skill


def _require_draft(version: RubricVersion) -> None:
    if not version.is_draft:
        raise ValidationError("A published rubric cannot be changed; start a draft instead.")


@transaction.atomic
def start_draft(*, by) -> RubricVersion:
    """The draft to edit: the existing one, or a copy of the newest published version."""
    draft = RubricVersion.objects.select_for_update().filter(status=RubricVersion.Status.DRAFT).first()
    if draft:
        return draft
    number = (RubricVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = RubricVersion.objects.create(number=number, created_by=by)
    source = RubricVersion.objects.filter(status=RubricVersion.Status.PUBLISHED).order_by("-number").first()
    if source:
        _copy_skills(source, draft)
    return draft


def _copy_skills(source: RubricVersion, target: RubricVersion) -> None:
    skills = list(source.skills.prefetch_related("behaviours"))
    copies = Skill.objects.bulk_create(
        [
            Skill(
                rubric_version=target,
                key=s.key,
                name=s.name,
                category=s.category,
                description=s.description,
                level_not_yet=s.level_not_yet,
                level_developing=s.level_developing,
                level_proficient=s.level_proficient,
                level_role_model=s.level_role_model,
                next_steps=s.next_steps,
                order=s.order,
            )
            for s in skills
        ]
    )
    Behaviour.objects.bulk_create(
        [
            Behaviour(skill=copy, text=b.text, kind=b.kind, order=b.order)
            for skill, copy in zip(skills, copies, strict=True)
            for b in skill.behaviours.all()
        ]
    )


@transaction.atomic
def save_skill(*, form) -> Skill:
    """Save a skill form (with its behaviours formset already bound) into a draft."""
    skill = form.instance
    _require_draft(skill.rubric_version)
    if skill.pk is None:
        skill.order = (skill.rubric_version.skills.aggregate(n=Max("order"))["n"] or 0) + 1
    return form.save()


@transaction.atomic
def save_behaviours(*, formset) -> None:
    _require_draft(formset.instance.rubric_version)
    formset.save()


@transaction.atomic
def delete_skill(*, skill: Skill) -> None:
    _require_draft(skill.rubric_version)
    skill.delete()


def publish_problems(version: RubricVersion) -> list[str]:
    """What stops a draft from being published, in plain words (empty when it is ready)."""
    skills = list(version.skills.prefetch_related("behaviours"))
    if not skills:
        return ["The draft has no skills."]
    problems = []
    for skill in skills:
        kinds = {b.kind for b in skill.behaviours.all()}
        if Behaviour.Kind.WARNING not in kinds:
            problems.append(f"{skill.name} needs at least one warning sign, so managers can spot a need.")
        if len(skill.behaviours.all()) < 2:
            problems.append(f"{skill.name} needs at least two behaviours.")
    return problems


@transaction.atomic
def publish_draft(*, version: RubricVersion, by, notes: str = "") -> RubricVersion:
    """Publish the draft as a whole. Older versions stay as they were, for the assessments made with them."""
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    problems = publish_problems(version)
    if problems:
        raise ValidationError(problems)
    version.status = RubricVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.notes = notes or version.notes
    version.save()
    return version


@transaction.atomic
def discard_draft(*, version: RubricVersion) -> None:
    _require_draft(version)
    version.delete()
