"""A plan from the gaps the manager chose (devplans:create_plan_from_gaps, devplans.gap_selectors,
devplans.services.from_gaps): every below-target gap ranked, the top three and the high-impact ones
ticked, one goal per chosen gap with its best course, added to the open plan when there is one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Impact, SkillResult
from devplans import gap_selectors
from devplans.models import LearningItem, Plan, PlanRevision
from devplans.services import from_gaps, plans
from devplans.tests.helpers import agreed_plan, assess, course_for, plan_with_goal, skill

pytestmark = pytest.mark.django_db

# Brian's gaps as Kate rated them: (level, target, priority), biggest priority first. Presenting is only
# fourth by priority (a small gap, seen a few times a year), but Kate rated its business impact high.
GAPS = {
    "delegation": (1, 3, 18),
    "coaching": (1, 3, 12),
    "feedback": (2, 3, 6),
    "presenting": (2, 3, 3),
    "adaptability": (2, 3, 2),
}


def assessed(org, gaps=GAPS, *, high=("presenting",)):
    assessment = assess(org.employee_person, org.manager, **gaps)
    SkillResult.objects.filter(assessment=assessment, skill__key__in=high).update(impact=Impact.HIGH)
    return assessment


def url(org, person=None):
    return reverse("devplans:create_plan_from_gaps", args=[(person or org.employee_person).pk])


def body_of(response):
    return response.content.decode()


def goal_keys(plan):
    return list(plan.goals.order_by("order", "pk").values_list("skill__key", flat=True))


def courses_by_goal(plan):
    return {
        i.goal.skill.key: i.course.title
        for i in plan.learning_items.select_related("goal__skill", "course").exclude(status="dropped")
    }


# --- what the manager sees --------------------------------------------------------------------------------


def test_every_below_target_gap_is_listed_ranked_with_the_top_three_and_the_high_impact_ones_ticked(org):
    assessed(org)
    gaps = gap_selectors.gaps_to_plan(org.employee_person)
    assert [(c.rank, c.key, c.ticked) for c in gaps.choices] == [
        (1, "delegation", True),
        (2, "coaching", True),
        (3, "feedback", True),
        (4, "presenting", True),
        (5, "adaptability", False),
    ]
    assert gaps.choices[3].why_ticked == "ticked: you rated its business impact high"
    assert gaps.choices[0].why_ticked == "ticked: one of the three biggest gaps"


def test_the_chooser_page_shows_every_gap_ticked_or_not_with_why_and_its_best_course(client, org):
    assessed(org)
    course_for("presenting", 2, 3, title="Presenting with confidence")
    client.force_login(org.manager)
    response = client.get(url(org))
    body = body_of(response)
    assert response.status_code == 200
    assert "Plan from Brian Walsh's gaps" in body
    for key in GAPS:
        assert f'name="skill" value="{key}"' in body
    assert 'value="presenting" id="gap-presenting" checked' in body
    assert 'value="adaptability" id="gap-adaptability" aria' in body  # listed, not ticked
    assert "ticked: you rated its business impact high" in body
    assert "Best course: <a" in body and "Presenting with confidence" in body
    assert "Ask L&amp;D about Adaptability" in body  # no course for it: said, with what to do
    assert "Create the plan with the ticked gaps" in body and body.count("btn-primary") == 1
    assert "Start an empty plan" in body and reverse("devplans:create_plan", args=[org.employee_person.pk]) in body


def test_the_chooser_is_a_plain_form_that_works_without_javascript(client, org):
    assessment = assessed(org)
    client.force_login(org.manager)
    body = body_of(client.get(url(org)))
    assert f'<form method="post" action="{url(org)}"' in body
    assert f'<input type="hidden" name="assessment" value="{assessment.pk}">' in body
    assert "hx-" not in body.split("<main", 1)[-1].split("</main>", 1)[0]


def test_without_an_assessment_the_chooser_explains_and_offers_an_empty_plan(client, org):
    client.force_login(org.manager)
    response = client.get(url(org))
    assert response.status_code == 200
    body = body_of(response)
    assert "has not been assessed yet" in body and "Start an empty plan" in body
    assert 'name="skill"' not in body


def test_without_gaps_the_chooser_explains_and_offers_an_empty_plan(client, org):
    assess(org.employee_person, org.manager, delegation=(3, 3, 0))
    client.force_login(org.manager)
    body = body_of(client.get(url(org)))
    assert "shows no gaps" in body and "Start an empty plan" in body


@pytest.mark.parametrize("role", ["employee", "other_manager", "other_employee", "hr", "admin", "ld"])
def test_someone_elses_person_answers_404_and_nothing_changes(client, org, role):
    assessed(org)
    client.force_login(getattr(org, role))
    assert client.get(url(org)).status_code == 404
    assert client.post(url(org), {"skill": ["delegation"]}).status_code == 404
    assert not Plan.objects.exists()


def test_the_other_managers_own_report_is_not_found_for_kate(client, org):
    assess(org.other_employee_person, org.other_manager, delegation=(1, 3, 9))
    client.force_login(org.manager)
    assert client.get(url(org, org.other_employee_person)).status_code == 404


def _chooser_queries(client, org):
    client.get(url(org))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(org)).status_code == 200
    return len(captured)


def test_the_chooser_makes_the_same_queries_for_2_or_10_gaps(client, org, django_assert_max_num_queries):
    plan_with_goal(org, "time-management")  # an open plan too, so its goals are read
    small = {"delegation": (1, 3, 18), "coaching": (1, 3, 12)}
    assessed(org, small, high=())
    course_for("delegation")
    client.force_login(org.manager)
    few = _chooser_queries(client, org)
    many = {
        key: (1, 3, 20 - n)
        for n, key in enumerate(
            [
                "delegation",
                "coaching",
                "feedback",
                "presenting",
                "adaptability",
                "collaboration",
                "conflict-resolution",
                "written-communication",
                "verbal-communication",
                "project-leadership",
            ]
        )
    }
    assessed(org, many, high=("presenting", "adaptability"))
    for key in many:
        course_for(key)
        course_for(key, 1, 2)
    with django_assert_max_num_queries(few):
        body = body_of(client.get(url(org)))
    assert body.count('name="skill"') == 10


# --- what the manager chooses -------------------------------------------------------------------------------


def test_the_ticked_gaps_become_goals_each_with_its_best_course(client, org):
    """Seen: a goal with no course although one had just been recommended for that skill."""
    assessment = assessed(org)
    course_for("delegation", title="Delegation basics")
    course_for("coaching", title="Coaching conversations", duration_minutes=420)
    course_for("coaching", title="Coaching in a day", duration_minutes=480)
    course_for("presenting", 2, 3, title="Presenting with confidence")
    client.force_login(org.manager)
    response = client.post(
        url(org), {"assessment": assessment.pk, "skill": ["delegation", "coaching", "feedback", "presenting"]}
    )
    plan = Plan.objects.get(person=org.employee_person)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert goal_keys(plan) == ["delegation", "coaching", "feedback", "presenting"]
    assert courses_by_goal(plan) == {
        "delegation": "Delegation basics",
        "coaching": "Coaching conversations",
        "presenting": "Presenting with confidence",
    }
    assert all(i.reason for i in plan.learning_items.all())
    assert plan.source_assessment == assessment
    followed = body_of(client.get(response["Location"]))
    assert "Plan drafted from Brian Walsh&#x27;s gaps: 4 goals and 3 courses." in followed
    assert "No course in the catalog fits Giving and receiving feedback yet" in followed


def test_a_high_impact_gap_outside_the_top_three_is_never_dropped_by_default(org):
    """Seen: Presenting, the manager's main concern, left out by a fixed top three."""
    assessed(org)
    plan = plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)
    assert goal_keys(plan) == ["delegation", "coaching", "feedback", "presenting"]


