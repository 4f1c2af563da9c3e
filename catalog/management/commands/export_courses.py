from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog import exporter
from catalog.transfer_selectors import whole_catalog_in_chunks


class Command(BaseCommand):
    help = "Export the whole catalog, retired courses too, as CSV or XLSX (by the file's extension)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write: a .csv or .xlsx path.")

    def handle(self, *args, file: Path, **options):
        suffix = file.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError("Name the file .csv or .xlsx.")
        try:
            if suffix == ".csv":
                with file.open("w", encoding="utf-8", newline="") as out:
                    out.writelines(exporter.csv_chunks(whole_catalog_in_chunks()))
            else:
                exporter.write_xlsx(whole_catalog_in_chunks(), file)
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}.") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote the catalog to {file}."))
