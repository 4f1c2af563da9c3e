"""Recommendations for one person against a 2,000-course catalog (run by hand, not by pytest).

    createdb -h 127.0.0.1 -U postgres skillbridge_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench .venv/bin/python bench/recommendations.py

Adds (once) 2,000 active courses, each mapped to one to three skills with random
level ranges, and a person with a submitted manager's assessment that has a gap
in every skill of the rubric (the worst case: every course is a candidate).
Then times `recommendations_for` 100 times, and the gaps panel that shows them
30 times: median and 95th percentile in milliseconds, and SQL queries.
"""

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments import selectors  # noqa: E402
from assessments.models import Assessment, SkillResult  # noqa: E402
from catalog.models import Course, CourseSkill  # noqa: E402
from people.models import Person  # noqa: E402

COURSES = 2000
PREFIX = "bench-reco-"


@transaction.atomic
def ensure_data():
    rng = random.Random(7)
    rubric = selectors.current_rubric()
    skills = list(rubric.skills.all())
    have = Course.objects.filter(code__startswith=PREFIX).count()
    if have < COURSES:
        formats = [value for value, _ in Course.Format.choices]
        courses = Course.objects.bulk_create(
            Course(
                code=f"{PREFIX}{n}",
                title=f"Bench course {n}",
                format=rng.choice(formats),
                duration_minutes=rng.choice([10, 20, 45, 60, 90, 180, 480]),
                cost=Decimal(rng.choice([0, 0, 50, 200, 900])),
                is_self_paced=rng.random() < 0.7,
            )
            for n in range(have, COURSES)
        )
        links = []
        for course in courses:
            for skill in rng.sample(skills, rng.randint(1, 3)):
                level_from = rng.randint(1, 3)
                links.append(
                    CourseSkill(
                        course=course, skill=skill, level_from=level_from, level_to=rng.randint(level_from + 1, 4)
                    )
                )
        CourseSkill.objects.bulk_create(links, batch_size=1000)
    user_model = get_user_model()
    manager_user, _ = user_model.objects.get_or_create(username="bench-reco-manager@example.com")
    manager_user.email = manager_user.username
    manager_user.save()
    manager, _ = Person.objects.get_or_create(
        employee_number="BENCH-RECO-1", defaults={"user": manager_user, "full_name": "Bench Manager"}
    )
    user, _ = user_model.objects.get_or_create(
        username="bench-reco@example.com", defaults={"email": "bench-reco@example.com"}
    )
    person, _ = Person.objects.get_or_create(
        employee_number="BENCH-RECO-2", defaults={"user": user, "full_name": "Bench Person", "manager": manager}
    )
    if not Assessment.objects.filter(person=person, status=Assessment.Status.SUBMITTED).exists():
        assessment = Assessment.objects.create(
            person=person,
            assessor=manager_user,
            rubric_version=rubric,
            status=Assessment.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        SkillResult.objects.bulk_create(
            SkillResult(assessment=assessment, skill=s, level=1, target=4, gap=3, priority=rng.randint(3, 36))
            for s in skills
        )
    return person, manager_user


def timed(runs, action):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), sorted(times)[int(runs * 0.95) - 1]


def main():
    person, manager_user = ensure_data()
    gaps = selectors.gap_overview(person)["gaps"]
    active = Course.objects.filter(is_active=True).count()
    print(f"{active:,} active courses, {len(gaps)} gaps; {connection.vendor}")
    print("| what | median ms | p95 ms | queries |\n|---|--:|--:|--:|")

    def recommend():
        return selectors.recommendations_for(person, gaps=gaps)

    median, p95 = timed(100, recommend)
    with CaptureQueriesContext(connection) as queries:
        ranking = recommend()
    print(f"| recommendations_for (top 5) | {median:.1f} | {p95:.1f} | {len(queries)} |")
    for r in ranking.recommendations[:3]:
        print(f"    {r.course.title}: {r.reason}")

    client = Client()
    client.force_login(manager_user)
    url = f"/people/{person.pk}/gaps/"

    def panel():
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.status_code

    median, p95 = timed(30, panel)
    with CaptureQueriesContext(connection) as queries:
        panel()
    print(f"| gaps panel with recommendations `{url}` | {median:.1f} | {p95:.1f} | {len(queries)} |")


if __name__ == "__main__":
    main()
