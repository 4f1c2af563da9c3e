"""The manager's team dashboard ("My team", devplans:team): rows, next actions, sorting, filters, scope."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, SkillResult
from assessments.selectors import current_rubric
from catalog.tests.factories import CourseFactory
from devplans import dashboard
from devplans.models import CheckIn, Goal, LearningItem, Plan, PracticeItem
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = "/team/"


def _today():
    return timezone.localdate()


def _skill(key):
    return current_rubric().skills.get(key=key)


def _assess(person, assessor, *, days_ago=1, kind=Assessment.Kind.MANAGER, gaps=None):
    """A submitted assessment with {skill key: (gap, priority)}."""
    assessment = Assessment.objects.create(
        person=person,
        assessor=assessor,
        kind=kind,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        rubric_version=current_rubric(),
    )
    SkillResult.objects.bulk_create(
        SkillResult(assessment=assessment, skill=_skill(key), level=1, target=1 + gap, gap=gap, priority=priority)
        for key, (gap, priority) in (gaps or {}).items()
    )
    return assessment


def _plan(person, status=Plan.Status.ACTIVE, *, revision=1, agreed_revision=1, **fields):
    if status == Plan.Status.DRAFT:
        agreed_revision = None
    if status in (Plan.Status.COMPLETED, Plan.Status.CLOSED):
        fields.setdefault("ended_at", timezone.now())
    return Plan.objects.create(
        person=person, status=status, revision=revision, agreed_revision=agreed_revision, **fields
    )


def _checkin(plan, days_from_today, status=CheckIn.Status.SCHEDULED):
    on = _today() + timedelta(days=days_from_today)
    return CheckIn.objects.create(
        plan=plan, scheduled_for=on, status=status, held_on=on if status == CheckIn.Status.HELD else None
    )


def _goal(plan, key="delegation", *, due_in_days=30, progress=Goal.Progress.STARTED):
    return Goal.objects.create(
        plan=plan,
        skill=_skill(key),
        target_level=3,
        outcome="Hands work over",
        due_on=_today() + timedelta(days=due_in_days),
        progress=progress,
    )


def _learning(plan, *, due_in_days=30, status=LearningItem.Status.PLANNED, **fields):
    if status == LearningItem.Status.COMPLETED:
        fields.setdefault("completed_on", _today())
    return LearningItem.objects.create(
        plan=plan, course=CourseFactory(), status=status, due_on=_today() + timedelta(days=due_in_days), **fields
    )


def _practice(plan, *, due_in_days=30, status=PracticeItem.Status.PLANNED, **fields):
    return PracticeItem.objects.create(
        plan=plan,
        description="Run the Monday stand-up",
        status=status,
        due_on=_today() + timedelta(days=due_in_days),
        **fields,
    )


def _on_track(person, assessor):
    """A report with a recent assessment, an agreed active plan, a check-in next week and nothing pending."""
    _assess(person, assessor, gaps={"delegation": (2, 18), "presenting": (1, 4)})
    plan = _plan(person)
    _checkin(plan, 7)
    return plan


def _rows(user, **kwargs):
    return {p.full_name: p for p in dashboard.fill_rows(list(dashboard.team_dashboard(user, **kwargs)))}


def _row(org, **kwargs):
    return _rows(org.manager, **kwargs)["Brian Walsh"]


def _names(response):
    return [p.full_name for p in response.context["page"].object_list]


# --- who may open it, and whom it shows ---------------------------------------------------------------


def test_my_team_is_at_team(org):
    assert reverse("devplans:team") == URL


@pytest.mark.parametrize("role", ["employee", "ld", "hr", "admin"])
def test_only_managers_may_open_the_team_page(client, org, role):
    client.force_login(getattr(org, role))
    assert client.get(URL).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client, org):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_team_page_lists_direct_reports_with_title_and_department(client, org):
    client.force_login(org.manager)
    response = client.get(URL)
    body = response.content.decode()
    assert "Brian Walsh" in body
    assert "Senior Engineer" in body
    assert "Engineering" in body
    assert org.employee_person.get_absolute_url() in body
    assert "Olivia Reyes" not in body


def test_team_page_chain_toggle_shows_reports_of_reports(client, org):
    lead = PersonFactory(manager=org.manager_person, full_name="Priya Shah", job_title="Team Lead")
    PersonFactory(manager=lead, full_name="Tom Deep")
    client.force_login(org.manager)
    direct = client.get(URL).content.decode()
    chain = client.get(URL, {"scope": "chain"}).content.decode()
    assert "Tom Deep" not in direct
    assert "Tom Deep" in chain
    assert "Reports to Priya Shah" in chain
    assert "Olivia Reyes" not in chain


def test_team_page_hides_people_who_left(client, org):
    gone = PersonFactory(manager=org.manager_person, full_name="Gone Person", is_active=False, left_on="2026-01-31")
    _plan(gone, Plan.Status.DRAFT)
    client.force_login(org.manager)
    response = client.get(URL, {"scope": "chain"})
    assert "Gone Person" not in response.content.decode()
    assert "Gone Person" not in _rows(org.manager, chain=True)
    counts = dashboard.action_counts(org.manager, chain=True)
    assert counts["assess"] == 1 and sum(counts.values()) == 1  # Brian only


def test_team_page_search_filters_by_name(client, org):
    PersonFactory(manager=org.manager_person, full_name="Greg Novak")
    client.force_login(org.manager)
    body = client.get(URL, {"q": "greg"}).content.decode()
    assert "Greg Novak" in body
    assert "Brian Walsh" not in body


def test_another_managers_reports_never_appear(client, org):
    _plan(org.other_employee_person, Plan.Status.DRAFT)
    _assess(org.other_employee_person, org.other_manager)
    client.force_login(org.manager)
    for query in ({}, {"scope": "chain"}, {"q": "Olivia"}, {"action": "goals"}, {"plan": "draft"}):
        assert "Olivia Reyes" not in client.get(URL, query).content.decode()
    assert set(_rows(org.manager, chain=True)) == {"Brian Walsh"}
    assert sum(dashboard.action_counts(org.manager, chain=True).values()) == 1


def test_the_other_manager_sees_only_their_own_report(client, org):
    client.force_login(org.other_manager)
    assert _names(client.get(URL, {"scope": "chain"})) == ["Olivia Reyes"]


# --- what each row says ---------------------------------------------------------------------------------


def test_a_never_assessed_report_reads_never_and_no_plan(org):
    row = _row(org)
    assert row.last_assessed_at is None
    assert row.top_gaps == []
    assert row.plan_state_choice.label == "No plan"
    assert row.next_checkin is None
    assert row.overdue_count == 0


def test_top_gaps_are_the_three_biggest_priorities_of_the_latest_managers_assessment(org):
    _assess(org.employee_person, org.manager, days_ago=90, gaps={"coaching": (3, 30)})
    latest = _assess(
        org.employee_person,
        org.manager,
        days_ago=10,
        gaps={"delegation": (2, 18), "presenting": (1, 4), "time-management": (2, 12), "adaptability": (1, 2)},
    )
    SkillResult.objects.create(assessment=latest, skill=_skill("collaboration"), level=3, target=3, gap=0, priority=0)
    _assess(org.employee_person, org.employee, days_ago=1, kind=Assessment.Kind.SELF, gaps={"feedback": (3, 40)})
    row = _row(org)
    assert row.top_gaps == [("Delegation", 2), ("Time management", 2), ("Presenting", 1)]
    assert row.last_assessed_at == latest.submitted_at


def test_a_draft_assessment_does_not_count(org):
    Assessment.objects.create(
        person=org.employee_person, assessor=org.manager, rubric_version=current_rubric(), status="draft"
    )
    assert _row(org).last_assessed_at is None


@pytest.mark.parametrize(
    ("status", "revision", "agreed_revision", "label"),
    [
        (Plan.Status.DRAFT, 1, None, "Draft"),
        (Plan.Status.AGREED, 2, 1, "Awaiting agreement"),
        (Plan.Status.ACTIVE, 3, 2, "Awaiting agreement"),
        (Plan.Status.AGREED, 1, 1, "Agreed"),
        (Plan.Status.ACTIVE, 2, 2, "Active"),
    ],
)
def test_plan_status_in_plain_words(org, status, revision, agreed_revision, label):
    plan = _plan(org.employee_person, status, revision=revision, agreed_revision=agreed_revision)
    row = _row(org)
    assert row.plan_state_choice.label == label
    assert row.plan == plan
    assert dashboard.plan_state_of(plan).label == label


def test_an_ended_plan_is_no_plan(org):
    _plan(org.employee_person, Plan.Status.COMPLETED)
    assert _row(org).plan_state_choice.label == "No plan"


def test_next_checkin_is_the_open_plans_scheduled_one_and_is_flagged_when_overdue(org):
    old = _plan(org.employee_person, Plan.Status.CLOSED)
    _checkin(old, -30)
    plan = _plan(org.employee_person)
    _checkin(plan, -20, status=CheckIn.Status.HELD)
    scheduled = _checkin(plan, -2)
    row = _row(org)
    assert row.next_checkin == scheduled
    assert row.next_checkin_on == scheduled.scheduled_for
    assert row.checkin_is_overdue


def test_a_checkin_today_is_not_overdue(org):
    _checkin(_plan(org.employee_person), 0)
    assert not _row(org).checkin_is_overdue


def test_overdue_counts_open_plan_items_past_due_and_not_done(org):
    plan = _plan(org.employee_person)
    _goal(plan, "delegation", due_in_days=-1)
    _goal(plan, "presenting", due_in_days=-1, progress=Goal.Progress.ACHIEVED)
    _goal(plan, "coaching", due_in_days=5)
    _learning(plan, due_in_days=-3)
    _learning(plan, due_in_days=-3, status=LearningItem.Status.IN_PROGRESS)
    _learning(plan, due_in_days=-3, status=LearningItem.Status.POSTPONED)
    _learning(plan, due_in_days=-3, status=LearningItem.Status.COMPLETED, observed_at=timezone.now())
    _learning(plan, due_in_days=-3, status=LearningItem.Status.DROPPED)
    _learning(plan, due_in_days=0)
    _practice(plan, due_in_days=-1)
    _practice(plan, due_in_days=-1, status=PracticeItem.Status.DONE)
    _practice(plan, due_in_days=-1, status=PracticeItem.Status.DROPPED)
    PracticeItem.objects.create(plan=plan, description="No date")
    closed = _plan(org.employee_person, Plan.Status.CLOSED)
    _goal(closed, "delegation", due_in_days=-10)
    _learning(closed, due_in_days=-10)
    # 1 goal + 3 courses (planned, in progress, postponed) + 1 practice
    assert _row(org).overdue_count == 5


# --- the next action ----------------------------------------------------------------------------------------


def _action(org):
    return _row(org).action.key


def test_never_assessed_means_assess_even_with_a_plan(org):
    _checkin(_plan(org.employee_person), -3)
    assert _action(org) == "assess"


def test_no_plan_and_the_last_assessment_is_over_180_days_old_means_assess(org):
    _assess(org.employee_person, org.manager, days_ago=181)
    assert _action(org) == "assess"


def test_an_old_assessment_with_an_open_plan_does_not_ask_to_assess_again(org):
    _assess(org.employee_person, org.manager, days_ago=400)
    _checkin(_plan(org.employee_person), 5)
    assert _action(org) == "none"


def test_a_self_assessment_does_not_count_as_assessed(org):
    _assess(org.employee_person, org.employee, kind=Assessment.Kind.SELF)
    assert _action(org) == "assess"


def test_assessed_recently_with_gaps_and_no_plan_means_create_plan(org):
    _assess(org.employee_person, org.manager, days_ago=179, gaps={"delegation": (2, 18)})
    assert _action(org) == "start"
    assert _row(org).action_label == "Create plan"


def test_assessed_recently_without_gaps_and_no_plan_is_nothing_to_do_not_agree_plan(org):
    _assess(org.employee_person, org.manager, days_ago=10)
    row = _row(org)
    assert (row.top_gaps, row.plan_state_choice.label, row.action.key) == ([], "No plan", "none")


@pytest.mark.parametrize(
    ("status", "revision", "agreed_revision"), [(Plan.Status.DRAFT, 1, None), (Plan.Status.ACTIVE, 2, 1)]
)
def test_a_plan_awaiting_the_managers_confirmation_comes_before_an_overdue_checkin(
    org, status, revision, agreed_revision
):
    _assess(org.employee_person, org.manager)
    plan = _plan(org.employee_person, status, revision=revision, agreed_revision=agreed_revision)
    _checkin(plan, -5)
    assert _action(org) == "goals"  # no goal yet: nothing to confirm
    _goal(plan)
    assert _action(org) == "confirm"


@pytest.mark.parametrize(("days", "action"), [(-4, "checkin"), (0, "checkin"), (1, "none")])
def test_a_checkin_due_today_or_earlier_means_hold_checkin(org, days, action):
    _assess(org.employee_person, org.manager)
    _checkin(_plan(org.employee_person), days)
    assert _action(org) == action


def test_a_checkin_due_comes_before_feedback(org):
    _assess(org.employee_person, org.manager)
    plan = _plan(org.employee_person)
    _checkin(plan, 0)
    _learning(plan, status=LearningItem.Status.COMPLETED)
    assert _action(org) == "checkin"


def test_a_completed_course_awaiting_the_managers_observation_means_give_feedback(org):
    plan = _on_track(org.employee_person, org.manager)
    item = _learning(plan, status=LearningItem.Status.COMPLETED)
    assert _action(org) == "feedback"
    LearningItem.objects.filter(pk=item.pk).update(observed_at=timezone.now())
    assert _action(org) == "none"


def test_practice_with_a_reflection_and_no_answer_since_means_give_feedback(org):
    plan = _on_track(org.employee_person, org.manager)
    now = timezone.now()
    item = _practice(plan, status=PracticeItem.Status.DONE, reflected_at=now)
    assert _action(org) == "feedback"
    PracticeItem.objects.filter(pk=item.pk).update(feedback_at=now + timedelta(minutes=5))
    assert _action(org) == "none"
    PracticeItem.objects.filter(pk=item.pk).update(reflected_at=now + timedelta(minutes=10))
    assert _action(org) == "feedback"


def test_feedback_pending_in_an_ended_plan_is_ignored(org):
    _on_track(org.employee_person, org.manager)
    old = _plan(org.employee_person, Plan.Status.COMPLETED)
    _learning(old, status=LearningItem.Status.COMPLETED)
    assert _action(org) == "none"


def test_on_track_is_plain_text_without_a_button(client, org):
    _on_track(org.employee_person, org.manager)
    client.force_login(org.manager)
    body = client.get(URL).content.decode()
    assert "On track" in body
    assert "Assess<span" not in body
    assert "btn-sm" not in body


def test_assess_is_a_post_button_named_for_the_person(client, org):
    client.force_login(org.manager)
    body = client.get(URL).content.decode()
    assert f'action="{reverse("assessments:start_assessment", args=[org.employee_person.pk])}"' in body
    assert 'Assess<span class="visually-hidden"> Brian Walsh</span></button>' in body


def test_create_plan_links_to_the_page_that_drafts_it_from_the_gaps(client, org):
    _assess(org.employee_person, org.manager, gaps={"delegation": (2, 18)})
    client.force_login(org.manager)
    body = client.get(URL).content.decode()
    chooser = reverse("devplans:create_plan_from_gaps", args=[org.employee_person.pk])
    assert f'href="{chooser}">Create plan<span class="visually-hidden"> for Brian Walsh</span></a>' in body
    assert "Agree plan" not in body


def test_hold_checkin_links_to_the_checkin(client, org):
    _assess(org.employee_person, org.manager)
    checkin = _checkin(_plan(org.employee_person), -1)
    client.force_login(org.manager)
    body = client.get(URL).content.decode()
    assert f'href="{checkin.get_absolute_url()}">Hold check-in<span' in body
    assert "Overdue</span>" in body


def test_give_feedback_links_to_the_plan(client, org):
    plan = _on_track(org.employee_person, org.manager)
    _learning(plan, status=LearningItem.Status.COMPLETED)
    client.force_login(org.manager)
    body = client.get(URL).content.decode()
    assert f'href="{plan.get_absolute_url()}">Give feedback<span' in body


# --- sorting, filtering, bad input ----------------------------------------------------------------------


@pytest.fixture
def team(org):
    """Kate's four reports, one per next action: Brian (assess), Ann (agree), Cai (check-in), Dee (on track)."""
    ann = PersonFactory(manager=org.manager_person, full_name="Ann Agree")
    cai = PersonFactory(manager=org.manager_person, full_name="Cai Checkin")
    dee = PersonFactory(manager=org.manager_person, full_name="Dee Done")
    _assess(ann, org.manager, days_ago=30)
    _assess(cai, org.manager, days_ago=60)
    _assess(dee, org.manager, days_ago=10)
    _plan(ann, Plan.Status.DRAFT)
    cai_plan = _plan(cai)
    _checkin(cai_plan, -1)
    _goal(cai_plan, due_in_days=-1)
    _learning(cai_plan, due_in_days=-1)
    dee_plan = _plan(dee, Plan.Status.AGREED)
    _checkin(dee_plan, 10)
    _goal(dee_plan, due_in_days=-1)
    return org


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Ann Agree", "Brian Walsh", "Cai Checkin", "Dee Done"]),
        ("-name", ["Dee Done", "Cai Checkin", "Brian Walsh", "Ann Agree"]),
        ("last_assessed", ["Brian Walsh", "Cai Checkin", "Ann Agree", "Dee Done"]),
        ("-last_assessed", ["Dee Done", "Ann Agree", "Cai Checkin", "Brian Walsh"]),
        ("next_checkin", ["Cai Checkin", "Dee Done", "Ann Agree", "Brian Walsh"]),
        ("-overdue", ["Cai Checkin", "Dee Done", "Ann Agree", "Brian Walsh"]),
        ("overdue", ["Ann Agree", "Brian Walsh", "Dee Done", "Cai Checkin"]),
        ("action", ["Brian Walsh", "Ann Agree", "Cai Checkin", "Dee Done"]),
        ("-action", ["Dee Done", "Cai Checkin", "Ann Agree", "Brian Walsh"]),
    ],
)
def test_sort_by_each_column(client, team, sort, expected):
    client.force_login(team.manager)
    response = client.get(URL, {"sort": sort} if sort else {})
    assert _names(response) == expected


