"""Trigram (pg_trgm) GIN indexes for the ``icontains`` searches of the API and the admin: PostgreSQL only.

Django searches with ``UPPER(column) LIKE UPPER('%term%')``, so each index is on ``UPPER(column)``.
They serve terms of three characters or more (a two-character Chinese name such as 张伟 still
scans the table). On SQLite, and where the pg_trgm extension cannot be created, this migration does
nothing (and says so). The indexes are not in the models' Meta: Django's state is unchanged, so
``makemigrations --check`` stays clean on every database.
"""

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "entrepreneurs_entrepreneur": [
        "name",
        "name_pinyin",
        "name_romanised",
        "hometown_city",
        "hometown_county",
        "hometown_township",
        "prior_work_place",
        "prior_trade",
    ],
    "entrepreneurs_enterprise": ["name", "name_pinyin"],
}


def index_name(table, column):
    return f"{table.split('_', 1)[1][:12]}_{column}_trgm"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as exc:
            print(f"\n  pg_trgm is not available ({exc}); search runs without trigram indexes.")
            return
        for table, columns in INDEXES.items():
            for column in columns:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} "
                    f'ON {table} USING gin (UPPER("{column}") gin_trgm_ops)'
                )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, columns in INDEXES.items():
            for column in columns:
                cursor.execute(f"DROP INDEX IF EXISTS {index_name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("entrepreneurs", "0005_unique_messages"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
