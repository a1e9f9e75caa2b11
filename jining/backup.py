"""Portable backups: every table of the project in one gzipped JSON Lines file (docs/reliability.md).

Format: the first line is a header (format, version, time, database vendor, the applied migrations),
then one object per line in Django's ``jsonl`` serialisation, then a trailer with the number of
rows per model (a truncated file is refused). Every concrete model is dumped with its primary key,
including the many-to-many tables (so their ids survive too) and the history tables; foreign keys
are primary keys, except those to content types and permissions, which are natural keys
(``["app_label", "model"]``) because ``migrate`` recreates those two tables with ids of its own.
Sessions, database cache tables (import uploads waiting for their confirm), content types,
permissions and the migration log are not dumped: ``migrate`` makes the last three, and after a
restore everyone logs in again (and re-uploads an import that was left at its preview).

Dumping streams: rows are read in chunks (a server-side cursor on PostgreSQL) inside one read-only
transaction (a consistent snapshot) and written as they come. Restoring streams too: rows are
inserted in batches, as stored (``raw``: ``created``/``updated`` are kept, no history rows are
added), in one transaction, then foreign keys are checked and sequences reset.

A backup restores into a database migrated exactly as the backup's was, with one exception: a
migration that changes no stored row says so with a ``backup_relabel`` attribute (a dict of the
model labels it renames, possibly empty). A backup written before such migrations restores into a
database that has them (or not yet), its labels renamed as they say (the figures moved from
``jining`` to ``overview``, tables unchanged). Any other difference is refused, saying what to do.
"""

import datetime
import gzip
import hashlib
import json
import os
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "jining-backup"
VERSION = 1

#: Made by ``migrate``, or disposable: never dumped, never restored. So are the tables of
#: ``settings.DERIVED_MODELS`` (recomputed from the records).
NOT_DUMPED_TABLES = frozenset(
    {"django_content_type", "auth_permission", "django_session", "django_migrations"}
)


def cache_tables() -> frozenset[str]:
    """Tables of database caches (import uploads waiting for their confirm): disposable, not data."""
    return frozenset(
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    )


def derived_tables() -> frozenset[str]:
    """Tables of ``settings.DERIVED_MODELS`` (the stats snapshot): recomputed from the records."""
    return frozenset(apps.get_model(label)._meta.db_table for label in settings.DERIVED_MODELS)


def not_dumped_tables() -> frozenset[str]:
    return NOT_DUMPED_TABLES | derived_tables() | cache_tables()


#: Foreign keys to these are written as natural keys.
NATURAL_KEY_MODELS = (ContentType, Permission)

BATCH_SIZE = 500
CHUNK_SIZE = 2000


def backup_models():
    """Every concrete model whose table is dumped, many-to-many tables included, in a stable order."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.db_table not in not_dumped_tables()
    ]
    return sorted(models, key=lambda model: model._meta.label_lower)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    """Django's JSON Lines serialiser with pk foreign keys, except natural keys to content types and
    permissions; many-to-many fields are left out (their tables are dumped as models of their own)."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        pass


def applied_migrations(using=DEFAULT_DB_ALIAS):
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).applied_migrations())


def _private_file(path):
    """``path`` opened for writing, readable and writable by its owner only (0600): a backup holds
    ID-card numbers. An existing file is truncated and its mode tightened too."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def dump(path, using=DEFAULT_DB_ALIAS):
    """Write the backup of database ``using`` to ``path`` (gzip). Returns the row count per model."""
    connection = connections[using]
    counts = Counter()

    def rows(model):
        queryset = model._base_manager.using(using).order_by("pk")
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            counts[model._meta.label_lower] += 1
            yield obj

    def all_rows():
        for model in backup_models():
            yield from rows(model)

    outermost = not connection.in_atomic_block
    with (
        transaction.atomic(using=using),
        _private_file(path) as raw,
        gzip.open(raw, "wt", encoding="utf-8") as stream,
    ):
        if connection.vendor == "postgresql" and outermost:  # a snapshot: as of the first query
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "vendor": connection.vendor,
            "migrations": applied_migrations(using),
        }
        stream.write(json.dumps(header) + "\n")
        Serializer().serialize(all_rows(), stream=stream, cls=ExactJSONEncoder, ensure_ascii=False)
        stream.write(json.dumps({"end": FORMAT, "counts": dict(sorted(counts.items()))}) + "\n")
    return counts


def models_with_tables(using=DEFAULT_DB_ALIAS):
    """``backup_models()`` whose tables database ``using`` has. A database migrated to an earlier
    release lacks the tables of models added since (the access log): they cannot hold any row of a
    backup that release wrote."""
    existing = set(connections[using].introspection.table_names())
    return [model for model in backup_models() if model._meta.db_table in existing]


def program_data_present(using=DEFAULT_DB_ALIAS) -> list[str]:
    """Labels of the models that hold rows in the target: users or any program app's table."""
    found = []
    for model in models_with_tables(using):
        if model._meta.app_label in settings.PROGRAM_APPS and model._base_manager.using(using).exists():
            found.append(model._meta.label)
    return found


