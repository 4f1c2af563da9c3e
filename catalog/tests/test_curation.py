import pytest
from django.urls import reverse

from catalog import selectors
from catalog.models import Course, CourseSkill
from catalog.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def _skill(key):
    return selectors.current_skills().get(key=key)


def _course_data(**overrides):
    data = {
        "code": "delegation-basics",
        "title": "Delegation basics",
        "description": "Hand work over well.",
        "provider": "Internal L&D",
        "format": "video",
        "duration_minutes": 45,
        "cost": "0",
        "currency": "gbp",
        "language": "en",
        "url": "https://learning.example.com/delegation",
        "is_self_paced": "on",
        "is_active": "on",
        "skills-TOTAL_FORMS": 1,
        "skills-INITIAL_FORMS": 0,
        "skills-MIN_NUM_FORMS": 0,
        "skills-MAX_NUM_FORMS": 13,
        "skills-0-skill": _skill("delegation").pk,
        "skills-0-level_from": 1,
        "skills-0-level_to": 3,
    }
    return data | overrides


def test_ld_adds_a_course_for_delegation(client, org):
    client.force_login(org.ld)
    response = client.post(reverse("catalog:course_add"), _course_data())
    course = Course.objects.get(code="delegation-basics")
    assert response.url == reverse("catalog:course_detail", args=[course.pk])
    assert course.currency == "GBP"
    link = course.skills.get()
    assert (link.skill.key, link.level_from, link.level_to) == ("delegation", 1, 3)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duration_minutes": -5}, "greater than or equal to 0"),
        ({"duration_minutes": 0}, "at least one minute"),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"url": "ftp://files.example.com/x"}, "Enter a valid URL"),
        ({"cost": "-1"}, "greater than or equal to 0"),
        ({"skills-0-skill": 999999}, "Select a valid choice"),
        ({"skills-0-level_from": 3, "skills-0-level_to": 2}, "from a lower level to a higher one"),
        ({"skills-0-level_to": 7}, "less than or equal to 4"),
    ],
)
def test_bad_course_input_gets_a_clear_error_and_writes_nothing(client, org, overrides, message):
    client.force_login(org.ld)
    response = client.post(reverse("catalog:course_add"), _course_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Course.objects.exists()
    assert not CourseSkill.objects.exists()


def test_retired_courses_leave_the_catalog_but_ld_can_still_see_them(client, org):
    course = CourseFactory(title="Old course")
    client.force_login(org.ld)
    client.post(reverse("catalog:course_set_active", args=[course.pk]), {"active": "0"})
    course.refresh_from_db()
    assert not course.is_active
    assert "Old course" in client.get(reverse("catalog:course_list"), {"retired": "on"}).content.decode()
    client.force_login(org.employee)
    assert "Old course" not in client.get(reverse("catalog:course_list")).content.decode()
    assert client.get(reverse("catalog:course_detail", args=[course.pk])).status_code == 404


def test_duplicate_makes_a_retired_copy_with_the_same_skills(client, org):
    course = CourseFactory(code="feedback-101", title="Feedback 101")
    CourseSkill.objects.create(course=course, skill=_skill("feedback"), level_from=1, level_to=2)
    client.force_login(org.ld)
    response = client.post(reverse("catalog:course_duplicate", args=[course.pk]))
    copy = Course.objects.get(code="feedback-101-copy")
    assert response.url == reverse("catalog:course_edit", args=[copy.pk])
    assert not copy.is_active
    assert copy.skills.get().skill.key == "feedback"
    client.post(reverse("catalog:course_duplicate", args=[course.pk]))
    assert Course.objects.filter(code="feedback-101-copy-2").exists()


def test_filter_by_skill_duration_and_cost_and_sort(client, org):
    short = CourseFactory(title="Short delegation", duration_minutes=20, cost=0)
    long = CourseFactory(title="Long delegation", duration_minutes=480, cost=900)
    CourseFactory(title="Presenting well", duration_minutes=30)
    for course in (short, long):
        CourseSkill.objects.create(course=course, skill=_skill("delegation"), level_from=1, level_to=3)
    client.force_login(org.manager)
    page = client.get(reverse("catalog:course_list"), {"skill": "delegation", "sort": "duration"}).context["page"]
    assert [c.title for c in page.object_list] == ["Short delegation", "Long delegation"]
    page = client.get(reverse("catalog:course_list"), {"skill": "delegation", "max_minutes": 60}).context["page"]
    assert [c.title for c in page.object_list] == ["Short delegation"]
    page = client.get(reverse("catalog:course_list"), {"max_cost": "100"}).context["page"]
    assert "Long delegation" not in [c.title for c in page.object_list]


def test_a_manager_cannot_add_a_course(client, org):
    client.force_login(org.manager)
    assert client.post(reverse("catalog:course_add"), _course_data()).status_code == 403
    assert not Course.objects.exists()


def test_a_new_course_form_starts_with_the_skill_and_levels_from_the_query(client, org):
    client.force_login(org.ld)
    response = client.get(reverse("catalog:course_add"), {"skill": "delegation", "from": "3", "to": "4"})
    first = response.context["formset"].forms[0]
    assert first.initial["skill"] == selectors.current_skills().get(key="delegation").pk
    assert (first.initial["level_from"], first.initial["level_to"]) == (3, 4)


@pytest.mark.parametrize(
    "query", [{"skill": "no-such-skill"}, {"skill": "delegation", "from": "x"}, {"skill": "delegation", "from": "4"}]
)
def test_a_query_that_is_not_understood_leaves_the_form_sensible(client, org, query):
    client.force_login(org.ld)
    response = client.get(reverse("catalog:course_add"), query)
    assert response.status_code == 200
    first = response.context["formset"].forms[0]
    if query["skill"] == "delegation":
        assert (first.initial["level_from"], first.initial["level_to"]) == (1, 3)
    else:
        assert "skill" not in first.initial


def _as_submitted(response, **typed):
    """The course form as the browser submits it: each field with the value it was shown with, then `typed`."""
    formset = response.context["formset"]
    data = {}
    for form in (response.context["form"], formset.management_form, *formset.forms):
        for field in form:
            if field.name in ("id", "course", "DELETE"):
                continue
            value = field.value()
            if value is True:
                value = "on"
            if value is not None and value is not False:
                data[field.html_name] = value
    return data | typed


def test_a_course_added_from_the_demand_page_is_saved_covering_the_skill_and_levels(client, org):
    client.force_login(org.ld)
    url = reverse("catalog:course_add") + "?skill=delegation&from=2&to=4"
    shown = client.get(url)
    data = _as_submitted(
        shown, code="delegation-for-leads", title="Delegation for leads", format="workshop", duration_minutes=120
    )
    response = client.post(url, data)
    course = Course.objects.get(code="delegation-for-leads")
    assert response.url == reverse("catalog:course_detail", args=[course.pk])
    assert [(link.skill.key, link.level_from, link.level_to) for link in course.skills.all()] == [("delegation", 2, 4)]


def test_a_course_added_from_the_demand_page_keeps_the_skill_after_a_mistake(client, org):
    client.force_login(org.ld)
    url = reverse("catalog:course_add") + "?skill=delegation&from=1&to=3"
    data = _as_submitted(client.get(url), code="delegation-basics", title="", format="video", duration_minutes=45)
    again = client.post(url, data)
    assert again.status_code == 200 and not Course.objects.exists()
    first = again.context["formset"].forms[0]
    assert (first["skill"].value(), first["level_from"].value(), first["level_to"].value()) == (
        str(_skill("delegation").pk),
        "1",
        "3",
    )
    client.post(url, _as_submitted(again, title="Delegation basics"))
    link = Course.objects.get(code="delegation-basics").skills.get()
    assert (link.skill.key, link.level_from, link.level_to) == ("delegation", 1, 3)
