"""Benchmark of the org chart import on PostgreSQL, run by hand.

    .venv/bin/python bench/import_org.py [--rows 20000] [--seed 7] [--profile]

It builds a realistic org chart CSV (one chief executive, eight departments, a
tree six levels deep, rows in employee-number order so many managers come after
their reports, ~3 % of people inactive), then times `people.services.import_org`:

  (a) the first import into an empty org chart,
  (b) a re-import of the same file (everyone unchanged),
  (c) a re-import with ~10 % of the rows changed (job titles and managers).

It uses its own database, DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/skillbridge_bench): created if missing,
migrated, and its people tables emptied before (a). The target is under 10 s
for 20,000 rows. See bench/README.md for the latest figures.
"""

import argparse
import os
import platform
import random
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/skillbridge_bench"
FORBIDDEN = {"skillbridge", "test_skillbridge"}

DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Customer Support",
    "Finance",
    "People",
    "Marketing",
    "Operations",
    "Legal",
]
# Below the chief executive (level 0) and the eight heads of department (level 1):
# directors, managers and team leads; everyone else is an individual contributor.
MIDDLE_LEVELS = [64, 420, 3200]
TITLES = ["Head of {d}", "Director, {d}", "{d} Manager", "Team Lead, {d}", "{d} Specialist"]
# fmt: off
FIRST = ["Amara", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Luca",
         "Maya", "Nils", "Olga", "Priya", "Quentin", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wei", "Zoë"]
LAST = ["Adams", "Brooks", "Costa", "Dubois", "Evans", "Fischer", "García", "Hughes", "Ito", "Jensen", "Kowalski",
        "Lopez", "Murphy", "Novak", "Okafor", "Patel", "Quinn", "Rossi", "Singh", "Tanaka", "Ueda", "Walsh", "Zhang"]
# fmt: on


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or name in FORBIDDEN or name.startswith("test_"):
        sys.exit(f"Refusing to use the database “{name}”: the benchmark empties its people tables.")
    return name


def ensure_database(url: str, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created database {name}.")
    finally:
        connection.close()


def ascii_name(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def org_chart(rows: int, rng: random.Random) -> list[dict]:
    """People as dicts; managers always sit one level up, in the same department."""
    people = []
    levels: list[list[dict]] = []

    def add(level, department, manager):
        number = f"E{len(people) + 1:06d}"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        person = {
            "number": number,
            "name": f"{first} {last}",
            "email": f"{ascii_name(first)}.{ascii_name(last)}.{len(people) + 1}@example.com",
            "manager": manager["number"] if manager else "",
            "department": department,
            "title": "Chief Executive" if level == 0 else TITLES[min(level, 5) - 1].format(d=department),
            "active": "no" if level > 1 and rng.random() < 0.03 else "yes",
            "level": level,
        }
        people.append(person)
        while len(levels) <= level:
            levels.append([])
        levels[level].append(person)
        return person

    chief = add(0, DEPARTMENTS[0], None)
    for department in DEPARTMENTS:
        add(1, department, chief)
    for level, size in enumerate(MIDDLE_LEVELS, start=2):
        for _ in range(min(size, rows - len(people))):
            manager = rng.choice(levels[level - 1])
            add(level, manager["department"], manager)
    while len(people) < rows:  # every middle level is full by now
        manager = rng.choice(levels[len(MIDDLE_LEVELS) + 1])
        add(manager["level"] + 1, manager["department"], manager)
    # Employee numbers are handed out in a random order, and HR exports sorted by
    # number: a report often comes before their manager in the file.
    numbers = [p["number"] for p in people]
    rng.shuffle(numbers)
    renumber = dict(zip([p["number"] for p in people], numbers, strict=True))
    for person in people:
        person["number"] = renumber[person["number"]]
        person["manager"] = renumber.get(person["manager"], "")
    people.sort(key=lambda p: p["number"])
    return people


def change_some(people: list[dict], rng: random.Random, share: float = 0.10) -> list[dict]:
    """A copy with ~share of the people given a new job title or a new manager one level up."""
    changed = [dict(p) for p in people]
    by_level: dict[tuple[int, str], list[dict]] = {}
    for person in changed:
        by_level.setdefault((person["level"], person["department"]), []).append(person)
    for person in rng.sample(changed, int(len(changed) * share)):
        candidates = by_level.get((person["level"] - 1, person["department"]), [])
        if person["level"] >= 2 and len(candidates) > 1 and rng.random() < 0.5:
            person["manager"] = rng.choice([c for c in candidates if c["number"] != person["manager"]])["number"]
        else:
            person["title"] = "Senior " + person["title"]
    return changed


def to_csv(people: list[dict]) -> bytes:
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["Employee number", "Name", "E-mail", "Manager's employee number", "Department", "Job title", "Active"]
    )
    for p in people:
        writer.writerow([p["number"], p["name"], p["email"], p["manager"], p["department"], p["title"], p["active"]])
    return out.getvalue().encode("utf-8")


def empty_people_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # A database of its own: the accounts and everything hanging off people go too.
        cursor.execute(
            "TRUNCATE people_person, people_department, people_orgimport, auth_user RESTART IDENTITY CASCADE"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="profile each step with pyinstrument (pip install it)")
    args = parser.parse_args()
    if args.rows < 100:
        parser.error("--rows must be at least 100.")

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// address.")
    name = database_name(url)
    ensure_database(url, name)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")
    os.environ["DEBUG"] = "false"  # no query log; production settings
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from people.models import Department, Person
    from people.services import import_org

    call_command("migrate", verbosity=0)
    empty_people_tables()

    rng = random.Random(args.seed)
    people = org_chart(args.rows, rng)
    first = to_csv(people)
    second = to_csv(change_some(people, rng))
    depth = max(p["level"] for p in people) + 1
    print(
        f"Org chart: {len(people):,} people, {len({p['department'] for p in people})} departments, "
        f"{depth} levels, {sum(p['active'] == 'no' for p in people)} inactive, {len(first) / 1e6:.1f} MB of CSV."
    )

    profiler = None
    if args.profile:
        try:
            from pyinstrument import Profiler
        except ImportError:
            sys.exit("--profile needs pyinstrument: .venv/bin/pip install pyinstrument (not a project requirement).")
        profiler = Profiler()

    steps = [
        ("(a) first import, empty org chart", first),
        ("(b) same file again, all unchanged", first),
        ("(c) ~10% changed (titles, managers)", second),
    ]
    results = []
    for label, content in steps:
        if profiler:
            profiler.start()
        started = time.perf_counter()
        result = import_org(content=content)
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            profiler.reset()
        if not result.ok:
            sys.exit(f"{label}: rejected: {result.errors[:5]}")
        results.append((label, elapsed, result))

    assert Person.objects.count() == len(people)
    assert Department.objects.count() == len(DEPARTMENTS)

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    versions = [
        f"Python {platform.python_version()}",
        f"PostgreSQL {pg_version}",
        f"Django {django.get_version()}",
        f"{platform.machine()}, {os.cpu_count()} CPUs",
    ]
    print(", ".join(versions))
    print()
    print("| step                                  |   rows | seconds | rows/s | created | updated | unchanged |")
    print("|---------------------------------------|-------:|--------:|-------:|--------:|--------:|----------:|")
    for label, elapsed, result in results:
        print(
            f"| {label:<37} | {len(people):>6} | {elapsed:>7.2f} | {len(people) / elapsed:>6,.0f} "
            f"| {result.created:>7} | {result.updated:>7} | {result.unchanged:>9} |"
        )
    worst = max(elapsed for _, elapsed, _ in results)
    print()
    print(f"Slowest step: {worst:.2f} s; target under 10 s: {'met' if worst < 10 else 'MISSED'}.")
    if worst >= 10:
        sys.exit(1)


if __name__ == "__main__":
    main()
