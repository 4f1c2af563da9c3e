import itertools

import pytest

from assessments.models import Assessment, RoleProfile
from assessments.services.roles import set_person_role
from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kate_assesses_brian_and_sees_delegation_at_the_top(page, live_server, org, screenshot):
    set_person_role(
        person=org.employee_person,
        current=RoleProfile.objects.get(key="engineer"),
        target=RoleProfile.objects.get(key="team-lead"),
    )
    log_in(page, live_server, org.manager.email)
    page.wait_for_url(f"{live_server.url}/team/")
    page.get_by_role("button", name="Assess Brian Walsh").click()
    page.wait_for_url("**/assessments/*/")

    delegation = page.locator("form.skill-section", has=page.get_by_role("heading", name="Delegation"))
    for fieldset in delegation.locator("fieldset.behaviour").all():
        answer = "Always" if "Warning sign" in fieldset.locator("legend").inner_text() else "Never"
        fieldset.get_by_text(answer, exact=True).click()
        page.wait_for_timeout(100)
    # The section saves itself and, now below target, asks the three triage questions.
    delegation = page.locator("form.skill-section", has=page.get_by_role("heading", name="Delegation"))
    delegation.get_by_label("What mistakes have you observed?").wait_for()
    delegation.get_by_label("What mistakes have you observed?").fill("Could not hand out the processor project")
    delegation.get_by_role("radiogroup", name="How often do they happen?").get_by_text("About weekly").click()
    delegation.get_by_role("radiogroup", name="What is the business impact?").get_by_text("High").click()
    page.wait_for_timeout(600)
    screenshot(page, "assess-page")
    delegation.screenshot(path=str(screenshot.folder / "assess-delegation-section.png"))

    page.get_by_role("button", name="Submit the assessment").click()
    page.get_by_text("is submitted").wait_for()
    first_row = page.locator("table tbody tr").first
    assert "Delegation" in first_row.inner_text()
    screenshot(page, "assessment-result")
    page.get_by_role("link", name="Brian Walsh").first.click()
    gaps = page.locator("#gaps")
    gaps.wait_for()
    assert "Delegation" in gaps.locator("ol li").first.inner_text()
    page.wait_for_timeout(500)  # let the chart draw
    screenshot(page, "person-page-gaps")
    assessment = Assessment.objects.get()
    assert assessment.status == Assessment.Status.SUBMITTED
    result = assessment.skill_results.get(skill__key="delegation")
    assert (result.level, result.gap, result.impact, result.mistake_frequency) == (1, 2, 3, 3)


def test_assessing_works_on_a_phone_with_the_keyboard(phone, live_server, org, screenshot):
    log_in(phone, live_server, org.manager.email)
    phone.wait_for_url(f"{live_server.url}/team/")
    phone.get_by_role("button", name="Assess Brian Walsh").click()
    phone.wait_for_url("**/assessments/*/")
    first = phone.locator("form.skill-section").first
    first.locator("input[type=radio]").first.focus()
    phone.keyboard.press("ArrowRight")  # Not observed → Never: selects and saves
    phone.locator('form.skill-section[data-save-status="saved"]').first.wait_for()
    screenshot(phone, "assess-phone")
    assessment = Assessment.objects.get()
    assert assessment.ratings.get().frequency == 0


def test_on_a_phone_each_scale_fits_one_row_of_44_px_targets_and_skills_come_one_at_a_time(
    phone, live_server, org, screenshot
):
    set_person_role(
        person=org.employee_person,
        current=RoleProfile.objects.get(key="engineer"),
        target=RoleProfile.objects.get(key="team-lead"),
    )
    log_in(phone, live_server, org.manager.email)
    phone.get_by_role("button", name="Assess Brian Walsh").click()
    phone.wait_for_url("**/assessments/*/")
    visible = phone.locator("form.skill-section:visible")
    assert visible.count() == 1
    skills = phone.locator("form.skill-section").count()
    phone.get_by_text(f"Skill 1 of {skills}:").wait_for()

    boxes = [label.bounding_box() for label in visible.locator("fieldset.behaviour").first.locator("label").all()]
    assert len(boxes) == 6
    assert len({round(box["y"]) for box in boxes}) == 1  # one row
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes)
    gaps = [b["x"] - (a["x"] + a["width"]) for a, b in itertools.pairwise(boxes)]
    assert min(gaps) >= 6
    assert max(box["x"] + box["width"] for box in boxes) <= 390

    phone.get_by_role("button", name="Next skill").last.click()  # the one below the skill
    phone.get_by_text(f"Skill 2 of {skills}:").wait_for()
    assert phone.locator("form.skill-section:visible").count() == 1
    second = phone.locator("form.skill-section:visible")
    for fieldset in second.locator("fieldset.behaviour").all():
        warning = "Warning sign" in fieldset.locator("legend").inner_text()
        fieldset.get_by_text("Always" if warning else "Never", exact=True).click()
    triage = second.locator("fieldset.triage")
    triage.get_by_label("What mistakes have you observed?").wait_for()
    for group in ("How often do they happen?", "What is the business impact?"):
        boxes = [label.bounding_box() for label in triage.get_by_role("radiogroup", name=group).locator("label").all()]
        assert len({round(box["y"]) for box in boxes}) == 1
        assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes)
    phone.get_by_text(" · 1 rated").wait_for()
    screenshot(phone, "assess-phone-one-skill")
    phone.get_by_role("button", name="Previous skill").first.click()
    phone.get_by_text(f"Skill 1 of {skills}:").wait_for()
