"""Writes to the course catalog: one function per business action."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Course, CourseSkill
from .selectors import current_skills

FIELDS = frozenset(f.name for f in Course._meta.concrete_fields if not f.primary_key)
BATCH = 500


@transaction.atomic
def upsert_courses(*, rows: list[dict]) -> tuple[int, int, int]:
    """Create or update courses by code; returns (created, updated, unchanged).

    Each row maps Course field names to values and must have a code; a row for
    an existing course may leave fields out. Every row is checked first: a bad
    row raises ValidationError and nothing is written. Only courses whose
    fields change are saved.
    """
    codes = [_code_of(row) for row in rows]
    repeated = sorted(code for code, count in Counter(codes).items() if count > 1)
    if repeated:
        raise ValidationError(f"Course code(s) listed more than once: {', '.join(repeated)}.")
    existing = Course.objects.in_bulk(codes, field_name="code")
    new, changed, changed_fields = [], [], set()
    for row in rows:
        current = existing.get(row["code"])
        candidate = _checked(row, current)
        if current is None:
            new.append(candidate)
            continue
        fields = {name for name in row if getattr(candidate, name) != getattr(current, name)}
        if fields:
            changed.append(candidate)
            changed_fields |= fields
    Course.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Course.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH)
    return len(new), len(changed), len(rows) - len(new) - len(changed)


def _code_of(row: dict) -> str:
    unknown = set(row) - FIELDS
    if unknown:
        raise ValidationError(f"Course {row.get('code', '?')}: unknown field(s) {', '.join(sorted(unknown))}.")
    if not row.get("code"):
        raise ValidationError(f"A course row has no code: {row!r}.")
    return row["code"]


def _checked(row: dict, current: Course | None) -> Course:
    """The course as it would be saved: current values overlaid by the row, validated."""
    candidate = Course(pk=current.pk, **{name: getattr(current, name) for name in FIELDS}) if current else Course()
    for name, value in row.items():
        setattr(candidate, name, value)
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
        raise ValidationError(f"Course {row['code']}: {problems}") from exc
    return candidate


@transaction.atomic
def save_course(*, form, formset) -> Course:
    """Save a course and the skills it addresses (forms already validated)."""
    course = form.save()
    formset.instance = course
    formset.save()
    return course


@transaction.atomic
def set_course_active(*, course: Course, active: bool) -> Course:
    """Retire a course (kept, no longer offered) or offer it again."""
    Course.objects.filter(pk=course.pk).update(is_active=active)
    course.refresh_from_db()
    return course


@transaction.atomic
def duplicate_course(*, course: Course) -> Course:
    """A retired copy of a course, with its skills, for L&D to adapt and then offer."""
    base = f"{course.code[:32]}-copy"
    code, n = base, 1
    while Course.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    links = list(course.skills.all())
    copy = Course.objects.get(pk=course.pk)
    copy.pk = None
    copy.code = code
    copy.title = f"Copy of {course.title}"[:200]
    copy.is_active = False
    copy.save()
    for link in links:
        link.pk = None
        link.course = copy
    copy.skills.model.objects.bulk_create(links)
    return copy


@transaction.atomic
def map_course_skills(*, links: dict[str, list[tuple[str, int, int]]]) -> int:
    """Set the skills courses build, by course code and skill key; returns how many links changed.

    Skill keys are looked up in the current rubric. Links not named are left alone.
    """
    skills = {skill.key: skill for skill in current_skills()}
    courses = dict(Course.objects.filter(code__in=links).values_list("code", "pk"))
    unknown = sorted({key for rows in links.values() for key, _, _ in rows} - skills.keys())
    if unknown or set(links) - courses.keys():
        raise ValidationError(f"Unknown skill or course: {', '.join(unknown + sorted(set(links) - courses.keys()))}.")
    existing = {(link.course_id, link.skill.key): link for link in CourseSkill.objects.select_related("skill")}
    changed = 0
    for code, rows in links.items():
        for key, level_from, level_to in rows:
            link = existing.get((courses[code], key))
            if link is None:
                CourseSkill.objects.create(
                    course_id=courses[code], skill=skills[key], level_from=level_from, level_to=level_to
                )
                changed += 1
            elif (link.level_from, link.level_to) != (level_from, level_to):
                link.level_from, link.level_to = level_from, level_to
                link.save(update_fields=["level_from", "level_to"])
                changed += 1
    return changed