def test_sorting_happens_before_pagination(client, team, settings):
    settings.TEAM_PAGE_SIZE = 2
    client.force_login(team.manager)
    first = client.get(URL, {"sort": "action"})
    second = client.get(URL, {"sort": "action", "page": 2})
    assert _names(first) + _names(second) == ["Brian Walsh", "Ann Agree", "Cai Checkin", "Dee Done"]
    assert 'href="?sort=action&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "assess"}, ["Brian Walsh"]),
        ({"action": "goals"}, ["Ann Agree"]),
        ({"action": "confirm"}, []),
        ({"action": "waiting"}, []),
        ({"action": "checkin"}, ["Cai Checkin"]),
        ({"action": "feedback"}, []),
        ({"action": "none"}, ["Dee Done"]),
        ({"plan": "none"}, ["Brian Walsh"]),
        ({"plan": "draft"}, ["Ann Agree"]),
        ({"plan": "active"}, ["Cai Checkin"]),
        ({"plan": "agreed"}, ["Dee Done"]),
        ({"plan": "awaiting"}, []),
        ({"plan": "active", "action": "checkin", "q": "cai"}, ["Cai Checkin"]),
        ({"plan": "active", "action": "assess"}, []),
    ],
)
def test_filter_by_next_action_and_plan(client, team, query, expected):
    client.force_login(team.manager)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_filters_and_sort_stay_in_the_pagination_links(client, team, settings):
    settings.TEAM_PAGE_SIZE = 1
    client.force_login(team.manager)
    body = client.get(URL, {"scope": "chain", "q": "e", "plan": "active", "sort": "-overdue", "page": 1})
    assert "Page 1 of" not in body.content.decode()  # one match: no pagination
    body = client.get(URL, {"scope": "chain", "q": "e", "sort": "-overdue"}).content.decode()
    assert 'href="?scope=chain&amp;q=e&amp;sort=-overdue&amp;page=2"' in body


