"""Plan templates: L&D, HR and admins define them; managers apply them to people in their chain."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import RoleProfile
from assessments.selectors import current_rubric
from catalog.tests.factories import CourseFactory
from devplans import plan_templates
from devplans.models import Goal, LearningItem, Plan, PlanTemplate, PracticeItem, TemplateCourse, TemplateGoal
from devplans.services import plans as plan_services
from people.tests.factories import PersonFactory

# --- helpers and fixtures -----------------------------------------------------------------------------


def _skill(key):
    return current_rubric().skills.get(key=key)


@pytest.fixture
def template(org):
    """“New Team Lead”: two goals, a course for one of them, a course on its own, a practice item."""
    tpl = PlanTemplate.objects.create(
        name="New Team Lead",
        role_profile=RoleProfile.objects.get(key="team-lead"),
        description="For people who lead a team for the first time.",
        career_goal="Lead a team of five with confidence.",
        cadence_weeks=2,
        created_by=org.ld,
    )
    TemplateGoal.objects.create(
        template=tpl, skill_key="delegation", target_level=3, outcome="Hands two projects to the team", due_in_weeks=12
    )
    TemplateGoal.objects.create(
        template=tpl, skill_key="feedback", target_level=3, outcome="Gives feedback every week", due_in_weeks=8
    )
    tpl.delegation_course = CourseFactory(title="Delegation in practice")
    tpl.general_course = CourseFactory(title="First 90 days as a lead")
    TemplateCourse.objects.create(template=tpl, course=tpl.delegation_course, skill_key="delegation", due_in_weeks=6)
    TemplateCourse.objects.create(template=tpl, course=tpl.general_course, due_in_weeks=4)
    tpl.practice.create(description="Run the Monday stand-up for four weeks", skill_key="feedback", due_in_weeks=5)
    return tpl


@pytest.fixture
def team(org):
    """Kate's chain: Brian, two more direct reports, and one person below Brian."""
    kate = org.manager_person
    more = [PersonFactory(full_name="Alice Kim", manager=kate), PersonFactory(full_name="Chris Doe", manager=kate)]
    deep = PersonFactory(full_name="Dana Lee", manager=org.employee_person)
    return [org.employee_person, *more, deep]


def _post(client, name, data=None, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), data or {})


# --- managing templates ------------------------------------------------------------------------------


def test_ld_creates_a_template(client, org):
    client.force_login(org.ld)
    response = _post(
        client,
        "devplans:template_add",
        {"name": " New Team Lead ", "career_goal": "Lead well", "cadence_weeks": 4, "is_active": "on"},
    )
    template = PlanTemplate.objects.get()
    assert response.status_code == 302
    assert response.url == template.get_absolute_url()
    assert (template.name, template.created_by, template.is_active) == ("New Team Lead", org.ld, True)


def test_hr_edits_the_details_of_a_template(client, org, template):
    client.force_login(org.hr)
    data = {"name": "Team Lead, first year", "role_profile": "", "cadence_weeks": 4, "is_active": "on"}
    assert _post(client, "devplans:template_edit", data, pk=template.pk).status_code == 302
    template.refresh_from_db()
    assert (template.name, template.role_profile, template.cadence_weeks) == ("Team Lead, first year", None, 4)


def test_a_template_needs_a_name(client, org):
    client.force_login(org.ld)
    response = _post(client, "devplans:template_add", {"name": "   ", "cadence_weeks": 4})
    assert response.status_code == 400
    assert "Give the template a name" in response.content.decode()
    assert not PlanTemplate.objects.exists()


def test_two_templates_cannot_share_a_name(client, org, template):
    client.force_login(org.ld)
    response = _post(client, "devplans:template_add", {"name": "new team lead", "cadence_weeks": 4})
    assert response.status_code == 400
    assert "There is already a template called" in response.content.decode()
    assert PlanTemplate.objects.count() == 1


