"""Team page timings on a large org (run by hand, not by pytest).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python manage.py seed_scale --people 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python bench/team_page.py

Logs in (in-process, Django's test client, no HTTP server) as the head of the
first scale department, whose chain holds about 4,300 people, and times each
page 30 times: median and 95th percentile in milliseconds, and SQL queries.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from people.models import Person  # noqa: E402

RUNS = 30


def main():
    user = get_user_model().objects.get(username="s0000002@scale.example.com")
    deep = Person.objects.filter(manager__manager__manager__user=user).first()
    client = Client()
    client.force_login(user)
    pages = ["/team/", "/team/?scope=chain", "/team/?scope=chain&page=40", "/team/?scope=chain&q=engineer"]
    pages.append(f"/people/{deep.pk}/")
    print(f"{Person.objects.count():,} people; {connection.vendor}")
    print("| page | median ms | p95 ms | queries |\n|---|--:|--:|--:|")
    for url in pages:
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = sorted(times)[int(RUNS * 0.95) - 1]
        print(f"| `{url}` | {statistics.median(times):.1f} | {p95:.1f} | {len(queries)} |")


if __name__ == "__main__":
    main()