def test_an_empty_filter_result_offers_to_show_everyone(client, team):
    client.force_login(team.manager)
    body = client.get(URL, {"action": "feedback", "sort": "overdue"}).content.decode()
    assert "Nobody matches with these filters" in body
    assert '<a href="?sort=overdue">Show everyone</a>' in body


@pytest.mark.parametrize(
    "query",
    [
        {"scope": "everyone", "page": "abc"},
        {"sort": "salary"},
        {"sort": "--name"},
        {"action": "fire"},
        {"plan": "secret"},
        {"page": "0"},
        {"q": "x" * 101},
    ],
)
def test_a_bad_query_string_shows_a_message_and_the_default_view(client, team, query):
    client.force_login(team.manager)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "That filter was not understood" in response.content.decode()
    assert _names(response) == ["Ann Agree", "Brian Walsh", "Cai Checkin", "Dee Done"]


def test_a_page_past_the_end_shows_the_last_page(client, team):
    client.force_login(team.manager)
    response = client.get(URL, {"page": 99})
    assert response.status_code == 200
    assert len(_names(response)) == 4


# --- the summary and the manager's own plan ----------------------------------------------------------------


def test_summary_counts_each_action_and_links_to_its_filter(client, team):
    cai = team.manager_person.reports.get(full_name="Cai Checkin")
    _learning(Plan.objects.get(person=cai), status=LearningItem.Status.COMPLETED)
    eve = PersonFactory(manager=team.manager_person, full_name="Eve Extra")
    _assess(eve, team.manager, gaps={"delegation": (2, 18)})
    client.force_login(team.manager)
    response = client.get(URL, {"sort": "name", "plan": "draft"})
    body = response.content.decode()
    assert dashboard.action_counts(team.manager) == {
        "assess": 1,
        "start": 1,
        "goals": 1,
        "confirm": 0,
        "checkin": 1,
        "feedback": 0,
        "waiting": 0,
        "none": 1,
    }
    assert '<a href="?action=assess">1 to assess</a>' in body
    assert '<a href="?action=start">1 plan to create</a>' in body
    assert '<a href="?action=goals">1 plan without goals</a>' in body
    assert "to confirm" not in body
    assert '<a href="?action=checkin">1 check-in due</a>' in body
    assert "awaiting feedback" not in body


