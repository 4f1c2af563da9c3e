from django.urls import reverse

from people.models import Person
from people.tests.factories import PersonFactory


def _change(client, person, manager):
    return client.post(
        reverse("admin:people_person_change", args=[person.pk]),
        {
            "user": person.user_id,
            "employee_number": person.employee_number,
            "full_name": person.full_name,
            "job_title": person.job_title,
            "department": person.department_id or "",
            "manager": manager.pk,
            "time_zone": person.time_zone,
            "is_active": "on",
        },
    )


def test_admin_refuses_a_manager_change_that_would_loop_the_chain(client, org):
    lead = PersonFactory(manager=org.manager_person)
    deep = PersonFactory(manager=lead)
    client.force_login(org.admin)
    response = _change(client, org.manager_person, deep)
    assert response.status_code == 200
    assert "the chain would loop" in response.content.decode()
    assert Person.objects.get(pk=org.manager_person.pk).manager_id is None


def test_admin_can_move_a_person_to_another_manager(client, org):
    client.force_login(org.admin)
    response = _change(client, org.employee_person, org.other_manager_person)
    assert response.status_code == 302
    assert Person.objects.get(pk=org.employee_person.pk).manager == org.other_manager_person
