"""The dashboards' figures, kept in the cache between page views (as the page shows them).

Each dashboard section is an aggregate over up to the whole organisation: 0.2-0.3 s of SQL on
20,000 people, for figures that change a few times a minute at most. The rows are kept under
everything that decides them: who is looking (HR, L&D, or which manager, whose chain the rows
count), the filters, the day (the default dates are relative to today) and a data version.

The data version moves on when any row the dashboards count is saved or deleted (signals,
connected in reports/apps.py, once the transaction commits), so the next page after a change
computes afresh. Bulk updates that skip signals are caught by the time limit, FRESH_FOR: the
page says when its figures were computed.

The cache is shared by the web processes when CACHE_URL names a Redis (production; see
settings.py); a Redis that is down is a miss, never an error. Without CACHE_URL each process has
its own memory cache (the demo and the tests).
"""

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from people.selectors import roles_for

from .filters import MANAGER

FRESH_FOR = 300  # seconds
VERSION_KEY = "reports:data-version"

# What the dashboards count: a save or delete of any of these moves the data version on.
WATCHED_MODELS = (
    "people.Person",
    "people.Department",
    "assessments.Assessment",
    "assessments.SkillResult",
    "assessments.Skill",
    "assessments.RubricVersion",
    "assessments.RoleProfile",
    "assessments.TargetLevel",
    "assessments.PersonRole",
    "catalog.Course",
    "devplans.Plan",
    "devplans.Goal",
    "devplans.LearningItem",
    "devplans.CheckIn",
    "devplans.FollowUpSurvey",
    "devplans.SurveyAnswer",
)


def _code_version() -> str:
    """A fingerprint of the code and templates that compute and lay out the figures: a new release
    never reads what an older one kept."""
    digest = hashlib.sha256()
    templates = settings.BASE_DIR / "templates" / "reports"
    files = sorted(Path(__file__).parent.glob("*.py")) + sorted(templates.rglob("*"))
    for path in files:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never 1 again after a cache restart or eviction: an old entry can't match a new version.
        version = time.time_ns()
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def _move_on() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or the cache is down): the next read starts a new one
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def data_changed(**_) -> None:
    """Signal receiver: the dashboards' data changed; their figures are stale once this commits."""
    transaction.on_commit(_move_on)


def remember(name: str, parts: list, compute):
    """(what compute() gives, when it was computed), from the cache while the data has not changed.

    compute() must depend on nothing but `name` and `parts`: it is shared by everyone who asks with
    the same ones. The day is part of the key too (periods default to "the last six months").
    """
    key_parts = [CODE_VERSION, name, *map(str, parts), timezone.localdate().isoformat(), str(data_version())]
    key = "reports:" + name + ":" + hashlib.sha256("|".join(key_parts).encode()).hexdigest()
    kept = cache.get(key)
    if kept is None:
        kept = (compute(), timezone.now())
        cache.set(key, kept, FRESH_FOR)
    return kept


def cached(user, filters, reports, compute):
    """remember() for a dashboard: its figures depend on who looks (HR, L&D, or which manager, whose
    chain they count), the filters and the reports shown."""
    viewer = filters.viewer(user)
    whose = roles_for(user).person.pk if viewer == MANAGER else "organisation"
    return remember("dashboard", [viewer, whose, filters.querystring(), ",".join(r.key for r in reports)], compute)