def test_the_manager_unticks_and_ticks(client, org):
    assessment = assessed(org)
    client.force_login(org.manager)
    client.post(url(org), {"assessment": assessment.pk, "skill": ["adaptability", "coaching"]})
    assert goal_keys(Plan.objects.get()) == ["coaching", "adaptability"]


def test_a_course_that_builds_two_chosen_gaps_goes_to_the_bigger_and_the_other_gets_its_next_best(org):
    assessed(org, {"delegation": (1, 3, 18), "coaching": (1, 3, 12)}, high=())
    both = course_for("delegation", title="Leading people", duration_minutes=15)
    both.skills.create(skill=skill("coaching"), level_from=1, level_to=3)
    course_for("coaching", title="Coaching conversations", duration_minutes=240)
    plan = plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)
    assert courses_by_goal(plan) == {"delegation": "Leading people", "coaching": "Coaching conversations"}


def test_courses_already_taken_or_planned_are_left_out(org):
    assessed(org, {"delegation": (1, 3, 18)}, high=())
    taken = course_for("delegation", title="Taken before")
    course_for("delegation", title="Fresh", duration_minutes=300)
    old = plans.create_plan(person=org.employee_person, by=org.manager)
    plans.add_learning_item(plan=old, by=org.manager, course=taken)
    plans.end_plan(plan=old, by=org.manager, status=Plan.Status.CLOSED, reason="Starting again")
    plan = plans.create_plan_from_gaps(person=org.employee_person, by=org.manager)
    assert courses_by_goal(plan) == {"delegation": "Fresh"}


def test_no_gap_ticked_is_refused_and_changes_nothing(client, org):
    assessment = assessed(org)
    client.force_login(org.manager)
    response = client.post(url(org), {"assessment": assessment.pk})
    assert response.status_code == 400
    body = body_of(response)
    assert "Tick at least one gap" in body
    assert 'value="delegation" id="gap-delegation" aria' in body  # the manager's (empty) choice stays
    assert not Plan.objects.exists()


