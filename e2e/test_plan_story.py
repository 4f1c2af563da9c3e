"""The development plan story: Kate assesses Brian, creates a plan from his gaps with two courses
and adds a practice item, Brian logs in and agrees it, Kate records a check-in with feedback,
and Brian sees it on his plan. Screenshots of the plan page on a laptop and on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment, RoleProfile
from assessments.services.roles import set_person_role
from devplans.models import CheckIn, Plan
from devplans.services.timeline import show
from devplans.tests.helpers import course_for
from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PRACTICE = "Run the Monday stand-up for four weeks"
FEEDBACK = "Good start: you handed the release plan to Ana and stayed out of it."


def _settle(page):
    """Let a section's debounced htmx save (change delay:300ms) fire and its response swap in."""
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _charts_drawn(page):
    """Wait until every chart on the page is drawn and done animating, so a screenshot shows its real bars."""
    page.wait_for_function(
        """() => {
            const canvases = [...document.querySelectorAll("canvas[data-chart]")];
            return window.Chart && canvases.every(c => c.dataset.drawn && !Chart.animator.running(Chart.getChart(c)));
        }"""
    )


def _rate_low(page, skill, mistakes, how_often):
    """Rate every behaviour of one skill badly (warning signs always, strengths never) and answer the triage."""

    def section():
        return page.locator("form.skill-section", has=page.get_by_role("heading", name=skill, exact=True))

    answers = []
    for fieldset in section().locator("fieldset.behaviour").all():
        answer = "Always" if "Warning sign" in fieldset.locator("legend").inner_text() else "Never"
        answers.append(answer)
        fieldset.get_by_text(answer, exact=True).click()
        page.wait_for_timeout(100)
    # The section saves itself and, now below target, asks the three triage questions.
    section().get_by_label("What mistakes have you observed?").wait_for()
    _settle(page)
    # A swap that landed between two clicks would undo the later ones: click again whatever it undid.
    for fieldset, answer in zip(section().locator("fieldset.behaviour").all(), answers, strict=True):
        if not fieldset.get_by_label(answer, exact=True).is_checked():
            fieldset.get_by_text(answer, exact=True).click()
            _settle(page)
    section().get_by_label("What mistakes have you observed?").fill(mistakes)
    section().get_by_label("How often do they happen?").select_option(label=how_often)
    section().get_by_text("High", exact=True).click()
    _settle(page)
    expect(section().get_by_text("Below target")).to_be_visible()


