from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import selectors
from assessments.demand import demand
from assessments.models import Assessment, Behaviour, RoleProfile, SkillResult
from assessments.services import assessing
from assessments.services.rubric import publish_draft, start_draft
from catalog.models import CourseSkill
from catalog.tests.factories import CourseFactory
from people.tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _skill(key, version=None):
    return (version or selectors.current_rubric()).skills.get(key=key)


def assess(person, gaps, *, kind=Assessment.Kind.MANAGER, days_ago=0, assessor=None, version=None):
    """A submitted assessment of `person` with {skill key: (level, target, priority)}."""
    version = version or selectors.current_rubric()
    assessment = Assessment.objects.create(
        person=person,
        assessor=assessor or person.user,
        kind=kind,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        rubric_version=version,
    )
    SkillResult.objects.bulk_create(
        SkillResult(
            assessment=assessment,
            skill=_skill(key, version),
            level=level,
            target=target,
            gap=max(0, target - level),
            priority=priority,
        )
        for key, (level, target, priority) in gaps.items()
    )
    return assessment


def course_for(key, level_from, level_to, *, is_active=True, version=None):
    course = CourseFactory(is_active=is_active)
    CourseSkill.objects.create(course=course, skill=_skill(key, version), level_from=level_from, level_to=level_to)
    return course


def group(result, key, level, target):
    return next(g for g in result["groups"] if (g["skill_key"], g["level"], g["target"]) == (key, level, target))


def test_groups_count_people_by_skill_level_and_department(org):
    assess(org.employee_person, {"delegation": (1, 3, 18), "presenting": (2, 3, 4)})
    assess(org.other_employee_person, {"delegation": (1, 3, 6)})
    assess(org.manager_person, {"delegation": (2, 3, 3), "feedback": (3, 3, 0)})
    result = demand()
    assert [(g["skill_key"], g["level"], g["target"], g["people"]) for g in result["groups"]] == [
        ("delegation", 1, 3, 2),
        ("presenting", 2, 3, 1),
        ("delegation", 2, 3, 1),
    ]
    delegation = group(result, "delegation", 1, 3)
    assert delegation["skill_name"] == "Delegation"
    assert delegation["departments"] == [("Engineering", 1), ("Sales", 1)]
    assert delegation["average_priority"] == 12.0
    assert result["people_assessed"] == 3
    assert result["people_with_gaps"] == 3
    delegation_total = next(s for s in result["skills"] if s["key"] == "delegation")
    assert delegation_total["people"] == 3
    assert result["chart"]["labels"][0] == "Delegation"


def test_a_submitted_assessment_made_through_the_services_counts(org):
    draft = assessing.start_assessment(
        person=org.employee_person,
        assessor=org.manager,
        kind=Assessment.Kind.MANAGER,
        rubric=selectors.current_rubric(),
        profile=RoleProfile.objects.get(key="team-lead"),
    )
    skill = _skill("delegation")
    frequencies = {b.pk: (4 if b.kind == Behaviour.Kind.WARNING else 0) for b in skill.behaviours.all()}
    triage = {"mistakes": "Could not hand over the project", "mistake_frequency": 3, "impact": 3}
    assessing.save_skill(assessment=draft, skill=skill, frequencies=frequencies, answers=triage)
    assessing.submit_assessment(assessment=draft)
    only = demand()["groups"]
    assert [(g["skill_key"], g["level"], g["target"], g["people"], g["average_priority"]) for g in only] == [
        ("delegation", 1, 3, 1, 18.0)
    ]


def test_only_the_latest_managers_assessment_counts(org):
    assess(org.employee_person, {"delegation": (1, 3, 9), "presenting": (1, 3, 9)}, days_ago=90)
    assess(org.employee_person, {"delegation": (2, 3, 3)}, days_ago=1)
    assess(org.employee_person, {"coaching": (1, 4, 9)}, kind=Assessment.Kind.SELF)
    result = demand()
    assert [(g["skill_key"], g["level"], g["people"]) for g in result["groups"]] == [("delegation", 2, 1)]
    assert result["people_assessed"] == 1


