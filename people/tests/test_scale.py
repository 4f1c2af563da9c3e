from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from people.models import Person
from people.scale import DOMAIN, PASSWORD
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
# The same bound whatever --people is. A few queries per management level;
# on SQLite Django also splits each bulk insert into batches of 999
# parameters (about 90 rows), so 2,000 people need about 50 queries there
# and about 20 on PostgreSQL. A query per person or per team would blow it.
MAX_QUERIES = 60


def seed_scale(people=500, seed=1):
    out = StringIO()
    call_command("seed_scale", "--people", str(people), "--seed", str(seed), stdout=out)
    return out.getvalue()


def scale_people():
    return Person.objects.filter(user__email__endswith=f"@{DOMAIN}")


def test_seed_scale_creates_the_requested_number_of_people():
    output = seed_scale(500)

    assert scale_people().count() == 500
    assert "Created 500 people" in output


def test_seed_scale_has_one_chief_and_everyone_else_a_manager():
    seed_scale(500)

    assert scale_people().filter(manager__isnull=True).count() == 1
    assert not scale_people().filter(manager__isnull=False).exclude(manager__in=scale_people()).exists()


def test_seed_scale_builds_a_tree_without_cycles():
    seed_scale(500)

    manager_of = dict(scale_people().values_list("pk", "manager_id"))
    for person_id in manager_of:
        seen = set()
        while person_id is not None:
            assert person_id not in seen, "the management chain loops"
            seen.add(person_id)
            person_id = manager_of[person_id]


def test_seed_scale_gives_managers_six_to_ten_reports():
    seed_scale(500)

    chief = scale_people().get(manager__isnull=True)
    teams = scale_people().exclude(pk=chief.pk).annotate(size=Count("reports")).filter(size__gt=0)
    sizes = list(teams.values_list("size", flat=True))
    assert chief.reports.count() == 8
    # Every team is full (6-10) except perhaps the last one, which takes whoever is left.
    assert sum(not 6 <= size <= 10 for size in sizes) <= 1


def test_seed_scale_builds_several_levels():
    seed_scale(500)

    assert scale_people().filter(manager__manager__manager__isnull=False).exists()


def test_seed_scale_spreads_people_over_eight_departments():
    seed_scale(500)

    assert scale_people().values("department").distinct().exclude(department=None).count() == 8


def test_seed_scale_rerun_replaces_the_previous_org():
    seed_scale(500)
    first_ids = set(scale_people().values_list("pk", flat=True))

    output = seed_scale(300, seed=2)

    assert scale_people().count() == 300
    assert User.objects.filter(email__endswith=f"@{DOMAIN}").count() == 300
    assert not scale_people().filter(pk__in=first_ids).exists()
    assert "replaced 500" in output


def test_seed_scale_leaves_other_people_alone():
    other = PersonFactory()

    seed_scale(200)
    seed_scale(200)

    assert Person.objects.filter(pk=other.pk).exists()


def test_seed_scale_prints_two_logins_that_work():
    output = seed_scale(500)

    emails = [line.split(": ")[1].split(" / ")[0] for line in output.splitlines() if " / " in line]
    assert len(emails) == 2
    for email in emails:
        user = User.objects.get(email=email)
        assert user.check_password(PASSWORD)
        assert user.person.reports.exists()
    assert User.objects.filter(email__endswith=f"@{DOMAIN}", password__startswith="!").count() == 498


def test_seed_scale_refuses_a_tiny_org():
    with pytest.raises(CommandError, match="at least"):
        seed_scale(10)


@pytest.mark.parametrize("people", [200, 2000])
def test_seed_scale_query_count_does_not_grow_with_people(people, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        seed_scale(people)
