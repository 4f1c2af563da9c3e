"""Who is above whom: the walk up the org chart (HasAbove) agrees with the list of everyone below (chain_below)."""

import pytest

from people.models import Person
from people.selectors import HasAbove, chain_below, is_below, seen_by, visible_person
from people.tests.factories import PersonFactory, UserFactory, add_to_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def chart():
    """top → middle → low → lowest, and a second branch top → side → side_report; a loner outside both."""
    top = PersonFactory()
    middle = PersonFactory(manager=top)
    low = PersonFactory(manager=middle)
    lowest = PersonFactory(manager=low)
    side = PersonFactory(manager=top)
    side_report = PersonFactory(manager=side)
    loner = PersonFactory()
    return locals()


def test_the_walk_up_finds_every_manager_above_and_no_one_else(chart):
    people = list(chart.values())
    for manager in people:
        below = set(Person.objects.filter(pk__in=chain_below(manager.pk)).values_list("pk", flat=True))
        above = set(Person.objects.filter(HasAbove("pk", manager.pk)).values_list("pk", flat=True))
        assert above == below, manager.full_name
    assert is_below(chart["top"].pk, manager_id=chart["lowest"].pk)
    assert not is_below(chart["middle"].pk, manager_id=chart["side_report"].pk)
    assert not is_below(chart["lowest"].pk, manager_id=chart["top"].pk)


def test_a_manager_sees_themself_and_their_chain_only(chart):
    middle = chart["middle"].user
    seen = {name for name, person in chart.items() if visible_person(middle, person.pk).exists()}
    assert seen == {"middle", "low", "lowest"}


def test_hr_sees_everyone_and_a_user_without_a_person_no_one(chart):
    hr = add_to_group(UserFactory(), "HR")
    stranger = UserFactory()
    assert all(visible_person(hr, p.pk).exists() for p in chart.values())
    assert not any(visible_person(stranger, p.pk).exists() for p in chart.values())
    assert Person.objects.filter(seen_by(stranger)).count() == 0


def test_a_loop_in_the_chart_does_not_hang(chart):
    # A corrupt chart (made by hand in the database): top reports to lowest.
    Person.objects.filter(pk=chart["top"].pk).update(manager=chart["lowest"])
    assert is_below(chart["low"].pk, manager_id=chart["top"].pk)
    assert not is_below(chart["low"].pk, manager_id=chart["loner"].pk)
