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
    return None


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
