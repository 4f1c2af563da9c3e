"""The dashboards and rater calibration on a 20,000-person org (run by hand, not by pytest).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python manage.py seed_scale --people 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python bench/demand.py            # the assessments
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python bench/dashboards.py [--runs 20]

Adds, once (it never deletes anything), to the scale org that seed_scale and bench/demand.py made:
- a current role profile for every active person (PersonRole), where they have none;
- an older manager's assessment, made by the person's own manager 70-110 days ago, for a third of the
  people bench/demand.py assessed (older than their newest one, so L&D's demand figures do not move),
  so that calibration has real raters;
- 20 priced courses, and a development plan for 60 % of active people (draft, agreed, active or
  completed), each with one goal, one or two courses in every status, three check-ins (held on time,
  held late, or still scheduled) and, for a third of the agreed/active/completed ones, the manager's
  answered follow-up survey.

Then times each page 20 times (after one warm-up) as HR, L&D and the head of the first department (a
chain of a few thousand people): median and 95th percentile in milliseconds, and SQL queries.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments import selectors  # noqa: E402
from assessments.models import Assessment, PersonRole, RoleProfile, SkillResult  # noqa: E402
from catalog.models import Course, CourseSkill  # noqa: E402
from devplans.models import CheckIn, FollowUpSurvey, Goal, LearningItem, Plan, SurveyAnswer  # noqa: E402
from people.models import HR_GROUP, LD_GROUP, Person  # noqa: E402
from people.scale import DOMAIN, number  # noqa: E402

HR_LOGIN = "bench-dashboards-hr@example.com"
LD_LOGIN = "bench-dashboards-ld@example.com"
COURSE_PREFIX = "bench-dash-"
BATCH = 5000


def _staff(login, group_name):
    user, _ = get_user_model().objects.get_or_create(username=login, defaults={"email": login})
    group, _ = Group.objects.get_or_create(name=group_name)
    user.groups.add(group)
    return user


def _roles(rng, people):
    profiles = list(RoleProfile.objects.values_list("pk", flat=True))
    have = set(PersonRole.objects.filter(person_id__in=people).values_list("person_id", flat=True))
    PersonRole.objects.bulk_create(
        [PersonRole(person_id=pk, current_profile_id=rng.choice(profiles)) for pk in people if pk not in have],
        batch_size=BATCH,
    )


def _rater_assessments(rng, people_managers, rubric, skills, now):
    """Older assessments by the person's own manager; each manager rates a little higher or lower than the rest."""
    assessed = set(
        Assessment.objects.filter(status=Assessment.Status.SUBMITTED, kind=Assessment.Kind.MANAGER)
        .filter(submitted_at__gte=now - timedelta(days=61))
        .values_list("person_id", flat=True)
    )
    manager_users = dict(Person.objects.filter(reports__isnull=False).values_list("pk", "user_id").distinct())
    bias = {pk: rng.choice([-1, 0, 0, 0, 0, 1]) for pk in manager_users}
    made = []
    for pk, manager_id in people_managers:
        if pk in assessed and manager_id in manager_users and rng.random() < 0.33:
            made.append(
                Assessment(
                    person_id=pk,
                    assessor_id=manager_users[manager_id],
                    kind=Assessment.Kind.MANAGER,
                    status=Assessment.Status.SUBMITTED,
                    submitted_at=now - timedelta(days=rng.randint(70, 110)),
                    rubric_version=rubric,
                )
            )
    made = Assessment.objects.bulk_create(made, batch_size=BATCH)
    managers_of = dict(people_managers)

    def results():
        for assessment in made:
            shift = bias[managers_of[assessment.person_id]]
            for skill in skills:
                level = min(4, max(1, rng.randint(1, 4) + shift))
                target = rng.randint(2, 4)
                yield SkillResult(
                    assessment=assessment, skill=skill, level=level, target=target, gap=max(0, target - level)
                )

    SkillResult.objects.bulk_create(results(), batch_size=BATCH)
    return len(made)


def _courses(rng, skills):
    courses = Course.objects.bulk_create(
        Course(
            code=f"{COURSE_PREFIX}{n}",
            title=f"Dashboard bench course {n}",
            format="workshop" if n % 3 else "elearning",
            duration_minutes=90,
            cost=Decimal(rng.choice([0, 45, 120, 350, 900])),
        )
        for n in range(20)
    )
    CourseSkill.objects.bulk_create(
        CourseSkill(course=course, skill=skills[n % len(skills)], level_from=1, level_to=3)
        for n, course in enumerate(courses)
    )
    return courses


