"""Role × URL → expected status, for every URL the project serves.

The test walks the URL resolver and fails when a named URL has no row here,
so a new page cannot ship without saying who may open it. Objects in the
URLs belong to the employee of the `org` fixture (Brian, who reports to
Kate), so "another employee" and "another manager" must get 404, not 403 and
not the data.

Django admin URLs are covered by one rule instead of a row each: the admin
checks staff status itself; `test_admin_pages_are_for_staff_only` opens
every admin page without arguments for each role.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.selectors import current_rubric
from assessments.services.rubric import start_draft
from catalog.models import Course, CourseImport, LearningRequest
from people.models import OrgImport, OutboundEmail
from reports.tests.authz_audit_rows import ROWS as AUDIT_ROWS
from reports.tests.authz_dashboard_rows import ROWS as DASHBOARD_ROWS
from reports.tests.authz_export_rows import ROWS as EXPORT_ROWS

ROLES = ["anonymous", "employee", "other_employee", "manager", "other_manager", "ld", "hr", "admin"]


def _everyone(status, anonymous=302):
    return {role: (anonymous if role == "anonymous" else status) for role in ROLES}


def _only(allowed, status=200, others=403):
    return {role: 302 if role == "anonymous" else (status if role in allowed else others) for role in ROLES}


MANAGERS = {"manager", "other_manager"}
CURATORS = {"ld", "hr", "admin"}
READERS = {"employee", "manager", "hr", "admin"}
LINK_FOR_KATE = {**dict.fromkeys(ROLES, 403), "anonymous": 200, "manager": 200}

# name → (method, kwargs builder, {role: status})
MATRIX = {
    "home": ("get", None, _everyone(302)),
    "status": ("get", None, _only({"admin"})),
    # Probes for the load balancer: open to everyone, logged in or not.
    "healthz": ("get", None, _everyone(200, anonymous=200)),
    "readyz": ("get", None, _everyone(200, anonymous=200)),
    "login": ("get", None, _everyone(302, anonymous=200)),
    "logout": ("post", None, _everyone(302)),
    "password_change": ("get", None, _everyone(200)),
    "password_change_done": ("get", None, _everyone(200)),
    "password_reset": ("get", None, _everyone(200, anonymous=200)),
    "password_reset_done": ("get", None, _everyone(200, anonymous=200)),
    "password_reset_confirm": (
        "get",
        lambda org: {"uidb64": "MQ", "token": "not-a-real-token"},
        _everyone(200, anonymous=200),
    ),
    "password_reset_complete": ("get", None, _everyone(200, anonymous=200)),
    "devplans:team": ("get", None, _only({"manager", "other_manager"})),
    "people:person_detail": (
        "get",
        lambda org: {"pk": org.employee_person.pk},
        _only({"employee", "manager", "hr", "admin"}, others=404),
    ),
    "people:org_import": ("get", None, _only({"hr", "admin"})),
    "people:outbox": ("get", None, _only({"ld", "admin"})),
    "people:outbox_retry": ("post", lambda org: {"pk": org.failed_email.pk}, _only({"admin"}, status=302)),
    "people:org_import_detail": ("get", lambda org: {"pk": org.org_import.pk}, _only({"hr", "admin"})),
    "devplans:my_plan": ("get", None, _everyone(200)),
    "devplans:set_preferred_formats": (
        "post",
        None,
        _only({"employee", "other_employee", "manager", "other_manager", "ld", "hr"}, status=302),
    ),
    "assessments:demand": ("get", None, _only({"ld", "admin"})),
    "catalog:course_list": ("get", None, _everyone(200)),
    "catalog:course_detail": ("get", lambda org: {"pk": org.course.pk}, _everyone(200)),
    "catalog:course_add": ("get", None, _only({"ld", "admin"})),
    "catalog:course_edit": ("get", lambda org: {"pk": org.course.pk}, _only({"ld", "admin"})),
    "catalog:course_set_active": ("post", lambda org: {"pk": org.course.pk}, _only({"ld", "admin"}, status=302)),
    "catalog:course_import": ("get", None, _only({"ld", "admin"})),
    "catalog:course_import_detail": ("get", lambda org: {"pk": org.course_import.pk}, _only({"ld", "admin"})),
    "catalog:course_export": ("get", None, _only({"ld", "admin"})),
    "catalog:request_list": ("get", None, _only({"manager", "other_manager", "ld", "admin"})),
    "catalog:request_new": (
        "get",
        lambda org: {"person_pk": org.employee_person.pk},
        {**_only({"manager", "admin"}), "other_manager": 404},
    ),
    "catalog:request_detail": (
        "get",
        lambda org: {"pk": org.learning_request.pk},
        _only({"manager", "ld", "admin"}, others=404),
    ),
    "catalog:request_take": ("post", lambda org: {"pk": org.learning_request.pk}, _only({"ld", "admin"}, status=302)),
    "catalog:request_answer": ("post", lambda org: {"pk": org.learning_request.pk}, _only({"ld", "admin"})),
    "catalog:request_reply": (
        "post",
        lambda org: {"pk": org.learning_request.pk},
        {**_only({"manager"}, others=404), "ld": 403, "admin": 403},
    ),
    "catalog:request_close": (
        "post",
        lambda org: {"pk": org.learning_request.pk},
        _only({"manager", "ld", "admin"}, status=302, others=404),
    ),
    "catalog:course_duplicate": ("post", lambda org: {"pk": org.course.pk}, _only({"ld", "admin"}, status=302)),
    "reports:home": ("get", None, _only({"hr", "admin"})),
    # Development plans: readable by the person, their chain, HR and admins; changed by the manager side
    # (Kate), with the person's own actions for Brian. An empty POST is a bad form: 400, nothing changed.
    "devplans:person_plan_panel": (
        "get",
        lambda org: {"person_pk": org.employee_person.pk},
        _only(READERS, others=404),
    ),
    "devplans:create_plan": (
        "post",
        lambda org: {"person_pk": org.employee_person.pk},
        _only({"manager"}, status=400, others=404),
    ),
    # GET shows the gaps to choose from; POST (tested in devplans/tests/test_from_gaps.py) creates the plan.
    "devplans:create_plan_from_gaps": (
        "get",
        lambda org: {"person_pk": org.employee_person.pk},
        _only({"manager"}, others=404),
    ),
    "devplans:give_feedback": (
        "get",
        lambda org: {"person_pk": org.employee_person.pk},
        _only({"manager"}, others=404),
    ),
    "devplans:plan": ("get", lambda org: {"pk": org.plan.pk}, _only(READERS, others=404)),
    **{
        f"devplans:{name}": ("post", lambda org: {"pk": org.plan.pk}, _only({"manager"}, status=400, others=404))
        for name in ("edit_plan", "end_plan", "add_goal", "add_learning_item", "add_practice_item")
    },
    "devplans:confirm_plan": (
        "post",
        lambda org: {"pk": org.plan.pk},
        _only({"employee", "manager"}, status=400, others=404),
    ),
    **{
        f"devplans:{name}": (
            "post",
            lambda org: {"plan_pk": org.plan.pk, "pk": org.goal.pk},
            _only({"manager"}, status=400, others=404),
        )
        for name in ("change_goal", "remove_goal")
    },
    "devplans:set_learning_status": (
        "post",
        lambda org: {"plan_pk": org.plan.pk, "pk": org.learning_item.pk},
        _only({"employee", "manager"}, status=400, others=404),
    ),
    "devplans:postpone_learning_item": (
        "get",
        lambda org: {"plan_pk": org.plan.pk, "pk": org.learning_item.pk},
        _only({"employee", "manager"}, others=404),
    ),
    "devplans:record_observation": (
        "post",
        lambda org: {"plan_pk": org.plan.pk, "pk": org.learning_item.pk},
        _only({"manager"}, status=400, others=404),
    ),
    "devplans:reflect_on_practice": (
        "post",
        lambda org: {"plan_pk": org.plan.pk, "pk": org.practice_item.pk},
        _only({"employee"}, status=400, others=404),
    ),
    "devplans:give_practice_feedback": (
        "post",
        lambda org: {"plan_pk": org.plan.pk, "pk": org.practice_item.pk},
        _only({"manager"}, status=400, others=404),
    ),
    "devplans:checkin": ("get", lambda org: {"pk": org.checkin.pk}, _only(READERS, others=404)),
    **{
        f"devplans:{name}": ("post", lambda org: {"pk": org.checkin.pk}, _only({"manager"}, status=400, others=404))
        for name in ("record_checkin", "reschedule_checkin")
    },
    "devplans:comment_on_checkin": (
        "post",
        lambda org: {"pk": org.checkin.pk},
        _only({"employee"}, status=400, others=404),
    ),
    # Signed links issued to Kate: the link is the key (no login needed), but nobody else logged in may use it.
    "devplans:survey": ("get", lambda org: {"token": org.survey_token}, LINK_FOR_KATE),
    "devplans:observation": ("get", lambda org: {"token": org.observation_token}, LINK_FOR_KATE),
    # Plan templates: L&D, HR and admins curate; managers read the offered ones and apply them to their chain.
    "devplans:template_list": ("get", None, _only(MANAGERS | CURATORS)),
    "devplans:template_detail": ("get", lambda org: {"pk": org.template.pk}, _only(MANAGERS | CURATORS)),
    "devplans:template_add": ("get", None, _only(CURATORS)),
    "devplans:template_edit": ("get", lambda org: {"pk": org.template.pk}, _only(CURATORS)),
    "devplans:template_duplicate": ("post", lambda org: {"pk": org.template.pk}, _only(CURATORS, status=302)),
    "devplans:template_set_active": ("post", lambda org: {"pk": org.template.pk}, _only(CURATORS, status=302)),
    "devplans:template_apply": ("get", lambda org: {"pk": org.template.pk}, _only(MANAGERS)),
    **{
        f"devplans:template_{kind}_add": ("get", lambda org: {"pk": org.template.pk}, _only(CURATORS))
        for kind in ("goal", "course", "practice")
    },
    **{
        f"devplans:template_{kind}_edit": (
            "get",
            lambda org, kind=kind: {"pk": org.template.pk, "item_pk": getattr(org, f"template_{kind}").pk},
            _only(CURATORS),
        )
        for kind in ("goal", "course", "practice")
    },
    **{
        f"devplans:template_{kind}_remove": (
            "post",
            lambda org, kind=kind: {"pk": org.template.pk, "item_pk": getattr(org, f"template_{kind}").pk},
            _only(CURATORS, status=302),
        )
        for kind in ("goal", "course", "practice")
    },
    "assessments:rubric": ("get", None, _everyone(200)),
    "assessments:quick_reference": ("get", None, _everyone(200)),
    "assessments:career_paths": ("get", None, _everyone(200)),
    "assessments:start_assessment": (
        "post",
        lambda org: {"pk": org.employee_person.pk},
        _only({"manager"}, status=302, others=404),
    ),
    "assessments:start_self_assessment": ("post", None, _everyone(302)),
    "assessments:set_role": (
        "post",
        lambda org: {"pk": org.employee_person.pk},
        _only({"manager", "hr", "admin"}, status=302, others=404),
    ),
    "assessments:gaps": (
        "get",
        lambda org: {"pk": org.employee_person.pk},
        _only({"employee", "manager", "hr", "admin"}, others=404),
    ),
    "assessments:assessment": (
        "get",
        lambda org: {"pk": org.submitted_assessment.pk},
        _only({"employee", "manager", "hr", "admin"}, others=404),
    ),
    "assessments:save_skill": (
        "post",
        lambda org: {"pk": org.draft_assessment.pk, "skill_pk": org.draft_assessment.rubric_version.skills.first().pk},
        _only({"manager"}, status=302, others=404),
    ),
    "assessments:submit_assessment": (
        "post",
        lambda org: {"pk": org.draft_assessment.pk},
        _only({"manager"}, status=302, others=404),
    ),
    "assessments:career_path": ("get", lambda org: {"key": "engineer"}, _everyone(200)),
    "assessments:manage_rubric": ("get", None, _only({"ld", "admin"})),
    "assessments:start_draft": ("post", None, _only({"ld", "admin"}, status=302)),
    "assessments:publish_draft": ("post", None, _only({"ld", "admin"}, status=302)),
    "assessments:discard_draft": ("post", None, _only({"ld", "admin"}, status=302)),
    "assessments:add_skill": ("get", None, _only({"ld", "admin"})),
    "assessments:edit_skill": ("get", lambda org: {"pk": org.draft_skill.pk}, _only({"ld", "admin"})),
    "assessments:delete_skill": ("post", lambda org: {"pk": org.draft_skill.pk}, _only({"ld", "admin"}, status=302)),
}
# The reports pages keep their rows next to their tests.
MATRIX.update(DASHBOARD_ROWS)
MATRIX.update(EXPORT_ROWS)
MATRIX.update(AUDIT_ROWS)


def _names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def _admin_names_without_args():
    names = []
    for name in sorted(set(_names())):
        if name.startswith("admin:"):
            try:
                names.append((name, reverse(name)))
            except Exception:  # noqa: S112 -- pages that need an object id are covered by their changelist
                continue
    return names


def test_every_url_has_a_row_in_the_matrix():
    served = {name for name in _names() if not name.startswith("admin:")}
    assert served - MATRIX.keys() == set(), "add these URLs to the authorization matrix"
    assert MATRIX.keys() - served == set(), "these matrix rows match no URL any more"


@pytest.fixture
def world(org):
    org.org_import = OrgImport.objects.create(uploaded_by=org.hr, file_name="org.csv", content=b"x")
    org.failed_email = OutboundEmail.objects.create(
        key="matrix:1", kind="request_new", to="x@example.com", subject="s", body="b", status="failed"
    )
    org.learning_request = LearningRequest.objects.create(
        person=org.employee_person, requested_by=org.manager, note="Help with delegation"
    )
    org.course_import = CourseImport.objects.create(
        uploaded_by=org.ld, file_name="catalog.csv", file_format="csv", content=b"x"
    )
    org.draft_skill = start_draft(by=org.ld).skills.first()
    org.course = Course.objects.create(
        code="delegation-101", title="Delegation 101", format="video", duration_minutes=45
    )
    rubric = current_rubric()
    org.draft_assessment = Assessment.objects.create(
        person=org.employee_person, assessor=org.manager, rubric_version=rubric
    )
    org.submitted_assessment = Assessment.objects.create(
        person=org.employee_person,
        assessor=org.manager,
        rubric_version=rubric,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    _plans(org)
    return org


def _plans(org):
    """Brian's agreed plan with one of everything, and a plan template (all through the services)."""
    from devplans.models import PlanTemplate
    from devplans.services import checkins, items, plans, surveys
    from devplans.tests.helpers import course_for, in_weeks, skill

    org.plan = plans.create_plan(person=org.employee_person, by=org.manager)
    org.goal = plans.add_goal(
        plan=org.plan, by=org.manager, skill=skill("delegation"), target_level=3, outcome="x", due_on=in_weeks(6)
    )
    org.learning_item = plans.add_learning_item(
        plan=org.plan, by=org.manager, course=course_for("delegation"), goal=org.goal
    )
    org.practice_item = plans.add_practice_item(plan=org.plan, by=org.manager, description="Run the stand-up")
    plans.confirm_plan(plan=org.plan, by=org.manager, revision=1)
    plans.confirm_plan(plan=org.plan, by=org.employee, revision=1)
    org.checkin = org.plan.checkins.get()
    org.feedback = checkins.give_feedback(person=org.employee_person, by=org.manager, text="Good hand-over")
    items.set_learning_status(item=org.learning_item, by=org.employee, expected_version=1, status="completed")
    kate_survey, _ = surveys.create_follow_up_surveys(plan=org.plan)
    org.survey_token = surveys.survey_token(kate_survey)
    org.observation_token = surveys.observation_token(surveys.create_observation_request(item=org.learning_item))
    org.template = PlanTemplate.objects.create(name="New Team Lead", created_by=org.ld)
    org.template_goal = org.template.goals.create(skill_key="delegation", target_level=3, outcome="x")
    org.template_course = org.template.courses.create(course=org.course, skill_key="delegation")
    org.template_practice = org.template.practice.create(description="Run the stand-up")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorization_matrix(client, world, name, role):
    method, kwargs_for, expected = MATRIX[name]
    user = getattr(world, role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs_for(world) if kwargs_for else None)
    response = getattr(client, method)(url)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_are_for_staff_only(client, world, role):
    user = getattr(world, role)
    if user is not None:
        client.force_login(user)
    for name, url in _admin_names_without_args():
        status = client.get(url).status_code
        if role == "admin":  # some admin pages refuse even staff (read-only models, missing parameters)
            assert status in (200, 302, 403, 405), f"{name}: {status}"
        elif name == "admin:login":  # the admin's own login page is open to all
            assert status in (200, 302), f"{name}: {status}"
        else:
            assert status in (302, 403), f"{role} reached {name}"


@pytest.mark.parametrize("role", ROLES)
def test_htmx_requests_get_the_same_answer_as_the_page(client, world, role):
    """Pages that answer htmx with a fragment (a status panel, the plan panel, the gaps) check access the
    same way: every GET in the matrix, asked for as htmx does, answers what the page answers."""
    user = getattr(world, role)
    if user is not None:
        client.force_login(user)
    for name, (method, kwargs_for, expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        url = reverse(name, kwargs=kwargs_for(world) if kwargs_for else None)
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == expected[role], f"{role} htmx GET {url}"
