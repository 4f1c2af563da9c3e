"""recommendations_for: the database side of the ranking (what is read, in how many queries)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments import selectors
from assessments.models import Assessment, RubricVersion, Skill, SkillResult
from assessments.recommending import Gap, coverage
from catalog.models import Course, CourseSkill
from catalog.tests.factories import CourseFactory
from people.models import Person

pytestmark = pytest.mark.django_db


def _gaps(org, **levels):
    """A submitted manager's assessment of Brian with the given {skill key: (level, target, priority)}."""
    rubric = selectors.current_rubric()
    assessment = Assessment.objects.create(
        person=org.employee_person,
        assessor=org.manager,
        rubric_version=rubric,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for key, (level, target, priority) in levels.items():
        SkillResult.objects.create(
            assessment=assessment,
            skill=rubric.skills.get(key=key),
            level=level,
            target=target,
            gap=max(0, target - level),
            priority=priority,
        )
    return selectors.gap_overview(org.employee_person)["gaps"]


def _course(key, level_from=1, level_to=3, **fields):
    course = CourseFactory(**fields)
    CourseSkill.objects.create(
        course=course, skill=selectors.current_rubric().skills.get(key=key), level_from=level_from, level_to=level_to
    )
    return course


def test_courses_for_the_persons_gaps_are_ranked_with_reasons(org):
    gaps = _gaps(org, delegation=(1, 3, 18), feedback=(2, 3, 2))
    long = _course("delegation", title="Delegation day", duration_minutes=480, format=Course.Format.WORKSHOP)
    short = _course("delegation", title="Delegating in 45 minutes", duration_minutes=45)
    feedback = _course("feedback", 2, 4, title="Feedback basics")
    ranking = selectors.recommendations_for(org.employee_person, gaps=gaps)
    assert [r.course.course_id for r in ranking.recommendations] == [short.pk, long.pk, feedback.pk]
    assert ranking.recommendations[0].reason == "Delegation, level 1 → 3 · 45 min video · self-paced"
    assert ranking.uncovered == []


def test_retired_and_excluded_courses_are_not_recommended(org):
    gaps = _gaps(org, delegation=(1, 3, 18))
    _course("delegation", is_active=False)
    planned = _course("delegation")
    ranking = selectors.recommendations_for(org.employee_person, gaps=gaps, exclude_course_ids=[planned.pk])
    assert ranking.recommendations == []
    assert ranking.uncovered == []
    assert [g.skill_key for g in ranking.planned] == ["delegation"]


def test_a_course_mapped_to_the_same_skill_in_an_older_rubric_still_counts(org):
    gaps = _gaps(org, delegation=(1, 3, 18))
    older = RubricVersion.objects.create(number=0, status=RubricVersion.Status.PUBLISHED, published_at=timezone.now())
    old_skill = Skill.objects.create(rubric_version=older, key="delegation", name="Delegation (old)", order=1)
    course = CourseFactory()
    CourseSkill.objects.create(course=course, skill=old_skill, level_from=1, level_to=3)
    ranking = selectors.recommendations_for(org.employee_person, gaps=gaps)
    assert [r.course.course_id for r in ranking.recommendations] == [course.pk]


def test_the_persons_preferred_formats_count(org):
    gaps = _gaps(org, delegation=(1, 3, 18))
    _course("delegation", title="Video", duration_minutes=30)
    book = _course("delegation", title="Book", duration_minutes=40, format=Course.Format.READING)
    org.employee_person.preferred_formats = ["reading"]
    ranking = selectors.recommendations_for(org.employee_person, gaps=gaps)
    assert ranking.recommendations[0].course.course_id == book.pk


def test_no_gaps_reads_nothing(org, django_assert_num_queries):
    with django_assert_num_queries(0):
        ranking = selectors.recommendations_for(org.employee_person, gaps=[])
    assert ranking.recommendations == []


@pytest.mark.parametrize("size", [3, 60])
def test_one_query_whatever_the_catalog_size(org, size, django_assert_max_num_queries):
    gaps = _gaps(org, delegation=(1, 3, 18), feedback=(2, 3, 2), coaching=(1, 2, 1))
    for i in range(size):
        _course(["delegation", "feedback", "coaching"][i % 3], 1, 4, duration_minutes=10 + i)
    with django_assert_max_num_queries(1):
        ranking = selectors.recommendations_for(org.employee_person, gaps=gaps, limit=None)
    assert len(ranking.recommendations) == size


def test_the_gaps_panel_shows_recommended_courses_with_their_reason(client, org):
    _gaps(org, delegation=(1, 3, 18))
    _course("delegation", title="Delegating in 45 minutes", duration_minutes=45)
    client.force_login(org.manager)
    body = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).content.decode()
    assert "Recommended courses" in body
    assert "Delegating in 45 minutes" in body
    assert "Delegation, level 1 → 3 · 45 min video · self-paced" in body


def test_the_gaps_panel_says_when_no_course_covers_a_gap(client, org):
    _gaps(org, coaching=(1, 3, 9))
    client.force_login(org.manager)
    body = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).content.decode()
    assert "No active course in the catalog covers Coaching others at level 1 → 3." in body


def test_the_employee_sees_their_own_recommendations(client, org):
    _gaps(org, delegation=(1, 3, 18))
    _course("delegation", title="Delegating in 45 minutes")
    client.force_login(org.employee)
    body = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).content.decode()
    assert "Delegating in 45 minutes" in body