def test_summary_follows_the_scope(client, team):
    lead = team.manager_person.reports.get(full_name="Dee Done")
    PersonFactory(manager=lead, full_name="Fay Far")
    client.force_login(team.manager)
    assert dashboard.action_counts(team.manager)["assess"] == 1
    assert dashboard.action_counts(team.manager, chain=True)["assess"] == 2
    body = client.get(URL, {"scope": "chain"}).content.decode()
    assert '<a href="?scope=chain&amp;action=assess">2 to assess</a>' in body


def test_summary_says_so_when_everyone_is_on_track(client, org):
    _on_track(org.employee_person, org.manager)
    client.force_login(org.manager)
    assert "everyone is on track" in client.get(URL).content.decode()


def test_the_managers_own_plan_card(client, org):
    client.force_login(org.manager)
    body = client.get(URL).content.decode()
    assert "Your own plan" in body
    assert "Start on my plan" in body
    own = _plan(org.manager_person, Plan.Status.AGREED, revision=2, agreed_revision=1)
    _checkin(own, 14)
    response = client.get(URL)
    body = response.content.decode()
    assert response.context["own_plan"] == own
    assert "Awaiting agreement" in body
    assert f'<a href="{reverse("devplans:my_plan")}">Open my plan</a>' in body
    assert "next check-in" in body


