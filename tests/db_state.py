"""The state of the database as row counts and a checksum per table, to compare before and after.

``snapshot()`` covers every table of the project's apps (jining, incubators, entrepreneurs, events,
with their many-to-many tables and simple-history's historical tables), auth's and contenttypes'
tables and the admin log. Sessions are left out: logging in writes them, and they hold no records;
so are the jobs and their files (the jobs page's record of what a user started: a refused import is
still a preview job that failed, with the upload it read).

    before = snapshot()
    ...  # something that must change nothing
    assert snapshot() == before
"""

import hashlib
from dataclasses import dataclass

from django.apps import apps

#: Apps whose every table is compared.
APPS = ("jining", "incubators", "entrepreneurs", "events", "overview", "auth", "contenttypes", "admin")
#: Tables of those apps left out: the jobs (see the module docstring), and the access log (opening
#: a record to attack it is a read that is logged, not a change of the records).
NOT_COMPARED = {"jining_job", "jining_jobfile", "jining_jobfilechunk", "jining_accesslog"}


@dataclass(frozen=True)
class TableState:
    rows: int
    checksum: str


def tables():
    """Every model (one per table) of ``APPS``, auto-created many-to-many tables included."""
    models = []
    for label in APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        models.extend(config.get_models(include_auto_created=True))
    return sorted(
        {model._meta.db_table: model for model in models if model._meta.db_table not in NOT_COMPARED}.items()
    )


def table_state(model) -> TableState:
    """Row count and SHA-256 of every column of every row, ordered by primary key."""
    columns = [field.attname for field in model._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    for row in model._base_manager.order_by("pk").values_list(*columns).iterator():
        digest.update(repr(row).encode())
        digest.update(b"\n")
        count += 1
    return TableState(count, digest.hexdigest())


def snapshot() -> dict[str, TableState]:
    """``{table name: TableState}`` for every table of ``APPS``."""
    return {table: table_state(model) for table, model in tables()}


def differences(before: dict[str, TableState], after: dict[str, TableState]) -> dict[str, tuple]:
    """The tables whose state changed: ``{table: (before, after)}``, for readable assertion messages."""
    return {
        table: (before.get(table), after.get(table))
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    }


#: What a delete and its restore (or a merge and its undo) are allowed to change: the history says
#: that it happened, the recycle bin records it, the admin's log lists it.
AUDIT_TABLES = {"jining_binentry", "django_admin_log"}


def records_snapshot() -> dict[str, TableState]:
    """``snapshot()`` of the records' tables only: without the history tables, ``AUDIT_TABLES`` and
    what is computed from the records (``settings.DERIVED_MODELS``, e.g. the stats)."""
    from django.conf import settings

    derived = set()
    for label in settings.DERIVED_MODELS:
        try:
            derived.add(apps.get_model(label)._meta.db_table)
        except LookupError:
            continue
    return {
        table: state
        for table, state in snapshot().items()
        if table not in AUDIT_TABLES | derived and not table.split("_", 1)[1].startswith("historical")
    }
