"""The dashboards' figures are kept in the cache until the data they count changes (reports/dashboard_cache.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devplans.tests.helpers import assess
from people.models import Person
from reports.tests.test_dashboard import build
from skillbridge.data_cache import SETTLE_FOR

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")


def _get(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL + ("?" + query if query else ""))
    assert response.status_code == 200
    return response, len(queries)


def _coverage(response):
    """The coverage section as the page shows it."""
    html = response.context["sections_html"]
    start = html.index('id="coverage"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def data(org):
    return build(org)


def test_a_second_view_reads_the_figures_from_the_cache_and_says_when_they_were_computed(client, data):
    client.force_login(data.hr)
    first, first_queries = _get(client)
    second, second_queries = _get(client)
    assert second_queries <= first_queries - 8, "the eight reports' queries are not run again"
    assert second.context["sections"] is None, "the sections came from the cache"
    assert second.context["sections_html"] == first.context["sections_html"]
    assert "Figures as of" in second.content.decode()


def test_a_change_shows_once_the_figures_have_settled(client, data, django_capture_on_commit_callbacks, time_machine):
    client.force_login(data.hr)
    before = _coverage(_get(client)[0])
    with django_capture_on_commit_callbacks(execute=True):  # the data version moves on at commit
        newcomer = _newcomer(data)
        assess(newcomer, data.manager, delegation=(1, 3, 4))
    # Younger than SETTLE_FOR: kept, however much changed (a busy organisation costs one computation per period).
    time_machine.move_to(timezone.now() + timedelta(seconds=SETTLE_FOR - 5))
    assert _coverage(_get(client)[0]) == before
    time_machine.move_to(timezone.now() + timedelta(seconds=10))
    assert _coverage(_get(client)[0]) != before


def test_figures_older_than_the_settling_time_are_kept_while_nothing_changes(client, data, time_machine):
    client.force_login(data.hr)
    _get(client)
    time_machine.move_to(timezone.now() + timedelta(seconds=SETTLE_FOR * 3))
    response, _ = _get(client)
    assert response.context["sections"] is None, "nothing changed: the kept figures are still right"


def test_an_uncommitted_change_leaves_the_figures_alone(client, data, time_machine):
    client.force_login(data.hr)
    before = _coverage(_get(client)[0])
    _newcomer(data)  # its transaction never commits in this test: the version stays
    time_machine.move_to(timezone.now() + timedelta(seconds=SETTLE_FOR * 2))
    assert _coverage(_get(client)[0]) == before


def _newcomer(data):
    return Person.objects.create(
        user=type(data.hr).objects.create_user("newcomer@example.com"),
        employee_number="N-1",
        full_name="Nia Newcomer",
        department=data.employee_person.department,
        manager=data.manager_person,
    )


def test_each_manager_has_their_own_figures_and_other_filters_their_own_entry(client, data):
    client.force_login(data.manager)
    kate = _get(client)[0]
    client.force_login(data.other_manager)
    sam = _get(client)[0]
    assert kate.context["sections_html"] != sam.context["sections_html"]
    client.force_login(data.hr)
    whole, _ = _get(client)
    narrowed, _ = _get(client, f"department={data.manager_person.department.pk}")
    assert narrowed.context["sections_html"] != whole.context["sections_html"]


def test_with_the_cache_down_the_dashboard_answers_from_the_database(client, data, settings):
    # As in production (CACHE_URL), but nothing listens on the discard port: every cache call fails.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/1",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
        }
    }
    client.force_login(data.hr)
    _, first_queries = _get(client)
    second, second_queries = _get(client)
    assert second_queries == first_queries, "nothing was kept, and nothing failed"
    assert 'id="coverage"' in second.content.decode()


def test_an_org_import_renews_the_headcount(client, org, django_capture_on_commit_callbacks, time_machine):
    # The import writes in bulk (no save signals): it says itself that the data changed.
    from people.services import import_org
    from people.tests.test_import_services import line, org_csv

    client.force_login(org.hr)
    before = client.get(reverse("reports:home")).context["totals"]["active"]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_org(content=org_csv(line("N1", department="New team"), line("N2", department="New team")))
    assert result.created == 2
    time_machine.move_to(timezone.now() + timedelta(seconds=SETTLE_FOR))
    assert client.get(reverse("reports:home")).context["totals"]["active"] == before + 2
