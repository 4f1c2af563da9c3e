"""The development plan story: Kate assesses Brian, chooses the gaps the plan is made from (two goals, a
course each) and adds a practice item, Brian logs in and agrees it, Kate records a check-in with feedback,
and Brian sees it on his plan. Screenshots of the plan page on a laptop and on a phone; and the page where
Kate chooses the gaps, on a laptop and on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment, Impact, RoleProfile, SkillResult
from assessments.services.roles import set_person_role
from devplans.models import CheckIn, Plan
from devplans.services.timeline import show
from devplans.tests.helpers import assess, course_for
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
    section().get_by_role("radiogroup", name="How often do they happen?").get_by_text(how_often, exact=True).click()
    section().get_by_role("radiogroup", name="What is the business impact?").get_by_text("High", exact=True).click()
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

    # From Brian's page, Kate drafts the plan from his gaps: both are ticked (the biggest, and rated high
    # impact), each with its best course; she keeps them and creates the plan: two goals, one course each.
    kate.get_by_role("link", name="Brian Walsh").first.click()
    panel = kate.locator("#plan-panel")
    panel.wait_for()
    panel.get_by_role("link", name="Create plan from gaps").click()
    kate.wait_for_url(f"**/people/{org.employee_person.pk}/plans/from-gaps/")
    expect(kate.get_by_label("1. Delegation")).to_be_checked()
    expect(kate.get_by_label("2. Coaching others")).to_be_checked()
    expect(kate.locator("#gap-coaching-about")).to_contain_text("Best course: Coaching conversations")
    kate.get_by_role("button", name="Create the plan with the ticked gaps").click()
    kate.wait_for_url("**/plan/*/")
    plan = Plan.objects.get()
    assert kate.url == f"{live_server.url}/plan/{plan.pk}/"
    assert plan.source_assessment == assessment
    expect(kate.get_by_text("Plan drafted from Brian Walsh's gaps: 2 goals and 2 courses.")).to_be_visible()
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


def test_kate_chooses_the_gaps_and_a_high_impact_one_is_ticked(browser, page, phone, live_server, org, screenshot):
    """Point 3: every below-target gap ranked, the top three and the high-impact ones ticked, each with its best
    course; Kate unticks one, ticks another, and gets one goal per chosen gap with its course."""
    assessment = assess(
        org.employee_person,
        org.manager,
        delegation=(1, 3, 18),
        coaching=(1, 3, 12),
        feedback=(2, 3, 6),
        presenting=(2, 3, 3),
        adaptability=(2, 3, 2),
    )
    SkillResult.objects.filter(assessment=assessment, skill__key="presenting").update(impact=Impact.HIGH)
    SkillResult.objects.filter(assessment=assessment).update(mistakes="Seen in the last two releases.")
    course_for("delegation", 1, 3, title="Delegation in practice", duration_minutes=45)
    course_for("coaching", 1, 3, title="The Manager as Coach", duration_minutes=420)
    course_for("presenting", 2, 3, title="Storytelling with Data", duration_minutes=90)
    course_for("adaptability", 2, 3, title="Leading through change", duration_minutes=60)
    chooser = f"{live_server.url}/people/{org.employee_person.pk}/plans/from-gaps/"

    log_in(page, live_server, org.manager.email)
    page.wait_for_url(f"{live_server.url}/team/")
    page.goto(chooser)
    expect(page.get_by_role("heading", name="Plan from Brian Walsh's gaps")).to_be_visible()
    for label in ("1. Delegation", "2. Coaching others", "3. Giving and receiving feedback", "4. Presenting"):
        expect(page.get_by_label(label)).to_be_checked()
    expect(page.get_by_label("5. Adaptability")).not_to_be_checked()
    expect(page.locator("#gap-presenting-about")).to_contain_text("ticked: you rated its business impact high")
    expect(page.locator("#gap-presenting-about")).to_contain_text("Best course: Storytelling with Data")
    expect(page.locator("#gap-feedback-about")).to_contain_text("No course")
    screenshot(page, "plan-from-gaps-laptop")
    log_in(phone, live_server, org.manager.email)
    phone.goto(chooser)
    expect(phone.get_by_label("4. Presenting")).to_be_checked()
    screenshot(phone, "plan-from-gaps-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the chooser scrolls sideways"

    page.get_by_label("3. Giving and receiving feedback").uncheck()
    page.get_by_label("5. Adaptability").check()
    page.get_by_role("button", name="Create the plan with the ticked gaps").click()
    page.wait_for_url("**/plan/*/")
    expect(page.get_by_text("Plan drafted from Brian Walsh's gaps: 4 goals and 4 courses.")).to_be_visible()
    plan = Plan.objects.get()
    goals = {g.skill.key: [i.course.title for i in g.learning_items.all()] for g in plan.goals.select_related("skill")}
    assert goals == {
        "delegation": ["Delegation in practice"],
        "coaching": ["The Manager as Coach"],
        "presenting": ["Storytelling with Data"],
        "adaptability": ["Leading through change"],
    }

    # Back on the page, the plan is there: the goals it has are shown, the rest are added to it.
    page.goto(chooser)
    expect(page.get_by_text("Brian Walsh already has a plan")).to_be_visible()
    expect(page.get_by_label("1. Delegation")).to_be_disabled()
    expect(page.get_by_label("3. Giving and receiving feedback")).to_be_checked()  # still one of the three biggest
    page.get_by_role("button", name="Add the ticked gaps to the plan").click()
    expect(page.get_by_text("Added to Brian Walsh's plan: 1 goal and 0 courses.")).to_be_visible()
    assert plan.goals.count() == 5 and Plan.objects.count() == 1
