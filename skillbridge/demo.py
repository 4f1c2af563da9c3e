"""Loads the demo story (Kate, Brian, Greg, Lisa, Hannah) into the database.

Every function is idempotent: a second run finds everything in place and
writes nothing, not even a new password hash.
"""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Behaviour, RoleProfile
from assessments.selectors import current_rubric, role_of
from assessments.services.assessing import save_skill, start_assessment, submit_assessment, targets_for
from assessments.services.roles import set_person_role
from catalog.services import map_course_skills, upsert_courses
from devplans.models import Plan
from devplans.services.checkins import record_checkin
from devplans.services.items import reflect_on_practice, set_learning_status
from devplans.services.plans import add_practice_item, confirm_plan, create_plan_from_gaps
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
    plans_added: int = 0


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
        plans_added=add_demo_plans(stories=demo_data.PLAN_STORIES),
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


@transaction.atomic
def add_demo_plans(*, stories: dict[str, str]) -> int:
    """Development plans in different states, made through the plan services, for people who have none yet.

    stories maps an e-mail to how far the plan has got: "draft" (made from the gaps, nobody confirmed),
    "awaiting" (the manager confirmed, the person has not), or "active" (agreed, a course done and
    awaiting the manager's observation, practice under way, a check-in held and the next one scheduled).
    Returns how many plans were added.
    """
    people = Person.objects.select_related("manager__user", "user").filter(user__email__in=stories)
    with_plans = set(Plan.objects.filter(person__in=people).values_list("person_id", flat=True))
    added = 0
    for person in people:
        if person.pk in with_plans or person.manager is None:
            continue
        manager = person.manager.user
        try:
            plan = create_plan_from_gaps(person=person, by=manager)
        except ValidationError:  # no assessment or no gap in this database: nothing to plan from
            continue
        added += 1
        story = stories[person.user.email]
        goal = plan.goals.first()
        add_practice_item(
            plan=plan,
            by=manager,
            description=demo_data.PRACTICE.get(goal.skill.key, "Lead one team meeting a week for a month"),
            goal=goal,
            due_on=timezone.localdate() + timedelta(weeks=4),
        )
        if story == "draft":
            continue
        confirm_plan(plan=plan, by=manager, revision=plan.revision)
        if story == "awaiting":
            continue
        confirm_plan(plan=plan, by=person.user, revision=plan.revision)
        _work_on(plan, person=person, manager=manager)
    return added


def _work_on(plan: Plan, *, person: Person, manager) -> None:
    """Some progress on an agreed plan: a course done, practice reflected on, a check-in held."""
    learning = plan.learning_items.first()
    if learning is not None:
        set_learning_status(
            item=learning,
            by=person.user,
            expected_version=learning.version,
            status="completed",
            note="The checklist for handing work over is the part I will use.",
        )
    practice = plan.practice_items.first()
    reflect_on_practice(
        item=practice,
        by=person.user,
        expected_version=practice.version,
        reflection="First two went well; the third ran long because I let the discussion drift.",
        status="in_progress",
    )
    checkin = plan.checkins.get(status="scheduled")
    record_checkin(
        checkin=checkin,
        by=manager,
        expected_version=checkin.version,
        held_on=timezone.localdate(),
        progress={goal.pk: ("started", "") for goal in plan.goals.all()},
        feedback="Good start. Keep handing over whole pieces of work, not single tasks.",
        employee_comment="I would like to take on the next release plan.",
    )