def test_a_skill_that_is_not_a_gap_is_refused_and_changes_nothing(client, org):
    assessment = assessed(org)
    client.force_login(org.manager)
    response = client.post(url(org), {"assessment": assessment.pk, "skill": ["delegation", "time-management"]})
    assert response.status_code == 400
    assert "time-management is not a gap of the latest assessment" in body_of(response)
    assert not Plan.objects.exists()


def test_a_malformed_choice_is_refused(client, org):
    assessed(org)
    client.force_login(org.manager)
    response = client.post(url(org), {"assessment": "x", "skill": ["<script>"]})
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_a_newer_assessment_since_the_page_was_opened_is_refused_with_its_gaps(client, org):
    first = assessed(org, {"delegation": (1, 3, 18)}, high=())
    assessed(org, {"coaching": (1, 3, 12)}, high=())
    client.force_login(org.manager)
    response = client.post(url(org), {"assessment": first.pk, "skill": ["delegation"]})
    assert response.status_code == 400
    body = body_of(response)
    assert "A newer assessment of Brian Walsh was submitted" in body
    assert 'value="coaching" id="gap-coaching" checked' in body
    assert not Plan.objects.exists()


def test_the_default_choice_needs_an_assessment_and_a_gap(org):
    with pytest.raises(ValidationError, match="Assess Brian Walsh first"):
        from_gaps.plan_from_gaps(person=org.employee_person, by=org.manager)
    assess(org.employee_person, org.manager, delegation=(3, 3, 0))
    with pytest.raises(ValidationError, match="no gaps"):
        from_gaps.plan_from_gaps(person=org.employee_person, by=org.manager)
    assert not Plan.objects.exists()


def test_only_the_manager_side_plans_from_gaps_in_the_service_too(org):
    assessed(org)
    with pytest.raises(ValidationError, match="manager"):
        from_gaps.plan_from_gaps(person=org.employee_person, by=org.employee)
    assert not Plan.objects.exists()


# --- with an open plan ----------------------------------------------------------------------------------------


def test_with_an_open_draft_the_chooser_says_so_and_adds_the_gaps_it_lacks(client, org):
    plan, _ = plan_with_goal(org, "delegation")
    assessment = assessed(org)
    course_for("coaching", title="Coaching conversations")
    client.force_login(org.manager)
    body = body_of(client.get(url(org)))
    assert "Brian Walsh already has a plan" in body and "Add the ticked gaps to the plan" in body
    assert 'value="delegation" id="gap-delegation" disabled' in body and "Already a goal of the plan." in body
    assert "Start an empty plan" not in body
    response = client.post(url(org), {"assessment": assessment.pk, "skill": ["coaching", "presenting"]})
    assert response["Location"] == plan.get_absolute_url()
    assert Plan.objects.count() == 1
    assert goal_keys(plan) == ["delegation", "coaching", "presenting"]
    assert courses_by_goal(plan) == {"coaching": "Coaching conversations"}
    assert "Added to Brian Walsh&#x27;s plan: 2 goals and 1 course." in body_of(client.get(response["Location"]))


def test_adding_gaps_to_an_agreed_plan_opens_a_new_revision_both_confirm(client, org):
    plan, _ = agreed_plan(org, "delegation")
    assessment = assessed(org)
    client.force_login(org.manager)
    assert "opens revision 2" in body_of(client.get(url(org)))
    client.post(url(org), {"assessment": assessment.pk, "skill": ["coaching"]})
    plan.refresh_from_db()
    assert (plan.revision, plan.agreed_revision, plan.status) == (2, 1, Plan.Status.AGREED)
    assert PlanRevision.objects.get(plan=plan, number=2).changes[0][0] == "Goal: Coaching others"
    assert goal_keys(plan) == ["delegation", "coaching"]


def test_a_gap_already_in_the_plan_is_not_added_twice(org):
    plan, _ = plan_with_goal(org, "delegation")
    assessed(org)
    done = from_gaps.plan_from_gaps(person=org.employee_person, by=org.manager, skill_keys=["delegation", "coaching"])
    assert done.plan == plan and not done.created
    assert [g.skill.key for g in done.goals] == ["coaching"]
    assert done.already_in_plan == ["Delegation"]
    with pytest.raises(ValidationError, match="already has a goal for every gap you ticked"):
        from_gaps.plan_from_gaps(person=org.employee_person, by=org.manager, skill_keys=["delegation"])


def test_a_course_in_the_open_plan_is_not_offered_again(org):
    plan, goal = plan_with_goal(org, "delegation")
    course = course_for("coaching", title="Coaching conversations")
    plans.add_learning_item(plan=plan, by=org.manager, course=course, goal=goal)
    assessed(org)
    done = from_gaps.plan_from_gaps(person=org.employee_person, by=org.manager, skill_keys=["coaching"])
    assert done.courses == []
    assert LearningItem.objects.filter(plan=plan, course=course).count() == 1
