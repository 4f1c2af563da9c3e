"""Writes to the org chart: one function per business action."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillbridge.data_cache import data_changed

from .importer import OrgRow, check_org_rows, read_org_csv
from .models import Department, OrgImport, Person
from .uploads import ImportResult, queue_import, run_queued_import

User = get_user_model()
BATCH = 1000


def _current_org():
    """Everyone in the org chart, as plain tuples (one query)."""
    return {
        number: {
            "pk": pk,
            "user_id": user_id,
            "email": email,
            "full_name": full_name,
            "job_title": job_title,
            "department_id": department_id,
            "manager_id": manager_id,
            "is_active": is_active,
            "left_on": left_on,
        }
        for number, pk, user_id, email, full_name, job_title, department_id, manager_id, is_active, left_on in (
            Person.objects.values_list(
                "employee_number",
                "pk",
                "user_id",
                "user__email",
                "full_name",
                "job_title",
                "department_id",
                "manager_id",
                "is_active",
                "left_on",
            )
        )
    }


def validate_org_file(content: bytes):
    """Every problem in the file, with line numbers; returns (rows, errors, current org).

    The checks against the org chart run even when some lines already have an
    error, so that one upload shows everything to fix. Errors come in line order.
    """
    parsed = read_org_csv(content)
    rows, errors = parsed.rows, parsed.errors
    if not rows:  # unreadable, or no usable line: nothing to check against the org chart
        return rows, errors, None
    current = _current_org()
    number_of_pk = {values["pk"]: number for number, values in current.items()}
    reserved = set(User.objects.filter(person__isnull=True).values_list("username", flat=True)) | set(
        User.objects.filter(person__isnull=True).exclude(email="").values_list("email", flat=True)
    )
    check_org_rows(
        rows,
        existing_managers={n: number_of_pk.get(v["manager_id"], "") for n, v in current.items()},
        existing_emails={v["email"].lower(): n for n, v in current.items() if v["email"]},
        reserved_emails={e.lower() for e in reserved},
        errors=errors,
        rejected_numbers=parsed.rejected_numbers,
    )
    errors.sort(key=lambda error: error[0])
    return rows, errors, current


@transaction.atomic
def import_org(*, content: bytes, dry_run: bool = False) -> ImportResult:
    """Check the whole org chart CSV; if it is clean, upsert it by employee number.

    Nothing is written when any line has an error. People not in the file are
    left as they are. Returns created / updated / unchanged counts.
    """
    rows, errors, current = validate_org_file(content)
    if errors:
        return ImportResult(errors=list(errors), dropped_errors=errors.dropped)
    result = _apply(rows, current)
    if dry_run:
        transaction.set_rollback(True)
    return result


def _apply(rows: list[OrgRow], current: dict) -> ImportResult:
    today = timezone.localdate()
    result = ImportResult()

    departments = dict(Department.objects.values_list("name", "pk"))
    new_names = sorted({r.department for r in rows if r.department and r.department not in departments})
    if new_names:
        Department.objects.bulk_create([Department(name=n) for n in new_names], batch_size=BATCH)
        departments = dict(Department.objects.values_list("name", "pk"))

    new_rows = [r for r in rows if r.employee_number not in current]
    old_rows = [r for r in rows if r.employee_number in current]

    # Existing people first: one of them may be giving up the address a new person takes.
    changed_people, changed_users, renamed_users = [], [], []
    changed_numbers = set()
    for r in old_rows:
        was = current[r.employee_number]
        wanted = {
            "full_name": r.name,
            "job_title": r.job_title,
            "department_id": departments.get(r.department),
            "is_active": r.is_active,
            "left_on": None if r.is_active else (was["left_on"] or today),
        }
        if any(was[k] != v for k, v in wanted.items()):
            changed_people.append(Person(pk=was["pk"], **wanted))
            changed_numbers.add(r.employee_number)
        if was["email"].lower() != r.email or was["is_active"] != r.is_active:
            changed_users.append(User(pk=was["user_id"], username=r.email, email=r.email, is_active=r.is_active))
            if was["email"].lower() != r.email:
                renamed_users.append(User(pk=was["user_id"], username=f"__renaming__{was['user_id']}"))
            changed_numbers.add(r.employee_number)
    if renamed_users:  # two people may swap addresses: free the user names first
        User.objects.bulk_update(renamed_users, ["username"], batch_size=BATCH)
    if changed_people:
        Person.objects.bulk_update(
            changed_people, ["full_name", "job_title", "department_id", "is_active", "left_on"], batch_size=BATCH
        )
    if changed_users:
        User.objects.bulk_update(changed_users, ["username", "email", "is_active"], batch_size=BATCH)

    # New people: account first (no password until they reset one), then person.
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=r.email, email=r.email, password=unusable, is_active=r.is_active) for r in new_rows],
        batch_size=BATCH,
    )
    Person.objects.bulk_create(
        [
            Person(
                user_id=user.pk,
                employee_number=r.employee_number,
                full_name=r.name,
                job_title=r.job_title,
                department_id=departments.get(r.department),
                is_active=r.is_active,
                left_on=None if r.is_active else today,
            )
            for r, user in zip(new_rows, users, strict=True)
        ],
        batch_size=BATCH,
    )
    result.created = len(new_rows)

    # Managers last, once everyone exists.
    pk_of = dict(Person.objects.values_list("employee_number", "pk"))
    moved = []
    for r in rows:
        manager_id = pk_of[r.manager_number] if r.manager_number else None
        was_manager = current[r.employee_number]["manager_id"] if r.employee_number in current else None
        if manager_id != was_manager:
            moved.append(Person(pk=pk_of[r.employee_number], manager_id=manager_id))
            if r.employee_number in current:
                changed_numbers.add(r.employee_number)
    if moved:
        Person.objects.bulk_update(moved, ["manager_id"], batch_size=BATCH)
    data_changed()  # bulk writes send no save signal (skillbridge/data_cache.py)

    result.updated = len(changed_numbers)
    result.unchanged = len(old_rows) - result.updated
    return result


def start_org_import(*, uploaded_by, file_name: str, content: bytes) -> OrgImport:
    """Record an upload and queue its import once the upload is committed."""
    from .tasks import run_org_import

    org_import = OrgImport.objects.create(uploaded_by=uploaded_by, file_name=file_name[:255], content=content)
    queue_import(task=run_org_import, pk=org_import.pk, run_inline=lambda pk: run_queued_org_import(org_import_id=pk))
    return org_import


def run_queued_org_import(*, org_import_id: int) -> OrgImport | None:
    """Run one queued import. Safe to call twice: a finished import is left alone."""
    return run_queued_import(
        model=OrgImport, pk=org_import_id, apply=lambda record: import_org(content=bytes(record.content))
    )


def check_upload(*, file_name: str, size: int, max_bytes: int) -> None:
    if not file_name.lower().endswith((".csv", ".txt")):
        raise ValidationError("Upload a .csv file (comma-separated, UTF-8).")
    if size > max_bytes:
        raise ValidationError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if size == 0:
        raise ValidationError("The file is empty.")
