"""Sessions end: idle, at their absolute age, and when the account is deactivated."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from people.tests.factories import PASSWORD

START = timezone.now().replace(microsecond=0)


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302 and SESSION_KEY in client.session


def _is_sent_to_log_in(response, page):
    return response.status_code == 302 and response.url == f"{reverse('login')}?next={page}"


def test_sessions_are_not_extended_by_every_request_and_end_with_the_browser():
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


def test_a_session_idle_past_the_timeout_is_signed_out_and_told_why(client, org):
    page = reverse("devplans:my_plan")
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client, org.employee)
        traveller.shift(timedelta(minutes=29))
        assert client.get(page).status_code == 200
        traveller.shift(timedelta(minutes=30, seconds=1))
        response = client.get(page)
        assert _is_sent_to_log_in(response, page)
        assert SESSION_KEY not in client.session
        login_page = client.get(response.url)
        assert "signed out after 30 minutes without activity" in login_page.content.decode()


def test_activity_keeps_a_session_alive_up_to_its_absolute_age(client, org):
    page = reverse("devplans:my_plan")
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client, org.employee)
        # A request every 20 minutes for the whole working day: never idle, so still signed in.
        elapsed = timedelta()
        while elapsed + timedelta(minutes=20) < timedelta(seconds=settings.SESSION_COOKIE_AGE):
            traveller.shift(timedelta(minutes=20))
            elapsed += timedelta(minutes=20)
            assert client.get(page).status_code == 200, f"signed out after {elapsed}"
        # Past the absolute age, however active: signed out.
        traveller.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE) - elapsed)
        response = client.get(page)
        assert _is_sent_to_log_in(response, page)
        assert "reached its time limit" in client.get(response.url).content.decode()


def test_the_idle_clock_is_written_at_most_once_a_minute(client, org):
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client, org.employee)
        stamped = client.session["skillbridge_last_seen_at"]
        traveller.shift(timedelta(seconds=30))
        client.get(reverse("devplans:my_plan"))
        assert client.session["skillbridge_last_seen_at"] == stamped
        traveller.shift(timedelta(seconds=31))
        client.get(reverse("devplans:my_plan"))
        assert client.session["skillbridge_last_seen_at"] == stamped + 61


def test_a_session_from_before_the_idle_clock_starts_its_clocks_at_its_next_request(client, org):
    client.force_login(org.employee)
    session = client.session
    del session["skillbridge_signed_in_at"], session["skillbridge_last_seen_at"]
    session.save()
    assert client.get(reverse("devplans:my_plan")).status_code == 200
    assert "skillbridge_signed_in_at" in client.session


def test_idle_expiry_is_set_from_the_environment(client, org, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    page = reverse("devplans:my_plan")
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client, org.employee)
        traveller.shift(timedelta(minutes=5))
        assert _is_sent_to_log_in(client.get(page), page)


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "admin"])
def test_a_deactivated_user_is_signed_out_at_the_next_request(client, org, role):
    user = getattr(org, role)
    _log_in(client, user)
    page = reverse("devplans:my_plan")
    assert client.get(page).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(page)
    assert _is_sent_to_log_in(response, page)
    assert SESSION_KEY not in client.session
    assert "no longer active" in client.get(response.url).content.decode()
    # Nor can the account log in again.
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_a_deactivated_users_htmx_request_is_refused_too(client, org):
    _log_in(client, org.manager)
    org.manager.is_active = False
    org.manager.save(update_fields=["is_active"])
    response = client.get(reverse("devplans:team"), HTTP_HX_REQUEST="true")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("new_password", "reason"),
    [
        ("short-pw1", "too short"),
        ("password1234", "too common"),
        ("8172635409125", "entirely numeric"),
        ("brian.walsh.example", "too similar"),
    ],
)
def test_a_weak_new_password_is_refused(client, org, new_password, reason):
    org.employee.email = "brian.walsh.example@example.com"
    org.employee.save(update_fields=["email"])
    client.force_login(org.employee)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    org.employee.refresh_from_db()
    assert org.employee.check_password(PASSWORD)


def test_a_password_change_keeps_this_session_and_ends_the_others(org):
    from django.test import Client

    here, elsewhere = Client(), Client()
    here.force_login(org.employee)
    elsewhere.force_login(org.employee)
    new = "a-much-longer-passphrase-42"
    response = here.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    page = reverse("devplans:my_plan")
    assert here.get(page).status_code == 200
    assert _is_sent_to_log_in(elsewhere.get(page), page)
