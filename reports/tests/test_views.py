import pytest
from django.urls import reverse

from people.tests.factories import DepartmentFactory, PersonFactory


def test_hr_overview_shows_headcount_by_department_as_chart_and_table(client, org):
    client.force_login(org.hr)
    response = client.get(reverse("reports:home"))
    body = response.content.decode()
    assert 'id="headcount-chart"' in body
    assert 'id="headcount-data"' in body
    assert '<th scope="row">Engineering</th><td class="text-end">2</td>' in body
    assert response.context["totals"]["active"] == 6


def test_people_who_left_are_not_in_the_headcount(client, org):
    PersonFactory(department=org.manager_person.department, is_active=False, left_on="2026-01-01")
    client.force_login(org.hr)
    response = client.get(reverse("reports:home"))
    assert response.context["totals"]["left"] == 1
    engineering = next(d for d in response.context["departments"] if d["name"] == "Engineering")
    assert engineering["headcount"] == 2


@pytest.mark.parametrize("departments", [2, 20])
def test_hr_overview_query_count_does_not_grow(client, org, departments, django_assert_max_num_queries):
    for i in range(departments):
        PersonFactory.create_batch(3, department=DepartmentFactory(name=f"Dept {i}"))
    client.force_login(org.hr)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reports:home")).status_code == 200
