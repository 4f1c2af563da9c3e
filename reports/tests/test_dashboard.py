"""The dashboards: the figures, who sees which rows, bad input, and a constant number of queries."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.urls import reverse

from devplans.services import plans
from devplans.tests.helpers import assess
from people.tests.factories import PersonFactory
from reports.dashboards import REPORTS
from reports.filters import parse_filters
from reports.tests.dashboard_data import agreed_plan_from_gap, answer_follow_up, complete_course

pytestmark = pytest.mark.django_db


# --- test data, built through the services ---------------------------------------------------------------------------


def build(org):
    """Kate's Brian (Engineering): a delegation gap, an agreed plan, a 120.00 course done, the gap closed.
    Sam's Olivia (Sales): a delegation gap and a draft plan. Returns org."""
    org.brian_plan, goal = agreed_plan_from_gap(org.employee_person, org.manager)
    org.course = complete_course(org.brian_plan, goal, org.manager, org.employee_person)
    answer_follow_up(org.brian_plan, 4)
    assess(org.other_employee_person, org.other_manager, delegation=(2, 3, 4))
    org.olivia_plan = plans.create_plan(person=org.other_employee_person, by=org.other_manager)
    return org


def grow(org, extra: int):
    """`extra` more people under each manager, each assessed with a plan and a completed course."""
    for manager_person in (org.manager_person, org.other_manager_person):
        for _ in range(extra):
            person = PersonFactory(department=manager_person.department, manager=manager_person)
            plan, goal = agreed_plan_from_gap(person, manager_person.user)
            complete_course(plan, goal, manager_person.user, person)
            answer_follow_up(plan, 2)


URL = reverse("reports:dashboard")


@pytest.fixture
def data(org):
    return build(org)


def rows(key, user, query=""):
    filters, _ = parse_filters(QueryDict(query), user)
    return list(REPORTS[key].rows(user, filters))


def page(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + ("?" + query if query else ""))
    assert response.status_code == 200
    return response, response.content.decode()


# --- the figures ----------------------------------------------------------------------------------------------------


def test_skill_gaps_count_each_persons_newest_assessment_by_department(data):
    assess(data.employee_person, data.manager, delegation=(3, 3, 0))  # Brian's newer assessment: no gap
    assert rows("skill-gaps", data.hr) == [
        ("Engineering", "Delegation", 1, 0, 0.0, 0.0),
        ("Sales", "Delegation", 1, 1, 100.0, 1.0),
    ]


def test_coverage_is_the_share_of_active_people_assessed_in_the_period(data):
    PersonFactory(department=data.manager_person.department, manager=data.manager_person)  # not assessed
    assert ("Engineering", 3, 1, 33.3) in rows("coverage", data.hr)
    assert ("Engineering", 3, 0, 0.0) in rows("coverage", data.hr, "from=2020-01-01&to=2020-12-31")


def test_the_plan_funnel_counts_each_person_once_by_their_plan(data):
    assert rows("plan-funnel", data.hr, f"department={data.manager_person.department.pk}") == [
        # Kate has no plan; Brian's plan is agreed by both and under way.
        ("Engineering", 2, 1, 0, 0, 1, 0)
    ]
    assert ("Sales", 2, 1, 1, 0, 0, 0) in rows("plan-funnel", data.hr)
    plans.end_plan(plan=data.brian_plan, by=data.manager, status="completed", reason="Done")
    assert ("Engineering", 2, 1, 0, 0, 0, 1) in rows("plan-funnel", data.hr)


def test_learning_completion_is_completed_out_of_courses_not_dropped(data):
    assert rows("learning", data.hr) == [("Engineering", 1, 1, 0, 0, 0, 0, 100.0)]
    assert rows("learning", data.hr, "skill=feedback") == []


def test_outcomes_by_skill_and_by_course(data):
    assert rows("outcomes-by-skill", data.hr) == [("Delegation", 1, 1, 0, 0, 100.0)]
    assert rows("outcomes-by-course", data.hr) == [(data.course.title, 1, 1, 0, 0, 100.0)]


def test_cost_per_closed_gap(data):
    person = PersonFactory(department=data.manager_person.department, manager=data.manager_person)
    plan, goal = agreed_plan_from_gap(person, data.manager)
    complete_course(plan, goal, data.manager, person, cost="80.00")
    answer_follow_up(plan, 0)  # strengths never seen: no change
    assert rows("costs", data.hr) == [("Engineering", "GBP", 2, Decimal("200.00"), 1, Decimal("200.00"))]


