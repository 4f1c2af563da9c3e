import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from assessments import selectors
from assessments.models import Behaviour, RoleProfile, RubricVersion, Skill
from assessments.rubric_data import ROLE_PROFILES, SKILLS
from assessments.services import rubric as services

pytestmark = pytest.mark.django_db


def test_default_rubric_is_published_with_the_required_skills():
    rubric = selectors.current_rubric()
    assert rubric.number == 1
    names = {s.name.lower() for s in rubric.skills.all()}
    for needed in [
        "written communication",
        "verbal communication",
        "presenting",
        "collaboration",
        "delegation",
        "time management",
        "conflict resolution",
        "adaptability",
    ]:
        assert needed in names
    assert len(names) >= 12


@pytest.mark.parametrize("data", SKILLS, ids=lambda d: d["key"])
def test_each_default_skill_has_four_to_six_behaviours_of_both_kinds(data):
    kinds = [kind for kind, _ in data["behaviours"]]
    assert 4 <= len(kinds) <= 6
    assert kinds.count("warning") >= 2
    assert kinds.count("strength") >= 2
    assert len(data["levels"]) == 4


def test_role_profiles_set_a_target_for_every_skill_and_paths_never_lower_a_target():
    keys = {s["key"] for s in SKILLS}
    by_key = {p["key"]: p for p in ROLE_PROFILES}
    for profile in ROLE_PROFILES:
        assert set(profile["targets"]) == keys
        if profile["next"]:
            step = by_key[profile["next"]]
            assert all(step["targets"][k] >= profile["targets"][k] for k in keys)


def test_start_draft_copies_the_published_rubric_and_leaves_it_alone(org):
    published = selectors.current_rubric()
    draft = services.start_draft(by=org.ld)
    assert draft.number == 2
    assert draft.is_draft
    assert draft.skills.count() == published.skills.count()
    assert (
        Behaviour.objects.filter(skill__rubric_version=draft).count()
        == Behaviour.objects.filter(skill__rubric_version=published).count()
    )
    assert services.start_draft(by=org.ld) == draft  # one draft at a time


def test_only_one_draft_can_exist():
    RubricVersion.objects.create(number=50)
    with pytest.raises(IntegrityError):
        RubricVersion.objects.create(number=51)


def test_publishing_a_draft_never_changes_the_older_version(org):
    old = selectors.current_rubric()
    old_names = [s.name for s in old.skills.all()]
    draft = services.start_draft(by=org.ld)
    skill = draft.skills.first()
    skill.name = "Renamed in v2"
    skill.save()
    services.publish_draft(version=draft, by=org.ld, notes="Renamed one skill")
    assert selectors.current_rubric().number == 2
    assert [s.name for s in Skill.objects.filter(rubric_version=old).order_by("order", "name")] == old_names


def test_a_published_rubric_cannot_be_edited_through_the_services(org):
    skill = selectors.current_rubric().skills.first()
    with pytest.raises(ValidationError):
        services.delete_skill(skill=skill)


def test_a_draft_with_a_skill_without_warning_signs_cannot_be_published(org):
    draft = services.start_draft(by=org.ld)
    skill = draft.skills.first()
    skill.behaviours.filter(kind=Behaviour.Kind.WARNING).delete()
    with pytest.raises(ValidationError, match="warning sign"):
        services.publish_draft(version=draft, by=org.ld)
    draft.refresh_from_db()
    assert draft.is_draft


def test_career_path_follows_next_profiles_and_marks_rises():
    engineer = RoleProfile.objects.get(key="engineer")
    path = selectors.career_path(engineer)
    assert [p.key for p in path][:2] == ["engineer", "team-lead"]
    rows = selectors.career_path_rows(path, list(selectors.current_rubric().skills.all()))
    delegation = next(r for r in rows if r["skill"].key == "delegation")
    assert delegation["changes"]


def test_ld_edits_a_draft_skill_and_its_behaviours_in_the_app(client, org):
    client.force_login(org.ld)
    client.post(reverse("assessments:start_draft"))
    draft = RubricVersion.objects.get(status="draft")
    skill = draft.skills.get(key="delegation")
    behaviours = list(skill.behaviours.all())
    data = {
        "name": "Delegation",
        "key": "delegation",
        "category": skill.category,
        "description": "Handing work to others well.",
        "level_not_yet": "a",
        "level_developing": "b",
        "level_proficient": "c",
        "level_role_model": "d",
        "next_steps": "Practise handing over one piece of work a week.",
        "behaviours-TOTAL_FORMS": len(behaviours) + 1,
        "behaviours-INITIAL_FORMS": len(behaviours),
        "behaviours-MIN_NUM_FORMS": 0,
        "behaviours-MAX_NUM_FORMS": 12,
    }
    for i, b in enumerate(behaviours):
        data |= {f"behaviours-{i}-id": b.pk, f"behaviours-{i}-text": b.text, f"behaviours-{i}-kind": b.kind}
        data[f"behaviours-{i}-order"] = b.order
    n = len(behaviours)
    data |= {f"behaviours-{n}-text": "Does every task themself", f"behaviours-{n}-kind": "warning"}
    data[f"behaviours-{n}-order"] = 9
    response = client.post(reverse("assessments:edit_skill", args=[skill.pk]), data)
    assert response.status_code == 302
    assert skill.behaviours.filter(text="Does every task themself").exists()
    published = selectors.current_rubric()
    assert not published.skills.get(key="delegation").behaviours.filter(text="Does every task themself").exists()


def test_ld_cannot_edit_a_published_skill(client, org):
    client.force_login(org.ld)
    client.post(reverse("assessments:start_draft"))
    published_skill = selectors.current_rubric().skills.first()
    assert client.get(reverse("assessments:edit_skill", args=[published_skill.pk])).status_code == 404


def test_ld_publishes_the_draft_from_the_page(client, org):
    client.force_login(org.ld)
    client.post(reverse("assessments:start_draft"))
    response = client.post(reverse("assessments:publish_draft"), {"notes": "No changes"}, follow=True)
    assert "is published" in response.content.decode()
    assert selectors.current_rubric().number == 2


def test_quick_reference_lists_every_skill_with_its_warning_signs(client, org):
    client.force_login(org.manager)
    body = client.get(reverse("assessments:quick_reference")).content.decode()
    rubric = selectors.current_rubric()
    for skill in rubric.skills.all():
        assert skill.name in body
        for warning in selectors.warning_signs(skill):
            assert warning.text.replace("'", "&#x27;").replace('"', "&quot;") in body


@pytest.mark.parametrize("name", ["assessments:rubric", "assessments:quick_reference", "assessments:career_paths"])
def test_rubric_pages_use_a_constant_number_of_queries(client, org, name, django_assert_max_num_queries):
    client.force_login(org.employee)
    with django_assert_max_num_queries(10):
        assert client.get(reverse(name)).status_code == 200
