"""The same form posted twice (a double click, a resend) saves one record (skillbridge/submit_once.py).

The posts carry the `submit_token` static/js/submit-once.js adds to every form; the browser side is
tested in e2e/test_double_submit.py.
"""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from catalog import request_services
from catalog.models import LearningRequest
from devplans.models import Feedback
from devplans.tests.helpers import in_weeks, plan_with_goal, skill
from skillbridge import submit_once
from skillbridge.celery import app as celery_app
from skillbridge.models import SubmittedForm
from skillbridge.tasks import forget_old_form_submissions

from .fault_helpers import WebClient

pytestmark = pytest.mark.django_db

TOKEN = "3f1c7c1e-6a63-4a39-9d4b-1b1f0f7b7c11"


def _feedback(org):
    url = reverse("devplans:give_feedback", args=[org.employee_person.pk])
    return org.manager, url, {"text": "You let Ana run the demo."}, Feedback.objects.count


def _goal(org):
    plan, _ = plan_with_goal(org)
    data = {"skill": skill("coaching").pk, "target_level": 3, "outcome": "Lets others finish", "due_on": in_weeks(6)}
    return org.manager, reverse("devplans:add_goal", args=[plan.pk]), data, plan.goals.count


def _learning_request(org):
    url = reverse("catalog:request_new", args=[org.employee_person.pk])
    return org.manager, url, {"note": "Help with delegation, please."}, LearningRequest.objects.count


FORMS = {"feedback": _feedback, "goal": _goal, "learning request": _learning_request}


@pytest.mark.parametrize("form", FORMS)
def test_the_same_form_posted_twice_saves_once_and_sends_the_second_where_the_first_went(client, org, form):
    user, url, data, count = FORMS[form](org)
    client.force_login(user)
    before = count()
    first = client.post(url, {**data, "submit_token": TOKEN})
    second = client.post(url, {**data, "submit_token": TOKEN})
    assert first.status_code == 302
    assert second.status_code == 303 and second["Location"] == first["Location"]
    assert count() == before + 1
    assert submit_once.SENT_TWICE in client.get(second["Location"]).content.decode()


def test_a_form_shown_again_with_its_errors_frees_its_token(client, org):
    user, url, data, count = _feedback(org)
    client.force_login(user)
    refused = client.post(url, {"text": "", "submit_token": TOKEN})
    assert refused.status_code == 400 and "nothing was saved" in refused.content.decode()
    assert not SubmittedForm.objects.exists()
    corrected = client.post(url, {**data, "submit_token": TOKEN})
    assert corrected.status_code == 302
    assert count() == 1


@pytest.mark.parametrize("token", ["short", "has spaces in it", "x" * 65, "<script>alert(1)</script>", ""])
def test_a_malformed_token_is_refused_with_400(client, org, token):
    user, url, data, count = _feedback(org)
    client.force_login(user)
    response = client.post(url, {**data, "submit_token": token})
    assert response.status_code == 400
    assert "submit_token must be 8 to 64 letters, digits or hyphens" in response.content.decode()
    assert count() == 0


def test_posts_without_a_token_are_handled_as_before(client, org):
    user, url, data, count = _feedback(org)
    client.force_login(user)
    assert [client.post(url, data).status_code for _ in range(2)] == [302, 302]
    assert count() == 2
    assert not SubmittedForm.objects.exists()


def test_a_token_is_once_per_user_not_once_for_everyone(client, org):
    client.force_login(org.manager)
    mine = client.post(
        reverse("devplans:give_feedback", args=[org.employee_person.pk]), {"text": "A", "submit_token": TOKEN}
    )
    client.force_login(org.other_manager)
    theirs = client.post(
        reverse("devplans:give_feedback", args=[org.other_employee_person.pk]), {"text": "B", "submit_token": TOKEN}
    )
    assert (mine.status_code, theirs.status_code) == (302, 302)
    assert Feedback.objects.count() == 2


def test_an_htmx_post_sent_twice_gets_204_with_hx_redirect_to_where_the_first_went(client, org):
    user, url, data, count = _feedback(org)
    client.force_login(user)
    first = client.post(url, {**data, "submit_token": TOKEN}, headers={"HX-Request": "true"})
    second = client.post(url, {**data, "submit_token": TOKEN}, headers={"HX-Request": "true"})
    assert second.status_code == 204 and second["HX-Redirect"] == first["Location"]
    assert count() == 1


