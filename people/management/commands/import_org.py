from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.importer import COLUMNS
from people.services import import_org


class Command(BaseCommand):
    help = (
        "Import the org chart from a CSV file with the columns: "
        + ", ".join(COLUMNS.values())
        + ". The whole file is checked first; nothing is written if any line has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and count, but write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        result = import_org(content=content, dry_run=dry_run)
        if not result.ok:
            for line, message in result.errors:
                self.stderr.write(f"Line {line}: {message}")
            if result.dropped_errors:
                self.stderr.write(f"… and {result.dropped_errors} more errors.")
            raise CommandError(f"{len(result.errors) + result.dropped_errors} error(s); nothing was imported.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
