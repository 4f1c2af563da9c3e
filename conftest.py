"""Shared pytest setup.

Tests marked `browser` need Debian's Chromium and tests marked `services`
need the real Redis that CI runs; where those are missing (a laptop with only
Python), they are deselected with a note, never skipped. CI installs and
starts both, and fails if any test is skipped or deselected.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(marker):
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"Chromium is not at {CHROMIUM} (apt install chromium)"
    if marker == "services" and not os.environ.get("REDIS_URL"):
        return "REDIS_URL is unset"
    if marker == "services" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "DATABASE_URL is not PostgreSQL (a worker process cannot share SQLite's test database)"
    return None


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing passwords the production way costs ~0.2 s each; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the dashboards' figures of one test are not another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager_unless_services(request):
    """Tasks run inline in tests, except in tests marked `services`, which use the real broker."""
    from skillbridge.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def pytest_collection_modifyitems(config, items):
    kept, dropped = [], {}
    for item in items:
        reason = next((r for m in ("browser", "services") if item.get_closest_marker(m) and (r := _missing(m))), None)
        if reason:
            dropped.setdefault(reason, []).append(item)
        else:
            kept.append(item)
    if dropped:
        if os.environ.get("REQUIRE_ALL_TESTS"):
            raise pytest.UsageError("CI runs every test, but: " + "; ".join(dropped))
        for reason, group in dropped.items():
            config.issue_config_time_warning(
                pytest.PytestWarning(f"{len(group)} test(s) not run: {reason}"), stacklevel=2
            )
        config.hook.pytest_deselected(items=[i for g in dropped.values() for i in g])
        items[:] = kept


class Org:
    """A small org chart with one user per role of the authorization matrix."""


@pytest.fixture
def org(db):
    from django.contrib.auth import get_user_model

    from people.tests.factories import DepartmentFactory, PersonFactory, UserFactory, hr_user, ld_user

    engineering = DepartmentFactory(name="Engineering")
    sales = DepartmentFactory(name="Sales")
    world = Org()
    world.manager_person = PersonFactory(
        full_name="Kate Morgan", job_title="Head of Engineering", department=engineering
    )
    world.employee_person = PersonFactory(
        full_name="Brian Walsh", job_title="Senior Engineer", department=engineering, manager=world.manager_person
    )
    world.other_manager_person = PersonFactory(full_name="Sam Ortiz", job_title="Head of Sales", department=sales)
    world.other_employee_person = PersonFactory(
        full_name="Olivia Reyes", job_title="Sales Rep", department=sales, manager=world.other_manager_person
    )
    world.anonymous = None
    world.employee = world.employee_person.user
    world.other_employee = world.other_employee_person.user
    world.manager = world.manager_person.user
    world.other_manager = world.other_manager_person.user
    world.ld = ld_user(department=DepartmentFactory(name="HR"))
    world.hr = hr_user(department=DepartmentFactory(name="HR"))
    world.admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    world.user_model = get_user_model()
    return world
