"""The ratings export on 1,000,000 rows against PostgreSQL's own COPY (run by hand, not by pytest).

    .venv/bin/python bench/exports.py            # builds the data once, then measures
    .venv/bin/python bench/exports.py --rows 1000000 --runs 3

It works in a database of its own, `skillbridge_bench_x` on 127.0.0.1 (override
with BENCH_DATABASE_URL; names starting with test_ and `skillbridge` itself are
refused). If the database is missing it is created with `createdb`, migrated,
given the 20,000-person org of `manage.py seed_scale`, then enough submitted
manager's assessments — one rating for every behaviour of the current rubric —
to reach the wanted number of Rating rows (bulk inserts through COPY).

Then it times, each variant in a fresh subprocess (so peak memory is its own):

- **csv**: the app's code path for the ratings dataset: the HR user's
  `DATASETS["ratings"].rows(...)` through `.iterator(chunk_size=2000)` (a
  server-side cursor) and `reports.tabular.csv_chunks` (neutralising text,
  ISO dates, UTF-8 with BOM), written to /dev/null;
- **view**: the same through the real view (`/reports/exports/data/ratings/csv/`
  with the Django test client, middleware and the export log included),
  consuming the streamed response;
- **copy**: `COPY (the same SELECT, same ORDER BY) TO STDOUT WITH CSV HEADER`
  through psycopg2's copy_expert, written to /dev/null;
- **xlsx**: the app's XLSX writer (openpyxl write-only) to a temporary file.

For each: wall time, rows/s, the ratio to COPY, and the peak resident memory of
the process (ru_maxrss) with its growth over the same process just before the
export started (after Django was set up and connected).
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/skillbridge_bench_x"
HR_LOGIN = "bench-exports-hr@example.com"
ASSESSOR = "bench-exports-assessor@example.com"
VARIANTS = ("copy", "csv", "view", "xlsx")


def _url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def _setup_django():
    os.environ["DATABASE_URL"] = _url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# --- building the data ----------------------------------------------------------------------------------------------


def ensure_database() -> None:
    name = _url().rsplit("/", 1)[1]
    if name == "skillbridge" or name.startswith("test_"):
        sys.exit(f"Refusing to use the database {name!r}.")
    import psycopg2

    url = urlsplit(_url())
    server = psycopg2.connect(
        dbname="postgres", host=url.hostname, port=url.port or 5432, user=url.username, password=url.password
    )
    with server, server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone()
    server.close()
    env = {**os.environ, "DATABASE_URL": _url()}
    env.pop("REDIS_URL", None)
    if not exists:
        subprocess.run(["createdb", "-h", url.hostname, "-U", url.username or "postgres", name], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def build(rows: int) -> None:
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments.models import Assessment, Behaviour, Rating
    from assessments.selectors import current_rubric
    from people.models import HR_GROUP, Person
    from people.scale import DOMAIN

    users = get_user_model()
    hr, _ = users.objects.get_or_create(username=HR_LOGIN, defaults={"email": HR_LOGIN})
    hr.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
    have = Rating.objects.count()
    if have >= rows:
        print(f"Data: {have:,} ratings already there.")
        return
    if not Person.objects.filter(user__username__endswith=f"@{DOMAIN}").exists():
        call_command("seed_scale", people=20_000)
    started = time.perf_counter()
    rubric = current_rubric()
    behaviours = list(Behaviour.objects.filter(skill__rubric_version=rubric).values_list("pk", flat=True))
    people = list(Person.objects.filter(user__username__endswith=f"@{DOMAIN}").values_list("pk", flat=True))
    assessor, _ = users.objects.get_or_create(username=ASSESSOR, defaults={"email": ASSESSOR})
    needed = -(-(rows - have) // len(behaviours))
    now = timezone.now()
    with transaction.atomic():
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    person_id=people[i % len(people)],
                    assessor=assessor,
                    kind=Assessment.Kind.MANAGER,
                    status=Assessment.Status.SUBMITTED,
                    submitted_at=now,
                    rubric_version=rubric,
                )
                for i in range(needed)
            ],
            batch_size=5000,
        )
        with connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            batch = io.StringIO()
            for index, assessment in enumerate(assessments):
                for position, behaviour in enumerate(behaviours):
                    batch.write(f"{assessment.pk}\t{behaviour}\t{(index + position) % 5}\n")
                if index % 1000 == 999 or index == len(assessments) - 1:
                    batch.seek(0)
                    raw.copy_expert(
                        "COPY assessments_rating (assessment_id, behaviour_id, frequency) FROM STDIN", batch
                    )
                    batch = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(f"Built {needed:,} assessments, {needed * len(behaviours):,} ratings in {seconds:.0f} s.")


# --- one variant, in its own process --------------------------------------------------------------------------------


def run_variant(variant: str) -> dict:
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from reports import tabular
    from reports.export_selectors import DATASETS, ITERATOR_CHUNK
    from reports.filters import ReportFilters

    hr = get_user_model().objects.get(username=HR_LOGIN)
    dataset = DATASETS["ratings"]
    filters = ReportFilters(scope="org")
    connection.ensure_connection()
    baseline = _maxrss_mb()
    rows = None
    size = 0
    started = time.perf_counter()
    if variant == "csv":
        with open(os.devnull, "wb") as sink:
            done = []
            for piece in tabular.csv_chunks(
                dataset.header, dataset.rows(hr, filters).iterator(chunk_size=ITERATOR_CHUNK), on_done=done.append
            ):
                data = piece.encode("utf-8")
                size += len(data)
                sink.write(data)
            rows = done[0]
    elif variant == "view":
        from django.conf import settings
        from django.test import Client

        settings.EXPORT_BACKGROUND_ROWS = 10**9  # stream it, rather than offering the background
        client = Client()
        client.force_login(hr)
        response = client.get("/reports/exports/data/ratings/csv/")
        assert response.status_code == 200, response.status_code
        lines = 0
        for piece in response.streaming_content:
            size += len(piece)
            lines += piece.count(b"\r\n")
        rows = lines - 1
    elif variant == "copy":
        sql, params = dataset.rows(hr, filters).query.sql_with_params()
        with connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            query = raw.mogrify(sql, params).decode()

            class Sink:
                def __init__(self):
                    self.size = 0
                    self.lines = 0
                    self.file = open(os.devnull, "wb")  # noqa: SIM115

                def write(self, data):
                    self.size += len(data)
                    self.lines += 1
                    self.file.write(data)

            sink = Sink()
            raw.copy_expert(f"COPY ({query}) TO STDOUT WITH CSV HEADER", sink)
            size, rows = sink.size, sink.lines - 1
    elif variant == "xlsx":
        import tempfile

        with tempfile.TemporaryFile(suffix=".xlsx") as spool:
            rows = tabular.write_xlsx(
                dataset.header, dataset.rows(hr, filters).iterator(chunk_size=ITERATOR_CHUNK), spool
            )
            size = spool.tell()
    seconds = time.perf_counter() - started
    return {
        "variant": variant,
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_mb": _maxrss_mb(),
    }


def measure(variant: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--variant", variant], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode:
        sys.exit(f"{variant} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Ratings to have (default 1,000,000).")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each variant (the median is shown).")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=VARIANTS, help="Measure only these variants.")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant)))
        return
    ensure_database()
    build(args.rows)
    results = {}
    for variant in args.only or VARIANTS:
        runs = [measure(variant) for _ in range(args.runs if variant != "xlsx" else 1)]
        best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        best["all_seconds"] = [round(r["seconds"], 2) for r in runs]
        best["peak_mb"] = max(r["peak_mb"] for r in runs)
        results[variant] = best
    copy = results.get("copy")
    print(f"Python {sys.version.split()[0]}, database {_url().rsplit('/', 1)[1]}")
    print("| variant | rows | MB written | seconds (median) | rows/s | × COPY | peak RSS MB | growth MB |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for variant, r in results.items():
        ratio = f"{r['seconds'] / copy['seconds']:.2f}" if copy else "—"
        print(
            f"| {variant} | {r['rows']:,} | {r['bytes'] / 1e6:.0f} | {r['seconds']:.2f} {r['all_seconds']} | "
            f"{r['rows'] / r['seconds']:,.0f} | {ratio} | {r['peak_mb']:.0f} | {r['peak_mb'] - r['baseline_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
