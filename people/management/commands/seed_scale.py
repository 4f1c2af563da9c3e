import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from people.scale import DOMAIN, build_scale_org


class Command(BaseCommand):
    help = (
        f"Replace the synthetic benchmark org (employee numbers S…, e-mails @{DOMAIN}) with a new one: "
        "one chief, 8 departments, 6-10 reports per manager. Other people are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000, help="How many people (default 20,000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed for names and team sizes.")

    def handle(self, *args, people: int, seed: int, **options):
        started = time.perf_counter()
        try:
            summary = build_scale_org(people=people, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            # Fresh planner statistics: right after a bulk load PostgreSQL still believes the tables are
            # small and picks nested loops that take seconds (autovacuum would catch up only later).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {summary['people']:,} people in {summary['departments']} departments, "
                f"{summary['levels']} levels deep, in {seconds:.1f} s "
                f"(replaced {summary['deleted']:,} from the previous run)."
            )
        )
        self.stdout.write("Logins for load tests:")
        for login in summary["logins"]:
            self.stdout.write(
                f"  {login['role']}: {login['email']} / {summary['password']} "
                f"({login['reports']} direct reports, {login['chain']:,} in the chain)"
            )