def test_the_leaderboard_ranks_managers_by_coverage(data):
    PersonFactory(department=data.other_manager_person.department, manager=data.other_manager_person)
    board = rows("leaderboard", data.hr)
    assert [r[:5] for r in board] == [
        ("Kate Morgan", "Engineering", 1, 1, 100.0),
        ("Sam Ortiz", "Sales", 2, 1, 50.0),
    ]
    assert board[0][8:] == (1, 1, 100.0)


def test_check_ins_held_within_a_week_of_the_day_due_count_as_on_time(data):
    from datetime import timedelta

    from devplans.models import CheckIn
    from devplans.services import checkins

    checkin = data.brian_plan.checkins.get()
    due = checkin.scheduled_for
    CheckIn.objects.filter(pk=checkin.pk).update(scheduled_for=due - timedelta(weeks=8))
    checkin.refresh_from_db()
    checkins.record_checkin(
        checkin=checkin,
        by=data.manager,
        expected_version=checkin.version,
        held_on=checkin.scheduled_for + timedelta(days=10),
        progress={},
        feedback="Late but useful",
    )
    kate = next(r for r in rows("leaderboard", data.hr) if r[0] == "Kate Morgan")
    assert kate[5:8] == (1, 0, 0.0)


# --- who sees what --------------------------------------------------------------------------------------------------


def test_hr_sees_the_organisation_with_rows_per_manager(client, data):
    response, body = page(client, data.hr)
    keys = [section["report"].key for section in response.context["sections"]]
    assert keys == s_keys()
    assert "Kate Morgan" in body and "Sam Ortiz" in body
    assert 'data-chart="coverage-data"' in body and 'id="coverage-table"' in body
    assert 'class="table table-sm table-bordered heatmap"' in body
    heatmap = response.context["sections"][0]["heatmap"]
    assert heatmap["departments"] == ["Engineering", "Sales"]
    assert [cell["text"] for cell in heatmap["matrix"][0]["cells"]] == ["100 %", "100 %"]
    assert 'title="Delegation, Sales: 1 of 1 assessed have a gap">100 %</td>' in body
    assert reverse("reports:calibration") in body


def s_keys():
    return [
        "skill-gaps",
        "coverage",
        "plan-funnel",
        "learning",
        "outcomes-by-skill",
        "outcomes-by-course",
        "costs",
        "leaderboard",
    ]


def test_ld_gets_aggregates_and_no_row_names_anyone(client, data):
    response, body = page(client, data.ld)
    keys = [section["report"].key for section in response.context["sections"]]
    assert "leaderboard" not in keys and "skill-gaps" in keys
    for name in ("Kate Morgan", "Sam Ortiz", "Brian Walsh", "Olivia Reyes"):
        assert name not in body
    assert reverse("reports:calibration") not in body


def test_ld_is_refused_individual_reports_even_when_asked_directly(data):
    filters, _ = parse_filters(QueryDict(""), data.ld)
    with pytest.raises(PermissionDenied):
        REPORTS["leaderboard"].rows(data.ld, filters)
    with pytest.raises(PermissionDenied):
        REPORTS["calibration"].rows(data.ld, filters)


def test_every_individual_report_is_kept_from_ld():
    for report in REPORTS.values():
        if report.is_individual:
            assert "ld" not in report.audience, report.key


def test_a_manager_sees_only_their_own_chain(client, data):
    response, body = page(client, data.manager)
    assert "Sales" not in body and "Sam Ortiz" not in body
    board = next(sec for sec in response.context["sections"] if sec["report"].key == "leaderboard")
    assert [row[0]["text"] for row in board["rows"]] == ["Kate Morgan"]


@pytest.mark.parametrize("field", ["manager", "department"])
def test_a_manager_filtering_by_another_team_sees_nothing_of_theirs_and_a_message(client, data, field):
    value = data.other_manager_person.pk if field == "manager" else data.other_manager_person.department.pk
    _, body = page(client, data.manager, f"{field}={value}")
    assert "Some filters were ignored" in body
    assert f"the {field} filter was ignored" in body
    assert "Sales" not in body.split("Some filters were ignored")[1] and "Sam Ortiz" not in body
    assert rows("coverage", data.manager, f"{field}={value}") == [("Engineering", 1, 1, 100.0)]


