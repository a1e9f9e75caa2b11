"""Indexes for search terms of one or two characters (张伟, 张, zw): PostgreSQL only.

Trigram indexes (0006) cannot serve a term shorter than three characters: ``LIKE '%张伟%'`` yields no
trigram, so PostgreSQL reads the whole table. This migration adds an IMMUTABLE function
``jining_grams(text)``, the array of every substring of one and two characters of its argument, and a
GIN index on ``jining_grams(UPPER(column))`` for each searched column (and the trigram indexes that
the enterprise admin's search still lacked). ``entrepreneurs.search`` asks
``jining_grams(UPPER(column)) @> ARRAY[UPPER(term)]`` for a short term: true exactly when the column
contains the term, as ``icontains`` would say.

On SQLite this migration does nothing. The function and indexes are not in the models' Meta: Django's
state is unchanged, so ``makemigrations --check`` stays clean on every database.
"""

from django.db import migrations

FUNCTION = "jining_grams"

# PARALLEL RESTRICTED (it would be safe in a worker) keeps searches out of parallel plans: a name
# matches a few hundred rows, which one process reads in ~5 ms, while starting workers costs ~20 ms.
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL RESTRICTED AS $$
DECLARE
    chars text[] := string_to_array(value, NULL);
    n integer := cardinality(chars);
    grams text[] := chars;
BEGIN
    FOR i IN 1 .. n - 1 LOOP
        grams[n + i] := chars[i] || chars[i + 1];
    END LOOP;
    RETURN grams;
END
$$
"""

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
    "entrepreneurs_enterprise": ["name", "name_pinyin", "short_name", "name_en", "address"],
}

#: Trigram indexes (as in 0006) for the enterprise columns that 0006 left out.
TRIGRAM_INDEXES = {"entrepreneurs_enterprise": ["short_name", "name_en", "address"]}


def index_name(table, column, kind="grams"):
    return f"{table.split('_', 1)[1][:12]}_{column}_{kind}"


def index_sql(table, column):
    return (
        f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} "
        f'ON {table} USING gin ({FUNCTION}(UPPER("{column}")))'
    )


def trigram_index_sql(table, column):
    return (
        f"CREATE INDEX IF NOT EXISTS {index_name(table, column, 'trgm')} "
        f'ON {table} USING gin (UPPER("{column}") gin_trgm_ops)'
    )


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        # Building them over a province's rows takes a few minutes; more memory makes it faster.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        trigrams = cursor.fetchone() is not None  # else 0006 said so already
        for table, columns in INDEXES.items():
            for column in columns:
                cursor.execute(index_sql(table, column))
            for column in TRIGRAM_INDEXES.get(table, []) if trigrams else []:
                cursor.execute(trigram_index_sql(table, column))
            # Statistics on the indexed expressions, so the planner estimates short terms well.
            cursor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, columns in INDEXES.items():
            for column in columns:
                cursor.execute(f"DROP INDEX IF EXISTS {index_name(table, column)}")
        for table, columns in TRIGRAM_INDEXES.items():
            for column in columns:
                cursor.execute(f"DROP INDEX IF EXISTS {index_name(table, column, 'trgm')}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("entrepreneurs", "0006_trigram_search_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
