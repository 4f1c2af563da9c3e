"""Writes for assessments: start a draft, save ratings as you go, submit."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import scoring
from assessments.models import Assessment, Rating, RoleProfile, RubricVersion, SkillResult, TargetLevel


def targets_for(profile: RoleProfile | None) -> dict[str, int]:
    if profile is None:
        return {}
    return dict(TargetLevel.objects.filter(role_profile=profile).values_list("skill_key", "level"))


@transaction.atomic
def start_assessment(*, person, assessor, kind: str, rubric: RubricVersion, profile: RoleProfile | None) -> Assessment:
    """The assessor's draft for this person: the one in progress, or a new one on the current rubric."""
    existing = Assessment.objects.filter(person=person, assessor=assessor, kind=kind, status=Assessment.Status.DRAFT)
    draft = existing.first()
    if draft:
        return draft
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                person=person, assessor=assessor, kind=kind, rubric_version=rubric, role_profile=profile
            )
    except IntegrityError:  # a double click created it a moment ago
        return existing.get()


def _require_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise ValidationError("This assessment is submitted and can no longer change. Start a new one to correct it.")


@transaction.atomic
def save_skill(*, assessment: Assessment, skill, frequencies: dict[int, int | None], answers: dict) -> SkillResult:
    """Save one skill's ratings ({behaviour id: frequency or None for not observed}), note and triage."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(assessment)
    if skill.rubric_version_id != assessment.rubric_version_id:
        raise ValidationError("That skill is not part of this assessment's rubric.")
    behaviour_ids = set(skill.behaviours.values_list("pk", flat=True))
    unknown = set(frequencies) - behaviour_ids
    if unknown:
        raise ValidationError("A rating was for a behaviour that is not part of this skill.")
    for value in frequencies.values():
        if value is not None and not 0 <= value <= scoring.MAX_FREQUENCY:
            raise ValidationError("A rating was outside the scale.")
    Rating.objects.filter(
        assessment=assessment, behaviour_id__in=[b for b, v in frequencies.items() if v is None]
    ).delete()
    rated = [
        Rating(assessment=assessment, behaviour_id=b, frequency=v) for b, v in frequencies.items() if v is not None
    ]
    Rating.objects.bulk_create(
        rated, update_conflicts=True, unique_fields=["assessment", "behaviour"], update_fields=["frequency"]
    )
    result, _ = SkillResult.objects.update_or_create(assessment=assessment, skill=skill, defaults=answers)
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    return result


def preview_levels(assessment: Assessment) -> dict[int, int | None]:
    """The level each skill would get now: {skill id: level or None} (one query)."""
    pairs: dict[int, list[tuple[int, bool]]] = {}
    for frequency, kind, skill_id in Rating.objects.filter(assessment=assessment).values_list(
        "frequency", "behaviour__kind", "behaviour__skill_id"
    ):
        pairs.setdefault(skill_id, []).append((frequency, kind == "warning"))
    return {skill_id: scoring.skill_level(values) for skill_id, values in pairs.items()}


def triage_missing(assessment: Assessment, *, levels=None, targets=None, skills=None, answers=None) -> list:
    """The below-target skills (in rubric order) whose three triage questions are not all answered.

    Callers that already hold the levels, targets, skills or results pass them in.
    """
    levels = preview_levels(assessment) if levels is None else levels
    targets = targets_for(assessment.role_profile) if targets is None else targets
    answers = {r.skill_id: r for r in assessment.skill_results.all()} if answers is None else answers
    missing = []
    for skill in assessment.rubric_version.skills.order_by("order", "name") if skills is None else skills:
        if scoring.gap(target=targets.get(skill.key), level=levels.get(skill.pk)) > 0:
            result = answers.get(skill.pk)
            if not (result and result.mistakes.strip() and result.mistake_frequency and result.impact):
                missing.append(skill)
    return missing


@transaction.atomic
def submit_assessment(*, assessment: Assessment) -> Assessment:
    """Fix levels, targets, gaps and priorities for good. Refused twice, and without triage for every gap."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(assessment)
    levels = preview_levels(assessment)
    if not levels:
        raise ValidationError("Rate at least one behaviour you have observed before submitting.")
    targets = targets_for(assessment.role_profile)
    existing = {r.skill_id: r for r in assessment.skill_results.all()}
    skills = list(assessment.rubric_version.skills.all())
    missing = triage_missing(assessment, levels=levels, targets=targets, skills=skills, answers=existing)
    if missing:
        raise ValidationError(
            [
                ValidationError(
                    "%(name)s is below the target level: answer the three questions about it.",
                    code="triage_missing",
                    params={"name": skill.name, "skill_id": skill.pk},
                )
                for skill in missing
            ]
        )
    results = []
    for skill in skills:
        result = existing.get(skill.pk) or SkillResult(assessment=assessment, skill=skill)
        result.level = levels.get(skill.pk)
        result.target = targets.get(skill.key)
        result.gap = scoring.gap(target=result.target, level=result.level)
        result.priority = scoring.priority(
            gap_size=result.gap, impact=result.impact, mistake_frequency=result.mistake_frequency
        )
        results.append(result)
    new, old = [r for r in results if r.pk is None], [r for r in results if r.pk]
    SkillResult.objects.bulk_create(new)
    SkillResult.objects.bulk_update(old, ["level", "target", "gap", "priority"])
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    return assessment
