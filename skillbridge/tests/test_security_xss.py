"""Stored XSS: every free-text field a user writes and a page shows back is escaped there.

Each row writes the payload through the real service or form (as the role that may write it), then
opens the pages that show it, as the people who read them: the payload's markup must not be in the
HTML, its escaped form must be. The Content-Security-Policy (test_security_headers.py) is the second
line: even an unescaped <script> or onerror= would not run.
"""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Course, LearningRequest
from catalog.request_services import answer_learning_request, create_learning_request, take_learning_request
from catalog.tests.test_curation import _course_data
from devplans.models import PlanTemplate
from devplans.services import checkins, items, plans
from devplans.tests.helpers import in_weeks, skill
from skillbridge.tests.test_authz_matrix import world  # noqa: F401 -- a fixture

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def _url(name, *args):
    return reverse(name, args=args)


def _version(model, pk):
    return model.objects.get(pk=pk).version


# Each writer stores PAYLOAD and returns [(reader role, url), ...] of the pages that show it.


def plan_career_goal(w):
    plans.update_plan(
        plan=w.plan,
        by=w.manager,
        expected_version=_version(type(w.plan), w.plan.pk),
        career_goal=PAYLOAD,
        target_role=None,
        cadence_weeks=4,
    )
    return [("manager", _url("devplans:plan", w.plan.pk)), ("employee", _url("devplans:my_plan"))]


def goal_outcome(w):
    plans.add_goal(
        plan=w.plan, by=w.manager, skill=skill("feedback"), target_level=3, outcome=PAYLOAD, due_on=in_weeks(6)
    )
    return [("manager", _url("devplans:plan", w.plan.pk)), ("employee", _url("devplans:my_plan"))]


def practice_description(w):
    plans.add_practice_item(plan=w.plan, by=w.manager, description=PAYLOAD)
    return [("manager", _url("devplans:plan", w.plan.pk)), ("employee", _url("devplans:my_plan"))]


def practice_reflection_and_feedback(w):
    item = items.reflect_on_practice(
        item=w.practice_item,
        by=w.employee,
        expected_version=w.practice_item.version,
        reflection=PAYLOAD,
        status="in_progress",
    )
    items.give_practice_feedback(item=item, by=w.manager, expected_version=item.version, text=PAYLOAD)
    return [("manager", _url("devplans:plan", w.plan.pk)), ("employee", _url("devplans:my_plan"))]


def learning_note_and_observation(w):
    item = type(w.learning_item).objects.get(pk=w.learning_item.pk)
    items.record_observation(item=item, by=w.manager, text=PAYLOAD)
    return [("manager", _url("devplans:plan", w.plan.pk)), ("employee", _url("devplans:my_plan"))]


def feedback_text(w):
    checkins.give_feedback(person=w.employee_person, by=w.manager, text=PAYLOAD)
    return [("manager", _url("devplans:plan", w.plan.pk)), ("employee", _url("devplans:my_plan"))]


def checkin_notes(w):
    checkin = type(w.checkin).objects.get(pk=w.checkin.pk)
    held = checkins.record_checkin(
        checkin=checkin,
        by=w.manager,
        expected_version=checkin.version,
        held_on=timezone.localdate(),
        progress={w.goal.pk: ("on_track", PAYLOAD)},
        feedback=PAYLOAD,
    )
    checkins.comment_on_checkin(checkin=held, by=w.employee, expected_version=held.version, comment=PAYLOAD)
    return [
        ("manager", _url("devplans:checkin", w.checkin.pk)),
        ("employee", _url("devplans:checkin", w.checkin.pk)),
        ("manager", _url("devplans:plan", w.plan.pk)),
    ]


def learning_request_note_and_messages(w):
    request = create_learning_request(by=w.manager, person=w.employee_person, note=PAYLOAD)
    take_learning_request(learning_request=request, by=w.ld)
    answer_learning_request(learning_request=LearningRequest.objects.get(pk=request.pk), by=w.ld, body=PAYLOAD)
    return [
        ("ld", _url("catalog:request_list") + "?status=all"),
        ("ld", _url("catalog:request_detail", request.pk)),
        ("manager", _url("catalog:request_detail", request.pk)),
        ("manager", _url("catalog:request_list")),
    ]


def course_text(w, client):
    client.force_login(w.ld)
    data = _course_data(code="xss-1", title=PAYLOAD, description=PAYLOAD, provider=PAYLOAD)
    assert client.post(reverse("catalog:course_add"), data).status_code == 302
    course = Course.objects.get(code="xss-1")
    return [
        ("employee", _url("catalog:course_detail", course.pk)),
        ("employee", reverse("catalog:course_list") + "?q=script"),
        ("ld", _url("catalog:course_edit", course.pk)),
    ]