def test_plan_from_gaps_agreed_and_checked_in(browser, page, phone, live_server, org, screenshot):
    set_person_role(
        person=org.employee_person,
        current=RoleProfile.objects.get(key="engineer"),
        target=RoleProfile.objects.get(key="team-lead"),
    )
    course_for("delegation", 1, 3, title="Delegation in practice", duration_minutes=45)
    course_for("coaching", 1, 3, title="Coaching conversations", duration_minutes=60)
    due = timezone.localdate() + timedelta(weeks=4)

    # Kate assesses Brian: Delegation and Coaching others well below the Team Lead target.
    kate = page
    log_in(kate, live_server, org.manager.email)
    kate.wait_for_url(f"{live_server.url}/team/")
    kate.get_by_role("button", name="Assess Brian Walsh").click()
    kate.wait_for_url("**/assessments/*/")
    _rate_low(kate, "Delegation", "Could not hand out the processor project", "About weekly")
    _rate_low(kate, "Coaching others", "Takes over the keyboard when a junior is stuck", "About monthly")
    kate.get_by_role("button", name="Submit the assessment").click()
    kate.get_by_text("is submitted").wait_for()
    assessment = Assessment.objects.get()
    assert assessment.status == Assessment.Status.SUBMITTED
    gaps = assessment.skill_results.filter(gap__gt=0)
    assert {r.skill.key: (r.level, r.gap, r.impact, r.mistake_frequency) for r in gaps} == {
        "delegation": (1, 2, 3, 3),
        "coaching": (1, 2, 3, 2),
    }

    # From Brian's page, Kate drafts the plan from his gaps: two goals, one course for each.
    kate.get_by_role("link", name="Brian Walsh").first.click()
    panel = kate.locator("#plan-panel")
    panel.wait_for()
    panel.get_by_role("button", name="Create plan from gaps").click()
    kate.wait_for_url("**/plan/*/")
    plan = Plan.objects.get()
    assert kate.url == f"{live_server.url}/plan/{plan.pk}/"
    assert plan.source_assessment == assessment
    expect(kate.get_by_text("Plan drafted from Brian Walsh's biggest gaps: 2 goals and 2 courses.")).to_be_visible()
    goals = kate.locator("#goals")
    expect(goals.get_by_role("heading", name="Delegation", exact=True)).to_be_visible()
    expect(goals.get_by_role("heading", name="Coaching others", exact=True)).to_be_visible()
    expect(goals.get_by_role("link", name="Delegation in practice", exact=True)).to_be_visible()
    expect(goals.get_by_role("link", name="Coaching conversations", exact=True)).to_be_visible()
    delegation_goal = kate.locator("article", has=kate.get_by_role("heading", name="Delegation", exact=True))
    expect(delegation_goal.get_by_role("link", name="Delegation in practice", exact=True)).to_be_visible()

    # Kate adds on-the-job practice for Delegation, then confirms revision 1.
    add_practice = kate.locator("#add-practice")
    add_practice.get_by_text("Add practice", exact=True).click()
    add_practice.get_by_label("Assignment").fill(PRACTICE)
    add_practice.get_by_label("For the goal").select_option(label="Delegation")
    add_practice.get_by_label("Do by").fill(due.isoformat())
    add_practice.get_by_role("button", name="Add the practice").click()
    expect(kate.get_by_text(f"Practice added: {PRACTICE}")).to_be_visible()
    practice = delegation_goal.get_by_role("listitem").filter(has_text=PRACTICE)
    expect(practice).to_contain_text(f"do by {due.day} {due:%b %Y}")
    expect(kate.locator("#next-steps-heading + ol")).to_contain_text("Confirm revision 1 of the plan")
    kate.locator("#agreement").get_by_role("button", name="Confirm the plan").click()
    expect(kate.get_by_text("You confirmed revision 1. The other side confirms it next.")).to_be_visible()
    expect(kate.locator("#agreement")).to_contain_text("Brian Walsh: not yet")

    # Brian logs in, lands on his plan, and is asked to confirm it first.
    brian_context = browser.new_context(viewport=LAPTOP)
    try:
        brian = brian_context.new_page()
        log_in(brian, live_server, org.employee.email)
        brian.wait_for_url(f"{live_server.url}/my-plan/")
        expect(brian.get_by_role("heading", name="My development plan", level=1)).to_be_visible()
        next_steps = brian.locator("section", has=brian.get_by_role("heading", name="What to do next"))
        expect(next_steps.get_by_role("listitem").first).to_have_text("Read the plan and confirm revision 1")
        expect(brian.get_by_role("link", name="Coaching conversations", exact=True)).to_be_visible()
        expect(brian.get_by_text(PRACTICE, exact=True)).to_be_visible()
        brian.locator("#agreement").get_by_role("button", name="Confirm the plan").click()
        expect(brian.get_by_text("Agreed: both of you confirmed revision 1.")).to_be_visible()
        plan.refresh_from_db()
        assert (plan.status, plan.agreed_revision) == (Plan.Status.AGREED, 1)

        # Kate holds the first check-in from the plan page and records it.
        kate.goto(f"{live_server.url}/plan/{plan.pk}/")
        kate.locator("#checkins").get_by_role("link", name="Hold check-in").click()
        kate.wait_for_url("**/checkins/*/")
        expect(kate.get_by_role("heading", name="Agenda")).to_be_visible()
        expect(kate.get_by_role("heading", name="Record the check-in")).to_be_visible()
        kate.get_by_label("Progress on Delegation").select_option(label="Started")
        kate.get_by_label("Progress on Coaching others").select_option(label="On track")
        kate.get_by_label("Your feedback").fill(FEEDBACK)
        screenshot(kate, "checkin-page")
        kate.get_by_role("button", name="Record the check-in").click()
        expect(kate.get_by_text("Check-in recorded. The next one is on the plan.")).to_be_visible()
        expect(kate.get_by_role("heading", name="Progress per goal")).to_be_visible()
        screenshot(kate, "checkin-held")

        # Brian reads the feedback on his plan, and finds the check-in in the plan's timeline.
        brian.reload()
        held = brian.locator("#checkins")
        expect(held.get_by_text(FEEDBACK)).to_be_visible()
        expect(brian.locator("#feedback").get_by_text(FEEDBACK)).to_be_visible()
        brian.get_by_role("heading", name="Skill gaps").wait_for()  # the gaps panel, loaded with htmx
        _charts_drawn(brian)
        screenshot(brian, "my-plan-brian")
        brian.get_by_role("link", name="Open the full plan").click()
        brian.wait_for_url(f"{live_server.url}/plan/{plan.pk}/")
        timeline = brian.locator("#timeline")
        timeline.get_by_text("Everything that happened in this plan").click()
        expect(timeline.get_by_text(f"Check-in held on {show(timezone.localdate())}: {FEEDBACK}")).to_be_visible()
    finally:
        brian_context.close()

    # The plan page as Kate sees it, on her laptop and on a phone.
    kate.goto(f"{live_server.url}/plan/{plan.pk}/")
    expect(kate.locator("#checkins").get_by_text(FEEDBACK)).to_be_visible()
    _charts_drawn(kate)
    screenshot(kate, "plan-page-laptop")
    log_in(phone, live_server, org.manager.email)
    phone.wait_for_url(f"{live_server.url}/team/")
    phone.goto(f"{live_server.url}/plan/{plan.pk}/")
    expect(phone.locator("#checkins").get_by_text(FEEDBACK)).to_be_visible()
    _charts_drawn(phone)
    screenshot(phone, "plan-page-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the plan page scrolls sideways"

    plan.refresh_from_db()
    assert plan.learning_items.count() == 2
    assert list(plan.practice_items.values_list("description", "goal__skill__key", "due_on")) == [
        (PRACTICE, "delegation", due)
    ]
    held_checkin = plan.checkins.get(status=CheckIn.Status.HELD)
    assert held_checkin.manager_feedback == FEEDBACK
    assert {p.goal.skill.key: p.progress for p in held_checkin.goal_progress.select_related("goal__skill")} == {
        "delegation": "started",
        "coaching": "on_track",
    }
    assert plan.checkins.filter(status=CheckIn.Status.SCHEDULED).count() == 1
