from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from assessments.models import Assessment, PersonRole, SkillResult
from catalog.models import Course, CourseSkill
from devplans.models import CheckIn, LearningItem, Plan, PlanEvent
from people.models import HR_GROUP, LD_GROUP, Department, Person
from skillbridge.demo_data import ADMIN_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed_demo():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    """Everything seed_demo writes, as plain values."""
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "groups": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "departments": list(Department.objects.order_by("pk").values()),
        "courses": list(Course.objects.order_by("pk").values()),
        "roles": list(PersonRole.objects.order_by("pk").values()),
        "course_skills": list(CourseSkill.objects.order_by("pk").values()),
        "assessments": list(Assessment.objects.order_by("pk").values("pk", "person_id", "status")),
        "skill_results": list(SkillResult.objects.order_by("pk").values("pk", "level", "target", "gap", "priority")),
        "plans": list(Plan.objects.order_by("pk").values("pk", "person_id", "status", "revision", "version")),
        "plan_events": PlanEvent.objects.count(),
    }


def person(email):
    return Person.objects.get(user__email=email)


def test_seed_demo_gives_kate_brian_and_greg_as_direct_reports():
    seed_demo()

    kate = person("kate@example.com")
    reports = set(kate.reports.values_list("user__email", flat=True))
    assert {"brian@example.com", "greg@example.com"} <= reports
    assert person("brian@example.com").job_title == "Senior Engineer"


def test_seed_demo_gives_kate_a_chain_larger_than_her_direct_reports():
    seed_demo()

    kate = person("kate@example.com")
    team_leads = kate.reports.filter(reports__isnull=False).distinct()
    assert team_leads.exists()
    assert all(3 <= lead.reports.count() <= 4 for lead in team_leads)


def test_seed_demo_puts_lisa_in_the_ld_group():
    seed_demo()

    assert User.objects.get(email="lisa@example.com").groups.filter(name=LD_GROUP).exists()


def test_seed_demo_puts_hannah_in_the_hr_group():
    seed_demo()

    assert User.objects.get(email="hannah@example.com").groups.filter(name=HR_GROUP).exists()


def test_seed_demo_builds_about_forty_people_in_five_departments():
    seed_demo()

    assert 35 <= Person.objects.count() <= 45
    assert Department.objects.filter(people__isnull=False).distinct().count() >= 5
    assert Person.objects.filter(manager__isnull=True).count() == 1


def test_seed_demo_creates_a_varied_course_catalog():
    seed_demo()

    assert 25 <= Course.objects.count() <= 40
    assert Course.objects.values("format").distinct().count() == len(Course.Format.choices)


def test_seed_demo_printed_logins_authenticate():
    output = seed_demo()

    emails = [line.split()[-2] for line in output.splitlines() if line.endswith(DEMO_PASSWORD)]
    assert len(emails) == 6
    request = RequestFactory().post("/accounts/login/")
    for email in emails:
        assert authenticate(request, username=email, password=DEMO_PASSWORD) is not None, email


def test_seed_demo_admin_is_a_superuser_without_a_person():
    seed_demo()

    admin = User.objects.get(username=ADMIN_EMAIL)
    assert admin.is_superuser
    assert not Person.objects.filter(user=admin).exists()


def test_seed_demo_gives_the_password_only_to_demo_logins():
    seed_demo()

    with_password = User.objects.exclude(password__startswith="!").values_list("email", flat=True)
    assert set(with_password) == {
        "kate@example.com",
        "brian@example.com",
        "greg@example.com",
        "lisa@example.com",
        "hannah@example.com",
        ADMIN_EMAIL,
    }


def test_seed_demo_second_run_changes_nothing():
    seed_demo()
    before = snapshot()

    seed_demo()

    assert snapshot() == before


def test_seed_demo_second_run_reports_nothing_created_or_updated():
    seed_demo()

    output = seed_demo()

    assert "People: 0 created, 0 updated" in output
    assert "Courses: 0 created, 0 updated" in output
    assert "0 password(s) set, 0 group membership(s) added" in output


def test_seed_demo_sets_brian_on_the_path_from_engineer_to_team_lead():
    seed_demo()
    role = PersonRole.objects.get(person__user__email="brian@example.com")
    assert (role.current_profile.key, role.target_profile.key) == ("engineer", "team-lead")
    assert PersonRole.objects.filter(current_profile__isnull=False).count() >= 35


def test_seed_demo_maps_every_demo_course_to_skills():
    seed_demo()
    assert CourseSkill.objects.filter(skill__key="delegation").count() >= 2
    assert not Course.objects.filter(skills__isnull=True).exists()


def test_seed_demo_ships_past_assessments_with_gaps_but_leaves_brian_for_kate():
    seed_demo()
    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED, kind=Assessment.Kind.MANAGER)
    assert submitted.count() >= 10
    assert not submitted.filter(person__user__email__in=["brian@example.com", "greg@example.com"]).exists()
    priya = submitted.get(person__user__email="priya.shah@example.com")
    assert priya.assessor.email == "kate@example.com"
    assert SkillResult.objects.filter(assessment__in=submitted, gap__gt=0).count() >= 10


def test_seed_demo_ships_plans_in_three_states_and_none_for_brian():
    output = seed_demo()
    assert "Development plans: 3 added." in output
    plans = {p.person.user.email: p for p in Plan.objects.select_related("person__user")}
    assert plans["priya.shah@example.com"].status == Plan.Status.ACTIVE
    assert plans["marcus.reid@example.com"].status == Plan.Status.DRAFT
    kate = plans["kate@example.com"]
    assert kate.awaits_agreement and kate.revisions.get().manager_confirmed_at is not None
    assert "brian@example.com" not in plans
    priya = plans["priya.shah@example.com"]
    assert priya.checkins.filter(status=CheckIn.Status.HELD).count() == 1
    assert priya.checkins.filter(status=CheckIn.Status.SCHEDULED).count() == 1
    assert priya.learning_items.filter(status=LearningItem.Status.COMPLETED).exists()
    assert "Development plans: 0 added." in seed_demo()