def test_a_goal_is_stored_by_skill_key_with_the_level(client, org, template):
    client.force_login(org.ld)
    data = {"skill_key": "coaching", "target_level": 2, "outcome": "Coaches one person", "due_in_weeks": 10}
    response = _post(client, "devplans:template_goal_add", data, pk=template.pk)
    assert response.status_code == 302
    goal = template.goals.get(skill_key="coaching")
    assert (goal.target_level, goal.due_in_weeks, goal.order) == (2, 10, 1)


def test_the_goal_form_names_skills_and_levels(client, org, template):
    client.force_login(org.ld)
    body = client.get(reverse("devplans:template_goal_add", kwargs={"pk": template.pk})).content.decode()
    assert '<option value="verbal-communication">Verbal communication' in body
    assert "4 · Role model" in body


def test_a_skill_outside_the_current_rubric_is_refused(client, org, template):
    client.force_login(org.ld)
    data = {"skill_key": "telepathy", "target_level": 3, "outcome": "Reads minds", "due_in_weeks": 4}
    response = _post(client, "devplans:template_goal_add", data, pk=template.pk)
    assert response.status_code == 400
    assert "not in the current rubric" in response.content.decode()
    assert not template.goals.filter(skill_key="telepathy").exists()


@pytest.mark.parametrize("level", [0, 5, "high"])
def test_a_level_outside_one_to_four_is_refused(client, org, template, level):
    client.force_login(org.ld)
    data = {"skill_key": "coaching", "target_level": level, "outcome": "Coaches", "due_in_weeks": 4}
    response = _post(client, "devplans:template_goal_add", data, pk=template.pk)
    assert response.status_code == 400
    assert "Choose a level from 1 · Not yet to 4 · Role model" in response.content.decode()


def test_the_same_skill_twice_in_a_template_is_refused(client, org, template):
    client.force_login(org.ld)
    data = {"skill_key": "delegation", "target_level": 4, "outcome": "Again", "due_in_weeks": 4}
    response = _post(client, "devplans:template_goal_add", data, pk=template.pk)
    assert response.status_code == 400
    assert "already has a goal for Delegation" in response.content.decode()
    assert template.goals.filter(skill_key="delegation").count() == 1


def test_editing_a_goal_keeps_its_own_skill(client, org, template):
    goal = template.goals.get(skill_key="delegation")
    client.force_login(org.ld)
    data = {"skill_key": "delegation", "target_level": 4, "outcome": "Leads by handing over", "due_in_weeks": 20}
    assert _post(client, "devplans:template_goal_edit", data, pk=template.pk, item_pk=goal.pk).status_code == 302
    goal.refresh_from_db()
    assert (goal.target_level, goal.outcome, goal.due_in_weeks) == (4, "Leads by handing over", 20)


def test_removing_a_goal(client, org, template):
    goal = template.goals.get(skill_key="delegation")
    client.force_login(org.ld)
    assert _post(client, "devplans:template_goal_remove", pk=template.pk, item_pk=goal.pk).status_code == 302
    assert not template.goals.filter(pk=goal.pk).exists()


def test_a_goal_of_another_template_is_not_found(client, org, template):
    other = PlanTemplate.objects.create(name="Other")
    goal = template.goals.first()
    client.force_login(org.ld)
    assert _post(client, "devplans:template_goal_remove", pk=other.pk, item_pk=goal.pk).status_code == 404
    assert TemplateGoal.objects.filter(pk=goal.pk).exists()


def test_adding_a_course_with_a_goal_skill(client, org, template):
    course = CourseFactory(title="Feedback that lands")
    client.force_login(org.hr)
    data = {"course": course.pk, "skill_key": "feedback", "due_in_weeks": 3}
    assert _post(client, "devplans:template_course_add", data, pk=template.pk).status_code == 302
    assert template.courses.get(course=course).skill_key == "feedback"


def test_the_same_course_twice_in_a_template_is_refused(client, org, template):
    client.force_login(org.ld)
    data = {"course": template.general_course.pk, "skill_key": "", "due_in_weeks": 3}
    response = _post(client, "devplans:template_course_add", data, pk=template.pk)
    assert response.status_code == 400
    assert "is already in this template" in response.content.decode()


