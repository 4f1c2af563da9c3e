import pytest
from django.core.exceptions import ValidationError

from assessments import selectors
from assessments.models import Assessment, Behaviour, RoleProfile, SkillResult
from assessments.services import assessing

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(org):
    return assessing.start_assessment(
        person=org.employee_person,
        assessor=org.manager,
        kind=Assessment.Kind.MANAGER,
        rubric=selectors.current_rubric(),
        profile=RoleProfile.objects.get(key="team-lead"),
    )


def _skill(key):
    return selectors.current_rubric().skills.get(key=key)


def _rate_badly(draft, key):
    """Warning signs always, strengths never: level 1."""
    skill = _skill(key)
    frequencies = {b.pk: (4 if b.kind == Behaviour.Kind.WARNING else 0) for b in skill.behaviours.all()}
    return assessing.save_skill(assessment=draft, skill=skill, frequencies=frequencies, answers={})


TRIAGE = {"mistakes": "Could not hand over the processor project", "mistake_frequency": 3, "impact": 3}


def test_start_assessment_returns_the_same_draft_twice(org, draft):
    again = assessing.start_assessment(
        person=org.employee_person,
        assessor=org.manager,
        kind=Assessment.Kind.MANAGER,
        rubric=selectors.current_rubric(),
        profile=None,
    )
    assert again == draft


def test_submit_needs_triage_for_every_skill_below_target(draft):
    _rate_badly(draft, "delegation")
    with pytest.raises(ValidationError, match="Delegation is below the target"):
        assessing.submit_assessment(assessment=draft)
    draft.refresh_from_db()
    assert draft.is_draft


def test_submit_fixes_levels_gaps_and_priorities(draft):
    result = _rate_badly(draft, "delegation")
    assessing.save_skill(assessment=draft, skill=result.skill, frequencies={}, answers=TRIAGE)
    assessing.submit_assessment(assessment=draft)
    delegation = SkillResult.objects.get(assessment=draft, skill__key="delegation")
    assert (delegation.level, delegation.target, delegation.gap) == (1, 3, 2)
    assert delegation.priority == 2 * 3 * 3
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED


def test_submit_without_any_observation_is_refused(draft):
    with pytest.raises(ValidationError, match="at least one behaviour"):
        assessing.submit_assessment(assessment=draft)


def _rate_well(draft, key):
    skill = _skill(key)
    frequencies = {b.pk: (0 if b.kind == Behaviour.Kind.WARNING else 4) for b in skill.behaviours.all()}
    return assessing.save_skill(assessment=draft, skill=skill, frequencies=frequencies, answers={})


def test_a_submitted_assessment_is_never_changed(draft):
    _rate_well(draft, "time-management")
    assessing.submit_assessment(assessment=draft)
    with pytest.raises(ValidationError, match="submitted"):
        _rate_well(draft, "time-management")
    with pytest.raises(ValidationError, match="submitted"):
        assessing.submit_assessment(assessment=draft)


def test_a_rating_for_a_behaviour_of_another_skill_is_refused(draft):
    skill = _skill("delegation")
    other = _skill("presenting").behaviours.first()
    with pytest.raises(ValidationError, match="not part of this skill"):
        assessing.save_skill(assessment=draft, skill=skill, frequencies={other.pk: 2}, answers={})
    assert not draft.ratings.exists()


def test_a_rating_outside_the_scale_is_refused(draft):
    skill = _skill("delegation")
    with pytest.raises(ValidationError, match="outside the scale"):
        assessing.save_skill(assessment=draft, skill=skill, frequencies={skill.behaviours.first().pk: 7}, answers={})


def test_a_skill_from_another_rubric_version_is_refused(org, draft):
    from assessments.services.rubric import start_draft

    other = start_draft(by=org.ld).skills.first()
    with pytest.raises(ValidationError, match="not part of this assessment"):
        assessing.save_skill(assessment=draft, skill=other, frequencies={}, answers={})


def test_not_observed_removes_an_earlier_rating(draft):
    skill = _skill("delegation")
    behaviour = skill.behaviours.first()
    assessing.save_skill(assessment=draft, skill=skill, frequencies={behaviour.pk: 2}, answers={})
    assessing.save_skill(assessment=draft, skill=skill, frequencies={behaviour.pk: None}, answers={})
    assert not draft.ratings.exists()
