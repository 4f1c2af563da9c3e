import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from people.tests.factories import PASSWORD


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("manager", "devplans:team"),
        ("employee", "devplans:my_plan"),
        ("ld", "catalog:course_list"),
        ("hr", "reports:home"),
        ("admin", "status"),
    ],
)
def test_home_sends_each_role_to_its_place(client, org, role, target):
    client.force_login(getattr(org, role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("devplans:team"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_with_email_in_any_case_opens_the_home_page(client, org):
    response = _login(client, org.manager.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_for_a_missing_user_says_so_plainly_and_logs_nobody_in(client, db):
    response = _login(client, "nobody@example.com", "whatever-password")
    assert response.status_code == 200
    assert "e-mail and password do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_repeated_failures(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, org.manager.email, "wrong-password")
    response = _login(client, org.manager.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address_so_the_real_user_elsewhere_can_log_in(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, org.manager.email, "wrong-password", ip="203.0.113.9")
    response = _login(client, org.manager.email, PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()


def test_password_reset_mails_a_link_that_sets_a_new_password(client, org):
    client.post(reverse("password_reset"), {"email": org.employee.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    org.employee.refresh_from_db()
    assert org.employee.check_password("a-brand-new-passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing_but_looks_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "stranger@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_change_requires_the_old_password(client, org):
    client.force_login(org.employee)
    response = client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": "another-passphrase-9", "new_password2": "another-passphrase-9"},
    )
    assert response.status_code == 200
    org.employee.refresh_from_db()
    assert org.employee.check_password(PASSWORD)


def test_logout_is_a_post_and_ends_the_session(client, org):
    client.force_login(org.employee)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_friendly_404_page(client, org):
    client.force_login(org.employee)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


def test_friendly_403_page(client, org):
    client.force_login(org.employee)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_my_plan_shows_the_employees_profile_and_manager(client, org):
    client.force_login(org.employee)
    body = client.get(reverse("devplans:my_plan")).content.decode()
    assert "Brian Walsh" in body
    assert "Kate Morgan" in body
    assert org.manager.email in body


def test_my_plan_for_an_account_outside_the_org_chart_explains_why_it_is_empty(client, org):
    client.force_login(org.admin)
    body = client.get(reverse("devplans:my_plan")).content.decode()
    assert "not linked to anyone in the org chart" in body


def test_friendly_500_page_needs_nothing_but_itself(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_my_plan_shows_current_and_target_role_with_links_to_the_career_path(client, org):
    from assessments.models import RoleProfile
    from assessments.services.roles import set_person_role

    set_person_role(
        person=org.employee_person,
        current=RoleProfile.objects.get(key="engineer"),
        target=RoleProfile.objects.get(key="team-lead"),
    )
    client.force_login(org.employee)
    body = client.get(reverse("devplans:my_plan")).content.decode()
    assert "aiming for" in body
    assert reverse("assessments:career_path", args=["team-lead"]) in body
