"""L&D's demand view on a 20,000-person org (run by hand, not by pytest).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python manage.py seed_scale --people 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python bench/demand.py [--rebuild]

Gives (once; --rebuild replaces them) the scale org made by seed_scale submitted
manager's assessments: 80 % of active people have one, half of those also have an
older one (which must not count), a fifth a self-assessment (which must not either),
each with a result for every skill of the current rubric and levels 1-4 against
targets 2-4. Adds 60 active and 20 retired courses with random level ranges for the
first two thirds of the rubric's skills, so some demand is left uncovered. The
assessments' assessor is one bench account outside the scale org, so seed_scale
can still replace the org (its people's assessments go with them).

Then times `assessments.demand.demand` (whole org, one department, one skill) 30
times each, and the page as an L&D user: median and 95th percentile in
milliseconds, and SQL queries.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments import selectors  # noqa: E402
from assessments.demand import demand  # noqa: E402
from assessments.models import Assessment, SkillResult  # noqa: E402
from catalog.models import Course, CourseSkill  # noqa: E402
from people.models import LD_GROUP, Department, Person  # noqa: E402
from people.scale import DOMAIN  # noqa: E402

RUNS = 30
ASSESSOR = "bench-demand-assessor@example.com"
LD_LOGIN = "bench-demand-ld@example.com"
COURSE_PREFIX = "bench-demand-"
BATCH = 5000


def _results(assessment_ids, skills, rng):
    for assessment_id in assessment_ids:
        for skill in skills:
            level, target = rng.randint(1, 4), rng.randint(2, 4)
            gap = max(0, target - level)
            priority = gap * rng.randint(1, 3) * rng.randint(1, 4)
            yield SkillResult(
                assessment_id=assessment_id, skill=skill, level=level, target=target, gap=gap, priority=priority
            )


@transaction.atomic
def build(rebuild: bool) -> None:
    user_model = get_user_model()
    assessor, _ = user_model.objects.get_or_create(username=ASSESSOR, defaults={"email": ASSESSOR})
    existing = Assessment.objects.filter(assessor=assessor)
    if existing.exists() and not rebuild:
        return
    started = time.perf_counter()
    existing.delete()
    Course.objects.filter(code__startswith=COURSE_PREFIX).delete()
    rng = random.Random(11)
    rubric = selectors.current_rubric()
    skills = list(rubric.skills.all())
    people = list(
        Person.objects.filter(user__username__endswith=f"@{DOMAIN}", is_active=True).values_list("pk", flat=True)
    )
    if not people:
        sys.exit("No scale org here: run `manage.py seed_scale --people 20000` first.")
    now = timezone.now()
    plans = []  # (person, kind, days ago)
    for pk in people:
        if rng.random() < 0.8:
            plans.append((pk, Assessment.Kind.MANAGER, rng.randint(1, 60)))
            if rng.random() < 0.5:
                plans.append((pk, Assessment.Kind.MANAGER, rng.randint(120, 400)))
        if rng.random() < 0.2:
            plans.append((pk, Assessment.Kind.SELF, rng.randint(1, 30)))
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                person_id=pk,
                assessor=assessor,
                kind=kind,
                status=Assessment.Status.SUBMITTED,
                submitted_at=now - timedelta(days=days),
                rubric_version=rubric,
            )
            for pk, kind, days in plans
        ],
        batch_size=BATCH,
    )
    SkillResult.objects.bulk_create(_results((a.pk for a in assessments), skills, rng), batch_size=BATCH)
    formats = [value for value, _ in Course.Format.choices]
    courses = Course.objects.bulk_create(
        Course(
            code=f"{COURSE_PREFIX}{n}",
            title=f"Demand bench course {n}",
            format=rng.choice(formats),
            duration_minutes=60,
            is_active=n < 60,
        )
        for n in range(80)
    )
    links = []
    catalogued = skills[: len(skills) * 2 // 3]  # the last third of the rubric has no course at all
    for course in courses:
        for skill in rng.sample(catalogued, rng.randint(1, 2)):
            level_from = rng.choice([1, 1, 2, 2, 3])
            links.append(
                CourseSkill(course=course, skill=skill, level_from=level_from, level_to=rng.randint(level_from + 1, 4))
            )
    CourseSkill.objects.bulk_create(links)
    results = SkillResult.objects.filter(assessment__assessor=assessor).count()
    print(
        f"Built {len(assessments):,} assessments with {results:,} skill results for {len(people):,} active people "
        f"in {time.perf_counter() - started:.1f} s."
    )


def ld_user():
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=LD_LOGIN, defaults={"email": LD_LOGIN})
    group, _ = Group.objects.get_or_create(name=LD_GROUP)
    user.groups.add(group)
    return user


def timed(action, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        action()
    return statistics.median(times), sorted(times)[int(runs * 0.95) - 1], len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="Replace the bench assessments and courses.")
    args = parser.parse_args()
    build(args.rebuild)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh bulk inserts have no planner statistics yet
            cursor.execute("ANALYZE")
    department = Department.objects.filter(name="Scale Engineering").values_list("pk", flat=True).first()
    whole = demand()
    print(
        f"{Person.objects.filter(is_active=True).count():,} active people; "
        f"{Assessment.objects.filter(status=Assessment.Status.SUBMITTED).count():,} submitted assessments; "
        f"{SkillResult.objects.count():,} skill results; {connection.vendor}"
    )
    print(
        f"Whole org: {whole['people_assessed']:,} people assessed, {whole['people_with_gaps']:,} with a gap, "
        f"{len(whole['groups'])} groups, {len(whole['uncovered'])} uncovered."
    )
    print("| what | median ms | p95 ms | queries |\n|---|--:|--:|--:|")
    cases = [
        ("demand() whole org", lambda: demand()),
        ("demand(department_id=Scale Engineering)", lambda: demand(department_id=department)),
        ("demand(skill_key='delegation')", lambda: demand(skill_key="delegation")),
    ]
    for label, action in cases:
        median, p95, queries = timed(action)
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")
    client = Client()
    client.force_login(ld_user())
    for url in ["/demand/", f"/demand/?department={department}"]:

        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        median, p95, queries = timed(page)
        print(f"| page `{url}` | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
