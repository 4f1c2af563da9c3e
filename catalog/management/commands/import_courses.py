from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.importer import HEADER
from catalog.services import check_course_upload, import_courses


class Command(BaseCommand):
    help = (
        "Import courses from a CSV (UTF-8) or XLSX file with the columns: "
        + ", ".join(HEADER)
        + ". The whole file is checked first; nothing is written if any row has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and count, but write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            file_format = check_course_upload(file_name=file.name, size=len(content), max_bytes=len(content) or 1)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        result = import_courses(content=content, file_format=file_format, dry_run=dry_run)
        if not result.ok:
            for row, message in result.errors:
                self.stderr.write(f"Row {row}: {message}" if row else message)
            if result.dropped_errors:
                self.stderr.write(f"… and {result.dropped_errors} more errors.")
            raise CommandError(f"{len(result.errors) + result.dropped_errors} error(s); nothing was imported.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