def _plans(rng, people_managers, skills, courses, now, creator):
    today = timezone.localdate()
    statuses = ["draft", "agreed", "active", "active", "completed"]
    chosen = [(pk, rng.choice(statuses)) for pk, _ in people_managers if rng.random() < 0.6]
    plans = Plan.objects.bulk_create(
        [
            Plan(
                person_id=pk,
                status=status,
                created_by=creator,
                agreed_revision=None if status == "draft" else 1,
                agreed_at=None if status == "draft" else now - timedelta(days=rng.randint(30, 200)),
                ended_at=now - timedelta(days=rng.randint(1, 20)) if status == "completed" else None,
            )
            for pk, status in chosen
        ],
        batch_size=BATCH,
    )
    goals = Goal.objects.bulk_create(
        [
            Goal(
                plan=plan,
                skill=rng.choice(skills),
                start_level=1,
                target_level=3,
                outcome="Bench goal",
                due_on=today + timedelta(days=60),
            )
            for plan in plans
        ],
        batch_size=BATCH,
    )
    item_statuses = ["planned", "in_progress", "completed", "completed", "postponed", "dropped"]
    items, checkins, surveys = [], [], []
    for plan, goal in zip(plans, goals, strict=True):
        for _ in range(rng.randint(1, 2)):
            status = "completed" if plan.status == "completed" else rng.choice(item_statuses)
            items.append(
                LearningItem(
                    plan=plan,
                    goal=goal,
                    course=rng.choice(courses),
                    status=status,
                    completed_on=today - timedelta(days=rng.randint(1, 150)) if status == "completed" else None,
                )
            )
        if plan.status == "draft":
            continue
        for weeks in (12, 8, 4):
            due = today - timedelta(weeks=weeks)
            late = rng.random() < 0.3
            checkins.append(
                CheckIn(plan=plan, scheduled_for=due, status="held", held_on=due + timedelta(days=10 if late else 1))
            )
        if plan.status != "completed":
            checkins.append(CheckIn(plan=plan, scheduled_for=today + timedelta(days=rng.randint(-5, 20))))
        if rng.random() < 0.33:
            surveys.append((plan, goal))
    LearningItem.objects.bulk_create(items, batch_size=BATCH)
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
    made = FollowUpSurvey.objects.bulk_create(
        [
            FollowUpSurvey(
                plan=plan,
                role="manager",
                created_at=now - timedelta(days=20),
                expires_at=now + timedelta(days=10),
                answered_at=now - timedelta(days=rng.randint(1, 19)),
                nonce=f"bench-{plan.pk}",
            )
            for plan, _ in surveys
        ],
        batch_size=BATCH,
    )
    answers = []
    for survey, (_, goal) in zip(made, surveys, strict=True):
        level_now = rng.choice([1, 2, 3, 3, 4])
        outcome = "gap_closed" if level_now >= 3 else ("improved" if level_now > 1 else "no_change")
        answers.append(
            SurveyAnswer(
                survey=survey,
                goal=goal,
                level_before=1,
                target_level=3,
                level_now=level_now,
                impact="some",
                outcome=outcome,
            )
        )
    SurveyAnswer.objects.bulk_create(answers, batch_size=BATCH)
    return len(plans), len(items), len(checkins), len(answers)


@transaction.atomic
def build() -> None:
    if Course.objects.filter(code__startswith=COURSE_PREFIX).exists():
        return
    started = time.perf_counter()
    rng = random.Random(17)
    now = timezone.now()
    rubric = selectors.current_rubric()
    skills = list(rubric.skills.all())
    people_managers = list(
        Person.objects.filter(user__username__endswith=f"@{DOMAIN}", is_active=True)
        .order_by("pk")
        .values_list("pk", "manager_id")
    )
    if not people_managers:
        sys.exit("No scale org here: run `manage.py seed_scale --people 20000` first.")
    if not Assessment.objects.exists():
        sys.exit("No assessments: run bench/demand.py first.")
    _roles(rng, [pk for pk, _ in people_managers])
    rated = _rater_assessments(rng, people_managers, rubric, skills, now)
    courses = _courses(rng, skills)
    creator = _staff(HR_LOGIN, HR_GROUP)
    plans, items, checkins, answers = _plans(rng, people_managers, skills, courses, now, creator)
    print(
        f"Added {rated:,} older managers' assessments, {plans:,} plans, {items:,} courses in plans, "
        f"{checkins:,} check-ins and {answers:,} survey answers in {time.perf_counter() - started:.1f} s."
    )


def timed(action, runs):
    action()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        action()
    times.sort()
    return statistics.median(times), times[max(0, int(runs * 0.95) - 1)], len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    head = Person.objects.select_related("user", "department").get(employee_number=number(1))
    chain = Person.objects.raw(
        "WITH RECURSIVE c(id) AS (SELECT id FROM people_person WHERE manager_id = %s "
        "UNION SELECT p.id FROM people_person p JOIN c ON p.manager_id = c.id) SELECT count(*) AS id FROM c",
        [head.pk],
    )[0].id
    department = head.department_id
    print(
        f"{Person.objects.filter(is_active=True).count():,} active people; "
        f"{Assessment.objects.filter(status='submitted').count():,} submitted assessments; "
        f"{Plan.objects.count():,} plans; {LearningItem.objects.count():,} courses in plans; "
        f"{CheckIn.objects.count():,} check-ins; {SurveyAnswer.objects.count():,} survey answers; {connection.vendor}. "
        f"Head of department: {head.full_name}, {chain:,} people in the chain."
    )
    viewers = [
        ("HR", _staff(HR_LOGIN, HR_GROUP)),
        ("L&D", _staff(LD_LOGIN, LD_GROUP)),
        ("head of department", head.user),
    ]
    cases = [
        ("dashboard", "/reports/dashboard/"),
        ("dashboard, one department, one skill", f"/reports/dashboard/?department={department}&skill=delegation"),
        ("dashboard, last 90 days", f"/reports/dashboard/?from={timezone.localdate() - timedelta(days=90)}"),
    ]
    # "computed": the cache emptied before each view (the first view after a change); "kept": from the
    # cache (skillbridge/data_cache.py), as every other view until the data changes.
    print(
        "| viewer | page | computed: median ms | p95 ms | queries | kept: median ms | p95 ms | queries |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|"
    )
    for label, user in viewers:
        client = Client()
        client.force_login(user)
        pages = [*cases, ("calibration", "/reports/calibration/")] if label == "HR" else cases
        for what, url in pages:

            def page(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            def computed(page=page):
                cache.clear()
                page()

            median, p95, queries = timed(computed, args.runs)
            kept = timed(page, args.runs)
            print(
                f"| {label} | {what} `{url}` | {median:.0f} | {p95:.0f} | {queries} "
                f"| {kept[0]:.0f} | {kept[1]:.0f} | {kept[2]} |"
            )


if __name__ == "__main__":
    main()
