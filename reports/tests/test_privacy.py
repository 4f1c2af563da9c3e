"""Data-subject requests: everything about one person (JSON, CSV), and anonymising a leaver."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Sum
from django.urls import reverse
from django.utils import timezone

from assessments.models import Rating, SkillResult
from catalog.models import LearningRequest, RequestMessage
from catalog.request_services import create_learning_request
from devplans.models import CheckIn, Feedback, LearningItem, Plan, PlanEvent, SurveyAnswer
from devplans.services import checkins
from people.models import OutboundEmail, Person
from people.outbox import record_email
from reports import dashboards, privacy
from reports.filters import ReportFilters
from reports.models import ExportLog
from reports.tests.dashboard_data import agreed_plan_from_gap, answer_follow_up, complete_course

pytestmark = pytest.mark.django_db

SECRET = "Brian froze in the client meeting"


@pytest.fixture
def brian(org):
    """Brian with one of everything: an assessment with a note, a plan, a course, feedback, a check-in comment,
    a follow-up survey with a comment, a learning request and an e-mail; Kate also wrote feedback for him."""
    person = org.employee_person
    plan, goal = agreed_plan_from_gap(person, org.manager)
    SkillResult.objects.filter(assessment__person=person).update(note=SECRET, mistakes=SECRET)
    complete_course(plan, goal, org.manager, person)
    answer_follow_up(plan, 3)
    SurveyAnswer.objects.filter(survey__plan=plan).update(comment=SECRET)
    checkins.give_feedback(person=person, by=org.manager, text=SECRET)
    CheckIn.objects.filter(plan=plan).update(employee_comment=SECRET)
    create_learning_request(by=org.manager, person=person, note=SECRET)
    record_email(
        key="privacy:1", kind="test", to=person.user.email, subject="For Brian", body=SECRET, recipient=person.user
    )
    org.plan = plan
    return org


def leave(person):
    Person.objects.filter(pk=person.pk).update(is_active=False, left_on=timezone.localdate())
    person.refresh_from_db()
    return person


def aggregates():
    """Figures the reports count, computed straight from the tables, and every dashboard report for HR."""
    from django.contrib.auth import get_user_model

    hr = get_user_model().objects.get(groups__name="HR")
    filters = ReportFilters()
    figures = {
        "ratings": list(Rating.objects.values("behaviour__skill__key").annotate(n=Count("pk"), s=Sum("frequency"))),
        "gaps": list(SkillResult.objects.values("skill__key").annotate(g=Avg("gap"), p=Sum("priority"), n=Count("pk"))),
        "surveys": list(SurveyAnswer.objects.values("outcome", "level_now", "level_before").annotate(n=Count("pk"))),
        "plans": list(Plan.objects.values("status").annotate(n=Count("pk"))),
        "learning": list(LearningItem.objects.values("status", "completed_on").annotate(n=Count("pk"))),
        "people_by_department": list(Person.objects.values("department__name", "is_active").annotate(n=Count("pk"))),
    }
    figures["reports"] = {
        key: list(report.rows(hr, filters)) for key, report in dashboards.REPORTS.items() if report.allows(hr, filters)
    }
    return figures


# --- everything about one person ----------------------------------------------------------------------------------


def test_the_json_holds_everything_about_the_person_and_no_password(client, brian):
    client.force_login(brian.hr)

    response = client.get(
        reverse("reports:person_data_download", kwargs={"pk": brian.employee_person.pk, "fmt": "json"})
    )
    data = json.loads(response.content)

    assert response["Content-Disposition"].startswith("attachment;")
    assert data["person"]["employee_number"] == brian.employee_person.employee_number
    assert data["account"]["email"] == brian.employee.email
    assert "password" not in data["account"]
    assert brian.employee.password not in response.content.decode()
    [assessment] = data["assessments"]
    assert len(assessment["ratings"]) == Rating.objects.filter(assessment__person=brian.employee_person).count()
    assert {r["note"] for r in assessment["skill_results"]} == {SECRET}
    [plan] = data["plans"]
    assert plan["id"] == brian.plan.pk and plan["goals"][0]["skill"] == "delegation"
    assert plan["learning_items"][0]["status"] == "completed"
    assert plan["surveys"][0]["answers"][0]["comment"] == SECRET
    assert SECRET in [c["employee_comment"] for c in plan["checkins"]]
    assert [f["text"] for f in data["feedback_received"]] == [SECRET]
    assert [r["note"] for r in data["learning_requests"]] == [SECRET]
    assert SECRET in [e["body"] for e in data["emails"]]


def test_the_csv_has_the_same_values_as_section_field_value_rows(client, brian):
    client.force_login(brian.hr)
    pk = brian.employee_person.pk

    body = b"".join(
        client.get(reverse("reports:person_data_download", kwargs={"pk": pk, "fmt": "csv"})).streaming_content
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    data = json.loads(client.get(reverse("reports:person_data_download", kwargs={"pk": pk, "fmt": "json"})).content)

    assert rows[0] == ["section", "field", "value"]
    values = {(section, field): value for section, field, value in rows[1:]}
    assert values[("person", "employee_number")] == data["person"]["employee_number"]
    assert values[("plans", "[1].goals[1].outcome")] == data["plans"][0]["goals"][0]["outcome"]
    assert values[("feedback_received", "[1].text")] == SECRET
    assert {section for section, _, _ in rows[1:]} == set(privacy.SECTIONS)


def test_each_person_data_download_is_logged(client, brian):
    client.force_login(brian.hr)
    client.get(reverse("reports:person_data_download", kwargs={"pk": brian.employee_person.pk, "fmt": "json"}))

    entry = ExportLog.objects.get()
    assert (entry.user, entry.kind, entry.key, entry.file_format) == (
        brian.hr,
        "person",
        str(brian.employee_person.pk),
        "json",
    )


def test_only_hr_gets_a_persons_data(client, brian):
    url = reverse("reports:person_data_download", kwargs={"pk": brian.employee_person.pk, "fmt": "json"})
    for user in (brian.manager, brian.ld, brian.employee):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(brian.hr)
    assert client.get(reverse("reports:person_data_download", kwargs={"pk": 999999, "fmt": "json"})).status_code == 404
    assert (
        client.get(
            reverse("reports:person_data_download", kwargs={"pk": brian.employee_person.pk, "fmt": "xml"})
        ).status_code
        == 404
    )


# --- anonymising a leaver -----------------------------------------------------------------------------------------


def test_anonymising_keeps_every_aggregate_figure(brian):
    leave(brian.employee_person)
    before = aggregates()

    privacy.anonymise_person(
        person=brian.employee_person, by=brian.hr, confirmation=brian.employee_person.employee_number
    )

    assert aggregates() == before


def test_anonymising_removes_what_identifies_the_person(client, brian):
    person = leave(brian.employee_person)
    old_email, old_number, old_name = person.user.email, person.employee_number, person.full_name

    privacy.anonymise_person(person=person, by=brian.hr, confirmation=old_number)

    person.refresh_from_db()
    user = person.user
    assert (person.full_name, person.employee_number) == (f"Former employee #{person.pk}", f"removed-{person.pk}")
    assert (user.email, user.first_name, user.last_name, user.is_active) == ("", "", "", False)
    assert not user.has_usable_password() and old_email not in user.username
    assert not user.groups.exists()
    data = privacy.person_data_json(privacy.person_data(person))
    for secret in (SECRET, old_email, old_number, old_name):
        assert secret not in data
    assert not SkillResult.objects.filter(note=SECRET).exists()
    assert not Feedback.objects.filter(text=SECRET).exists()
    assert not OutboundEmail.objects.filter(body=SECRET).exists()
    assert not OutboundEmail.objects.filter(to=old_email).exists()
    assert not LearningRequest.objects.filter(note=SECRET).exists()
    assert not PlanEvent.objects.filter(plan__person=person).exclude(summary="[removed]").exists()
    assert not user.check_password("correct-horse-battery")


def test_text_the_leaver_wrote_about_others_is_removed_and_their_name_replaced(brian):
    kate = brian.manager_person
    leave(kate)
    plan_events = PlanEvent.objects.filter(plan=brian.plan, actor=brian.manager)
    assert any(kate.full_name in e.summary for e in plan_events)
    RequestMessage.objects.create(request=LearningRequest.objects.get(), author=brian.manager, body="Kate's words")
    status = Plan.objects.get(pk=brian.plan.pk).status
    kates_export = ExportLog.objects.create(
        user=brian.manager, user_label=brian.manager.email, kind="dataset", key="people"
    )

    privacy.anonymise_person(person=kate, by=brian.hr, confirmation=kate.employee_number)

    assert not any(kate.full_name in e.summary for e in PlanEvent.objects.filter(plan=brian.plan))
    assert any(f"Former employee #{kate.pk}" in e.summary for e in PlanEvent.objects.filter(plan=brian.plan))
    assert set(SkillResult.objects.filter(assessment__assessor=brian.manager).values_list("note", flat=True)) == {
        "[removed]"
    }
    assert set(Feedback.objects.filter(given_by=brian.manager).values_list("text", flat=True)) == {"[removed]"}
    assert not RequestMessage.objects.filter(body="Kate's words").exists()
    kates_export.refresh_from_db()
    assert (kates_export.user_label, kates_export.key) == (f"Former employee #{kate.pk}", "people")
    # Brian's own plan figures are untouched.
    assert Plan.objects.get(pk=brian.plan.pk).status == status


def test_someone_still_active_cannot_be_anonymised(brian):
    person = brian.employee_person

    with pytest.raises(ValidationError, match="still works here"):
        privacy.anonymise_person(person=person, by=brian.hr, confirmation=person.employee_number)

    person.refresh_from_db()
    assert person.full_name == "Brian Walsh" and not ExportLog.objects.exists()


def test_a_wrong_confirmation_changes_nothing(brian):
    person = leave(brian.employee_person)

    with pytest.raises(ValidationError, match="Type the employee number"):
        privacy.anonymise_person(person=person, by=brian.hr, confirmation="yes")

    assert SkillResult.objects.filter(note=SECRET).exists()
    assert Person.objects.get(pk=person.pk).full_name == "Brian Walsh"


def test_anonymising_twice_changes_nothing_more_and_is_logged_once(brian):
    person = leave(brian.employee_person)
    number = person.employee_number
    privacy.anonymise_person(person=person, by=brian.hr, confirmation=number)
    after_first = privacy.person_data(person)

    privacy.anonymise_person(person=person, by=brian.hr, confirmation=number)

    assert privacy.person_data(person) == after_first
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.key, entry.user) == ("anonymised", str(person.pk), brian.hr)


def test_hr_anonymises_a_leaver_through_the_confirm_page(client, brian):
    person = leave(brian.employee_person)
    url = reverse("reports:person_anonymise", kwargs={"pk": person.pk})
    client.force_login(brian.hr)

    assert "Type the employee number" in client.get(url).content.decode()
    wrong = client.post(url, {"confirmation": "nope"})
    assert wrong.status_code == 400 and "Nothing was changed" in wrong.content.decode()
    done = client.post(url, {"confirmation": person.employee_number})

    assert done["Location"] == reverse("reports:person_data", kwargs={"pk": person.pk})
    assert Person.objects.get(pk=person.pk).employee_number == f"removed-{person.pk}"
    assert "has been anonymised" in client.get(done["Location"]).content.decode()


def test_the_confirm_page_refuses_someone_still_active(client, brian):
    url = reverse("reports:person_anonymise", kwargs={"pk": brian.employee_person.pk})
    client.force_login(brian.hr)

    assert "still works here" in client.get(url).content.decode()
    assert client.post(url, {"confirmation": brian.employee_person.employee_number}).status_code == 400
    assert Person.objects.get(pk=brian.employee_person.pk).full_name == "Brian Walsh"


def test_managers_cannot_anonymise(client, brian):
    person = leave(brian.employee_person)
    client.force_login(brian.manager)

    assert (
        client.post(
            reverse("reports:person_anonymise", kwargs={"pk": person.pk}), {"confirmation": person.employee_number}
        ).status_code
        == 403
    )
    assert Person.objects.get(pk=person.pk).full_name == "Brian Walsh"
