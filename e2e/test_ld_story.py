"""The L&D story: Lisa sees Brian's Delegation gap on the Demand page and adds a course for it from
there, Kate sees it recommended for Brian with its reason, Kate asks L&D for help, Lisa answers, and
Kate reads the answer."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, RoleProfile, SkillResult
from assessments.selectors import current_rubric
from assessments.services.roles import set_person_role
from catalog.models import Course, LearningRequest
from e2e.conftest import log_in
from people.models import OutboundEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _brian_assessed_with_a_delegation_gap(org):
    set_person_role(
        person=org.employee_person,
        current=RoleProfile.objects.get(key="engineer"),
        target=RoleProfile.objects.get(key="team-lead"),
    )
    rubric = current_rubric()
    assessment = Assessment.objects.create(
        person=org.employee_person,
        assessor=org.manager,
        rubric_version=rubric,
        role_profile=RoleProfile.objects.get(key="team-lead"),
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    SkillResult.objects.create(
        assessment=assessment,
        skill=rubric.skills.get(key="delegation"),
        level=1,
        target=3,
        gap=2,
        priority=18,
        impact=3,
        mistake_frequency=3,
        mistakes="Could not hand over the processor project",
    )


def test_lisa_adds_a_course_kate_sees_it_recommended_and_asks_ld_for_more(browser, live_server, org, screenshot):
    _brian_assessed_with_a_delegation_gap(org)

    # Lisa (L&D) sees on the Demand page that no course covers Brian's Delegation gap, and adds one from there:
    # the form starts with the skill and levels, she fills in the rest, and the course keeps them.
    lisa = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(lisa, live_server, org.ld.email)
    lisa.goto(f"{live_server.url}{reverse('assessments:demand')}")
    uncovered = lisa.get_by_role("listitem").filter(has_text="1 person needs Delegation at level 1 → 3")
    uncovered.get_by_role("link", name="Add a course").click()
    lisa.wait_for_url("**/catalog/new/?skill=delegation&from=1&to=3")
    first_skill = lisa.locator("fieldset").filter(has_text="Skill").first
    assert first_skill.get_by_label("Skill").locator("option:checked").inner_text() == "Delegation"
    assert first_skill.get_by_label("From level").input_value() == "1"
    assert first_skill.get_by_label("To level").input_value() == "3"
    lisa.get_by_label("Code").fill("delegation-in-practice")
    lisa.get_by_label("Title").fill("Delegation in practice")
    lisa.get_by_label("Format").select_option(label="Video")
    lisa.get_by_label("Duration (minutes)").fill("45")
    screenshot(lisa, "course-form-from-demand")
    lisa.get_by_role("button", name="Save the course").click()
    lisa.get_by_text("is saved").wait_for()
    course = Course.objects.get(code="delegation-in-practice")
    link = course.skills.get()
    assert (link.skill.key, link.level_from, link.level_to) == ("delegation", 1, 3)
    cells = lisa.get_by_role("row").filter(has_text="Delegation").get_by_role("cell").all_inner_texts()
    assert cells == ["Delegation", "1", "3"]  # the course page: the skill it builds, from and to level
    lisa.goto(f"{live_server.url}{reverse('assessments:demand')}")
    lisa.get_by_text("Every gap has an active course that covers it.").wait_for()

    # Kate opens Brian's page: the course is recommended, with its reason.
    kate = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(kate, live_server, org.manager.email)
    kate.goto(f"{live_server.url}/people/{org.employee_person.pk}/")
    recommended = kate.get_by_role("list", name="Recommended courses, best first")
    recommended.wait_for()
    first = recommended.locator("li").first
    assert "Delegation in practice" in first.inner_text()
    assert "Delegation, level 1 → 3 · 45 min video · self-paced" in first.inner_text()
    kate.wait_for_timeout(400)  # let the chart draw
    screenshot(kate, "person-page-recommendations")

    # Kate asks L&D for more help with Brian's delegation.
    kate.get_by_role("link", name="Ask L&D for help").click()
    kate.wait_for_url("**/catalog/requests/new/**")
    assert kate.get_by_label("Which skill?").input_value() != ""
    kate.get_by_label("What help do you need?").fill(
        "Brian hands nothing over before deadlines. Is there coaching for new team leads?"
    )
    screenshot(kate, "request-form")
    kate.get_by_role("button", name="Send to L&D").click()
    kate.wait_for_url("**/catalog/requests/*/")
    learning_request = LearningRequest.objects.get()
    assert (learning_request.person, learning_request.skill.key) == (org.employee_person, "delegation")

    # Lisa finds it in her queue, answers, and suggests the course.
    lisa.goto(f"{live_server.url}/catalog/requests/")
    screenshot(lisa, "request-queue")
    lisa.get_by_role("link", name="Brian Walsh").click()
    lisa.get_by_label("Your answer").fill("Start with Delegation in practice; I will set up a coach next month.")
    lisa.get_by_label("Delegation in practice").check()
    lisa.get_by_role("button", name="Send the answer").click()
    lisa.get_by_text("Answered").first.wait_for()
    screenshot(lisa, "request-answered")
    learning_request.refresh_from_db()
    assert learning_request.status == LearningRequest.Status.ANSWERED
    assert list(learning_request.suggested_courses.all()) == [course]
    assert OutboundEmail.objects.filter(to=org.manager.email, kind="request_answer").exists()

    # Kate reads the answer, and sees the suggestion on Brian's page.
    kate.goto(f"{live_server.url}/catalog/requests/{learning_request.pk}/")
    kate.get_by_text("I will set up a coach next month").wait_for()
    kate.goto(f"{live_server.url}/people/{org.employee_person.pk}/")
    suggested = kate.get_by_role("list", name="Courses L&D suggested")
    suggested.wait_for()
    assert "Delegation in practice" in suggested.inner_text()
    # The suggestion is listed apart from the ranked courses, not twice.
    assert kate.get_by_role("main").get_by_role("link", name="Delegation in practice").count() == 1
    screenshot(kate, "person-page-suggested-by-ld")