def plan_template_text(w, client):
    client.force_login(w.ld)
    data = {
        "name": PAYLOAD,
        "role_profile": "",
        "description": PAYLOAD,
        "career_goal": PAYLOAD,
        "cadence_weeks": 4,
        "is_active": "on",
    }
    response = client.post(reverse("devplans:template_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template = PlanTemplate.objects.get(name=PAYLOAD)
    return [
        ("ld", _url("devplans:template_list")),
        ("ld", _url("devplans:template_detail", template.pk)),
        ("manager", _url("devplans:template_list")),
    ]


def rubric_skill_text(w, client):
    client.force_login(w.ld)
    url = _url("assessments:edit_skill", w.draft_skill.pk)
    page = client.get(url)
    assert page.status_code == 200
    form, formset = page.context["form"], page.context["formset"]
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"name": PAYLOAD[:60], "description": PAYLOAD, "next_steps": PAYLOAD, "level_developing": PAYLOAD}
    data |= {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
    data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()  # no blank extra rows
    for behaviour_form in formset.forms:
        if behaviour_form.instance.pk is None:  # the blank extra rows stay blank
            continue
        for name in behaviour_form.fields:
            value = behaviour_form[name].value()
            if value not in (None, False):
                data[behaviour_form.add_prefix(name)] = value
    data[f"{formset.prefix}-0-text"] = PAYLOAD
    response = client.post(url, data)
    assert response.status_code == 302, (response.context["form"].errors, response.context["formset"].errors)
    return [("ld", _url("assessments:manage_rubric")), ("ld", url)]


def assessment_notes(w):
    from assessments.services import assessing

    draft = w.draft_assessment
    first = draft.rubric_version.skills.order_by("order").first()
    assessing.save_skill(assessment=draft, skill=first, frequencies={}, answers={"note": PAYLOAD, "mistakes": PAYLOAD})
    submitted = w.submitted_assessment
    submitted.skill_results.create(skill=first, level=2, target=3, gap=1, priority=1, note=PAYLOAD, mistakes=PAYLOAD)
    return [
        ("manager", _url("assessments:assessment", draft.pk)),
        ("manager", _url("assessments:assessment", submitted.pk)),
        ("manager", _url("assessments:gaps", w.employee_person.pk)),
    ]


def org_chart_names(w, client, capture):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["employee number", "name", "e-mail", "manager's employee number", "department", "job title", "active"]
    )
    writer.writerow(["X1", f"Nora {PAYLOAD}"[:100], "nora@example.com", "", PAYLOAD[:60], PAYLOAD[:60], "yes"])
    writer.writerow(["X2", "Ned Report", "ned@example.com", "X1", PAYLOAD[:60], "Analyst", "yes"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(w.hr)
    with capture(execute=True):
        response = client.post(
            reverse("people:org_import"), {"file": SimpleUploadedFile("org.csv", out.getvalue().encode(), "text/csv")}
        )
    assert response.status_code == 302
    from people.models import Person

    ned = Person.objects.get(employee_number="X2")
    return [("hr", _url("people:person_detail", ned.pk))]


WRITERS = [
    plan_career_goal,
    goal_outcome,
    practice_description,
    practice_reflection_and_feedback,
    learning_note_and_observation,
    feedback_text,
    checkin_notes,
    learning_request_note_and_messages,
    course_text,
    plan_template_text,
    rubric_skill_text,
    assessment_notes,
    org_chart_names,
]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda f: f.__name__)
def test_a_stored_script_is_shown_escaped_on_every_page_that_shows_it(
    client,
    world,  # noqa: F811
    writer,
    django_capture_on_commit_callbacks,
):
    arguments = writer.__code__.co_varnames[: writer.__code__.co_argcount]
    extra = {"client": client, "capture": django_capture_on_commit_callbacks}
    pages = writer(world, *(extra[name] for name in arguments[1:]))
    assert pages
    for role, url in pages:
        client.force_login(getattr(world, role))
        response = client.get(url)
        assert response.status_code == 200, f"{role} {url}"
        html = response.content.decode()
        assert "<script>alert(1)" not in html, f"{writer.__name__}: raw <script> on {url}"
        assert "<img src=x" not in html, f"{writer.__name__}: raw <img onerror> on {url}"
        assert ESCAPED[:40] in html, (
            f"{writer.__name__}: the escaped text is not on {url}",
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1]))[:1500],  # the page's text
        )
