"""An index for a short search term inside a name past its first character (PostgreSQL only).

``entrepreneurs.search`` answers a one- or two-character term (张, 李, 张伟) in two parts: names that
start with it, read in the list's order from the name's own index, and the other matches: the term
in another column, or in the name past its first character (``jining_grams(UPPER(SUBSTR(name, 2)))``,
this index). So a common surname, whose matches are the names that start with it, costs a page of
rows, not a sort of every person with that surname. On SQLite this migration does nothing.
"""

from django.db import migrations

INDEX = "entrepreneur_inner_name_grams"
TABLE = "entrepreneurs_entrepreneur"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (jining_grams(UPPER(SUBSTR(name, 2))))"
        )
        cursor.execute(f"ANALYZE {TABLE}")  # statistics on the indexed expression, for the estimates


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    backup_relabel = {}  # an index: no stored row changes

    dependencies = [
        ("entrepreneurs", "0012_list_order_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