def test_a_retired_course_cannot_be_added(client, org, template):
    retired = CourseFactory(title="Old course", is_active=False)
    client.force_login(org.ld)
    response = _post(client, "devplans:template_course_add", {"course": retired.pk, "due_in_weeks": 3}, pk=template.pk)
    assert response.status_code == 400
    assert "not offered in the catalog" in response.content.decode()


def test_practice_is_added_edited_and_removed(client, org, template):
    client.force_login(org.ld)
    data = {"description": "Chair the retro", "skill_key": "", "due_in_weeks": 2}
    assert _post(client, "devplans:template_practice_add", data, pk=template.pk).status_code == 302
    item = template.practice.get(description="Chair the retro")
    data = {"description": "Chair two retros", "skill_key": "coaching", "due_in_weeks": 6}
    assert _post(client, "devplans:template_practice_edit", data, pk=template.pk, item_pk=item.pk).status_code == 302
    item.refresh_from_db()
    assert (item.description, item.skill_key, item.due_in_weeks) == ("Chair two retros", "coaching", 6)
    assert _post(client, "devplans:template_practice_remove", pk=template.pk, item_pk=item.pk).status_code == 302
    assert not template.practice.filter(pk=item.pk).exists()


def test_an_empty_practice_item_is_refused(client, org, template):
    client.force_login(org.ld)
    response = _post(client, "devplans:template_practice_add", {"description": " ", "due_in_weeks": 2}, pk=template.pk)
    assert response.status_code == 400
    assert "Describe the assignment" in response.content.decode()


def test_services_refuse_bad_rows_with_readable_messages(template):
    with pytest.raises(ValidationError, match="not in the current rubric"):
        plan_templates.save_template_goal(
            template=template, skill_key="telepathy", target_level=3, outcome="x", due_in_weeks=4
        )
    with pytest.raises(ValidationError, match="from 1 · Not yet to 4 · Role model"):
        plan_templates.save_template_goal(
            template=template, skill_key="coaching", target_level=7, outcome="x", due_in_weeks=4
        )
    with pytest.raises(ValidationError, match="at least 1"):
        plan_templates.save_template_practice(template=template, description="Try it", due_in_weeks=0)
    with pytest.raises(ValidationError, match="is already in this template"):
        plan_templates.save_template_course(template=template, course=template.general_course, due_in_weeks=2)


def test_duplicating_copies_every_row_and_is_not_offered(client, org, template):
    client.force_login(org.ld)
    response = _post(client, "devplans:template_duplicate", pk=template.pk)
    copy = PlanTemplate.objects.get(name="Copy of New Team Lead")
    assert response.url == reverse("devplans:template_edit", kwargs={"pk": copy.pk})
    assert not copy.is_active
    assert sorted(copy.goals.values_list("skill_key", flat=True)) == ["delegation", "feedback"]
    assert copy.courses.count() == 2
    assert copy.practice.count() == 1
    _post(client, "devplans:template_duplicate", pk=template.pk)
    assert PlanTemplate.objects.filter(name="Copy of New Team Lead (2)").exists()


def test_a_retired_template_is_hidden_from_managers(client, org, template):
    client.force_login(org.ld)
    assert _post(client, "devplans:template_set_active", {"active": "0"}, pk=template.pk).status_code == 302
    template.refresh_from_db()
    assert not template.is_active
    client.force_login(org.manager)
    assert template.get_absolute_url() not in client.get(reverse("devplans:template_list")).content.decode()
    assert client.get(reverse("devplans:template_detail", kwargs={"pk": template.pk})).status_code == 404
    assert client.get(reverse("devplans:template_apply", kwargs={"pk": template.pk})).status_code == 404


def test_the_list_shows_counts_and_retired_templates_to_curators(client, org, template):
    PlanTemplate.objects.create(name="Retired one", is_active=False)
    client.force_login(org.ld)
    body = client.get(reverse("devplans:template_list")).content.decode()
    assert "New Team Lead" in body
    assert "Team Lead" in body  # the role profile
    assert '<td data-label="Goals" class="text-end">2</td>' in body
    assert '<td data-label="Courses" class="text-end">2</td>' in body
    assert '<td data-label="Practice" class="text-end">1</td>' in body
    assert "Retired one" in body