def test_a_post_while_the_first_is_still_saving_goes_back_to_the_form_page_after_the_wait(client, org):
    user, url, data, count = _feedback(org)
    client.force_login(user)
    SubmittedForm.objects.create(user=user, token=TOKEN)  # the first post, still running
    page = "http://testserver" + url
    with mock.patch.object(submit_once, "WAIT_SECONDS", 0.3):
        second = client.post(url, {**data, "submit_token": TOKEN}, headers={"Referer": page})
    assert second.status_code == 303 and second["Location"] == page
    assert count() == 0
    assert submit_once.STILL_SAVING in client.get(url).content.decode()


def test_a_token_left_by_a_post_that_never_finished_is_free_again(client, org):
    user, url, data, count = _feedback(org)
    client.force_login(user)
    stuck = SubmittedForm.objects.create(user=user, token=TOKEN)  # its process was killed mid-request
    SubmittedForm.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert client.post(url, {**data, "submit_token": TOKEN}).status_code == 302
    assert count() == 1


def test_the_login_form_works_with_a_token(client, org):
    """Anonymous forms carry a token too (the script adds it everywhere); there is nobody to record it for."""
    from people.tests.factories import PASSWORD

    response = client.post(
        reverse("login"), {"username": org.manager.email, "password": PASSWORD, "submit_token": TOKEN}
    )
    assert response.status_code == 302
    assert not SubmittedForm.objects.exists()


def test_tokens_older_than_a_day_are_forgotten_every_hour(org):
    old = SubmittedForm.objects.create(user=org.manager, token="old-token-1", status=302, location="/")
    SubmittedForm.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    recent = SubmittedForm.objects.create(user=org.manager, token="recent-token-1", status=302, location="/")
    forget_old_form_submissions.delay()
    assert list(SubmittedForm.objects.values_list("pk", flat=True)) == [recent.pk]
    entry = celery_app.conf.beat_schedule["forget-old-form-submissions"]
    assert (entry["task"], entry["schedule"]) == ("skillbridge.tasks.forget_old_form_submissions", 3600.0)
    assert celery_app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


# --- two posts at the same moment, against a real server --------------------------------------------------------------


def _slowly(seconds):
    """create_learning_request, taking `seconds` longer: the second post arrives while the first is saving."""
    original = request_services.create_learning_request

    def slow(**kwargs):
        time.sleep(seconds)
        return original(**kwargs)

    return mock.patch.object(request_services, "create_learning_request", slow)


def _post_twice_at_once(client, live_server, org):
    """The same form (one token) posted by two threads at once, as two browser tabs or a double click would."""
    client.force_login(org.manager)
    browser = WebClient(live_server.url, {"sessionid": client.cookies["sessionid"].value})
    page = reverse("catalog:request_new", args=[org.employee_person.pk])
    form = {"csrfmiddlewaretoken": browser.csrf_token(page), "note": "Help with delegation.", "submit_token": TOKEN}
    headers = {"Referer": live_server.url + page}
    answers = [None, None]
    start = threading.Barrier(2)

    def post(index):
        start.wait()
        if index:
            time.sleep(0.2)  # the second click lands while the first post is being saved
        answers[index] = browser.post(page, form, headers=headers)

    threads = [threading.Thread(target=post, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return page, answers


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_save_once_and_the_second_follows_the_first(client, live_server, org):
    with _slowly(1.0):
        _, (first, second) = _post_twice_at_once(client, live_server, org)
    assert first.status == 302
    assert second.status == 303 and second.header("Location") == first.header("Location")
    assert 0.5 < second.seconds < 5  # it waited for the first to finish
    assert LearningRequest.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_second_post_stops_waiting_after_a_while_and_goes_back_to_the_page(client, live_server, org):
    with _slowly(2.5), mock.patch.object(submit_once, "WAIT_SECONDS", 0.5):
        page, (first, second) = _post_twice_at_once(client, live_server, org)
    assert second.status == 303 and second.header("Location") == live_server.url + page
    assert second.seconds < 2
    assert first.status == 302
    assert LearningRequest.objects.count() == 1
