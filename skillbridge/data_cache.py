"""Figures kept in the cache until the data they count changes: the dashboards' sections, HR's
headcount, the courses' measured success (each a few to a few hundred milliseconds of SQL over the
whole organisation, asked for far more often than the data changes).

remember(name, parts, compute) keeps what compute() gives under the name, the parts (whatever else
decides it, such as who looks and the filters), the day and a fingerprint of the code (a new release
never reads an older one's), with the data version it was computed at. The data version moves on
when a row of a watched model is saved or deleted (signals connected in skillbridge/apps.py, run once
the transaction commits), so the next page after a change computes afresh, unless the kept figures
are younger than SETTLE_FOR seconds: then they are served, so a busy organisation (a change every
few seconds) costs each figure at most one computation per SETTLE_FOR. Bulk updates that skip
signals are caught by the time limit, FRESH_FOR. Pages that show kept figures say when they were
computed.

The cache is shared by the web processes when CACHE_URL names a Redis (production; see settings.py);
a Redis that is down is a miss, never an error. Without CACHE_URL each process has its own memory
cache (the demo and the tests).
"""

import hashlib
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

# The project's own code, fingerprinted with the templates (CODE_VERSION).
APPS = ("skillbridge", "people", "catalog", "assessments", "devplans", "reports")

FRESH_FOR = 300  # seconds: the longest anything is kept (bulk updates skip the signals)
SETTLE_FOR = 30  # seconds: the least time something is kept, however often the data changes
VERSION_KEY = "data-version"

# What the kept figures count: a save or delete of any of these moves the data version on.
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
    "catalog.CourseSkill",
    "devplans.Plan",
    "devplans.Goal",
    "devplans.LearningItem",
    "devplans.CheckIn",
    "devplans.FollowUpSurvey",
    "devplans.SurveyAnswer",
)


def _code_version() -> str:
    """A fingerprint of the code and templates: a new release never reads what an older one kept."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    files = [path for app in APPS for path in sorted((base / app).rglob("*.py"))]
    for path in files + sorted((base / "templates").rglob("*")):
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
    """The data changed: kept figures are stale once this commits. A receiver of the save and delete
    signals, and called by the services that write in bulk (no signals there)."""
    transaction.on_commit(_move_on)


def remember(name: str, parts: list, compute, *, settle: int = SETTLE_FOR):
    """(what compute() gives, when it was computed), from the cache while the data has not changed.

    compute() must depend on nothing but `name` and `parts`: it is shared by everyone who asks with
    the same ones. The day is part of the key too (periods default to "the last six months").

    What was computed less than `settle` seconds ago is served even when the data has moved on since:
    in a busy organisation something changes every few seconds, and without this each change would
    make every kept figure cost its full price again. So figures are at most `settle` seconds behind
    a change, and each is computed at most once per `settle` seconds, however busy.
    """
    key_parts = [CODE_VERSION, name, *map(str, parts), timezone.localdate().isoformat()]
    key = "kept:" + name + ":" + hashlib.sha256("|".join(key_parts).encode()).hexdigest()
    version = data_version()
    kept = cache.get(key)
    if kept is not None:
        value, computed_at, kept_version = kept
        if kept_version == version or timezone.now() - computed_at < timedelta(seconds=settle):
            return value, computed_at
    value, computed_at = compute(), timezone.now()
    cache.set(key, (value, computed_at, version), FRESH_FOR)
    return value, computed_at