def test_of_two_assessments_submitted_at_the_same_moment_the_later_made_counts(org):
    first = assess(org.employee_person, {"delegation": (1, 3, 9)})
    second = assess(org.employee_person, {"delegation": (2, 3, 9)})
    Assessment.objects.filter(pk=second.pk).update(submitted_at=first.submitted_at)
    assert [(g["level"], g["people"]) for g in demand()["groups"]] == [(2, 1)]


def test_a_draft_is_ignored(org):
    assess(org.employee_person, {"delegation": (1, 3, 9)}, days_ago=10)
    Assessment.objects.create(
        person=org.employee_person, assessor=org.manager, rubric_version=selectors.current_rubric()
    )
    assert [g["level"] for g in demand()["groups"]] == [1]


def test_people_who_left_are_ignored(org):
    assess(org.employee_person, {"delegation": (1, 3, 9)})
    assess(org.other_employee_person, {"delegation": (1, 3, 9)})
    org.other_employee_person.is_active = False
    org.other_employee_person.left_on = timezone.localdate()
    org.other_employee_person.save()
    result = demand()
    assert group(result, "delegation", 1, 3)["people"] == 1
    assert result["people_assessed"] == 1


def test_an_active_course_covering_the_level_covers_the_demand(org):
    assess(org.employee_person, {"delegation": (2, 3, 9)})
    course_for("delegation", 1, 3)
    result = demand()
    assert group(result, "delegation", 2, 3)["is_covered"] is True
    assert result["uncovered"] == []


def test_a_retired_course_does_not_cover(org):
    assess(org.employee_person, {"delegation": (1, 3, 9)})
    course_for("delegation", 1, 3, is_active=False)
    assert group(demand(), "delegation", 1, 3)["is_covered"] is False


def test_a_course_that_starts_higher_does_not_cover(org):
    assess(org.employee_person, {"delegation": (1, 3, 9)})
    course_for("delegation", 2, 4)
    course_for("presenting", 1, 3)
    result = demand()
    assert group(result, "delegation", 1, 3)["is_covered"] is False
    assert [g["skill_key"] for g in result["uncovered"]] == ["delegation"]


def test_a_course_that_ends_at_the_level_does_not_cover(org):
    assess(org.employee_person, {"delegation": (3, 4, 9)})
    course_for("delegation", 1, 3)
    assert group(demand(), "delegation", 3, 4)["is_covered"] is False


def test_a_course_mapped_to_the_same_skill_in_an_older_rubric_covers(org):
    old = selectors.current_rubric()
    course_for("delegation", 1, 3, version=old)
    new = publish_draft(version=start_draft(by=org.ld), by=org.ld)
    assert new.pk != old.pk
    assess(org.employee_person, {"delegation": (1, 3, 9)}, version=new)
    assess(org.other_employee_person, {"delegation": (1, 3, 9)}, version=old)
    delegation = group(demand(), "delegation", 1, 3)
    assert delegation["people"] == 2
    assert delegation["is_covered"] is True


def test_department_filter(org):
    assess(org.employee_person, {"delegation": (1, 3, 9)})
    assess(org.other_employee_person, {"delegation": (1, 3, 9), "presenting": (1, 2, 1)})
    sales = org.other_employee_person.department
    result = demand(department_id=sales.pk)
    assert [(g["skill_key"], g["people"], g["departments"]) for g in result["groups"]] == [
        ("presenting", 1, [("Sales", 1)]),
        ("delegation", 1, [("Sales", 1)]),
    ]
    assert result["people_assessed"] == 1


def test_skill_filter(org):
    assess(org.employee_person, {"delegation": (1, 3, 9), "presenting": (1, 2, 1)})
    assess(org.other_employee_person, {"presenting": (1, 2, 1)})
    result = demand(skill_key="presenting")
    assert [(g["skill_key"], g["people"]) for g in result["groups"]] == [("presenting", 2)]
    assert result["people_with_gaps"] == 2


def test_groups_are_sorted_by_size_then_rubric_order(org):
    engineering = org.employee_person.department
    people = [PersonFactory(department=engineering) for _ in range(4)]
    for person in people[:3]:
        assess(person, {"coaching": (1, 3, 9)})
    assess(people[3], {"delegation": (1, 3, 9), "written-communication": (1, 3, 9)})
    keys = [g["skill_key"] for g in demand()["groups"]]
    # coaching (3 people) first; then the two single-person groups in rubric order.
    assert keys == ["coaching", "written-communication", "delegation"]


