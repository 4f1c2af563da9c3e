from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Course
from catalog.services import upsert_courses

pytestmark = pytest.mark.django_db


def row(code="comm-101", **overrides):
    values = {
        "code": code,
        "title": "Speaking Up in Meetings",
        "description": "Voice disagreement early.",
        "provider": "Internal L&D",
        "format": Course.Format.MICROLEARNING,
        "duration_minutes": 10,
        "cost": "0.00",
        "currency": "GBP",
        "language": "en",
        "url": "https://learning.example.com/courses/comm-101",
        "is_self_paced": True,
        "is_active": True,
    }
    return values | overrides


def test_upsert_courses_creates_new_courses():
    counts = upsert_courses(rows=[row("a"), row("b")])

    assert counts == (2, 0, 0)
    assert set(Course.objects.values_list("code", flat=True)) == {"a", "b"}


def test_upsert_courses_second_call_with_the_same_rows_is_all_unchanged():
    rows = [row("a"), row("b", cost=Decimal("250"))]
    upsert_courses(rows=rows)

    assert upsert_courses(rows=rows) == (0, 0, 2)


def test_upsert_courses_counts_created_updated_and_unchanged():
    upsert_courses(rows=[row("a"), row("b")])

    counts = upsert_courses(rows=[row("a"), row("b", title="Speaking Up, Revised"), row("c")])

    assert counts == (1, 1, 1)
    assert Course.objects.get(code="b").title == "Speaking Up, Revised"


def test_upsert_courses_treats_equal_costs_as_unchanged():
    upsert_courses(rows=[row("a", cost="250.00")])

    assert upsert_courses(rows=[row("a", cost=250)]) == (0, 0, 1)


def test_upsert_courses_updates_only_the_fields_in_a_partial_row():
    upsert_courses(rows=[row("a")])

    counts = upsert_courses(rows=[{"code": "a", "duration_minutes": 15}])

    course = Course.objects.get(code="a")
    assert counts == (0, 1, 0)
    assert (course.duration_minutes, course.title) == (15, "Speaking Up in Meetings")


def test_upsert_courses_does_not_save_unchanged_courses():
    upsert_courses(rows=[row("a"), row("b")])

    with CaptureQueriesContext(connection) as queries:
        upsert_courses(rows=[row("a"), row("b")])

    assert not [q for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]


def test_upsert_courses_rejects_a_bad_row_and_writes_nothing():
    with pytest.raises(ValidationError, match="bad"):
        upsert_courses(rows=[row("good"), row("bad", format="podcast")])

    assert not Course.objects.exists()


def test_upsert_courses_rejects_an_unknown_field():
    with pytest.raises(ValidationError, match="colour"):
        upsert_courses(rows=[row("a", colour="red")])


def test_upsert_courses_rejects_a_repeated_code():
    with pytest.raises(ValidationError, match="more than once"):
        upsert_courses(rows=[row("a"), row("a")])


def test_map_course_skills_links_by_key_and_a_second_run_changes_nothing(db):
    from catalog.models import CourseSkill
    from catalog.services import map_course_skills
    from catalog.tests.factories import CourseFactory

    CourseFactory(code="deleg")
    assert map_course_skills(links={"deleg": [("delegation", 1, 3)]}) == 1
    assert map_course_skills(links={"deleg": [("delegation", 1, 3)]}) == 0
    assert map_course_skills(links={"deleg": [("delegation", 2, 4)]}) == 1
    assert CourseSkill.objects.get().level_to == 4


def test_map_course_skills_refuses_an_unknown_skill_and_writes_nothing(db):
    from django.core.exceptions import ValidationError

    from catalog.models import CourseSkill
    from catalog.services import map_course_skills
    from catalog.tests.factories import CourseFactory

    CourseFactory(code="deleg")
    with pytest.raises(ValidationError, match="telepathy"):
        map_course_skills(links={"deleg": [("delegation", 1, 3), ("telepathy", 1, 2)]})
    assert not CourseSkill.objects.exists()
