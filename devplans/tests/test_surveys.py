"""Follow-up surveys and observation requests: the signed single-use links, the answers against the original gap,
the timeline line, the pages, and the course-effectiveness figures that feed recommendations."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.selectors import recommendations_for
from devplans import survey_selectors
from devplans.models import FollowUpSurvey, LearningItem, ObservationRequest, PlanEvent, SurveyAnswer
from devplans.services import items, plans, surveys
from devplans.tests.helpers import assess, course_for, in_weeks, skill
from people.outbox import render_email
from skillbridge.data_cache import SETTLE_FOR

pytestmark = pytest.mark.django_db

NEVER, RARELY, SOMETIMES, OFTEN, ALWAYS = range(5)
FIVE_SKILLS = ["delegation", "feedback", "coaching", "time-management", "conflict-resolution"]


# --- helpers -------------------------------------------------------------------------------------------------------


def agreed_from_gaps(org, *keys, level=1, target=3, goal_target=None):
    """Brian's plan, agreed by both, with one goal per skill from Kate's assessment (level → target)."""
    keys = keys or ("delegation",)
    assessment = assess(org.employee_person, org.manager, **dict.fromkeys(keys, (level, target, 6)))
    plan = plans.create_plan(person=org.employee_person, by=org.manager, career_goal="Lead a team")
    for key in keys:
        result = assessment.skill_results.get(skill__key=key)
        plans.add_goal(
            plan=plan,
            by=org.manager,
            skill=skill(key),
            target_level=goal_target or target,
            outcome=f"Better at {key}",
            due_on=in_weeks(8),
            source_result=result,
            start_level=result.level,
        )
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    plan.refresh_from_db()
    return plan


def surveys_for(org, *keys, **kwargs):
    plan = agreed_from_gaps(org, *keys, **kwargs)
    manager_survey, employee_survey = surveys.create_follow_up_surveys(plan=plan)
    return plan, manager_survey, employee_survey


def token_of(survey):
    return surveys.survey_token(survey)


def survey_url(survey):
    return surveys.survey_link(survey)


def strengths(goal_skill_key):
    return list(skill(goal_skill_key).behaviours.filter(kind="strength"))


def warnings(goal_skill_key):
    return list(skill(goal_skill_key).behaviours.filter(kind="warning"))


def rated(plan, frequency, *, impact="some", comment=""):
    """The same answer for every goal: each strength seen at `frequency`, each warning sign not observed."""
    return {
        goal.pk: {
            "frequencies": {b.pk: frequency for b in goal.skill.behaviours.filter(kind="strength")},
            "impact": impact,
            "comment": comment,
        }
        for goal in plan.goals.all()
    }


def post_data(plan, frequency, *, impact="some"):
    data = {}
    for goal in plan.goals.select_related("skill"):
        for behaviour in goal.skill.behaviours.all():
            data[f"g{goal.pk}-b{behaviour.pk}"] = frequency if behaviour.kind == "strength" else ""
        data[f"g{goal.pk}-impact"] = impact
        data[f"g{goal.pk}-comment"] = "Hands over the release now"
    return data


def nothing_saved(survey):
    survey.refresh_from_db()
    return survey.answered_at is None and not SurveyAnswer.objects.filter(survey=survey).exists()


def body(response):
    return response.content.decode()


# --- creating surveys ------------------------------------------------------------------------------------------------


def test_one_survey_for_the_manager_and_one_for_the_person_expiring_in_thirty_days(org):
    plan = agreed_from_gaps(org)
    now = timezone.now()
    manager_survey, employee_survey = surveys.create_follow_up_surveys(plan=plan, now=now)
    assert (manager_survey.role, manager_survey.respondent) == ("manager", org.manager)
    assert (employee_survey.role, employee_survey.respondent) == ("employee", org.employee)
    assert manager_survey.expires_at == now + timedelta(days=30)
    assert manager_survey.nonce != employee_survey.nonce


def test_link_days_come_from_the_setting(org, settings):
    settings.SURVEY_LINK_DAYS = 7
    plan = agreed_from_gaps(org)
    now = timezone.now()
    assert surveys.create_follow_up_surveys(plan=plan, now=now)[0].expires_at == now + timedelta(days=7)


def test_creating_surveys_again_returns_the_same_ones(org):
    plan = agreed_from_gaps(org)
    first = surveys.create_follow_up_surveys(plan=plan)
    again = surveys.create_follow_up_surveys(plan=plan, now=timezone.now() + timedelta(days=3))
    assert [s.pk for s in again] == [s.pk for s in first]
    assert [s.nonce for s in again] == [s.nonce for s in first]
    assert FollowUpSurvey.objects.filter(plan=plan).count() == 2


def test_a_plan_never_agreed_has_no_survey(org):
    plan = plans.create_plan(person=org.employee_person, by=org.manager)
    with pytest.raises(ValidationError, match="never agreed"):
        surveys.create_follow_up_surveys(plan=plan)
    assert not FollowUpSurvey.objects.exists()


def test_a_person_without_a_manager_gets_only_their_own_survey(org):
    plan = agreed_from_gaps(org)
    org.employee_person.manager = None
    org.employee_person.save()
    (only,) = surveys.create_follow_up_surveys(plan=plan)
    assert only.role == "employee"


def test_plans_due_for_follow_up_are_those_agreed_six_months_ago_without_a_survey(org, time_machine):
    plan = agreed_from_gaps(org)
    assert list(survey_selectors.plans_due_for_follow_up()) == []
    later = timezone.now() + timedelta(days=183)
    assert list(survey_selectors.plans_due_for_follow_up(now=later)) == [plan]
    surveys.create_follow_up_surveys(plan=plan)
    assert list(survey_selectors.plans_due_for_follow_up(now=later)) == []


def test_the_invitation_email_carries_the_absolute_link_and_the_skills(org, settings):
    settings.SITE_URL = "https://skillbridge.example.com"
    _, manager_survey, employee_survey = surveys_for(org, "delegation", "feedback")
    subject, text = render_email("survey", surveys.invitation_context(manager_survey))
    assert "Brian Walsh" in subject
    assert text.startswith("Hello Kate,")
    assert "https://skillbridge.example.com/surveys/" in text
    assert "- Delegation" in text
    assert "- Giving and receiving feedback" in text
    subject, text = render_email("survey", surveys.invitation_context(employee_survey))
    assert "your development plan" in subject
    assert "ask your manager" in text


# --- opening a link --------------------------------------------------------------------------------------------------


def test_the_link_opens_for_its_holder_without_a_login_and_for_the_person_logged_in(org):
    _, manager_survey, _ = surveys_for(org)
    token = token_of(manager_survey)
    assert surveys.survey_link(manager_survey) == f"/surveys/{token}/"
    assert surveys.open_survey(token=token, user=None) == manager_survey
    assert surveys.open_survey(token=token, user=org.manager) == manager_survey


def test_a_changed_signature_is_refused(org):
    _, manager_survey, _ = surveys_for(org)
    token = token_of(manager_survey)
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(surveys.LinkTampered):
        surveys.open_survey(token=changed, user=None)
    with pytest.raises(surveys.LinkTampered):
        surveys.open_survey(token=token[: len(token) // 2], user=None)


def test_a_link_to_another_survey_cannot_be_made_by_changing_the_id(org):
    _, manager_survey, employee_survey = surveys_for(org)
    from django.core import signing

    forged = signing.Signer(salt="devplans.survey").sign_object({"s": employee_survey.pk, "n": manager_survey.nonce})
    with pytest.raises(surveys.SurveyNotFound):
        surveys.open_survey(token=forged, user=None)
    unsalted = signing.Signer().sign_object({"s": employee_survey.pk, "n": employee_survey.nonce})
    with pytest.raises(surveys.LinkTampered):
        surveys.open_survey(token=unsalted, user=None)


def test_a_renewed_link_retires_the_old_one(org):
    _, manager_survey, _ = surveys_for(org)
    old = token_of(manager_survey)
    renewed = surveys.renew_survey_link(survey=manager_survey)
    with pytest.raises(surveys.SurveyNotFound):
        surveys.open_survey(token=old, user=None)
    assert surveys.open_survey(token=token_of(renewed), user=None) == manager_survey


def test_an_expired_link_is_refused(org, time_machine):
    _, manager_survey, _ = surveys_for(org)
    time_machine.move_to(manager_survey.expires_at + timedelta(seconds=1))
    with pytest.raises(surveys.LinkExpired):
        surveys.open_survey(token=token_of(manager_survey), user=None)


def test_the_link_refuses_someone_else_logged_in(org):
    _, manager_survey, _ = surveys_for(org)
    for someone_else in (org.employee, org.other_manager, org.hr, org.admin):
        with pytest.raises(surveys.NotForYou, match="This link is for Kate"):
            surveys.open_survey(token=token_of(manager_survey), user=someone_else)


def test_a_used_link_is_refused(org):
    plan, manager_survey, _ = surveys_for(org)
    surveys.answer_survey(survey=manager_survey, answers=rated(plan, OFTEN))
    with pytest.raises(surveys.AlreadyAnswered):
        surveys.open_survey(token=token_of(manager_survey), user=None)


def test_the_link_of_a_deactivated_account_no_longer_opens(org):
    _, manager_survey, _ = surveys_for(org)
    org.manager.is_active = False
    org.manager.save()
    with pytest.raises(surveys.SurveyNotFound):
        surveys.open_survey(token=token_of(manager_survey), user=None)


# --- answering ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "level_now", "outcome"),
    [(NEVER, 1, "no_change"), (RARELY, 2, "improved"), (OFTEN, 3, "gap_closed"), (ALWAYS, 4, "gap_closed")],
)
def test_the_outcome_is_measured_against_the_original_gap(org, frequency, level_now, outcome):
    plan, manager_survey, _ = surveys_for(org, level=1, target=3)
    (answer,) = surveys.answer_survey(survey=manager_survey, answers=rated(plan, frequency))
    answer.refresh_from_db()
    goal = plan.goals.get()
    assert answer.source_result == goal.source_result
    assert (answer.level_before, answer.target_level) == (1, 3)
    assert (answer.level_now, answer.outcome) == (level_now, outcome)


def test_the_gap_target_decides_gap_closed_even_when_the_goal_aims_higher(org):
    plan, manager_survey, _ = surveys_for(org, level=1, target=3, goal_target=4)
    (answer,) = surveys.answer_survey(survey=manager_survey, answers=rated(plan, OFTEN))
    assert (answer.level_now, answer.outcome) == (3, "gap_closed")


@pytest.mark.parametrize(("frequency", "level_now"), [(OFTEN, 2), (ALWAYS, 1)])
def test_warning_signs_still_seen_mean_no_change(org, frequency, level_now):
    plan, manager_survey, _ = surveys_for(org, level=2, target=3)
    goal = plan.goals.get()
    answers = {goal.pk: {"frequencies": {b.pk: frequency for b in warnings("delegation")}, "impact": "none"}}
    (answer,) = surveys.answer_survey(survey=manager_survey, answers=answers)
    assert (answer.level_now, answer.outcome) == (level_now, "no_change")


def test_answers_keep_every_behaviour_with_not_observed_as_null(org):
    plan, manager_survey, _ = surveys_for(org)
    (answer,) = surveys.answer_survey(survey=manager_survey, answers=rated(plan, OFTEN, comment="  Better  "))
    answer.refresh_from_db()
    everything = {str(b.pk) for b in skill("delegation").behaviours.all()}
    assert set(answer.frequencies) == everything
    assert {answer.frequencies[str(b.pk)] for b in warnings("delegation")} == {None}
    assert {answer.frequencies[str(b.pk)] for b in strengths("delegation")} == {OFTEN}
    assert (answer.impact, answer.comment) == ("some", "Better")


def test_answering_marks_the_survey_and_adds_one_line_to_the_timeline(org):
    plan, manager_survey, _ = surveys_for(org, "delegation", "feedback", level=1, target=3)
    before = PlanEvent.objects.filter(plan=plan).count()
    goals = {g.skill.key: g for g in plan.goals.select_related("skill")}
    answers = rated(plan, RARELY)
    answers[goals["feedback"].pk]["frequencies"] = {b.pk: OFTEN for b in strengths("feedback")}
    surveys.answer_survey(survey=manager_survey, answers=answers)
    manager_survey.refresh_from_db()
    assert manager_survey.answered_at is not None
    assert PlanEvent.objects.filter(plan=plan).count() == before + 1
    event = PlanEvent.objects.filter(plan=plan).last()
    assert event.kind == PlanEvent.Kind.SURVEY
    assert event.actor == org.manager
    assert event.summary == (
        "Follow-up from Kate Morgan: Delegation improved (level 1 → 2); "
        "Giving and receiving feedback gap closed (level 1 → 3)."
    )


def test_the_persons_own_answer_says_it_is_a_self_view(org):
    plan, _, employee_survey = surveys_for(org)
    surveys.answer_survey(survey=employee_survey, answers=rated(plan, RARELY))
    assert PlanEvent.objects.filter(plan=plan).last().summary.startswith("Follow-up from Brian Walsh (self-view):")


@pytest.mark.parametrize("value", [5, -1, 99, "3", True, 2.5])
def test_a_value_outside_the_scale_is_refused_and_nothing_changes(org, value):
    plan, manager_survey, _ = surveys_for(org)
    answers = rated(plan, OFTEN)
    goal_id = next(iter(answers))
    answers[goal_id]["frequencies"][strengths("delegation")[0].pk] = value
    events = PlanEvent.objects.filter(plan=plan).count()
    with pytest.raises(ValidationError, match="outside the scale"):
        surveys.answer_survey(survey=manager_survey, answers=answers)
    assert nothing_saved(manager_survey)
    assert PlanEvent.objects.filter(plan=plan).count() == events


def test_a_behaviour_of_another_skill_is_refused(org):
    plan, manager_survey, _ = surveys_for(org)
    answers = rated(plan, OFTEN)
    answers[next(iter(answers))]["frequencies"][strengths("feedback")[0].pk] = OFTEN
    with pytest.raises(ValidationError, match="not part of Delegation"):
        surveys.answer_survey(survey=manager_survey, answers=answers)
    assert nothing_saved(manager_survey)


def test_a_goal_not_in_the_plan_is_refused(org):
    plan, manager_survey, _ = surveys_for(org)
    other_plan = agreed_from_gaps_for_olivia(org)
    answers = rated(plan, OFTEN) | rated(other_plan, OFTEN)
    with pytest.raises(ValidationError, match="not part of this plan"):
        surveys.answer_survey(survey=manager_survey, answers=answers)
    assert nothing_saved(manager_survey)


def agreed_from_gaps_for_olivia(org):
    plan = plans.create_plan(person=org.other_employee_person, by=org.other_manager)
    plans.add_goal(
        plan=plan, by=org.other_manager, skill=skill("coaching"), target_level=3, outcome="x", due_on=in_weeks(8)
    )
    return plan


def test_every_goal_needs_an_answer(org):
    plan, manager_survey, _ = surveys_for(org, "delegation", "feedback")
    answers = rated(plan, OFTEN)
    del answers[plan.goals.get(skill__key="feedback").pk]
    with pytest.raises(ValidationError, match="missing: Giving and receiving feedback"):
        surveys.answer_survey(survey=manager_survey, answers=answers)
    assert nothing_saved(manager_survey)


def test_a_goal_with_nothing_observed_is_refused(org):
    plan, manager_survey, _ = surveys_for(org)
    answers = rated(plan, None)
    with pytest.raises(ValidationError, match="at least one behaviour"):
        surveys.answer_survey(survey=manager_survey, answers=answers)
    assert nothing_saved(manager_survey)


def test_an_unknown_impact_is_refused(org):
    plan, manager_survey, _ = surveys_for(org)
    with pytest.raises(ValidationError, match="business impact"):
        surveys.answer_survey(survey=manager_survey, answers=rated(plan, OFTEN, impact="huge"))
    assert nothing_saved(manager_survey)


def test_an_answer_after_expiry_is_refused(org):
    plan, manager_survey, _ = surveys_for(org)
    with pytest.raises(surveys.LinkExpired):
        surveys.answer_survey(
            survey=manager_survey, answers=rated(plan, OFTEN), now=manager_survey.expires_at + timedelta(minutes=1)
        )
    assert nothing_saved(manager_survey)


def test_a_second_answer_is_refused_and_the_first_stays(org):
    plan, manager_survey, _ = surveys_for(org)
    surveys.answer_survey(survey=manager_survey, answers=rated(plan, OFTEN))
    # `manager_survey` still reads unanswered, as it would in a second request that opened the link before the
    # first one saved: the service re-reads the row under lock and refuses.
    assert manager_survey.answered_at is None
    with pytest.raises(surveys.AlreadyAnswered):
        surveys.answer_survey(survey=manager_survey, answers=rated(plan, NEVER))
    assert list(SurveyAnswer.objects.filter(survey=manager_survey).values_list("level_now", flat=True)) == [3]
    assert PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.SURVEY).count() == 1


# --- the page --------------------------------------------------------------------------------------------------------


def test_the_holder_opens_the_survey_without_a_login(client, org):
    _, manager_survey, _ = surveys_for(org, "delegation", "feedback")
    response = client.get(survey_url(manager_survey))
    assert response.status_code == 200
    page = body(response)
    assert "how is Brian Walsh doing?" in page
    for behaviour in skill("delegation").behaviours.all():
        assert behaviour.text in page
    assert "Giving and receiving feedback" in page
    for label in ("Never", "Rarely", "Sometimes", "Often", "Always", "Not observed", "Clear business impact"):
        assert label in page


def test_the_person_sees_the_survey_about_themself(client, org):
    _, _, employee_survey = surveys_for(org)
    client.force_login(org.employee)
    response = client.get(survey_url(employee_survey))
    assert response.status_code == 200
    assert "how are you doing?" in body(response)


def test_posting_the_survey_saves_the_answers_and_thanks(client, org):
    plan, manager_survey, _ = surveys_for(org, "delegation", "feedback")
    response = client.post(survey_url(manager_survey), post_data(plan, RARELY))
    assert response.status_code == 200
    assert "Thank you" in body(response)
    assert SurveyAnswer.objects.filter(survey=manager_survey).count() == 2
    assert set(SurveyAnswer.objects.values_list("outcome", flat=True)) == {"improved"}
    assert SurveyAnswer.objects.first().comment == "Hands over the release now"


def test_a_double_submit_gets_the_already_answered_page_and_one_set_of_answers(client, org):
    plan, manager_survey, _ = surveys_for(org)
    data = post_data(plan, OFTEN)
    assert client.post(survey_url(manager_survey), data).status_code == 200
    again = client.post(survey_url(manager_survey), data)
    assert again.status_code == 410
    assert "already answered" in body(again)
    assert SurveyAnswer.objects.filter(survey=manager_survey).count() == 1
    assert client.get(survey_url(manager_survey)).status_code == 410


@pytest.mark.parametrize("value", ["5", "-1", "often", "9999999999999999999999"])
def test_a_posted_value_outside_the_scale_answers_400_and_saves_nothing(client, org, value):
    plan, manager_survey, _ = surveys_for(org)
    data = post_data(plan, OFTEN)
    goal = plan.goals.get()
    data[f"g{goal.pk}-b{strengths('delegation')[0].pk}"] = value
    response = client.post(survey_url(manager_survey), data)
    assert response.status_code == 400
    assert "Choose never, rarely, sometimes, often, always or not observed" in body(response)
    assert nothing_saved(manager_survey)


def test_a_posted_behaviour_of_another_skill_answers_400(client, org):
    plan, manager_survey, _ = surveys_for(org)
    data = post_data(plan, OFTEN)
    data[f"g{plan.goals.get().pk}-b{strengths('feedback')[0].pk}"] = OFTEN
    response = client.post(survey_url(manager_survey), data)
    assert response.status_code == 400
    assert "not part of Delegation" in body(response)
    assert nothing_saved(manager_survey)


def test_a_form_with_nothing_observed_answers_400_and_keeps_the_answers_given(client, org):
    plan, manager_survey, _ = surveys_for(org)
    data = post_data(plan, "")
    response = client.post(survey_url(manager_survey), data)
    assert response.status_code == 400
    assert "at least one behaviour of Delegation" in body(response)
    assert 'value="some" checked' in body(response)
    assert nothing_saved(manager_survey)


def test_a_changed_link_answers_404_with_what_to_do(client, org):
    _, manager_survey, _ = surveys_for(org)
    url = survey_url(manager_survey)
    response = client.get(url[:-3] + "xx/")
    assert response.status_code == 404
    assert "incomplete or was changed" in body(response)
    assert "copying the whole address" in body(response)


def test_an_expired_link_answers_410_and_says_who_to_ask(client, org, time_machine):
    plan, manager_survey, employee_survey = surveys_for(org)
    data = post_data(plan, OFTEN)
    time_machine.move_to(employee_survey.expires_at + timedelta(hours=1))
    response = client.get(survey_url(employee_survey))
    assert response.status_code == 410
    assert "expired" in body(response)
    assert "Ask Kate Morgan, your manager" in body(response)
    response = client.post(survey_url(manager_survey), data)
    assert response.status_code == 410
    assert "Ask HR" in body(response)
    assert nothing_saved(manager_survey)


def test_an_answer_posted_after_expiry_changes_nothing(client, org, time_machine):
    plan, manager_survey, _ = surveys_for(org)
    assert client.get(survey_url(manager_survey)).status_code == 200
    time_machine.move_to(manager_survey.expires_at)
    assert client.post(survey_url(manager_survey), post_data(plan, OFTEN)).status_code == 410
    assert nothing_saved(manager_survey)


@pytest.mark.parametrize("role", ["employee", "other_employee", "other_manager", "ld", "hr", "admin"])
def test_someone_else_logged_in_gets_403_naming_the_holder(client, org, role):
    plan, manager_survey, _ = surveys_for(org)
    client.force_login(getattr(org, role))
    response = client.get(survey_url(manager_survey))
    assert response.status_code == 403
    assert "This link is for Kate; log out or open it in a private window." in body(response)
    assert f'name="next" value="{survey_url(manager_survey)}"' in body(response)
    assert client.post(survey_url(manager_survey), post_data(plan, OFTEN)).status_code == 403
    assert nothing_saved(manager_survey)


def _page_queries(client, survey):
    url = survey_url(survey)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_survey_page_issues_the_same_queries_for_one_goal_or_five(client, django_assert_max_num_queries, org):
    _, one_goal, _ = surveys_for(org, "delegation")
    one = _page_queries(client, one_goal)
    one_goal.plan.status = "closed"
    one_goal.plan.ended_at = timezone.now()
    one_goal.plan.save()
    _, five_goals, _ = surveys_for(org, *FIVE_SKILLS)
    with django_assert_max_num_queries(one):
        assert client.get(survey_url(five_goals)).status_code == 200
    assert one <= 4


def test_the_survey_page_for_the_logged_in_holder_has_a_fixed_query_count(client, org):
    _, one_goal, _ = surveys_for(org, "delegation")
    client.force_login(org.manager)
    one = _page_queries(client, one_goal)
    one_goal.plan.status = "closed"
    one_goal.plan.ended_at = timezone.now()
    one_goal.plan.save()
    _, five_goals, _ = surveys_for(org, *FIVE_SKILLS)
    assert _page_queries(client, five_goals) == one


# --- effectiveness ---------------------------------------------------------------------------------------------------


def completed_course(org, plan, key="delegation", course=None):
    course = course or course_for(key, title=f"{key.title()} in practice")
    goal = plan.goals.get(skill__key=key)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course, goal=goal)
    return items.set_learning_status(item=item, by=org.employee, expected_version=item.version, status="completed")


def test_course_outcomes_prefer_the_managers_answer(org, django_capture_on_commit_callbacks, time_machine):
    plan, manager_survey, employee_survey = surveys_for(org)
    item = completed_course(org, plan)
    surveys.answer_survey(survey=employee_survey, answers=rated(plan, ALWAYS))
    assert survey_selectors.course_outcomes() == {item.course_id: (1, 1)}
    with django_capture_on_commit_callbacks(execute=True):  # kept figures are renewed after a commit...
        surveys.answer_survey(survey=manager_survey, answers=rated(plan, NEVER))
    time_machine.move_to(timezone.now() + timedelta(seconds=SETTLE_FOR))  # ...once they are SETTLE_FOR old
    assert survey_selectors.course_outcomes() == {item.course_id: (0, 1)}


def test_course_outcomes_count_only_completed_courses(org):
    plan, manager_survey, _ = surveys_for(org)
    completed = completed_course(org, plan)
    plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"), goal=plan.goals.get())
    surveys.answer_survey(survey=manager_survey, answers=rated(plan, RARELY))
    assert survey_selectors.course_outcomes() == {completed.course_id: (1, 1)}


def test_course_outcomes_is_one_query(org, django_assert_num_queries):
    plan, manager_survey, _ = surveys_for(org, "delegation", "feedback")
    completed_course(org, plan, "delegation")
    completed_course(org, plan, "feedback")
    surveys.answer_survey(survey=manager_survey, answers=rated(plan, RARELY))
    with django_assert_num_queries(1):
        assert len(survey_selectors.course_outcomes()) == 2


def test_course_outcomes_feed_the_reason_of_a_recommendation(org):
    plan, manager_survey, _ = surveys_for(org)
    course = course_for("delegation", title="Delegation in practice")
    completed_course(org, plan, course=course)
    surveys.answer_survey(survey=manager_survey, answers=rated(plan, RARELY))
    gaps = list(assess(org.other_employee_person, org.other_manager, delegation=(1, 3, 6)).skill_results.all())
    ranking = recommendations_for(org.other_employee_person, gaps=gaps, outcomes=survey_selectors.course_outcomes())
    (recommendation,) = [r for r in ranking.recommendations if r.course.course_id == course.pk]
    assert "1 of 1 person who took it improved" in recommendation.reason


def test_outcome_summary_counts_by_skill_and_by_course(org):
    plan, manager_survey, _ = surveys_for(org, "delegation", "feedback", level=1, target=3)
    course = completed_course(org, plan, "delegation").course
    goals = {g.skill.key: g for g in plan.goals.all()}
    answers = rated(plan, RARELY)
    answers[goals["feedback"].pk]["frequencies"] = {b.pk: NEVER for b in strengths("feedback")}
    surveys.answer_survey(survey=manager_survey, answers=answers)
    summary = survey_selectors.outcome_summary()
    assert summary["by_skill"] == [
        {
            "skill_key": "delegation",
            "skill_name": "Delegation",
            "gap_closed": 0,
            "improved": 1,
            "no_change": 0,
            "total": 1,
        },
        {
            "skill_key": "feedback",
            "skill_name": "Giving and receiving feedback",
            "gap_closed": 0,
            "improved": 0,
            "no_change": 1,
            "total": 1,
        },
    ]
    assert summary["by_course"] == [
        {
            "course_id": course.pk,
            "course_title": course.title,
            "gap_closed": 0,
            "improved": 1,
            "no_change": 0,
            "total": 1,
        }
    ]
    assert survey_selectors.outcome_summary(department_ids=[org.other_employee_person.department_id]) == {
        "by_skill": [],
        "by_course": [],
    }


# --- observation requests --------------------------------------------------------------------------------------------


def observation_request(org):
    plan = agreed_from_gaps(org)
    item = completed_course(org, plan)
    return item, surveys.create_observation_request(item=item)


def test_an_observation_request_is_for_the_manager_once_per_course(org):
    item, request = observation_request(org)
    assert request.respondent == org.manager
    assert surveys.create_observation_request(item=item) == request
    assert ObservationRequest.objects.count() == 1


def test_an_observation_request_follows_a_completed_course_only(org):
    plan = agreed_from_gaps(org)
    item = plans.add_learning_item(plan=plan, by=org.manager, course=course_for("delegation"), goal=plan.goals.get())
    with pytest.raises(ValidationError, match="completed course"):
        surveys.create_observation_request(item=item)


def test_the_manager_answers_an_observation_request_through_the_link(client, org, settings):
    settings.SITE_URL = "https://skillbridge.example.com"
    item, request = observation_request(org)
    _, text = render_email("observation_request", surveys.observation_invitation_context(request))
    url = surveys.observation_link(request)
    assert "https://skillbridge.example.com" + url in text
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Briefs the team before handing over"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.manager_observation == "Briefs the team before handing over"
    assert PlanEvent.objects.filter(plan=item.plan, kind=PlanEvent.Kind.OBSERVATION).exists()
    again = client.post(url, {"text": "Something else"})
    assert again.status_code == 410
    item.refresh_from_db()
    assert item.manager_observation == "Briefs the team before handing over"


def test_an_observation_link_refuses_the_employee_and_a_changed_link(client, org):
    _, request = observation_request(org)
    url = surveys.observation_link(request)
    client.force_login(org.employee)
    response = client.get(url)
    assert response.status_code == 403
    assert "This link is for Kate" in body(response)
    client.logout()
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_an_observation_already_written_on_the_plan_page_counts_as_answered(client, org):
    item, request = observation_request(org)
    items.record_observation(item=item, by=org.manager, text="Seen it")
    assert client.get(surveys.observation_link(request)).status_code == 410


def test_an_empty_observation_answers_400_and_changes_nothing(client, org):
    item, request = observation_request(org)
    response = client.post(surveys.observation_link(request), {"text": "  "})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.answered_at is None
    assert LearningItem.objects.get(pk=item.pk).observed_at is None


def test_a_survey_link_does_not_open_an_observation_request(org):
    _, request = observation_request(org)
    from django.core import signing

    token = signing.Signer(salt="devplans.survey").sign_object({"s": request.pk, "n": request.nonce})
    with pytest.raises(surveys.LinkTampered):
        surveys.open_observation_request(token=token, user=None)


# --- admin -----------------------------------------------------------------------------------------------------------


def test_the_admin_shows_surveys_answers_and_requests_read_only_without_the_link(client, org):
    plan, manager_survey, _ = surveys_for(org)
    item = completed_course(org, plan)
    surveys.answer_survey(survey=manager_survey, answers=rated(plan, RARELY))
    request = surveys.create_observation_request(item=item)
    answer = manager_survey.answers.get()
    client.force_login(org.admin)
    for url in [
        "/admin/devplans/followupsurvey/",
        f"/admin/devplans/followupsurvey/{manager_survey.pk}/change/",
        "/admin/devplans/followupsurvey/?answered_at__isempty=1",
        "/admin/devplans/surveyanswer/",
        f"/admin/devplans/surveyanswer/{answer.pk}/change/",
        "/admin/devplans/observationrequest/",
        f"/admin/devplans/observationrequest/{request.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert manager_survey.nonce not in body(response)
        assert request.nonce not in body(response)
    assert client.post(f"/admin/devplans/surveyanswer/{answer.pk}/delete/").status_code == 403
