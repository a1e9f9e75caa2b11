"""Restore a backup written by ``manage.py backup`` into an empty, migrated database.

    python manage.py migrate && python manage.py restore jining-2026-11-25.jsonl.gz

Refuses if the target already holds users or program data (``--force`` replaces everything in it:
never a merge) or is not migrated exactly as the backup's database was. One transaction: on any
error nothing is restored. See docs/reliability.md.
"""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from jining.backup import restore


class Command(BaseCommand):
    help = (
        "Restore FILE (written by `manage.py backup`) into an empty, migrated database, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file to read.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete everything in the target database first, even if it holds data.",
        )

    def handle(self, *args, file, database, force, **options):
        counts = restore(file, using=database, force=force)
        self.stdout.write(f"Restored {sum(counts.values())} rows of {len(counts)} tables from {file}.")
