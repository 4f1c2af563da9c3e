import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devplans.models import Plan
from devplans.services import plans
from devplans.tests.helpers import assess, course_for
from e2e.conftest import log_in
from people.models import OutboundEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kate_logs_in_and_sees_brian_on_her_team(page, live_server, org, screenshot):
    log_in(page, live_server, org.manager.email)
    page.wait_for_url(f"{live_server.url}/team/")
    assert page.get_by_role("heading", name="My team").is_visible()
    page.get_by_role("link", name="Brian Walsh").click()
    page.wait_for_url(f"{live_server.url}/people/{org.employee_person.pk}/")
    assert page.get_by_role("heading", name="Brian Walsh").is_visible()
    page.go_back()
    screenshot(page, "team-laptop")


def test_team_page_works_on_a_phone_with_the_keyboard(phone, live_server, org, screenshot):
    log_in(phone, live_server, org.manager.email)
    phone.wait_for_url(f"{live_server.url}/team/")
    assert phone.get_by_role("link", name="Brian Walsh").is_visible()
    # The menu collapses behind a labelled button on a phone.
    assert phone.get_by_role("button", name="Show the menu").is_visible()
    screenshot(phone, "team-phone")
    # Keyboard: the first Tab reaches the skip link, and it moves focus to the content.
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent").strip() == "Skip to main content"


def test_kate_confirms_brian_is_told_and_confirms_and_the_team_row_reads_agreed(
    browser, page, live_server, org, screenshot
):
    """Point 5: the other side is told. Kate confirms Brian's plan; the plan page says Brian was told; Brian
    finds the "Waiting for you" item on My plan (laptop and phone), confirms; Kate's team row reads Agreed."""
    assess(org.employee_person, org.manager, delegation=(1, 3, 18), coaching=(1, 3, 12))
    course_for("delegation", title="Delegation in practice")
    plan = plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)

    kate = page
    log_in(kate, live_server, org.manager.email)
    kate.wait_for_url(f"{live_server.url}/team/")
    row = kate.get_by_role("row").filter(has=kate.get_by_role("link", name="Brian Walsh"))
    expect(row).to_contain_text("Confirm plan")
    row.get_by_role("link", name="Confirm plan with Brian Walsh").click()
    kate.wait_for_url(f"**/plan/{plan.pk}/#agreement")
    kate.locator("#agreement").get_by_role("button", name="Confirm the plan").click()
    expect(kate.get_by_text("You confirmed revision 1. The other side confirms it next.")).to_be_visible()
    agreement = kate.locator("#agreement")
    expect(agreement).to_contain_text("Brian Walsh: not yet")
    expect(agreement).to_contain_text("Brian Walsh was told on")
    expect(agreement).to_contain_text("(e-mail)")
    email = OutboundEmail.objects.get(kind="plan_confirmed")
    assert (email.to, email.status) == (org.employee.email, OutboundEmail.Status.SENT)
    assert "/my-plan/#agreement" in email.body
    kate.goto(f"{live_server.url}/team/")
    expect(row.locator('td[data-label="Next action"]')).to_have_text("Waiting for Brian Walsh")
    expect(row.get_by_role("link", name="Confirm plan with Brian Walsh")).to_have_count(0)

    brian_context = browser.new_context(viewport={"width": 1280, "height": 800})
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = phone_context.new_page()
        log_in(phone, live_server, org.employee.email)
        phone.wait_for_url(f"{live_server.url}/my-plan/")
        expect(phone.locator("#waiting-for-you")).to_contain_text("Kate Morgan confirmed your plan on")
        screenshot(phone, "my-plan-waiting-phone")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "My plan scrolls sideways"

        brian = brian_context.new_page()
        log_in(brian, live_server, org.employee.email)
        brian.wait_for_url(f"{live_server.url}/my-plan/")
        waiting = brian.locator("#waiting-for-you")
        today = timezone.localdate()
        expect(waiting.get_by_role("heading", name="Waiting for you")).to_be_visible()
        expect(waiting).to_contain_text(
            f"Kate Morgan confirmed your plan on {today.day} {today:%b} — read it and confirm"
        )
        screenshot(brian, "my-plan-waiting-laptop")
        waiting.get_by_role("link", name="read it and confirm").click()
        brian.wait_for_url("**/my-plan/#agreement")
        brian.locator("#agreement").get_by_role("button", name="Confirm the plan").click()
        expect(brian.get_by_text("Agreed: both of you confirmed revision 1.")).to_be_visible()
        expect(brian.locator("#waiting-for-you")).to_have_count(0)
    finally:
        brian_context.close()
        phone_context.close()

    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    assert OutboundEmail.objects.filter(kind="plan_agreed", to=org.manager.email).count() == 1
    kate.reload()
    expect(row.locator('td[data-label="Plan"]')).to_have_text("Agreed")
    expect(row).not_to_contain_text("Waiting for Brian Walsh")
    screenshot(kate, "team-after-agreement")
