import pytest

from e2e.conftest import log_in
from people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "employee number,name,e-mail,manager's employee number,department,job title,active\n"
NORA = "N1,Nora Boss,nora@example.com,,Operations,Head of Operations,yes\n"
BAD = HEADER + NORA + "N2,,ned@example.com,N9,Ops,Analyst,maybe\n"
GOOD = HEADER + NORA + "N2,Ned Report,ned@example.com,N1,Operations,Analyst,yes\n"


def test_hr_sees_every_error_then_imports_a_corrected_file(page, live_server, org, screenshot, tmp_path):
    log_in(page, live_server, org.hr.email)
    page.wait_for_url(f"{live_server.url}/reports/")
    page.get_by_role("link", name="Import the org chart").first.click()

    bad = tmp_path / "org.csv"
    bad.write_text(BAD)
    page.get_by_label("Org chart CSV file").set_input_files(bad)
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("nothing was changed").first.wait_for()
    errors = page.locator("table tbody tr")
    assert errors.count() == 1
    assert "name is empty" in errors.first.inner_text()
    assert "active must be yes or no" in errors.first.inner_text()
    assert errors.first.locator("td").first.inner_text() == "3"
    screenshot(page, "org-import-rejected")
    assert not Person.objects.filter(employee_number="N1").exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    good = tmp_path / "org-fixed.csv"
    good.write_text(GOOD)
    page.get_by_label("Org chart CSV file").set_input_files(good)
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("2 added").wait_for()
    screenshot(page, "org-import-done")
    assert Person.objects.get(employee_number="N2").manager.employee_number == "N1"
