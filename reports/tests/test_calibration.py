"""Rater calibration (HR only): managers' average ratings per skill against the organisation's for the same roles."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from assessments.models import PersonRole, RoleProfile
from devplans.tests.helpers import assess
from people.tests.factories import PersonFactory
from reports import dashboard_selectors as s
from reports.dashboards import REPORTS
from reports.filters import parse_filters

pytestmark = pytest.mark.django_db

URL = reverse("reports:calibration")


def team(manager_person, size, profile_key):
    profile = RoleProfile.objects.get(key=profile_key)
    people = []
    for _ in range(size):
        person = PersonFactory(department=manager_person.department, manager=manager_person)
        PersonRole.objects.create(person=person, current_profile=profile)
        people.append(person)
    return people


def rate(people, assessor, level):
    for person in people:
        assess(person, assessor, delegation=(level, 3, 0))


@pytest.fixture
def raters(org):
    """Kate rates her six engineers 4 (lenient); Sam rates six engineers 2; Ann rates six engineers 3.
    Ann also rates six sales reps 1, and Sam six sales reps 1: the same as each other for that role.
    Lee rates two engineers 4: too few to judge."""
    org.ann = PersonFactory(full_name="Ann Lowe", department=org.manager_person.department)
    org.lee = PersonFactory(full_name="Lee Park", department=org.manager_person.department)
    rate(team(org.manager_person, 6, "engineer"), org.manager, 4)
    rate(team(org.other_manager_person, 6, "engineer"), org.other_manager, 2)
    rate(team(org.ann, 6, "engineer"), org.ann.user, 3)
    rate(team(org.ann, 6, "sales-rep"), org.ann.user, 1)
    rate(team(org.other_manager_person, 6, "sales-rep"), org.other_manager, 1)
    rate(team(org.lee, 2, "engineer"), org.lee.user, 4)
    return org


def calibration_rows(user, query=""):
    filters, _ = parse_filters(QueryDict(query), user)
    return {row[0]: row for row in REPORTS["calibration"].rows(user, filters)}


def test_lenient_and_harsh_raters_stand_out_against_the_same_roles(raters):
    rows = calibration_rows(raters.hr)
    # Engineers: 6×4 + 6×2 + 6×3 + 2×4 = 62 over 20 ratings → 3.1.
    assert rows["Kate Morgan"][3:] == (6, 4.0, 3.1, 0.9, s.LENIENT)
    # Sam: 6 engineers at 2 against 3.1, 6 sales reps at 1 against 1.0 → (12 + 6) / 12 = 1.5 against 2.05.
    assert rows["Sam Ortiz"][3:] == (12, 1.5, 2.05, -0.55, s.HARSH)
    # Ann: (18 + 6) / 12 = 2.0 against (6×3.1 + 6×1) / 12 = 2.05: in line, because her sales reps are compared
    # with other sales reps, not with engineers.
    assert rows["Ann Lowe"][3:] == (12, 2.0, 2.05, -0.05, s.IN_LINE)
    assert rows["Lee Park"][7] == s.TOO_FEW


def test_the_page_names_marked_managers_in_words_and_hides_those_with_too_few_ratings(client, raters):
    client.force_login(raters.hr)
    page = client.get(URL).content.decode()
    body = page.split('id="calibration-heading"')[1]  # below the filter form, which lists every manager
    assert "Kate Morgan" in body and s.LENIENT in body
    assert "Sam Ortiz" in body and s.HARSH in body
    assert "Ann Lowe" not in body
    assert "Lee Park" not in body
    assert "1 manager is not shown: fewer than 5 ratings" in page
    assert "<strong>2</strong> of 3 managers" in page


def test_a_department_filter_narrows_the_people_rated_not_the_baseline(raters):
    rows = calibration_rows(raters.hr, f"department={raters.manager_person.department.pk}")
    assert set(rows) == {"Kate Morgan", "Ann Lowe", "Lee Park"}
    assert rows["Kate Morgan"][5] == 3.1


@pytest.mark.parametrize("role", ["ld", "manager", "employee"])
def test_calibration_is_for_hr_only(client, raters, role):
    client.force_login(getattr(raters, role))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("size", [1, 5])
def test_the_calibration_query_count_does_not_grow(client, org, size, django_assert_max_num_queries):
    for manager_person, user in ((org.manager_person, org.manager), (org.other_manager_person, org.other_manager)):
        rate(team(manager_person, size, "engineer"), user, size % 4 + 1)
    client.force_login(org.hr)
    # Session and user (2), roles (2), filters (1), skill names (1), baseline, ratings and raters (3),
    # the filter form (2).
    with django_assert_max_num_queries(11):
        assert client.get(URL + "?skill=delegation").status_code == 200


def test_an_hr_partner_who_manages_a_team_sees_the_organisation_whatever_the_scope_asked(client, raters):
    from people.tests.factories import add_to_group

    add_to_group(raters.manager, "HR")
    client.force_login(raters.manager)
    response = client.get(URL + "?scope=team")
    assert response.status_code == 200
    assert "Sam Ortiz" in response.content.decode()
