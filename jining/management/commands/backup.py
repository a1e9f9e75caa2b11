"""Write a complete, portable backup of the database to a file (gzipped JSON Lines).

    python manage.py backup /var/backups/jining-$(date +%F).jsonl.gz

See jining/backup.py for the format and docs/reliability.md for backup and restore.
"""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from jining.backup import dump


class Command(BaseCommand):
    help = "Write a complete backup of the database (every table, history included) to FILE (gzip)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file to write, e.g. jining-2026-11-25.jsonl.gz.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, file, database, **options):
        counts = dump(file, using=database)
        self.stdout.write(f"Wrote {sum(counts.values())} rows of {len(counts)} tables to {file}.")
