import pytest
from django.urls import reverse

from assessments import selectors
from assessments.models import Assessment, Behaviour, Rating, RoleProfile
from assessments.services.roles import set_person_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def brian_aims_for_team_lead(org):
    set_person_role(
        person=org.employee_person,
        current=RoleProfile.objects.get(key="engineer"),
        target=RoleProfile.objects.get(key="team-lead"),
    )


@pytest.fixture
def draft(client, org, brian_aims_for_team_lead):
    client.force_login(org.manager)
    response = client.post(reverse("assessments:start_assessment", args=[org.employee_person.pk]))
    assessment = Assessment.objects.get()
    assert response.url == reverse("assessments:assessment", args=[assessment.pk])
    return assessment


def _delegation():
    return selectors.current_rubric().skills.get(key="delegation")


def _badly(skill):
    return {f"b{b.pk}": 4 if b.kind == Behaviour.Kind.WARNING else 0 for b in skill.behaviours.all()}


def test_starting_twice_opens_the_same_draft(client, org, draft):
    client.post(reverse("assessments:start_assessment", args=[org.employee_person.pk]))
    assert Assessment.objects.count() == 1
    assert draft.role_profile.key == "team-lead"


def test_the_assess_page_groups_every_skill_with_its_behaviours(client, draft):
    body = client.get(reverse("assessments:assessment", args=[draft.pk])).content.decode()
    for skill in selectors.current_rubric().skills.all():
        assert f'id="skill-{skill.pk}"' in body
    assert "Not observed" in body


def test_saving_a_skill_below_target_with_htmx_asks_the_three_questions(client, draft):
    skill = _delegation()
    response = client.post(
        reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response["X-Autosave"] == "saved"
    assert "<html" not in body
    assert f'id="skill-status-{skill.pk}"' in body
    assert 'data-below-target="true"' in body
    # The sticky bar comes back too, naming the skill whose questions are still to answer.
    assert f'<a href="#skill-{skill.pk}" data-goto-skill="{skill.pk}">Delegation</a>' in body
    assert "Below target" in body
    assert Rating.objects.filter(assessment=draft).count() == skill.behaviours.count()


def test_an_autosave_answer_holds_no_field_so_nothing_being_typed_is_replaced(client, draft):
    skill = _delegation()
    response = client.post(
        reverse("assessments:save_skill", args=[draft.pk, skill.pk]),
        _badly(skill) | {"note": "Lost the thread in the planning meeting"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    for tag in ("<input", "<textarea", "<select", "<form"):
        assert tag not in body
    assert "Lost the thread" not in body


def test_a_refused_autosave_says_why_and_is_not_marked_saved(client, draft):
    skill = _delegation()
    behaviour = skill.behaviours.first()
    response = client.post(
        reverse("assessments:save_skill", args=[draft.pk, skill.pk]),
        {f"b{behaviour.pk}": 9},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "X-Autosave" not in response
    assert f'id="skill-errors-{skill.pk}"' in response.content.decode()
    assert "alert-danger" in response.content.decode()


def test_an_autosave_after_being_signed_out_is_a_redirect_never_a_saved_answer(client, draft):
    skill = _delegation()
    client.logout()
    response = client.post(
        reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill), headers={"HX-Request": "true"}
    )
    assert response.status_code == 302
    assert "X-Autosave" not in response
    assert not Rating.objects.exists()


def test_the_triage_questions_are_on_the_page_for_every_skill_and_shown_only_below_target(client, draft):
    skill = _delegation()
    client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill))
    body = client.get(reverse("assessments:assessment", args=[draft.pk])).content.decode()
    others = selectors.current_rubric().skills.exclude(pk=skill.pk)
    assert f'id="triage-{skill.pk}">' in body
    for other in others:
        assert f'id="triage-{other.pk}" hidden>' in body


def test_the_notes_say_who_will_read_them(client, draft):
    body = client.get(reverse("assessments:assessment", args=[draft.pk])).content.decode()
    assert "Brian Walsh, their managers up the chain and HR can read this once you submit." in body
    assert body.count('aria-describedby="readers-') == 2 * selectors.current_rubric().skills.count()


def test_the_submitted_assessment_offers_the_plan_the_courses_and_the_team(client, draft):
    skill = _delegation()
    triage = {"mistakes": "Kept all the work himself", "mistake_frequency": 3, "impact": 3}
    client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill) | triage)
    response = client.post(reverse("assessments:submit_assessment", args=[draft.pk]), follow=True)
    body = response.content.decode()
    person = draft.person
    assert reverse("devplans:create_plan_from_gaps", args=[person.pk]) in body
    assert "Make or update the plan from these gaps" in body
    assert reverse("assessments:gaps", args=[person.pk]) in body
    assert reverse("devplans:team") in body