@pytest.mark.parametrize("size", [2, 40])
def test_the_gaps_panel_query_count_does_not_grow_with_the_catalog(client, org, size, django_assert_max_num_queries):
    _gaps(org, delegation=(1, 3, 18), feedback=(2, 3, 2))
    for i in range(size):
        _course(["delegation", "feedback"][i % 2], 1, 4, duration_minutes=10 + i)
    client.force_login(org.manager)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("assessments:gaps", args=[org.employee_person.pk]), headers={"HX-Request": "1"})
    assert len(response.context["ranking"].recommendations) == min(size, 5)


def test_a_course_ld_suggested_is_listed_once_and_still_covers_its_gap(client, org):
    from catalog.request_services import answer_learning_request, create_learning_request

    _gaps(org, delegation=(1, 3, 18))
    course = _course("delegation", title="Delegating in 45 minutes")
    other = _course("delegation", title="Delegation day", duration_minutes=480)
    request = create_learning_request(by=org.manager, person=org.employee_person, note="Help, please")
    answer_learning_request(learning_request=request, by=org.ld, body="Try this one", courses=[course])
    client.force_login(org.manager)
    response = client.get(reverse("assessments:gaps", args=[org.employee_person.pk]))
    assert [c for c, _ in response.context["suggestions"]] == [course]
    assert [r.course.course_id for r in response.context["ranking"].recommendations] == [other.pk]
    assert response.context["ranking"].uncovered == []
    assert response.content.decode().count("Delegating in 45 minutes") == 1


def test_courses_already_in_a_plan_are_not_recommended_again(client, org):
    from devplans.services import plans

    _gaps(org, delegation=(1, 3, 18))
    planned = _course("delegation", title="Already planned")
    _course("delegation", title="Still to try")
    plan = plans.create_plan(person=org.employee_person, by=org.manager)
    plans.add_learning_item(plan=plan, by=org.manager, course=planned)
    assert selectors.taken_courses(org.employee_person) == {planned.pk}
    client.force_login(org.manager)
    body = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).content.decode()
    assert "Still to try" in body and "Already planned" not in body
    assert "No active course" not in body


def test_a_gap_whose_courses_are_all_planned_says_so(client, org):
    from devplans.services import plans

    _gaps(org, delegation=(1, 3, 18))
    plan = plans.create_plan(person=org.employee_person, by=org.manager)
    plans.add_learning_item(plan=plan, by=org.manager, course=_course("delegation", title="The only one"))
    client.force_login(org.manager)
    body = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).content.decode()
    assert "No active course" not in body
    assert "already in a plan or taken" in body


def test_follow_up_outcomes_reach_the_ranking_through_the_registered_reader(monkeypatch):
    from assessments.recommending import Outcome
    from devplans import survey_selectors

    assert survey_selectors.course_outcomes in selectors._outcome_readers
    monkeypatch.setattr(selectors, "_outcome_readers", [lambda: {7: Outcome(8, 10)}])
    assert selectors.course_outcomes() == {7: Outcome(8, 10)}


def test_the_gaps_panel_says_why_a_lower_course_ranks_lower(client, org):
    _gaps(org, delegation=(1, 3, 18))
    _course("delegation", title="Delegating in 45 minutes", duration_minutes=45)
    _course("delegation", title="Delegation day", duration_minutes=480, is_self_paced=False)
    client.force_login(org.manager)
    body = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).content.decode()
    assert body.index("Delegating in 45 minutes") < body.index("Delegation day")
    assert "Ranked lower: longer (8 h); scheduled sessions, not self-paced" in body
    assert body.count("Ranked lower:") == 1


def _covers(recommendation, result):
    """How much of the gap (a SkillResult) the recommended course closes; 0 when it does not fit the level."""
    gap = Gap(result.skill.key, result.skill.name, result.level, result.target, result.priority)
    return max(
        (coverage(gap, skill) for skill in recommendation.course.skills if skill.skill_key == gap.skill_key), default=0
    )


def test_on_the_demo_every_gap_has_its_best_covering_course_among_its_first_three():
    """Every gap of every demo person with an assessment, as their gaps panel ranks it: of the courses that fit the
    person's level, one that closes the most of the gap is among the first three for that gap (the demo people
    have no preferred formats, so nothing excuses it), and every course after the first says why it ranks lower."""
    call_command("seed_demo", stdout=StringIO())
    people = Person.objects.filter(assessments__status=Assessment.Status.SUBMITTED).distinct()
    gaps_seen = 0
    for person in people:
        gaps = [r for r in selectors.gap_overview(person)["gaps"] if r.level is not None and r.target is not None]
        ranking = selectors.recommendations_for(
            person,
            gaps=gaps,
            exclude_course_ids=selectors.taken_courses(person),
            outcomes=selectors.course_outcomes(),
            limit=None,
        )
        assert not person.preferred_formats
        for result in gaps:
            for_gap = [r for r in ranking.recommendations if _covers(r, result) > 0]
            if not for_gap:
                continue
            gaps_seen += 1
            best = max(_covers(r, result) for r in for_gap)
            first_three = [(r.course.title, _covers(r, result)) for r in for_gap[:3]]
            assert best in [share for _, share in first_three], (person.full_name, result.skill.key, first_three)
        assert all(r.reason for r in ranking.recommendations)
        assert all(r.ranked_lower for r in ranking.recommendations[1:]), person.full_name
    assert gaps_seen >= 30
