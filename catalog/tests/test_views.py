import pytest
from django.urls import reverse

from catalog.models import Course
from catalog.tests.factories import CourseFactory


def test_catalog_lists_active_courses_with_format_and_duration(client, org):
    CourseFactory(title="Delegation in practice", format=Course.Format.WORKSHOP, duration_minutes=90)
    CourseFactory(title="Retired course", is_active=False)
    client.force_login(org.employee)
    body = client.get(reverse("catalog:course_list")).content.decode()
    assert "Delegation in practice" in body
    assert "Workshop" in body
    assert "1 h 30 min" in body
    assert "Retired course" not in body


def test_catalog_search_and_format_filter(client, org):
    CourseFactory(title="Giving feedback", format=Course.Format.VIDEO)
    CourseFactory(title="Feedback workshop", format=Course.Format.WORKSHOP)
    client.force_login(org.ld)
    body = client.get(reverse("catalog:course_list"), {"q": "feedback", "format": "video"}).content.decode()
    assert "Giving feedback" in body
    assert "Feedback workshop" not in body


def test_catalog_bad_filter_shows_a_message_and_the_catalog(client, org):
    CourseFactory(title="Giving feedback")
    client.force_login(org.employee)
    body = client.get(reverse("catalog:course_list"), {"format": "telepathy"}).content.decode()
    assert "was not understood" in body
    assert "Giving feedback" in body


@pytest.mark.parametrize("size", [3, 60])
def test_catalog_query_count_does_not_grow(client, org, size, django_assert_max_num_queries):
    CourseFactory.create_batch(size)
    client.force_login(org.employee)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("catalog:course_list")).status_code == 200
