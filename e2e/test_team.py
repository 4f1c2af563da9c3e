import pytest

from e2e.conftest import log_in

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
