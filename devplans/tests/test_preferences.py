import re

import pytest
from django.urls import reverse

from devplans import services

pytestmark = pytest.mark.django_db


def test_an_employee_saves_the_formats_they_like(client, org):
    client.force_login(org.employee)
    response = client.post(reverse("devplans:set_preferred_formats"), {"formats": ["reading", "video"]})
    assert response.status_code == 302
    org.employee_person.refresh_from_db()
    assert org.employee_person.preferred_formats == ["video", "reading"]


def test_unticking_everything_clears_the_preference(client, org):
    services.set_preferred_formats(person=org.employee_person, formats=["video"])
    client.force_login(org.employee)
    client.post(reverse("devplans:set_preferred_formats"), {})
    org.employee_person.refresh_from_db()
    assert org.employee_person.preferred_formats == []


def test_an_unknown_format_is_refused_and_nothing_changes(client, org):
    services.set_preferred_formats(person=org.employee_person, formats=["video"])
    client.force_login(org.employee)
    response = client.post(reverse("devplans:set_preferred_formats"), {"formats": ["telepathy"]})
    assert response.status_code == 400
    assert "nothing was changed" in response.content.decode()
    org.employee_person.refresh_from_db()
    assert org.employee_person.preferred_formats == ["video"]


def test_the_service_refuses_unknown_formats(org):
    with pytest.raises(Exception, match="Unknown course format"):
        services.set_preferred_formats(person=org.employee_person, formats=["telepathy"])


def test_my_plan_shows_the_saved_formats_ticked(client, org):
    services.set_preferred_formats(person=org.employee_person, formats=["coaching"])
    client.force_login(org.employee)
    body = client.get(reverse("devplans:my_plan")).content.decode()
    assert re.search(r'<input[^>]*value="coaching"[^>]*checked', body)
    assert not re.search(r'<input[^>]*value="video"[^>]*checked', body)


def test_an_account_outside_the_org_chart_cannot_set_formats(client, org):
    client.force_login(org.admin)
    assert client.post(reverse("devplans:set_preferred_formats"), {"formats": ["video"]}).status_code == 403
