"""The team dashboard and the plan page say the same thing about the same plan, whatever state it is in.

One table over the states a report and their plan go through. For each, the team dashboard's Plan column
must read as the plan page's status badges, its next action must be the plan page's (or the plan panel's)
next step in short, and "Agree plan" (a plan with nothing to agree, as seen next to "No gaps") never shows.
Every plan is made through the services, so the confirmations are real revisions.
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from devplans.models import CheckIn, Plan
from devplans.services import plans
from devplans.tests.helpers import agreed_plan, assess, plan_with_goal
from people.models import Person
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _cell(body: str, person: str, label: str) -> str:
    row = re.search(rf"<tr>\s*<td data-label=\"Name\"><a [^>]*>{person}</a>.*?</tr>", body, re.S)
    assert row, f"no row for {person}"
    cell = re.search(rf'<td data-label="{label}">(.*?)</td>\s*(?=<td|</tr>)', row.group(0), re.S)
    return _text(re.sub(r'<span class="visually-hidden">.*?</span>', "", cell.group(1)))


def _plan_badges(body: str) -> str:
    return _text(re.search(r'<p class="lead mb-0">(.*?)<span class="fs-6">', body, re.S).group(1))


def _next_steps(body: str) -> list[str]:
    section = re.search(r'id="next-steps-heading">What to do next</h2>(.*?)</section>', body, re.S)
    return [_text(li) for li in re.findall(r"<li>(.*?)</li>", section.group(1), re.S)] if section else []


def _gaps(org):
    assess(org.employee_person, org.manager, delegation=(1, 3, 9))


def _draft(org):
    _gaps(org)
    return plan_with_goal(org)[0]


def _second_revision(org):
    _gaps(org)
    plan, goal = agreed_plan(org)
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    return plan


def no_assessment(org):
    return None


def gaps_no_plan(org):
    _gaps(org)


def no_gaps_no_plan(org):
    assess(org.employee_person, org.manager, delegation=(3, 3, 0))


def draft_without_goals(org):
    _gaps(org)
    return plans.create_plan(person=org.employee_person, by=org.manager)


def draft_nobody_confirmed(org):
    return _draft(org)


def draft_person_confirmed(org):
    plan = _draft(org)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    return plan


def draft_manager_confirmed(org):
    plan = _draft(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    return plan


def agreed(org):
    _gaps(org)
    return agreed_plan(org)[0]


def revision_2_nobody_confirmed(org):
    return _second_revision(org)


def revision_2_manager_confirmed(org):
    plan = _second_revision(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=2)
    return plan


def active_checkin_due_waiting_for_brian(org):
    plan = _second_revision(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=2)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ACTIVE)
    CheckIn.objects.filter(plan=plan).update(scheduled_for=timezone.localdate())
    return plan


# (state, plan column = plan page badges, next action on the dashboard, the plan page's step for Kate)
STATES = [
    (no_assessment, "No plan", "Assess", None),
    (gaps_no_plan, "No plan", "Create plan", None),
    (no_gaps_no_plan, "No plan", "On track", None),
    (draft_without_goals, "Draft Awaiting agreement", "Add goals", "Add a goal: the plan is agreed on its goals"),
    (draft_nobody_confirmed, "Draft Awaiting agreement", "Confirm plan", "Confirm revision 1 of the plan"),
    (draft_person_confirmed, "Draft Awaiting agreement", "Confirm plan", "Confirm revision 1 of the plan"),
    (
        draft_manager_confirmed,
        "Draft Awaiting agreement",
        "Waiting for Brian Walsh",
        "Waiting for Brian Walsh to confirm revision 1",
    ),
    (agreed, "Agreed", "On track", None),
    (revision_2_nobody_confirmed, "Agreed Awaiting agreement", "Confirm plan", "Confirm revision 2 of the plan"),
    (
        revision_2_manager_confirmed,
        "Agreed Awaiting agreement",
        "Waiting for Brian Walsh",
        "Waiting for Brian Walsh to confirm revision 2",
    ),
    (
        active_checkin_due_waiting_for_brian,
        "Active Awaiting agreement",
        "Hold check-in",
        "Waiting for Brian Walsh to confirm revision 2",
    ),
]


@pytest.mark.parametrize(("state", "plan_words", "action", "step"), STATES, ids=[s[0].__name__ for s in STATES])
def test_the_team_dashboard_says_what_the_plan_page_says(client, org, state, plan_words, action, step):
    plan = state(org)
    client.force_login(org.manager)
    team = client.get(reverse("devplans:team")).content.decode()
    assert _cell(team, "Brian Walsh", "Plan") == plan_words
    assert _cell(team, "Brian Walsh", "Next action") == action
    assert "Agree plan" not in team
    if plan is None:
        panel = client.get(reverse("devplans:person_plan_panel", args=[org.employee_person.pk])).content.decode()
        expected = {
            "Assess": "has not been assessed yet",
            "Create plan": "Create plan from gaps",
            "On track": "shows no gaps",
        }[action]
        assert expected in panel
        if action == "On track":
            assert _cell(team, "Brian Walsh", "Top gaps") == "No gaps"
        return
    page = client.get(plan.get_absolute_url()).content.decode()
    assert _plan_badges(page) == plan_words
    steps = _next_steps(page)
    agreement = [s for s in steps if "confirm" in s.lower() or "goal" in s.lower()]
    assert agreement == ([step] if step else [])
    if action == "Hold check-in":
        assert steps[0].startswith("Hold the check-in due")


def test_brian_reads_the_same_state_from_his_side(client, org):
    plan = draft_manager_confirmed(org)
    client.force_login(org.employee)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert _next_steps(page)[0] == "Read the plan and confirm revision 1"
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    client.force_login(org.manager)
    team = client.get(reverse("devplans:team")).content.decode()
    assert _cell(team, "Brian Walsh", "Plan") == "Agreed"


def test_brian_waits_for_kate_once_he_confirmed(client, org):
    plan = draft_person_confirmed(org)
    client.force_login(org.employee)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert _next_steps(page)[0] == "Waiting for Kate Morgan to confirm revision 1"


@pytest.mark.parametrize(
    ("confirmed_by", "action", "step"),
    [
        (
            (),
            "Waiting for Kate Morgan and Brian Walsh",
            "Waiting for Kate Morgan and Brian Walsh to confirm revision 1",
        ),
        (("employee",), "Waiting for Kate Morgan", "Waiting for Kate Morgan to confirm revision 1"),
        (("manager",), "Waiting for Brian Walsh", "Waiting for Brian Walsh to confirm revision 1"),
    ],
)
def test_higher_up_the_chain_the_dashboard_and_the_plan_page_name_who_confirms(client, org, confirmed_by, action, step):
    """Kate's own manager sees Brian in the whole chain: the direct manager confirms, so they wait for her."""
    dana = PersonFactory(full_name="Dana Director")
    Person.objects.filter(pk=org.manager_person.pk).update(manager=dana)
    plan = _draft(org)
    for side in confirmed_by:
        plans.confirm_plan(plan=plan, by=getattr(org, side), revision=1)
    client.force_login(dana.user)
    team = client.get(reverse("devplans:team"), {"scope": "chain"}).content.decode()
    assert _cell(team, "Brian Walsh", "Next action") == action
    page = client.get(plan.get_absolute_url()).content.decode()
    assert _next_steps(page)[0] == step
