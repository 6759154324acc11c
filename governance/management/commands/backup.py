"""`manage.py backup [PATH]`: a consistent copy of the whole database, taken while it runs."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from governance.backup import BackupError, backup, suffix_for


class Command(BaseCommand):
    help = (
        "Back up the database: pg_dump (custom format) for PostgreSQL, the SQLite backup API for "
        "SQLite. Restore with `manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write the backup (default: DATA_DIR/backups/boardroom-<time>.<kind>).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, path: str | None, database: str, **options):
        settings_dict = connections[database].settings_dict
        if path is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = settings.DATA_DIR / "backups" / f"boardroom-{stamp}{suffix_for(settings_dict)}"
        try:
            written = backup(settings_dict, Path(path), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = written.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {written} ({size:,} bytes)."))