def test_the_person_reading_their_submitted_assessment_is_sent_back_to_their_plan(client, org, draft):
    skill = _delegation()
    triage = {"mistakes": "Kept all the work himself", "mistake_frequency": 3, "impact": 3}
    client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill) | triage)
    client.post(reverse("assessments:submit_assessment", args=[draft.pk]))
    client.force_login(org.employee)
    body = client.get(reverse("assessments:assessment", args=[draft.pk])).content.decode()
    assert "Make or update the plan" not in body
    assert reverse("devplans:my_plan") in body


def test_a_rating_for_a_behaviour_of_another_skill_is_refused_and_nothing_changes(client, draft):
    skill = _delegation()
    stranger = selectors.current_rubric().skills.get(key="presenting").behaviours.first()
    data = _badly(skill) | {f"b{stranger.pk}": 2}
    response = client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), data)
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_a_level_outside_the_scale_is_refused(client, draft):
    skill = _delegation()
    behaviour = skill.behaviours.first()
    response = client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), {f"b{behaviour.pk}": 9})
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_only_the_assessor_can_open_or_change_a_draft(client, org, draft):
    client.force_login(org.employee)
    assert client.get(reverse("assessments:assessment", args=[draft.pk])).status_code == 404
    skill = _delegation()
    assert client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill)).status_code == 404
    assert client.post(reverse("assessments:submit_assessment", args=[draft.pk])).status_code == 404
    assert not Rating.objects.exists()


def test_a_manager_cannot_assess_someone_elses_report(client, org):
    client.force_login(org.other_manager)
    response = client.post(reverse("assessments:start_assessment", args=[org.employee_person.pk]))
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_submit_then_a_second_submit_changes_nothing(client, draft):
    skill = _delegation()
    triage = {"mistakes": "Kept all the work himself", "mistake_frequency": 3, "impact": 3}
    client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill) | triage)
    first = client.post(reverse("assessments:submit_assessment", args=[draft.pk]), follow=True)
    assert "is submitted" in first.content.decode()
    draft.refresh_from_db()
    submitted_at = draft.submitted_at
    second = client.post(reverse("assessments:submit_assessment", args=[draft.pk]), follow=True)
    assert "can no longer change" in second.content.decode()
    draft.refresh_from_db()
    assert draft.submitted_at == submitted_at


def test_submit_without_triage_names_the_skill_and_keeps_the_draft(client, draft):
    skill = _delegation()
    client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill))
    response = client.post(reverse("assessments:submit_assessment", args=[draft.pk]), follow=True)
    page = reverse("assessments:assessment", args=[draft.pk])
    # The message links to the section it names.
    assert (
        f'<a href="{page}#skill-{skill.pk}" data-goto-skill="{skill.pk}">Delegation</a> is below the target level'
        in (response.content.decode())
    )
    draft.refresh_from_db()
    assert draft.is_draft


def test_the_person_sees_the_result_once_submitted(client, org, draft):
    skill = _delegation()
    triage = {"mistakes": "Kept all the work himself", "mistake_frequency": 3, "impact": 3}
    client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill) | triage)
    client.post(reverse("assessments:submit_assessment", args=[draft.pk]))
    client.force_login(org.employee)
    body = client.get(reverse("assessments:assessment", args=[draft.pk])).content.decode()
    assert "Delegation" in body
    assert "Kept all the work himself" in body


def test_employee_starts_a_self_assessment(client, org, brian_aims_for_team_lead):
    client.force_login(org.employee)
    client.post(reverse("assessments:start_self_assessment"))
    assessment = Assessment.objects.get()
    assert (assessment.kind, assessment.person, assessment.assessor) == ("self", org.employee_person, org.employee)


@pytest.mark.parametrize("extra_skills", [0, 1])
def test_assess_page_query_count_is_constant(client, draft, extra_skills, django_assert_max_num_queries):
    if extra_skills:
        skill = _delegation()
        client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("assessments:assessment", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("rated_skills", [1, 8])
def test_an_autosave_costs_the_same_queries_however_much_is_rated(
    client, draft, rated_skills, django_assert_max_num_queries
):
    skills = list(selectors.current_rubric().skills.order_by("order")[:rated_skills])
    for skill in skills:
        client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill))
    skill = skills[-1]
    with django_assert_max_num_queries(22):
        response = client.post(
            reverse("assessments:save_skill", args=[draft.pk, skill.pk]), _badly(skill), headers={"HX-Request": "true"}
        )
    assert response["X-Autosave"] == "saved"


def _submit(client, draft, answers):
    """Rate skills {key: "bad" | "good"} in the draft and submit it."""
    rubric = selectors.current_rubric()
    triage = {"mistakes": "Seen in the last project", "mistake_frequency": 3, "impact": 2}
    for key, how in answers.items():
        skill = rubric.skills.get(key=key)
        frequencies = {
            f"b{b.pk}": (4 if (b.kind == Behaviour.Kind.WARNING) == (how == "bad") else 0)
            for b in skill.behaviours.all()
        }
        client.post(reverse("assessments:save_skill", args=[draft.pk, skill.pk]), frequencies | triage)
    response = client.post(reverse("assessments:submit_assessment", args=[draft.pk]))
    assert response.status_code == 302


