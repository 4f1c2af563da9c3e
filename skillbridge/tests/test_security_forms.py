"""Mass assignment: every ModelForm names its fields, and extra POST fields change nothing.

The walk imports every module of the project's apps, finds each ModelForm subclass and checks that
Meta.fields is an explicit list or tuple (never "__all__", never Meta.exclude) and names none of the
fields that say who owns a row, who may see it, what it scored or what state it is in. Those are set
by services from the acting user, never from a form. The exceptions are listed in ALLOWED, with why:
forms used only in Django's admin (staff only, where editing the org chart is the point).
"""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse

from catalog.models import Course
from catalog.tests.test_curation import _course_data
from devplans.models import Feedback
from devplans.tests.helpers import plan_with_goal

APPS = ["people", "catalog", "assessments", "devplans", "reports", "skillbridge"]

# Fields no form a user posts may set: ownership, reporting line, authorship, scores, status, privileges.
FORBIDDEN = {
    "user",
    "person",
    "owner",
    "manager",
    "assessor",
    "created_by",
    "uploaded_by",
    "requested_by",
    "handled_by",
    "given_by",
    "recorded_by",
    "author",
    "respondent",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "password",
    "score",
    "level",
    "gap",
    "priority",
    "status",
    "revision",
    "agreed_revision",
    "agreed_at",
    "version",
    "submitted_at",
    "published_at",
    "rubric_version",
    "content",
}

# form class path → forbidden names it may list, and why.
ALLOWED = {
    # Django admin only (superusers): the admin exists to correct the org chart by hand.
    "people.admin.PersonAdminForm": {"user", "manager"},
}


def _modules():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if any(part in info.name for part in (".tests", ".migrations", ".management", ".wsgi", ".asgi")):
                continue
            yield importlib.import_module(info.name)


def _model_forms():
    found = {}
    for module in _modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.ModelForm)
                and value.__module__.split(".")[0] in APPS
                and getattr(value, "_meta", None) is not None
                and value._meta.model is not None
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


MODEL_FORMS = _model_forms()


def test_the_walk_finds_the_projects_model_forms():
    assert {
        "assessments.forms.SkillForm",
        "assessments.forms.BehaviourForm",
        "catalog.forms.CourseForm",
        "catalog.forms.CourseSkillForm",
        "devplans.template_forms.PlanTemplateForm",
        "people.admin.PersonAdminForm",
    } <= MODEL_FORMS.keys()


@pytest.mark.parametrize("path", sorted(MODEL_FORMS))
def test_every_model_form_lists_its_fields_and_no_protected_one(path):
    meta = MODEL_FORMS[path].Meta
    assert isinstance(getattr(meta, "fields", None), list | tuple), f'{path}: list Meta.fields (not "__all__")'
    assert not getattr(meta, "exclude", None), f"{path}: Meta.exclude lets a new model field in unnoticed"
    protected = set(meta.fields) & (FORBIDDEN - ALLOWED.get(path, set()))
    assert not protected, f"{path} lets a user post {sorted(protected)}"


# --- extra fields posted to real pages change nothing ---------------------------------------------------------

EXTRA = {
    "person": "0",
    "manager": "0",
    "owner": "0",
    "created_by": "0",
    "given_by": "0",
    "is_staff": "on",
    "is_superuser": "on",
    "score": "100",
    "level": "4",
    "status": "agreed",
    "revision": "99",
    "agreed_revision": "99",
    "pk": "999",
    "id": "999",
}


def test_extra_fields_on_the_plan_form_change_nothing(client, org):
    plan, _ = plan_with_goal(org)
    plan.refresh_from_db()
    created_by = plan.created_by_id
    extra = EXTRA | {"person": org.other_employee_person.pk, "created_by": org.other_manager.pk}
    client.force_login(org.manager)
    response = client.post(
        reverse("devplans:edit_plan", args=[plan.pk]),
        {"version": plan.version, "career_goal": "Lead the platform team", "target_role": "", "cadence_weeks": 2}
        | extra,
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.career_goal == "Lead the platform team"
    assert plan.person_id == org.employee_person.pk
    assert plan.created_by_id == created_by == org.manager.pk
    assert plan.status == "draft" and plan.agreed_revision is None and plan.revision != 99
    org.manager.refresh_from_db()
    assert not org.manager.is_staff and not org.manager.is_superuser


def test_extra_fields_on_the_feedback_form_change_nothing(client, org):
    client.force_login(org.manager)
    extra = EXTRA | {"person": org.other_employee_person.pk, "given_by": org.other_manager.pk}
    response = client.post(
        reverse("devplans:give_feedback", args=[org.employee_person.pk]),
        {"text": "Clear hand-over of the release", "skill": "", "behaviour": ""} | extra,
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.person_id == org.employee_person.pk
    assert feedback.given_by_id == org.manager.pk
    assert not Feedback.objects.filter(person=org.other_employee_person).exists()
    org.manager.refresh_from_db()
    assert not org.manager.is_staff


def test_extra_fields_on_the_course_form_change_nothing(client, org):
    client.force_login(org.ld)
    response = client.post(reverse("catalog:course_add"), _course_data() | EXTRA)
    assert response.status_code == 302
    course = Course.objects.get(code="delegation-basics")
    assert course.pk != 999
    org.ld.refresh_from_db()
    assert not org.ld.is_staff and not org.ld.is_superuser


def test_extra_fields_on_the_login_form_grant_nothing(client, org):
    from people.tests.factories import PASSWORD

    response = client.post(
        reverse("login"), {"username": org.employee.email, "password": PASSWORD, "is_staff": "on", "is_superuser": "on"}
    )
    assert response.status_code == 302
    org.employee.refresh_from_db()
    assert not org.employee.is_staff and not org.employee.is_superuser
    assert client.get(reverse("admin:index")).status_code == 302