def test_managers_read_a_template_without_editing_it(client, org, template):
    client.force_login(org.manager)
    body = client.get(template.get_absolute_url()).content.decode()
    assert "Delegation" in body and "3 · Proficient" in body
    assert "Apply to people" in body
    assert reverse("devplans:template_edit", kwargs={"pk": template.pk}) not in body


# --- applying --------------------------------------------------------------------------------------------


def test_applying_to_one_person_creates_a_draft_plan_from_the_template(org, template):
    today = timezone.localdate()
    [plan] = plan_templates.apply_template(template=template, people=[org.employee_person], by=org.manager)

    plan.refresh_from_db()
    assert (plan.person, plan.status, plan.template, plan.created_by) == (
        org.employee_person,
        "draft",
        template,
        org.manager,
    )
    assert (plan.career_goal, plan.cadence_weeks, plan.target_role) == (
        "Lead a team of five with confidence.",
        2,
        template.role_profile,
    )
    goals = {goal.skill.key: goal for goal in plan.goals.select_related("skill")}
    assert set(goals) == {"delegation", "feedback"}
    assert goals["delegation"].skill.rubric_version == current_rubric()
    assert (goals["delegation"].target_level, goals["delegation"].due_on) == (3, today + timedelta(weeks=12))
    linked = plan.learning_items.get(course=template.delegation_course)
    assert (linked.goal, linked.due_on) == (goals["delegation"], today + timedelta(weeks=6))
    assert plan.learning_items.get(course=template.general_course).goal is None
    practice = plan.practice_items.get()
    assert (practice.goal, practice.due_on) == (goals["feedback"], today + timedelta(weeks=5))
    assert plan.events.filter(kind="goal_added").count() == 2  # written by the plan services
    assert plan.added.created


def test_applying_to_three_people_at_once(org, template, team):
    plans = plan_templates.apply_template(template=template, people=team[1:], by=org.manager)
    assert [plan.person.full_name for plan in plans] == ["Alice Kim", "Chris Doe", "Dana Lee"]
    assert Plan.objects.filter(template=template).count() == 3
    assert Goal.objects.filter(plan__in=plans).count() == 6
    assert LearningItem.objects.filter(plan__in=plans).count() == 6


def test_applying_to_someone_with_an_open_plan_adds_only_what_is_missing(org, template):
    brian, kate = org.employee_person, org.manager
    plan = plan_services.create_plan(person=brian, by=kate, career_goal="Grow as an engineer")
    due = timezone.localdate() + timedelta(weeks=4)
    plan_services.add_goal(plan=plan, by=kate, skill=_skill("delegation"), target_level=2, outcome="Mine", due_on=due)
    plan_services.add_learning_item(plan=plan, by=kate, course=template.general_course)

    [same] = plan_templates.apply_template(template=template, people=[brian], by=kate)

    assert same.pk == plan.pk
    assert Plan.objects.filter(person=brian).count() == 1
    plan.refresh_from_db()
    assert plan.career_goal == "Grow as an engineer"
    assert plan.goals.get(skill__key="delegation").outcome == "Mine"  # kept, not duplicated
    assert sorted(plan.goals.values_list("skill__key", flat=True)) == ["delegation", "feedback"]
    assert plan.learning_items.filter(course=template.general_course).count() == 1
    # the course for delegation joins the goal the plan already had
    assert plan.learning_items.get(course=template.delegation_course).goal.outcome == "Mine"
    assert (same.added.created, same.added.goals, same.added.courses, same.added.practice) == (False, 1, 1, 1)

    [again] = plan_templates.apply_template(template=template, people=[brian], by=kate)
    assert (again.added.goals, again.added.courses, again.added.practice) == (0, 0, 0)
    assert PracticeItem.objects.filter(plan=plan).count() == 1


def test_a_person_outside_the_chain_is_refused_and_nothing_is_created(org, template):
    with pytest.raises(ValidationError, match="only apply a template to people in your team"):
        plan_templates.apply_template(
            template=template, people=[org.employee_person, org.other_employee_person], by=org.manager
        )
    assert not Plan.objects.exists()


