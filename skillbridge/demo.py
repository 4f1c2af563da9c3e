"""Loads the demo story (Kate, Brian, Greg, Lisa, Hannah) into the database.

Every function is idempotent: a second run finds everything in place and
writes nothing, not even a new password hash.
"""

import csv
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.db import transaction

from assessments.models import Assessment, Behaviour, RoleProfile
from assessments.selectors import current_rubric, role_of
from assessments.services.assessing import save_skill, start_assessment, submit_assessment, targets_for
from assessments.services.roles import set_person_role
from catalog.services import map_course_skills, upsert_courses
from people.importer import COLUMNS
from people.models import Person
from people.services import ImportResult, import_org

from . import demo_data

User = get_user_model()


class DemoDataError(Exception):
    """The demo data cannot be loaded into this database as it stands."""


@dataclass(frozen=True)
class DemoResult:
    people: ImportResult
    courses: tuple[int, int, int]
    passwords_set: int
    memberships_added: int
    admin_created: bool
    roles_set: int
    course_skills_set: int
    assessments_added: int = 0


@transaction.atomic
def seed_demo(*, password: str = demo_data.DEMO_PASSWORD) -> DemoResult:
    """The demo org chart, catalog and logins, created or brought up to date."""
    emails = [email for _, email, _ in demo_data.LOGINS]
    return DemoResult(
        people=load_people(rows=demo_data.PEOPLE),
        courses=upsert_courses(rows=demo_data.COURSES),
        passwords_set=set_passwords(emails=emails, password=password),
        memberships_added=add_memberships(memberships={email: group for _, email, group in demo_data.LOGINS if group}),
        admin_created=ensure_admin(email=demo_data.ADMIN_EMAIL, password=password),
        roles_set=assign_roles(by_title=demo_data.PROFILE_BY_TITLE, targets=demo_data.TARGET_PROFILES),
        course_skills_set=map_course_skills(links=demo_data.COURSE_SKILLS),
        assessments_added=add_past_assessments(levels_by_email=demo_data.PAST_ASSESSMENTS),
    )


def org_csv(rows: list[tuple]) -> bytes:
    """The rows as an org chart CSV file, header included."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS.values())
    writer.writerows(rows)
    return out.getvalue().encode()


@transaction.atomic
def load_people(*, rows: list[tuple]) -> ImportResult:
    """Upsert the people through the same importer HR uses."""
    result = import_org(content=org_csv(rows))
    if not result.ok:
        problems = "; ".join(f"line {line}: {message}" for line, message in result.errors)
        raise DemoDataError(f"The demo org chart does not fit this database: {problems}")
    return result


@transaction.atomic
def set_passwords(*, emails: list[str], password: str) -> int:
    """Give these people's accounts the password, unless they already have it; returns how many changed."""
    users = list(User.objects.filter(email__in=emails, person__isnull=False))
    missing = set(emails) - {user.email for user in users}
    if missing:
        raise DemoDataError(f"No person with the e-mail(s) {', '.join(sorted(missing))}.")
    changed = [user for user in users if not check_password(password, user.password)]
    for user in changed:
        user.set_password(password)
        user.save(update_fields=["password"])
    return len(changed)


@transaction.atomic
def add_memberships(*, memberships: dict[str, str]) -> int:
    """Put each account (by e-mail) in its group; returns how many memberships were added."""
    added = 0
    for email, name in memberships.items():
        group, _ = Group.objects.get_or_create(name=name)
        user = User.objects.get(email=email, person__isnull=False)
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            added += 1
    return added


@transaction.atomic
def ensure_admin(*, email: str, password: str) -> bool:
    """Create the superuser (not a person in the org chart) if missing; True if created."""
    if User.objects.filter(username=email).exists():
        return False
    User.objects.create_superuser(username=email, email=email, password=password)
    return True


@transaction.atomic
def assign_roles(*, by_title: dict[str, str], targets: dict[str, str]) -> int:
    """Give demo people their role profile by job title, and a target where they aim higher."""
    profiles = {p.key: p for p in RoleProfile.objects.all()}
    changed = 0
    for person in Person.objects.select_related("user").filter(job_title__in=by_title):
        current = profiles.get(by_title[person.job_title])
        target = profiles.get(targets.get(person.user.email, ""))
        changed += set_person_role(person=person, current=current, target=target)
    return changed


# The frequency at which every behaviour of a skill is rated (strengths that often,
# warning signs the opposite) to land on a level; see assessments/scoring.py.
_FREQUENCY_FOR_LEVEL = {1: 0, 2: 1, 3: 2, 4: 4}
_TRIAGE = {"mistakes": "Seen in recent project work.", "mistake_frequency": 2, "impact": 2}


@transaction.atomic
def add_past_assessments(*, levels_by_email: dict[str, dict[str, int]]) -> int:
    """A submitted manager's assessment for each of these people who has none yet; returns how many were added.

    Made through the same services a manager uses, so levels, gaps and priorities are computed as usual.
    """
    rubric = current_rubric()
    if rubric is None:
        return 0
    skills = {skill.key: skill for skill in rubric.skills.prefetch_related("behaviours")}
    people = Person.objects.select_related("manager__user").filter(user__email__in=levels_by_email)
    assessed = set(
        Assessment.objects.filter(
            person__in=people, kind=Assessment.Kind.MANAGER, status=Assessment.Status.SUBMITTED
        ).values_list("person_id", flat=True)
    )
    added = 0
    for person in people:
        if person.pk in assessed or person.manager is None:
            continue
        role = role_of(person)
        profile = role.profile_for_gaps if role else None
        targets = targets_for(profile)
        draft = start_assessment(
            person=person, assessor=person.manager.user, kind=Assessment.Kind.MANAGER, rubric=rubric, profile=profile
        )
        for key, level in levels_by_email[person.user.email].items():
            skill = skills[key]
            seen = _FREQUENCY_FOR_LEVEL[level]
            frequencies = {
                b.pk: (4 - seen if b.kind == Behaviour.Kind.WARNING else seen) for b in skill.behaviours.all()
            }
            answers = _TRIAGE if level < targets.get(key, 0) else {}
            save_skill(assessment=draft, skill=skill, frequencies=frequencies, answers=answers)
        submit_assessment(assessment=draft)
        added += 1
    return added