def test_the_own_plan_card_ignores_ended_plans(client, org):
    _plan(org.manager_person, Plan.Status.CLOSED)
    client.force_login(org.manager)
    assert client.get(URL).context["own_plan"] is None


# --- query count -------------------------------------------------------------------------------------------------


def _busy_report(manager_person, assessor):
    person = PersonFactory(manager=manager_person)
    _assess(person, assessor, gaps={"delegation": (2, 18), "presenting": (1, 4), "coaching": (1, 3)})
    plan = _plan(person)
    _checkin(plan, 3)
    _goal(plan, due_in_days=-1)
    _learning(plan, due_in_days=-2)
    _learning(plan, status=LearningItem.Status.COMPLETED)
    _practice(plan, due_in_days=-1, reflected_at=timezone.now())
    return person


MAX_QUERIES = 12  # 11, and one for the "Waiting for you" items


@pytest.mark.parametrize("size", [5, 50])
def test_team_page_query_count_is_the_same_for_5_and_50_reports(client, org, size, django_assert_max_num_queries):
    for _ in range(size):
        _busy_report(org.manager_person, org.manager)
    client.force_login(org.manager)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, {"sort": "-overdue"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size + 1  # plus Brian
    rows = response.context["page"].object_list
    assert all(len(p.top_gaps) == 3 and p.overdue_count == 3 for p in rows if p.full_name != "Brian Walsh")


@pytest.mark.parametrize("size", [5, 50])
def test_whole_chain_query_count_does_not_grow(client, org, size, django_assert_max_num_queries):
    lead = PersonFactory(manager=org.manager_person, job_title="Team Lead")
    for _ in range(size):
        _busy_report(lead, org.manager)
    client.force_login(org.manager)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, {"scope": "chain", "action": "feedback", "sort": "next_checkin"})
    assert response.context["page"].paginator.count == size