def test_a_failure_for_one_person_undoes_the_others(org, template, team, monkeypatch):
    real = plan_services.add_practice_item
    calls = []

    def fail_second(**kwargs):
        calls.append(kwargs["plan"].person.full_name)
        if len(calls) == 2:
            raise ValidationError("The due date is in the past; choose today or a later day.")
        return real(**kwargs)

    monkeypatch.setattr(plan_services, "add_practice_item", fail_second)
    with pytest.raises(ValidationError, match=r"Brian Walsh: The due date is in the past.*Nothing was applied"):
        plan_templates.apply_template(template=template, people=team[:2], by=org.manager)
    assert calls == ["Alice Kim", "Brian Walsh"]
    assert not Plan.objects.exists()
    assert not Goal.objects.exists()


def test_a_template_with_a_skill_the_rubric_no_longer_has_is_not_applied(org, template):
    TemplateGoal.objects.create(template=template, skill_key="old-skill", target_level=2, outcome="x")
    with pytest.raises(ValidationError, match=r"no longer has \(old-skill\)"):
        plan_templates.apply_template(template=template, people=[org.employee_person], by=org.manager)
    assert not Plan.objects.exists()


def test_a_retired_course_is_left_out_when_applying(org, template):
    template.general_course.is_active = False
    template.general_course.save()
    [plan] = plan_templates.apply_template(template=template, people=[org.employee_person], by=org.manager)
    assert list(plan.learning_items.values_list("course", flat=True)) == [template.delegation_course.pk]


def test_a_retired_template_cannot_be_applied(org, template):
    plan_templates.set_template_active(template=template, active=False)
    with pytest.raises(ValidationError, match="no longer offered"):
        plan_templates.apply_template(template=template, people=[org.employee_person], by=org.manager)


def test_the_apply_page_lists_the_managers_chain_with_their_plan_state(client, org, template, team):
    plan_services.create_plan(person=team[1], by=org.manager)
    client.force_login(org.manager)
    body = client.get(reverse("devplans:template_apply", kwargs={"pk": template.pk})).content.decode()
    for person in team:
        assert person.full_name in body
    assert org.other_employee_person.full_name not in body
    assert body.count("Has an open plan") == 1


def test_a_manager_applies_to_several_people_and_sees_each_plan(client, org, template, team):
    client.force_login(org.manager)
    response = _post(client, "devplans:template_apply", {"people": [team[0].pk, team[3].pk]}, pk=template.pk)
    assert response.status_code == 200
    body = response.content.decode()
    for person in (team[0], team[3]):
        plan = Plan.objects.get(person=person)
        assert plan.get_absolute_url() in body
        assert f"Open {person.full_name}’s plan" in body
    assert "2 new draft plans" in body


def test_a_tampered_post_naming_someone_outside_the_chain_creates_nothing(client, org, template):
    client.force_login(org.manager)
    data = {"people": [org.employee_person.pk, org.other_employee_person.pk]}
    response = _post(client, "devplans:template_apply", data, pk=template.pk)
    assert response.status_code == 400
    assert "only apply a template to people in your team" in response.content.decode()
    assert not Plan.objects.exists()


def test_applying_with_nobody_ticked_asks_for_someone(client, org, template):
    client.force_login(org.manager)
    response = _post(client, "devplans:template_apply", {}, pk=template.pk)
    assert response.status_code == 400
    assert "Tick at least one person" in response.content.decode()


# --- who may open what ---------------------------------------------------------------------------------

ROLES = ["anonymous", "employee", "manager", "other_manager", "ld", "hr", "admin"]
CURATORS = {"ld", "hr", "admin"}
READERS = CURATORS | {"manager", "other_manager"}


def _expect(allowed, status=200):
    return {role: 302 if role == "anonymous" else (status if role in allowed else 403) for role in ROLES}


def _part(kind, template):
    return {"goal": template.goals, "course": template.courses, "practice": template.practice}[kind].first().pk