def test_an_employee_without_reports_is_refused(client, data):
    client.force_login(data.employee)
    assert client.get(URL).status_code == 403


def test_a_manager_who_is_also_hr_may_switch_to_their_team(client, data):
    from people.tests.factories import add_to_group

    add_to_group(data.manager, "HR")
    response, body = page(client, data.manager, "scope=team")
    assert response.context["viewer"] == "manager"
    assert "Sam Ortiz" not in body
    response, body = page(client, data.manager)
    assert response.context["viewer"] == "hr" and "Sam Ortiz" in body


# --- bad input ------------------------------------------------------------------------------------------------------


def test_bad_filters_show_what_was_ignored_and_the_unfiltered_figures(client, data):
    _, body = page(client, data.hr, "from=2026-06-30&to=2026-01-01&department=abc&skill=%27%3B--")
    assert "Some filters were ignored" in body
    assert "before it starts" in body and "No department “abc”" in body and "No skill" in body
    assert "Sales" in body


def test_filters_are_kept_in_the_download_links(client, data):
    _, body = page(client, data.hr, "skill=delegation&from=2026-01-01")
    assert "/csv/?scope=org&amp;from=2026-01-01&amp;skill=delegation" in body


# --- speed ----------------------------------------------------------------------------------------------------------


# Session and user (2), roles (2), filters (up to 2), skill names (1), the reports' aggregates (HR 12, L&D 8),
# the filter form's departments and managers (HR 2, L&D 1).
BUDGET = {"hr": 21, "ld": 16, "manager": 21}


@pytest.mark.parametrize("extra", [1, 6])
@pytest.mark.parametrize("role", ["hr", "ld", "manager"])
def test_the_dashboard_query_count_does_not_grow(client, data, extra, role, django_assert_max_num_queries):
    grow(data, extra)
    client.force_login(getattr(data, role))
    query = f"department={data.manager_person.department.pk}&skill=delegation&from=2020-01-01"
    with django_assert_max_num_queries(BUDGET[role]):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(BUDGET[role]):
        assert client.get(URL + "?" + query).status_code == 200


def test_the_hr_overview_links_to_the_dashboard_and_calibration(client, org):
    client.force_login(org.hr)
    body = client.get(reverse("reports:home")).content.decode()
    assert f'href="{URL}"' in body and f'href="{reverse("reports:calibration")}"' in body


def test_cost_counts_courses_completed_in_the_period_whenever_they_were_added(data):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from devplans.models import LearningItem

    LearningItem.objects.update(created_at=timezone.make_aware(datetime(2020, 1, 1)))
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert [r[2:4] for r in rows("costs", data.hr, f"from={since}")] == [(1, Decimal("120.00"))]
    assert rows("learning", data.hr, f"from={since}") == []


# --- the filter form ------------------------------------------------------------------------------------------------


def test_hr_may_pick_any_manager_and_a_manager_only_those_in_their_chain(data):
    from reports.filter_choices import manager_options

    below_brian = PersonFactory(manager=data.employee_person, department=data.manager_person.department)
    assert below_brian  # Brian now manages someone
    hr_filters, _ = parse_filters(QueryDict(""), data.hr)
    kate_filters, _ = parse_filters(QueryDict(""), data.manager)
    assert [label for _, label in manager_options(data.hr, hr_filters)[0]] == [
        "Brian Walsh (Engineering)",
        "Kate Morgan (Engineering)",
        "Sam Ortiz (Sales)",
    ]
    assert [label for _, label in manager_options(data.manager, kate_filters)[0]] == [
        "Brian Walsh (Engineering)",
        "Kate Morgan (Engineering)",
    ]
    assert manager_options(data.ld, parse_filters(QueryDict(""), data.ld)[0]) == ([], False)


def test_a_long_list_of_managers_offers_the_managers_of_managers(data, monkeypatch):
    from reports import filter_choices

    monkeypatch.setattr(filter_choices, "MAX_MANAGER_CHOICES", 1)
    PersonFactory(manager=data.employee_person, department=data.manager_person.department)
    filters, _ = parse_filters(QueryDict(""), data.hr)
    choices, cut_short = filter_choices.manager_options(data.hr, filters)
    assert cut_short and [label for _, label in choices] == ["Kate Morgan (Engineering)"]
