"""The manager's core path, counted: from the team page to a plan waiting for the employee.

Kate, on the demo organisation, assesses Brian on five skills (each below target, so each with its
triage questions), submits, makes the plan from the gaps, adds a practice item and one course she
searched for, and confirms the plan. Every action a person would take is counted: a click, a field
filled, a run of keys. The count is written in the README ("The manager's path, counted").
"""

import re

import pytest
from django.core.management import call_command

from devplans.models import Plan
from people.models import OutboundEmail
from skillbridge.demo_data import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SKILLS = ["Presenting", "Delegation", "Verbal communication", "Project leadership", "Coaching others"]
LIMIT = 40


class Counter:
    def __init__(self, page):
        self.page = page
        self.actions = []

    def click(self, locator, what):
        locator.click()
        self.actions.append(f"click: {what}")

    def fill(self, locator, text, what):
        locator.fill(text)
        self.actions.append(f"fill: {what}")

    def keys(self, text, what):
        self.page.keyboard.type(text, delay=80)
        self.actions.append(f"keys: {what}")


def _section(page, name):
    return page.locator("form.skill-section", has=page.get_by_role("heading", name=name, exact=True))


def test_team_page_to_a_plan_waiting_for_brian_in_at_most_40_actions(page, live_server, screenshot, capsys):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("kate@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/team/")
    do = Counter(page)

    do.click(page.get_by_role("button", name="Assess Brian Walsh"), "Assess Brian Walsh")
    page.wait_for_url("**/assessments/*/")
    for name in SKILLS:
        card = _section(page, name)
        behaviours = card.locator("fieldset.behaviour")
        # Warning signs "Often" (4), strengths "Rarely" (2): one run of keys rates the whole skill.
        keys = "".join(
            "4" if "Warning sign" in fieldset.locator("legend").inner_text() else "2" for fieldset in behaviours.all()
        )
        do.click(behaviours.first.locator("label").first, f"{name}: first behaviour (Not observed, as it was)")
        do.keys(keys, f"{name}: rate {len(keys)} behaviours")
        mistakes = card.get_by_label("What mistakes have you observed?")
        mistakes.wait_for()
        do.fill(mistakes, f"Seen in the last sprint: {name.lower()} fell short.", f"{name}: mistakes")
        do.click(
            card.get_by_role("radiogroup", name="What is the business impact?").get_by_text("High"), f"{name}: impact"
        )
    do.click(page.get_by_role("button", name="Submit the assessment"), "Submit the assessment")
    page.get_by_text("is submitted").wait_for()

    do.click(page.get_by_role("link", name="Make or update the plan from these gaps"), "Plan from these gaps")
    chosen = page.locator("input[name=skill]:checked")
    chosen.first.wait_for()
    assert chosen.count() == len(SKILLS)  # all five: every one was rated high impact
    do.click(page.get_by_role("button", name=re.compile("Create the plan with the ticked gaps")), "Create the plan")
    page.wait_for_url("**/plan/*/")

    do.click(page.locator("#add-practice summary"), "Open Add practice")
    practice = page.locator("#add-practice form")
    do.fill(practice.get_by_label("Assignment"), "Present the sprint demo for the next four weeks", "Assignment")
    do.click(practice.get_by_role("button", name="Add the practice"), "Add the practice")
    page.get_by_text("Present the sprint demo for the next four weeks").first.wait_for()

    do.click(page.locator("#add-course summary"), "Open Add a course")
    do.fill(page.get_by_label("Search the catalog"), "public speaking", "Search the catalog")
    do.click(page.get_by_role("button", name="Search"), "Search")
    found = page.locator("input[id^=add-course-found-]").first
    found.wait_for()
    title = page.locator(f"label[for='{found.get_attribute('id')}']").inner_text().splitlines()[0]
    do.click(found, f"Pick the course found: {title}")
    do.click(page.get_by_role("button", name="Add the course"), "Add the course")
    page.wait_for_url("**/plan/*/**")

    do.click(page.get_by_role("button", name="Confirm the plan"), "Confirm the plan")
    page.get_by_text("Waiting for Brian").first.wait_for()
    screenshot(page, "manager-path-plan-waiting-for-brian")

    with capsys.disabled():
        print(f"\nThe manager's path took {len(do.actions)} actions:\n  " + "\n  ".join(do.actions))
    plan = Plan.objects.get(person__full_name="Brian Walsh")
    assert plan.goals.count() == len(SKILLS)
    assert plan.practice_items.count() == 1
    assert plan.learning_items.count() >= len(SKILLS)
    assert OutboundEmail.objects.filter(to__icontains="brian@example.com").exists()
    assert plan.learning_items.filter(course__title=title).exists()
    assert len(do.actions) <= LIMIT
