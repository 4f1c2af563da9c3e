"""Writes to the course catalog: one function per business action."""

from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from people.uploads import ImportResult, queue_import, run_queued_import
from skillbridge.data_cache import data_changed

from .importer import CourseRow, ErrorList, read_catalog, skill_lookup
from .models import Course, CourseImport, CourseSkill
from .selectors import current_skills

# The fields an import row may set: all but the id and the search vector, which the database writes.
FIELDS = frozenset(f.name for f in Course._meta.concrete_fields if not f.primary_key and f.name != "search_vector")
BATCH = 500
MB = 1024 * 1024


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
    checked = [(row, existing.get(row["code"]), _checked(row, existing.get(row["code"]))) for row in rows]
    new, changed = _save_courses(checked)
    return len(new), len(changed), len(rows) - len(new) - len(changed)


def _save_courses(checked: list[tuple[dict, Course | None, Course]]) -> tuple[list[Course], list[Course]]:
    """Write checked rows (row, current course or None, candidate); returns (created, changed) courses."""
    new, changed, changed_fields = [], [], set()
    for row, current, candidate in checked:
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
    data_changed()  # bulk writes send no save signal (skillbridge/data_cache.py)
    return new, changed


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
    data_changed()  # bulk writes send no save signal (skillbridge/data_cache.py)
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


# --- Catalog import (CSV or XLSX) ---------------------------------------------------


def file_format_of(file_name: str) -> str | None:
    """csv or xlsx, from the file name; None for any other kind of file."""
    name = file_name.lower()
    if name.endswith((".csv", ".txt")):
        return CourseImport.FileFormat.CSV
    if name.endswith(".xlsx"):
        return CourseImport.FileFormat.XLSX
    return None


def size_limit_text(max_bytes: int) -> str:
    """50 MB, or 100 bytes: how an upload limit reads on the page."""
    return f"{max_bytes // MB} MB" if max_bytes % MB == 0 else filesizeformat(max_bytes)


def check_course_upload(*, file_name: str, size: int, max_bytes: int) -> str:
    """The upload's file format, or a ValidationError a user can read."""
    file_format = file_format_of(file_name)
    if file_format is None:
        raise ValidationError("Upload a .csv file (UTF-8) or an Excel workbook (.xlsx).")
    if size > max_bytes:
        raise ValidationError(f"The file is larger than {size_limit_text(max_bytes)}.")
    if size == 0:
        raise ValidationError("The file is empty.")
    return file_format


@transaction.atomic
def import_courses(*, content: bytes, file_format: str, dry_run: bool = False) -> ImportResult:
    """Check a whole catalog file; if it is clean, upsert its courses by code.

    Each listed course gets exactly the skill links the file gives it (an empty
    skills cell removes them). Courses not in the file are left as they are.
    Nothing is written when any row has an error. A course whose only change is
    its skills counts as updated.
    """
    skills = {skill.key: skill for skill in current_skills()}
    rows, errors = read_catalog(content, file_format, skills=skill_lookup(skills.values()))
    existing = Course.objects.in_bulk([row.code for row in rows], field_name="code") if rows else {}
    checked = _check_against_catalog(rows, existing, errors)
    if errors:
        errors.sort(key=lambda error: error[0] or 0)
        return ImportResult(errors=list(errors), dropped_errors=errors.dropped)
    new, changed = _save_courses(checked)
    pk_of = dict(Course.objects.values_list("code", "pk"))
    relinked = _set_links(wanted={pk_of[row.code]: row.links for row in rows}, skills=skills)
    existing_pks = {course.pk for course in existing.values()}
    updated = {course.pk for course in changed} | (relinked & existing_pks)
    if dry_run:
        transaction.set_rollback(True)
    return ImportResult(created=len(new), updated=len(updated), unchanged=len(rows) - len(new) - len(updated))


def _check_against_catalog(
    rows: list[CourseRow], existing: dict[str, Course], errors: ErrorList
) -> list[tuple[dict, Course | None, Course]]:
    """The model's own validation of each row, as the course would be saved; problems become row errors."""
    checked = []
    for row in rows:
        current = existing.get(row.code)
        fields = dict(row.fields)
        if current is not None:
            for name, value in row.fields.items():
                was = getattr(current, name)
                # A file cannot tell \r\n from \n (XLSX keeps \n only): other line breaks are no change.
                if isinstance(was, str) and was != value and _one_kind_of_line_break(was) == value:
                    fields[name] = was
        try:
            checked.append((fields, current, _checked(fields, current)))
        except ValidationError as exc:
            errors.add(row.line, " ".join(exc.messages))
    return checked


def _one_kind_of_line_break(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _set_links(*, wanted: dict[int, tuple[tuple[str, int, int], ...]], skills: dict) -> set[int]:
    """Give each course exactly the links wanted (skill key, from, to); returns the ids of courses changed.

    A link is matched by skill key, so a link to the same skill in an older rubric
    version with the same levels is left alone.
    """
    current = defaultdict(list)
    for link in CourseSkill.objects.select_related("skill").only(
        "pk", "course_id", "level_from", "level_to", "skill_id", "skill__key"
    ):
        if link.course_id in wanted:
            current[link.course_id].append(link)
    new, changed, gone, touched = [], [], [], set()
    for course_id, links in wanted.items():
        by_key = {}
        for link in current[course_id]:
            if link.skill.key in by_key:  # two rubric versions of one skill: keep one
                gone.append(link.pk)
                touched.add(course_id)
            else:
                by_key[link.skill.key] = link
        for key, level_from, level_to in links:
            link = by_key.pop(key, None)
            if link is None:
                new.append(
                    CourseSkill(course_id=course_id, skill=skills[key], level_from=level_from, level_to=level_to)
                )
            elif (link.level_from, link.level_to) != (level_from, level_to):
                link.level_from, link.level_to, link.skill_id = level_from, level_to, skills[key].pk
                changed.append(link)
            else:
                continue
            touched.add(course_id)
        if by_key:  # linked now, but not in the file
            gone.extend(link.pk for link in by_key.values())
            touched.add(course_id)
    for start in range(0, len(gone), BATCH):
        CourseSkill.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    if changed:
        CourseSkill.objects.bulk_update(changed, ["level_from", "level_to", "skill_id"], batch_size=BATCH)
    CourseSkill.objects.bulk_create(new, batch_size=BATCH)
    data_changed()  # bulk writes send no save signal (skillbridge/data_cache.py)
    return touched


def start_course_import(*, uploaded_by, file_name: str, content: bytes) -> CourseImport:
    """Record an upload and queue its import once the upload is committed."""
    from .tasks import run_course_import

    file_format = file_format_of(file_name)
    if file_format is None:
        raise ValidationError("Upload a .csv file (UTF-8) or an Excel workbook (.xlsx).")
    course_import = CourseImport.objects.create(
        uploaded_by=uploaded_by, file_name=file_name[:255], file_format=file_format, content=content
    )
    queue_import(
        task=run_course_import,
        pk=course_import.pk,
        run_inline=lambda pk: run_queued_course_import(course_import_id=pk),
    )
    return course_import


def run_queued_course_import(*, course_import_id: int) -> CourseImport | None:
    """Run one queued import. Safe to call twice: a finished import is left alone."""
    return run_queued_import(
        model=CourseImport,
        pk=course_import_id,
        apply=lambda record: import_courses(content=bytes(record.content), file_format=record.file_format),
        position="row",
    )
