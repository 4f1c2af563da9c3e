"""A double click on a save button records one thing: the page's script sends the form once, and the server
handles a second post of the same form (same submit token) as a duplicate even when the script is not
there to stop it (skillbridge/submit_once.py, static/js/submit-once.js)."""

import re
import time
from unittest import mock

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from devplans.models import Feedback
from devplans.services import checkins
from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN = re.compile(r"[A-Za-z0-9-]{8,64}")


def _open_feedback_form(page, live_server, org):
    log_in(page, live_server, org.manager.email)
    page.wait_for_url(f"{live_server.url}/team/")
    url = f"{live_server.url}{reverse('devplans:give_feedback', args=[org.employee_person.pk])}"
    page.goto(url)
    form = page.locator("form", has=page.get_by_role("button", name="Save the feedback"))
    return url, form


@pytest.fixture
def slow_save():
    """Saving feedback takes 1.5 s longer (the live server runs in this process), so the second click of a
    double click lands while the first post is still being saved, as it would on a busy server."""
    original = checkins.give_feedback

    def slow(**kwargs):
        time.sleep(1.5)
        return original(**kwargs)

    with mock.patch.object(checkins, "give_feedback", slow):
        yield


def test_a_double_click_on_save_records_the_feedback_once(page, live_server, org, slow_save, screenshot):
    url, form = _open_feedback_form(page, live_server, org)
    token = form.locator('input[type="hidden"][name="submit_token"]')
    expect(token).to_have_count(1)
    assert TOKEN.fullmatch(token.input_value())
    page.get_by_label("What you saw, and what to keep or change").fill("You let Ana run the demo.")
    posts = []
    page.on("request", lambda request: request.method == "POST" and request.url == url and posts.append(request))
    save = page.get_by_role("button", name="Save the feedback")
    # What the button looks like while the first post is being saved (reported from the page before it goes).
    said = []
    page.on("console", lambda message: said.append(message.text))
    save.evaluate(
        """(button) => button.form.addEventListener("submit", () => {
            setTimeout(() => console.log(`disabled: ${button.disabled}`), 300);
        })"""
    )

    save.dblclick()

    page.wait_for_url(f"{live_server.url}/people/{org.employee_person.pk}/")
    expect(page.get_by_text("Feedback saved.")).to_be_visible()
    assert len(posts) == 1  # the second click did not send the form again
    assert said and set(said) == {"disabled: true"}  # one line per submit event the clicks gave
    assert Feedback.objects.count() == 1
    screenshot(page, "double-submit-saved-once")


def test_a_form_gone_back_to_is_a_new_form(page, live_server, org):
    """Back to the sent form (from the browser's page cache or not): its button works again and it has a new
    token, so sending it again on purpose saves again."""
    url, form = _open_feedback_form(page, live_server, org)
    first_token = form.locator('input[name="submit_token"]').input_value()
    page.get_by_label("What you saw, and what to keep or change").fill("First note.")
    page.get_by_role("button", name="Save the feedback").click()
    page.wait_for_url(f"{live_server.url}/people/{org.employee_person.pk}/")
    page.go_back()
    page.wait_for_url(url)
    save = page.get_by_role("button", name="Save the feedback")
    expect(save).to_be_enabled()
    assert form.locator('input[name="submit_token"]').input_value() != first_token
    page.get_by_label("What you saw, and what to keep or change").fill("Second note.")
    save.click()
    expect(page.get_by_text("Feedback saved.")).to_be_visible()
    assert sorted(Feedback.objects.values_list("text", flat=True)) == ["First note.", "Second note."]


def test_the_same_form_sent_twice_at_once_without_the_script_is_saved_once(page, live_server, org):
    """Two posts of the form's data, one token, at the same moment (what a double click gives where the
    script did not run): the server saves one, and both end on the same page."""
    _, form = _open_feedback_form(page, live_server, org)
    page.get_by_label("What you saw, and what to keep or change").fill("Sent twice at once.")
    ends = form.evaluate(
        """async (form) => {
            const body = new URLSearchParams(new FormData(form));
            const send = () => fetch(form.action, {method: "POST", body: body, credentials: "same-origin"});
            const answers = await Promise.all([send(), send()]);
            return answers.map((answer) => [answer.status, answer.url]);
        }"""
    )
    assert [status for status, _ in ends] == [200, 200]
    assert ends[0][1] == ends[1][1] and f"/people/{org.employee_person.pk}/" in ends[0][1]
    assert Feedback.objects.filter(text="Sent twice at once.").count() == 1
    page.reload()
    expect(page.locator('input[name="submit_token"]').first).to_be_attached()


def test_forms_that_save_themselves_with_htmx_get_no_token(page, live_server, org):
    """The assessment's skill sections save on every change (hx-post): they are left to htmx."""
    log_in(page, live_server, org.manager.email)
    page.wait_for_url(f"{live_server.url}/team/")
    page.goto(f"{live_server.url}/people/{org.employee_person.pk}/")
    page.get_by_role("button", name=re.compile("assess", re.I)).first.click()
    page.wait_for_url(re.compile(r"/assessments/\d+/"))
    sections = page.locator("form.skill-section")
    expect(sections.first).to_be_visible()
    assert sections.locator('input[name="submit_token"]').count() == 0
    expect(page.locator('form[action$="/submit/"] input[name="submit_token"]')).to_have_count(1)
