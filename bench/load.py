"""Load test: gunicorn with the production settings on PostgreSQL, the 20,000-person org (run by hand).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillbridge_bench \
        .venv/bin/python bench/load.py [--users 32] [--seconds 20]

Needs locust (`pip install -r requirements-bench.txt`) and the org from `manage.py seed_scale`, with the
assessments of bench/demand.py and the plans of bench/dashboards.py (run those first). It:

With --think N each user waits about N seconds between pages (0, the default, measures throughput).
Each page is first asked for --warmup seconds (5 by default) without counting, so the figures are
those of warm processes, not of the first requests after a restart. With --think the users arrive at 8
a second (all of them at once otherwise).

1. logs in (server-side sessions, as the login page would) the 40 managers with the most people below
   them, and an HR user, and picks for each manager a report's person page and plan page;
2. collects the static files and starts gunicorn with deploy/gunicorn.conf.py and production settings
   (DEBUG off; X-Forwarded-Proto https, as behind the TLS load balancer; the shared Redis cache at
   CACHE_URL, redis://127.0.0.1:6379/1 unless set);
3. runs locust headless once per page, --users concurrent users with no think time for --seconds: the
   bare view (/healthz: no database, a constant string, through the whole middleware stack, asked for
   without a session) first, the same with a logged-in session (the floor of every logged-in page: it
   reads the session), then each page, and prints requests/s, p50, p95 and p99 and failures, with each
   page's requests/s as a share of the bare view's.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/skillbridge_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillbridge.settings")
# The sessions made here must be readable by gunicorn: the same key for both (a throwaway one by default).
os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count  # noqa: E402

from devplans.models import Plan  # noqa: E402
from people.models import HR_GROUP, Person  # noqa: E402

HR_LOGIN = "bench-load-hr@example.com"
# Scenario → (who, what it asks for); bare first, the reference.
SCENARIOS = {
    "bare": "the bare view (/healthz)",
    "bare_session": "the bare view, logged in (/healthz with a session)",
    "team": "manager: My team",
    "person": "manager: a report's person page",
    "plan": "manager: a report's plan",
    "dashboard": "manager: reports dashboard (their chain)",
    "hr_home": "HR: headcount",
    "hr_dashboard": "HR: reports dashboard (organisation)",
}


def _session_for(user) -> str:
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session["skillbridge_signed_in_at"] = session["skillbridge_last_seen_at"] = int(time.time())
    session.create()
    return session.session_key


def users_file() -> str:
    """Sessions and page paths for the simulated users, in a temporary JSON file."""
    managers = (
        Person.objects.filter(is_active=True, employee_number__startswith="S")
        .annotate(reports_count=Count("reports"))
        .filter(reports_count__gte=3)
        .order_by("-reports_count", "pk")
        .select_related("user")[:40]
    )
    entries = []
    for manager in managers:
        plan = Plan.objects.filter(person__manager=manager).order_by("pk").first()
        report = manager.reports.order_by("pk").first()
        if plan is None or report is None:
            continue
        entries.append(
            {
                "session": _session_for(manager.user),
                "team": "/team/",
                "person": f"/people/{report.pk}/",
                "plan": f"/plan/{plan.pk}/",
                "dashboard": "/reports/dashboard/",
            }
        )
    if not entries:
        sys.exit("No managers with plans: run manage.py seed_scale, bench/demand.py and bench/dashboards.py first")
    hr, _ = get_user_model().objects.get_or_create(username=HR_LOGIN, defaults={"email": HR_LOGIN})
    hr.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
    hr_entries = [{"session": _session_for(hr), "hr_home": "/reports/", "hr_dashboard": "/reports/dashboard/"}]
    handle, path = tempfile.mkstemp(prefix="skillbridge-load-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump({"managers": entries, "hr": hr_entries}, out)
    print(f"{len(entries)} managers and 1 HR user logged in")
    return path


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        # The shared cache production uses for kept figures (skillbridge/data_cache.py).
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/1"),
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "skillbridge.wsgi"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not start")


def run_scenario(
    name: str, *, port: int, users: int, seconds: int, users_path: str, think: float, spawn_rate: float
) -> dict:
    prefix = Path(tempfile.gettempdir()) / f"skillbridge-load-{name}"
    env = {**os.environ, "SCENARIO": name, "LOAD_USERS": users_path, "THINK": str(think)}
    subprocess.run(
        [str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == name)
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=32, help="concurrent users (default 32)")
    parser.add_argument("--seconds", type=int, default=20, help="seconds per page (default 20)")
    parser.add_argument("--think", type=float, default=0, help="seconds between a user's pages (default 0)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of each page first, not counted (default 5)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS), help="these pages only (bare is always run)")
    args = parser.parse_args()
    users_path = users_file()
    server = start_gunicorn(args.port)
    try:
        names = ["bare", *[n for n in SCENARIOS if n != "bare" and (not args.only or n in args.only)]]
        results = {}
        for name in names:
            common = {"port": args.port, "users": args.users, "users_path": users_path}
            if args.warmup:  # every worker has loaded its templates and opened its connections; not counted
                run_scenario(name, seconds=args.warmup, think=0, spawn_rate=args.users, **common)
            # With pauses, people arrive over a few seconds (8 a second), not all in the same millisecond.
            spawn_rate = 8 if args.think else args.users
            results[name] = run_scenario(name, seconds=args.seconds, think=args.think, spawn_rate=spawn_rate, **common)
            r = results[name]
            print(f"{name}: {r['rps']:.0f} req/s, p95 {r['p95']:.0f} ms, {r['failures']} failures", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(users_path)
    bare = results["bare"]["rps"]
    workers = os.environ.get("WEB_CONCURRENCY") or "2 × cores + 1"
    print(f"\n{args.users} users, {args.think} s between pages, {args.seconds} s per page, {workers} gunicorn workers")
    print("| page | requests | failures | req/s | × bare | p50 ms | p95 ms | p99 ms |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for name, r in results.items():
        print(
            f"| {SCENARIOS[name]} | {r['requests']:,} | {r['failures']} | {r['rps']:.0f} | {r['rps'] / bare:.2f} "
            f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} |"
        )


if __name__ == "__main__":
    main()