def test_people_without_a_department_are_grouped_as_such(org):
    assess(PersonFactory(department=None), {"delegation": (1, 3, 9)})
    assert group(demand(), "delegation", 1, 3)["departments"] == [("No department", 1)]


# The page


def test_the_page_shows_uncovered_demand_in_plain_words_and_no_names(client, org):
    assess(org.employee_person, {"delegation": (1, 3, 18)})
    assess(org.other_employee_person, {"delegation": (1, 3, 9), "presenting": (2, 3, 4)})
    course_for("presenting", 2, 4)
    client.force_login(org.ld)
    response = client.get(reverse("assessments:demand"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 people need Delegation at level 1 → 3</strong>; no active course covers it." in body
    assert body.index("Uncovered demand") < body.index("All demand, by skill and level")
    assert reverse("catalog:course_add") in body
    assert 'data-chart="demand-data"' in body
    assert 'id="demand-data"' in body
    for person in (org.employee_person, org.other_employee_person, org.manager_person, org.other_manager_person):
        assert person.full_name not in body
        assert person.user.email not in body


def test_the_department_filter_on_the_page(client, org):
    assess(org.employee_person, {"delegation": (1, 3, 18)})
    assess(org.other_employee_person, {"presenting": (2, 3, 4)})
    client.force_login(org.ld)
    sales = org.other_employee_person.department
    body = client.get(reverse("assessments:demand"), {"department": sales.pk}).content.decode()
    assert "1 person needs Presenting at level 2 → 3" in body
    assert "Delegation at level" not in body


@pytest.mark.parametrize(
    "query", [{"department": "sales"}, {"department": "999999"}, {"skill": "telepathy"}, {"department": "1.5"}]
)
def test_a_bad_filter_shows_a_message_and_the_whole_organisation(client, org, query):
    assess(org.employee_person, {"delegation": (1, 3, 18)})
    client.force_login(org.admin)
    response = client.get(reverse("assessments:demand"), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "That filter was not understood" in body
    assert "1 person needs Delegation at level 1 → 3" in body


def test_the_page_says_so_when_there_are_no_gaps(client, org):
    client.force_login(org.ld)
    body = client.get(reverse("assessments:demand")).content.decode()
    assert "No gaps to cover." in body


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ld", 200),
        ("admin", 200),
        ("manager", 403),
        ("employee", 403),
        ("hr", 403),
    ],
)
def test_only_ld_and_admin_may_open_the_page(client, org, role, status):
    client.force_login(getattr(org, role))
    assert client.get(reverse("assessments:demand")).status_code == status


def test_anonymous_is_sent_to_log_in(client, org):
    response = client.get(reverse("assessments:demand"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("size", [2, 40])
def test_query_count_does_not_grow_with_the_org(client, org, size, django_assert_max_num_queries):
    departments = [DepartmentFactory(name=f"Department {n}") for n in range(3)]
    keys = ["delegation", "presenting", "coaching", "feedback"]
    for n in range(size):
        person = PersonFactory(department=departments[n % 3])
        assess(person, {keys[n % 4]: (1 + n % 2, 3, 9), keys[(n + 1) % 4]: (1, 2, 2)}, days_ago=5)
        assess(person, {keys[n % 4]: (1, 3, 9)}, days_ago=50)
    course_for("delegation", 1, 3)
    client.force_login(org.ld)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:demand"), {"department": departments[0].pk}).status_code == 200
    with django_assert_max_num_queries(4):
        demand()


def test_add_a_course_links_to_the_course_form_with_the_skill_and_levels_of_the_uncovered_gap(client, org):
    assess(org.employee_person, {"delegation": (2, 4, 8)})
    client.force_login(org.ld)
    body = client.get(reverse("assessments:demand")).content.decode()
    link = f"{reverse('catalog:course_add')}?skill=delegation&amp;from=2&amp;to=4"
    assert f'href="{link}"' in body
    form = client.get(f"{reverse('catalog:course_add')}?skill=delegation&from=2&to=4").context["formset"].forms[0]
    assert (form["skill"].value(), form["level_from"].value(), form["level_to"].value()) == (
        _skill("delegation").pk,
        2,
        4,
    )
