"""HR's reporting story: open the dashboard, narrow it to one department, download the skill gaps as
XLSX and read the file back; a screenshot of the dashboard is saved (laptop and phone)."""

import pytest
from openpyxl import load_workbook

from e2e.conftest import log_in
from reports.tests.dashboard_data import agreed_plan_from_gap, answer_follow_up, complete_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _both_departments_assessed_with_outcomes(org):
    plan, goal = agreed_plan_from_gap(org.employee_person, org.manager, "delegation")
    complete_course(plan, goal, org.manager, org.employee_person, cost="250.00")
    answer_follow_up(plan, 4)  # Brian's gap closed
    agreed_plan_from_gap(org.other_employee_person, org.other_manager, "feedback")


def test_hr_filters_the_dashboard_by_department_and_downloads_the_xlsx(browser, live_server, org, screenshot, tmp_path):
    _both_departments_assessed_with_outcomes(org)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    log_in(page, live_server, org.hr.email)
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: The organisation"
    heatmap = page.locator("#skill-gaps")
    assert heatmap.get_by_text("Engineering").count() and heatmap.get_by_text("Sales").count()

    page.get_by_label("Department", exact=True).select_option(label="Engineering")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**department=*")
    assert page.get_by_label("Department", exact=True).input_value() != ""
    assert page.locator("#skill-gaps").get_by_text("Sales").count() == 0
    page.locator("canvas[data-chart]").first.wait_for()
    screenshot(page, "reports-dashboard-engineering")

    with page.expect_download() as download_info:
        page.locator("#skill-gaps").get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "Department" and "Skill" in header
    assert body and {row[0] for row in body} == {"Engineering"}
    assert any(row[1] == "Delegation" for row in body)

    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(phone, live_server, org.hr.email)
    phone.goto(page.url)
    phone.locator("canvas[data-chart]").first.wait_for()
    screenshot(phone, "reports-dashboard-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a phone"