def _read(path):
    """The header, then the object lines, then the trailer; refuses a file that is not a whole backup."""
    stream = gzip.open(path, "rt", encoding="utf-8")
    try:
        header = json.loads(stream.readline() or "null")
    except (OSError, EOFError, ValueError) as error:
        stream.close()
        raise CommandError(f"{path} is not a jining backup (gzipped JSON Lines): {error}") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        stream.close()
        raise CommandError(f"{path} is not a jining backup (no {FORMAT} header).")
    if header.get("version") != VERSION:
        stream.close()
        raise CommandError(
            f"{path} is a backup of format version {header.get('version')}; this is {VERSION}."
        )
    return header, stream


def relabelling(migrations, using=DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The model labels to rename in a backup written at ``migrations`` so that its rows fit this
    version's models: those of the ``backup_relabel`` migrations the backup lacks.

    The target must hold the backup's migrations, plus only migrations that declare
    ``backup_relabel`` or belong to apps the backup has none of (apps added since, empty);
    anything else is refused, saying what to do.
    """
    target = applied_migrations(using)
    graph = MigrationLoader(connections[using], ignore_no_migrations=True).graph
    missing_in_target = sorted(set(migrations) - set(target))
    not_in_backup = sorted(set(target) - set(migrations))
    backup_apps = {name.split(".", 1)[0] for name in migrations}
    blocking = [
        name
        for name in not_in_backup
        # An app the backup has no migration of is new: its tables start empty, as the backup has them.
        if name.split(".", 1)[0] in backup_apps and _relabel_of(graph, name) is None
    ]
    if missing_in_target or blocking:

        def listed(names):
            return ", ".join(names[:5]) + ("…" if len(names) > 5 else "") if names else "-"

        if missing_in_target:
            advice = (
                "The backup was written by a later version of the application: restore it with "
                "that version (or a later one)."
            )
        else:
            advice = (
                "The backup was written by an earlier version of the application, before migrations "
                f"that change stored data ({listed(blocking)}). Restore it with that version: check "
                "it out, `python manage.py migrate`, `python manage.py restore FILE`; then check out "
                "this version and run `python manage.py migrate` to upgrade the restored data."
            )
        raise CommandError(
            "The target database's migrations differ from the backup's (missing in the target: "
            f"{listed(missing_in_target)}; not in the backup: {listed(not_in_backup)}). {advice}"
        )
    relabel = {}
    for key in sorted(set(graph.nodes) - {tuple(name.split(".", 1)) for name in migrations}):
        relabel.update(_relabel_of(graph, ".".join(key)) or {})
    return relabel


def _relabel_of(graph, name):
    """The ``backup_relabel`` of migration ``app.name``: a dict, or None if it changes stored data."""
    return getattr(graph.nodes.get(tuple(name.split(".", 1))), "backup_relabel", None)


def _relabeller(relabel, using):
    """A function renaming, in one backup line, the labels of ``relabel``: the object's own label,
    and in natural keys of content types (``[app, model]``) and permissions (``[codename, app,
    model]``) those that the target's content types no longer have (its migrations moved them)."""
    if not relabel:
        return lambda line: line
    known = set(ContentType.objects.using(using).values_list("app_label", "model"))
    pairs = {
        tuple(old.split(".")): new.split(".")
        for old, new in relabel.items()
        if tuple(old.split(".")) not in known
    }

    def relabelled(line):
        obj = json.loads(line)
        obj["model"] = relabel.get(obj["model"], obj["model"])
        for name, value in obj["fields"].items():
            if isinstance(value, list) and len(value) in (2, 3) and tuple(value[-2:]) in pairs:
                obj["fields"][name] = value[:-2] + pairs[tuple(value[-2:])]
        return json.dumps(obj, ensure_ascii=False)

    return relabelled


def restore(path, using=DEFAULT_DB_ALIAS, force=False, stdout=None):
    """Restore the backup at ``path`` into database ``using``, in one transaction.

    The target must be migrated to exactly the backup's migrations, or to those plus migrations that
    declare ``backup_relabel`` (see the module docstring). Tables that migrations fill (the
    role groups) are emptied first; if any program table or user already holds rows the restore is
    refused unless ``force``, which replaces everything: never a merge.
    """
    connection = connections[using]
    header, stream = _read(path)
    with stream:
        relabel = relabelling(header["migrations"], using)
        relabelled = _relabeller(relabel, using)
        present = program_data_present(using)
        if present and not force:
            raise CommandError(
                "The target database already holds data ("
                + ", ".join(present[:5])
                + ("…" if len(present) > 5 else "")
                + "). Restore into an empty, migrated database, or use --force to replace everything in it."
            )

        models = models_with_tables(using)
        counts = Counter()
        trailer = {}

        def objects():
            for line in stream:
                if line.startswith('{"model"'):
                    yield relabelled(line)
                elif line.strip():
                    trailer.update(json.loads(line))

        with transaction.atomic(using=using), connection.constraint_checks_disabled():
            with connection.cursor() as cursor:
                for model in reversed(models):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            batch, batch_model = [], None
            for deserialized in serializers.deserialize("jsonl", objects(), using=using):
                obj = deserialized.object
                if type(obj) is not batch_model or len(batch) >= BATCH_SIZE:
                    _insert(batch_model, batch, using)
                    batch, batch_model = [], type(obj)
                batch.append(obj)
                counts[obj._meta.label_lower] += 1
            _insert(batch_model, batch, using)

            if trailer.get("end") != FORMAT:
                raise CommandError(f"{path} is truncated (no end line): nothing was restored.")
            if dict(counts) != {relabel.get(label, label): n for label, n in trailer["counts"].items() if n}:
                raise CommandError(
                    f"{path} is damaged (row counts differ from its end line): nothing was restored."
                )
            tables = [model._meta.db_table for model in models]
            connection.check_constraints(table_names=tables)
            sequences = connection.ops.sequence_reset_sql(no_style(), models)
            if sequences:
                with connection.cursor() as cursor:
                    for sql in sequences:
                        cursor.execute(sql)
    return counts


def _insert(model, objs, using):
    """Insert ``objs`` as they are (raw: ``auto_now`` fields keep their stored values)."""
    if not objs:
        return
    if model._meta.parents:  # multi-table inheritance: let Django save each part (none in this project)
        for obj in objs:
            obj.save_base(raw=True, using=using, force_insert=True)
        return
    connection = connections[using]
    # A database migrated to an earlier release lacks the columns of fields added since; the backup
    # (of that release) has no values for them either: `migrate` adds them with their defaults.
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(cursor, model._meta.db_table)
        }
    fields = [field for field in model._meta.local_concrete_fields if field.column in columns]
    size = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, objs)))
    for start in range(0, len(objs), size):
        model._base_manager.using(using)._insert(
            objs[start : start + size], fields=fields, using=using, raw=True
        )


def table_digests(using=DEFAULT_DB_ALIAS) -> dict[str, list]:
    """Row count and SHA-256 of the sorted rows of every table but the migration log and sessions.

    Used to prove a restore gives back the same database: compute on both sides and compare.
    """
    connection = connections[using]
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in {"django_migrations", "django_session"} | cache_tables():
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(_normalise(value) for value in row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = [len(rows), digest]
    return result


def _normalise(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, memoryview):
        return bytes(value)
    return value