def _new_draft(client, org):
    client.post(reverse("assessments:start_assessment", args=[org.employee_person.pk]))
    return Assessment.objects.filter(status="draft").get()


def test_gaps_are_ranked_with_the_biggest_priority_first(client, org, draft):
    _submit(client, draft, {"delegation": "bad", "presenting": "bad", "time-management": "good"})
    overview = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).context["overview"]
    assert [r.skill.key for r in overview["gaps"]][:2] in (["delegation", "presenting"], ["presenting", "delegation"])
    assert all(r.gap > 0 for r in overview["gaps"])
    assert overview["gaps"][0].priority >= overview["gaps"][-1].priority


def test_person_page_loads_the_gaps_fragment_with_htmx(client, org, draft):
    _submit(client, draft, {"delegation": "bad"})
    page = client.get(reverse("people:person_detail", args=[org.employee_person.pk])).content.decode()
    assert f'hx-get="{reverse("assessments:gaps", args=[org.employee_person.pk])}"' in page
    assert "hx-get" not in page.split("</title>")[0]
    fragment = client.get(reverse("assessments:gaps", args=[org.employee_person.pk]), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body
    assert "Delegation" in body
    assert 'id="gap-data-' in body


def test_history_shows_change_over_time(client, org, draft):
    _submit(client, draft, {"delegation": "bad"})
    _submit(client, _new_draft(client, org), {"delegation": "good"})
    overview = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).context["overview"]
    delegation = next(row for row in overview["trend"] if row["name"] == "Delegation")
    assert delegation["levels"] == [1, 4]
    assert delegation["change"] == 3


def test_self_assessment_is_shown_beside_the_managers_with_differences(client, org, draft):
    _submit(client, draft, {"delegation": "bad"})
    client.force_login(org.employee)
    client.post(reverse("assessments:start_self_assessment"))
    own = Assessment.objects.get(kind="self")
    _submit(client, own, {"delegation": "good"})
    overview = client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).context["overview"]
    delegation = next(row for row in overview["rows"] if row["result"].skill.key == "delegation")
    assert (delegation["result"].level, delegation["self"], delegation["differs"]) == (1, 4, True)


@pytest.mark.parametrize("past", [1, 20])
def test_gaps_query_count_is_the_same_for_1_and_20_past_assessments(
    client, org, brian_aims_for_team_lead, past, django_assert_max_num_queries
):
    client.force_login(org.manager)
    for _ in range(past):
        _submit(client, _new_draft(client, org), {"delegation": "bad"})
    with django_assert_max_num_queries(18):
        response = client.get(reverse("assessments:gaps", args=[org.employee_person.pk]))
    assert len(response.context["overview"]["history"]) == min(past, selectors.HISTORY_LENGTH)


def test_ld_cannot_see_someone_elses_gaps(client, org, draft):
    _submit(client, draft, {"delegation": "bad"})
    client.force_login(org.ld)
    assert client.get(reverse("assessments:gaps", args=[org.employee_person.pk])).status_code == 404


def test_manager_sets_the_role_a_report_holds_and_aims_for(client, org):
    engineer, lead = RoleProfile.objects.get(key="engineer"), RoleProfile.objects.get(key="team-lead")
    client.force_login(org.manager)
    response = client.post(
        reverse("assessments:set_role", args=[org.employee_person.pk]),
        {"current_profile": engineer.pk, "target_profile": lead.pk},
    )
    assert response.status_code == 302
    role = selectors.role_of(org.employee_person)
    assert (role.current_profile, role.target_profile) == (engineer, lead)


def test_the_same_role_as_current_and_target_is_refused_and_changes_nothing(client, org):
    engineer = RoleProfile.objects.get(key="engineer")
    client.force_login(org.manager)
    response = client.post(
        reverse("assessments:set_role", args=[org.employee_person.pk]),
        {"current_profile": engineer.pk, "target_profile": engineer.pk},
        follow=True,
    )
    assert "must differ" in response.content.decode()
    assert selectors.role_of(org.employee_person) is None


def test_another_manager_cannot_set_a_role(client, org):
    client.force_login(org.other_manager)
    engineer = RoleProfile.objects.get(key="engineer")
    response = client.post(
        reverse("assessments:set_role", args=[org.employee_person.pk]), {"current_profile": engineer.pk}
    )
    assert response.status_code == 404
    assert selectors.role_of(org.employee_person) is None


@pytest.mark.parametrize("past", [1, 20])
def test_person_page_query_count_is_the_same_for_1_and_20_past_assessments(
    client, org, brian_aims_for_team_lead, past, django_assert_max_num_queries
):
    client.force_login(org.manager)
    for _ in range(past):
        _submit(client, _new_draft(client, org), {"delegation": "bad"})
    with django_assert_max_num_queries(8):
        assert client.get(reverse("people:person_detail", args=[org.employee_person.pk])).status_code == 200
