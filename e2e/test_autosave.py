"""Nothing a manager types in an assessment is lost, whatever the network does.

Each test types at human speed (a key every 60-110 ms, pauses between phrases long enough for a save
to leave) while Playwright holds every save for 400 ms or 1.5 s, half on the way there and half on the way
back, then compares what the database holds with what was typed. Playwright's async API is used so a
held save does not hold the typing.
"""

import asyncio
import concurrent.futures

import pytest

from assessments.models import Assessment, Behaviour, RoleProfile, SkillResult
from assessments.selectors import current_rubric
from assessments.services.roles import set_person_role
from conftest import CHROMIUM
from e2e.conftest import CHROMIUM_ARGS
from people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVES = "**/assessments/*/skills/*/"
NOTE = "Lost the thread in the planning meeting, twice; then recovered well when asked."
MISTAKES = "Two releases slipped because he kept the risky parts to himself."


@pytest.fixture
def brian_aims_for_team_lead(org):
    set_person_role(
        person=org.employee_person,
        current=RoleProfile.objects.get(key="engineer"),
        target=RoleProfile.objects.get(key="team-lead"),
    )


def run(scenario, *, phone=False):
    async def main():
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            options = (
                {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
                if phone
                else {"viewport": {"width": 1280, "height": 800}}
            )
            context = await browser.new_context(**options)
            page = await context.new_page()
            try:
                return await scenario(page)
            finally:
                await context.close()
                await browser.close()

    # In a thread of its own: the other browser tests' (sync) Playwright keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def hold_saves(delay_ms, *, fail_first=0):
    """A route handler that holds each save for delay_ms (half each way), and fails the first ones."""
    state = {"count": 0, "failed": 0}

    async def handle(route):
        state["count"] += 1
        await asyncio.sleep(delay_ms / 2000)
        if state["failed"] < fail_first:
            state["failed"] += 1
            await route.fulfill(status=503, body="The database is not answering")
            return
        response = await route.fetch()
        await asyncio.sleep(delay_ms / 2000)
        await route.fulfill(response=response)

    handle.state = state
    return handle


async def log_in_and_assess(page, live_server, email):
    await page.goto(f"{live_server.url}/accounts/login/")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{live_server.url}/team/")
    await page.get_by_role("button", name="Assess Brian Walsh").click()
    await page.wait_for_url("**/assessments/*/")


def section(page, name):
    return page.locator("form.skill-section", has=page.get_by_role("heading", name=name, exact=True))


async def rate_badly(page, name, *, well=False):
    """Warning signs always, strengths never: below any target (or the other way round, well above it).
    Clicked one by one, as a person does."""
    card = section(page, name)
    for fieldset in await card.locator("fieldset.behaviour").all():
        warning = "Warning sign" in await fieldset.locator("legend").inner_text()
        answer = "Always" if warning != well else "Never"
        await fieldset.get_by_text(answer, exact=True).click()
        await page.wait_for_timeout(150)


async def type_like_a_person(locator, text):
    """Phrase by phrase, a key every 60-110 ms, with pauses between phrases long enough for a save to go."""
    await locator.click()
    words = text.split(" ")
    for i, word in enumerate(words):
        await locator.press_sequentially(word + ("" if i == len(words) - 1 else " "), delay=60 + 10 * (i % 5))
        if i % 3 == 2:
            await locator.page.wait_for_timeout(900)  # the save leaves and comes back while typing goes on


async def wait_saved(page, name):
    """Until this section says Saved and no section has anything still to save."""
    await page.wait_for_function(
        """name => {
            const form = document.querySelector(`form[data-skill-name="${name}"]`);
            const busy = document.querySelector(
                'form[data-autosave][data-save-status="saving"], form[data-autosave][data-save-status="pending"]');
            return form && form.dataset.saveStatus === "saved" && !busy;
        }""",
        arg=name,
        timeout=20000,
    )


def stored(assessment, key):
    return SkillResult.objects.get(assessment=assessment, skill__key=key)


@pytest.mark.parametrize("delay_ms", [400, 1500])
def test_typing_while_saves_travel_loses_no_keystroke(live_server, org, brian_aims_for_team_lead, delay_ms):
    holder = hold_saves(delay_ms)

    async def scenario(page):
        await page.route(SAVES, holder)
        await log_in_and_assess(page, live_server, org.manager.email)
        await rate_badly(page, "Delegation")
        card = section(page, "Delegation")
        await type_like_a_person(card.get_by_label("Note (what you saw, examples)"), NOTE)
        await card.get_by_label("What mistakes have you observed?").wait_for()
        await type_like_a_person(card.get_by_label("What mistakes have you observed?"), MISTAKES)
        await card.get_by_role("radiogroup", name="How often do they happen?").get_by_text("About weekly").click()
        await card.get_by_role("radiogroup", name="What is the business impact?").get_by_text("High").click()
        await wait_saved(page, "Delegation")
        return (
            await card.get_by_label("Note (what you saw, examples)").input_value(),
            await card.get_by_label("What mistakes have you observed?").input_value(),
        )

    on_page = run(scenario)
    assert on_page == (NOTE, MISTAKES)
    result = stored(Assessment.objects.get(), "delegation")
    assert (result.note, result.mistakes, result.mistake_frequency, result.impact) == (NOTE, MISTAKES, 3, 3)
    assert holder.state["count"] >= 4  # saves did travel while the typing went on


@pytest.mark.parametrize("delay_ms", [400, 1500])
def test_a_note_typed_just_before_submitting_is_in_the_submitted_assessment(
    live_server, org, brian_aims_for_team_lead, delay_ms
):
    async def scenario(page):
        await page.route(SAVES, hold_saves(delay_ms))
        await log_in_and_assess(page, live_server, org.manager.email)
        card = section(page, "Written communication")
        await rate_badly(page, "Written communication", well=True)
        await wait_saved(page, "Written communication")
        note = card.get_by_label("Note (what you saw, examples)")
        await note.click()
        await note.press_sequentially("Clear weekly updates.", delay=70)
        await page.get_by_role("button", name="Submit the assessment").click()  # no pause: the save is not out yet
        await page.get_by_text("is submitted").wait_for(timeout=20000)

    run(scenario)
    assessment = Assessment.objects.get()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert stored(assessment, "written-communication").note == "Clear weekly updates."


def test_a_failed_save_says_not_saved_retries_and_warns_before_leaving(live_server, org, brian_aims_for_team_lead):
    holder = hold_saves(400, fail_first=2)

    async def scenario(page):
        seen = {"statuses": set(), "dialogs": []}
        await page.route(SAVES, holder)
        await log_in_and_assess(page, live_server, org.manager.email)
        card = section(page, "Written communication")
        note = card.get_by_label("Note (what you saw, examples)")
        await note.click()
        await note.press_sequentially("Sends long messages.", delay=70)
        badge = card.locator("[data-save-state]")
        await badge.get_by_text("Not saved: no answer from the server").wait_for(timeout=5000)
        seen["statuses"].add(await badge.inner_text())
        assert "Saved" not in (await badge.inner_text()).replace("Not saved", "")

        async def on_dialog(dialog):
            seen["dialogs"].append(dialog.type)
            await dialog.dismiss()  # stay on the page

        page.on("dialog", on_dialog)
        await page.get_by_role("link", name="My team").first.click()  # tries to leave with unsaved text
        await page.wait_for_timeout(500)
        assert "/assessments/" in page.url
        # The retries go on by themselves and the third try gets through.
        await wait_saved(page, "Written communication")
        seen["final"] = await badge.inner_text()
        return seen

    seen = run(scenario)
    assert seen["dialogs"] == ["beforeunload"]
    assert seen["final"].startswith("Saved")
    assert holder.state["failed"] == 2
    assert stored(Assessment.objects.get(), "written-communication").note == "Sends long messages."


def test_rating_with_the_keyboard_moves_on_and_the_bar_tracks_the_questions(live_server, org, brian_aims_for_team_lead):
    # 5 (Always) for each warning sign, 1 (Never) for each strength, in the page's order: one key group.
    skill = current_rubric().skills.get(key="delegation")
    keys = "".join("5" if b.kind == Behaviour.Kind.WARNING else "1" for b in skill.behaviours.all())

    async def scenario(page):
        await page.route(SAVES, hold_saves(400))
        await log_in_and_assess(page, live_server, org.manager.email)
        card = section(page, "Delegation")
        await card.locator("fieldset.behaviour").first.locator("input").first.focus()
        await page.keyboard.type(keys, delay=120)
        bar = page.locator("#still-to-answer")
        await bar.get_by_role("link", name="Delegation").wait_for(timeout=10000)
        focused = await page.evaluate("document.activeElement.name")
        await card.get_by_label("What mistakes have you observed?").fill("Kept the release work to himself")
        # Every warning sign was seen "Always", so "Most days" is already chosen, and it says so.
        await card.get_by_text("Suggested from how often you saw the warning signs").wait_for()
        assert await card.locator('input[name="mistake_frequency"]:checked').get_attribute("value") == "4"
        await card.get_by_role("radiogroup", name="What is the business impact?").get_by_text("Medium").click()
        await bar.get_by_role("link", name="Delegation").wait_for(state="detached", timeout=10000)
        await wait_saved(page, "Delegation")
        return focused

    assert run(scenario) == "note"  # after the last behaviour, the note is next
    result = stored(Assessment.objects.get(), "delegation")
    assert (result.mistakes, result.mistake_frequency, result.impact) == ("Kept the release work to himself", 4, 2)
    assert Assessment.objects.get().ratings.filter(behaviour__skill__key="delegation").count() == len(keys)


def test_the_self_assessment_note_keeps_every_keystroke_too(live_server, org, brian_aims_for_team_lead):
    async def scenario(page):
        await page.route(SAVES, hold_saves(1500))
        await page.goto(f"{live_server.url}/accounts/login/")
        await page.get_by_label("E-mail").fill(org.employee.email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Log in").click()
        await page.get_by_role("button", name="Rate yourself on the rubric").click()
        await page.wait_for_url("**/assessments/*/")
        card = section(page, "Delegation")
        await rate_badly(page, "Delegation")
        readers = await card.locator(".form-text").first.inner_text()
        await type_like_a_person(card.get_by_label("Note (what you saw, examples)"), NOTE)
        await type_like_a_person(card.get_by_label("What mistakes have you observed?"), MISTAKES)
        await wait_saved(page, "Delegation")
        return readers

    readers = run(scenario)
    assert readers.startswith("Your manager, the managers above them and HR can read this")
    result = stored(Assessment.objects.get(kind=Assessment.Kind.SELF), "delegation")
    assert (result.note, result.mistakes) == (NOTE, MISTAKES)
