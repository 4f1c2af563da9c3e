"""The shared report filters: validated against what the user may see, with a message for whatever was ignored."""

from datetime import date

import pytest
from django.http import QueryDict

from reports.filters import ORG, TEAM, ReportFilters, parse_filters

pytestmark = pytest.mark.django_db


def parse(user, query=""):
    return parse_filters(QueryDict(query), user)


def test_valid_filters_are_kept_and_round_trip_through_the_query_string(org):
    engineering = org.manager_person.department
    query = (
        f"department={engineering.pk}&manager={org.manager_person.pk}&from=2026-01-01&to=2026-06-30&skill=delegation"
    )
    filters, messages = parse(org.hr, query)
    assert messages == []
    assert (filters.department, filters.manager) == (engineering, org.manager_person)
    assert (filters.date_from, filters.date_to, filters.skill_key) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
        "delegation",
    )
    assert filters.skill_name == "Delegation"
    again, _ = parse(org.hr, filters.querystring())
    assert again == filters


def test_a_date_range_the_wrong_way_round_is_ignored_with_a_message(org):
    filters, messages = parse(org.hr, "from=2026-06-30&to=2026-01-01")
    assert (filters.date_from, filters.date_to) == (None, None)
    assert len(messages) == 1 and "ends" in messages[0] and "before it starts" in messages[0]


@pytest.mark.parametrize(
    "query",
    [
        "department=999999",
        "department=1%27%20OR%201%3D1--",
        "manager=1;DROP TABLE people_person",
        "skill=%27%20OR%20%271%27%3D%271",
        "from=yesterday",
        "to=2026-02-30",
        "scope=everything",
    ],
)
def test_unknown_or_malicious_values_are_ignored_and_named(org, query):
    filters, messages = parse(org.hr, query)
    assert filters == ReportFilters(scope=ORG)
    assert len(messages) == 1


def test_a_long_value_is_not_echoed_back_in_full(org):
    _, messages = parse(org.hr, "skill=" + "x" * 500)
    assert "x" * 41 not in messages[0]


def test_a_manager_cannot_filter_by_another_teams_manager(org):
    filters, messages = parse(org.manager, f"manager={org.other_manager_person.pk}")
    assert filters.manager is None
    assert messages == [f"No manager “{org.other_manager_person.pk}” in your view, so the manager filter was ignored."]
    assert list(filters.people(org.manager)) == [org.employee_person]


def test_a_manager_cannot_filter_by_a_department_outside_their_chain(org):
    sales = org.other_manager_person.department
    filters, messages = parse(org.manager, f"department={sales.pk}")
    assert filters.department is None and len(messages) == 1
    assert org.other_employee_person not in filters.people(org.manager)


def test_a_manager_filtering_by_someone_in_their_chain_sees_that_persons_chain(org):
    from people.tests.factories import PersonFactory

    below_brian = PersonFactory(manager=org.employee_person, department=org.manager_person.department)
    filters, messages = parse(org.manager, f"manager={org.employee_person.pk}")
    assert messages == [] and filters.manager == org.employee_person
    assert list(filters.people(org.manager)) == [below_brian]


def test_a_manager_sees_their_chain_and_not_themself(org):
    filters, _ = parse(org.manager)
    assert filters.scope == TEAM
    assert list(filters.people(org.manager)) == [org.employee_person]


def test_a_manager_cannot_ask_for_the_organisation(org):
    filters, messages = parse(org.manager, "scope=org")
    assert filters.scope == TEAM and len(messages) == 1
    assert org.other_employee_person not in filters.people(org.manager)


def test_ld_cannot_filter_by_manager(org):
    filters, messages = parse(org.ld, f"manager={org.manager_person.pk}")
    assert filters.manager is None
    assert "L&D" in messages[0]


def test_people_who_left_are_left_out_unless_asked_for(org):
    org.employee_person.is_active = False
    org.employee_person.left_on = date(2026, 1, 1)
    org.employee_person.save()
    filters, _ = parse(org.hr)
    assert org.employee_person not in filters.people(org.hr)
    assert org.employee_person in filters.people(org.hr, include_left=True)


def test_an_employee_without_reports_may_report_on_nobody(org):
    filters, _ = parse(org.employee, f"scope=team&manager={org.manager_person.pk}")
    assert filters.viewer(org.employee) is None
    assert list(filters.people(org.employee)) == []


def test_the_filters_never_trust_the_scope_for_the_viewer(org):
    """A ReportFilters built by hand with the organisation scope still gives a manager nobody."""
    assert ReportFilters(scope=ORG).viewer(org.manager) is None
    assert list(ReportFilters(scope=ORG).people(org.manager)) == []
