"""`manage.py restore PATH [--replace]`: puts a backup made by `manage.py backup` back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from governance.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database. The database "
        "must be empty (a new one: createdb, no migrate) unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already holds data (everything in it is replaced).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, path: str, replace: bool, database: str, **options):
        settings_dict = connections[database].settings_dict
        try:
            restore(settings_dict, Path(path), alias=database, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {settings_dict['NAME']}."))
