import pytest
from django.test import Client
from django.urls import reverse

from people.models import OrgImport, Person
from people.tests.factories import PersonFactory

GOOD_CSV = (
    b"employee number,name,e-mail,manager's employee number,department,job title,active\n"
    b"N1,Nora Boss,nora@example.com,,Operations,Head of Operations,yes\n"
    b"N2,Ned Report,ned@example.com,N1,Operations,Analyst,yes\n"
)
BAD_CSV = (
    b"employee number,name,e-mail,manager's employee number,department,job title,active\n"
    b"N1,Nora Boss,nora@example.com,,Operations,Head of Operations,yes\n"
    b"N2,,ned@example.com,N1,Operations,Analyst,yes\n"
    b"N3,Nia Lost,nia@example.com,N9,Operations,Analyst,yes\n"
)


def test_manager_cannot_open_someone_elses_report(client, org):
    client.force_login(org.manager)
    response = client.get(reverse("people:person_detail", args=[org.other_employee_person.pk]))
    assert response.status_code == 404
    assert "Olivia" not in response.content.decode()


def test_manager_of_managers_can_open_people_deeper_in_the_chain(client, org):
    lead = PersonFactory(manager=org.manager_person)
    deep = PersonFactory(manager=lead)
    client.force_login(org.manager)
    assert client.get(reverse("people:person_detail", args=[deep.pk])).status_code == 200


def test_employee_cannot_open_their_manager(client, org):
    client.force_login(org.employee)
    assert client.get(reverse("people:person_detail", args=[org.manager_person.pk])).status_code == 404


def test_person_page_shows_profile_and_manager(client, org):
    client.force_login(org.manager)
    body = client.get(reverse("people:person_detail", args=[org.employee_person.pk])).content.decode()
    assert "Brian Walsh" in body
    assert "Kate Morgan" in body
    assert org.employee.email in body


def _upload(client, content, name="org.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("people:org_import"), {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_hr_uploads_a_clean_org_chart_and_sees_the_counts(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, GOOD_CSV)
    org_import = OrgImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:org_import_detail", args=[org_import.pk])
    page = client.get(response.url).content.decode()
    assert "2 added" in page
    assert Person.objects.get(employee_number="N2").manager.employee_number == "N1"


def test_a_bad_org_chart_shows_every_error_with_its_line_and_changes_nothing(
    client, org, django_capture_on_commit_callbacks
):
    client.force_login(org.hr)
    before = Person.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, BAD_CSV)
    page = client.get(response.url).content.decode()
    assert "nothing was changed" in page
    assert "name is empty" in page
    assert "manager N9 is neither in this file nor in the org chart" in page
    assert "<td>3</td>" in page
    assert "<td>4</td>" in page
    assert Person.objects.count() == before


def test_import_status_fragment_for_htmx_polling(client, org):
    client.force_login(org.hr)
    response = _upload(client, GOOD_CSV)
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'id="import-status"' in fragment.content.decode()


def test_a_pending_import_page_polls_for_its_status(client, org):
    pending = OrgImport.objects.create(uploaded_by=org.hr, file_name="big.csv", content=GOOD_CSV)
    client.force_login(org.hr)
    page = client.get(reverse("people:org_import_detail", args=[pending.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("org.xlsx", GOOD_CSV, "Upload a .csv file"),
        ("org.csv", b"", "The submitted file is empty"),
    ],
)
def test_org_import_refuses_wrong_files_with_a_message(client, org, name, content, message):
    client.force_login(org.hr)
    response = _upload(client, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OrgImport.objects.exists()


def test_org_import_refuses_a_file_over_the_size_limit(client, org, settings):
    settings.ORG_IMPORT_MAX_BYTES = 100
    client.force_login(org.hr)
    response = _upload(client, GOOD_CSV)
    assert "larger than" in response.content.decode()
    assert not OrgImport.objects.exists()


def test_org_import_post_without_csrf_token_is_refused_and_changes_nothing(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.hr)
    response = client.post(reverse("people:org_import"), {"file": SimpleUploadedFile("org.csv", GOOD_CSV)})
    assert response.status_code == 403
    assert "expired" in response.content.decode()
    assert not OrgImport.objects.exists()


def test_manager_cannot_upload_an_org_chart(client, org):
    client.force_login(org.manager)
    assert _upload(client, GOOD_CSV).status_code == 403
    assert not OrgImport.objects.exists()


def test_org_import_still_runs_when_the_broker_is_unreachable(
    client, org, monkeypatch, django_capture_on_commit_callbacks
):
    from people import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.run_org_import, "delay", broker_down)
    client.force_login(org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, GOOD_CSV)
    assert response.status_code == 302
    assert OrgImport.objects.get().status == OrgImport.Status.DONE
    assert Person.objects.filter(employee_number="N2").exists()