URLS = {
    "devplans:template_list": ("get", lambda t: {}, _expect(READERS)),
    "devplans:template_detail": ("get", lambda t: {"pk": t.pk}, _expect(READERS)),
    "devplans:template_add": ("get", lambda t: {}, _expect(CURATORS)),
    "devplans:template_edit": ("get", lambda t: {"pk": t.pk}, _expect(CURATORS)),
    "devplans:template_duplicate": ("post", lambda t: {"pk": t.pk}, _expect(CURATORS, 302)),
    "devplans:template_set_active": ("post", lambda t: {"pk": t.pk}, _expect(CURATORS, 302)),
    "devplans:template_apply": ("get", lambda t: {"pk": t.pk}, _expect({"manager", "other_manager"})),
    **{
        f"devplans:template_{kind}_{action}": (
            method,
            (lambda t, k=kind, a=action: {"pk": t.pk} if a == "add" else {"pk": t.pk, "item_pk": _part(k, t)}),
            _expect(CURATORS, status),
        )
        for kind in ("goal", "course", "practice")
        for action, method, status in (("add", "get", 200), ("edit", "get", 200), ("remove", "post", 302))
    },
}


def test_every_template_url_is_in_this_table():
    from devplans import template_urls

    assert {f"devplans:{p.name}" for p in template_urls.urlpatterns} == set(URLS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(URLS))
def test_who_may_open_each_template_url(client, org, template, name, role):
    method, kwargs_for, expected = URLS[name]
    user = getattr(org, role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(reverse(name, kwargs=kwargs_for(template)))
    assert response.status_code == expected[role], f"{role} {method.upper()} {name}"


def test_another_employee_gets_no_template_page(client, org, template):
    client.force_login(org.other_employee)
    assert client.get(template.get_absolute_url()).status_code == 403


def test_another_manager_cannot_apply_to_someone_elses_report(client, org, template):
    client.force_login(org.other_manager)
    data = {"people": [org.employee_person.pk]}
    assert _post(client, "devplans:template_apply", data, pk=template.pk).status_code == 400
    assert not Plan.objects.exists()


# --- query counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("role", ["ld", "manager"])
def test_the_list_query_count_does_not_grow(client, org, size, role, django_assert_max_num_queries):
    profile = RoleProfile.objects.get(key="team-lead")
    course = CourseFactory()
    for n in range(size):
        tpl = PlanTemplate.objects.create(name=f"Template {n:02d}", role_profile=profile)
        TemplateGoal.objects.create(template=tpl, skill_key="coaching", target_level=3, outcome="x")
        TemplateCourse.objects.create(template=tpl, course=course)
        tpl.practice.create(description="Try it")
    client.force_login(getattr(org, role))
    # session, user, the user's person and groups, then the templates with their counts in one query
    with django_assert_max_num_queries(5):
        response = client.get(reverse("devplans:template_list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-label="Template"') == size


@pytest.mark.parametrize("size", [2, 20])
def test_the_detail_query_count_does_not_grow(client, org, size, django_assert_max_num_queries):
    tpl = PlanTemplate.objects.create(name="Big")
    for n in range(size):
        tpl.courses.create(course=CourseFactory(), skill_key="coaching")
        tpl.practice.create(description=f"Try {n}", skill_key="feedback")
    client.force_login(org.ld)
    # session, user, person, groups, the template, the rubric's skills, its goals, courses and practice
    with django_assert_max_num_queries(9):
        assert client.get(tpl.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_the_apply_page_query_count_does_not_grow(client, org, template, size, django_assert_max_num_queries):
    for n in range(size):
        person = PersonFactory(full_name=f"Report {n:02d}", manager=org.manager_person)
        if n % 2:
            plan_services.create_plan(person=person, by=org.manager)
    client.force_login(org.manager)
    # session, user, person, groups, the template, then the chain with who has an open plan in one query
    with django_assert_max_num_queries(6):
        response = client.get(reverse("devplans:template_apply", kwargs={"pk": template.pk}))
    assert response.content.decode().count('name="people"') == size + 1
