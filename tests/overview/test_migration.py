"""Upgrading past the step that moved the figures from jining to overview (jining 0007, overview 0001).

``tests/data/backup-before-overview.jsonl.gz`` is a backup of the article database written by the
release before that step. Each test builds a database of that release in a second database (SQLite
file or PostgreSQL database) and upgrades it: by ``migrate`` (every row as it was, the content types
and permissions under overview) and by restoring the old backup into a migrated database.
"""

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from jining.backup import table_digests
from overview.models import ReportedFigure
from tests.other_database import digests_of, manage, run_python

pytestmark = pytest.mark.django_db

OLD_BACKUP = Path(__file__).resolve().parents[1] / "data" / "backup-before-overview.jsonl.gz"

#: The figures as facts: every field but the id and the timestamps.
FIGURE_FIELDS = [
    field.attname
    for field in ReportedFigure._meta.concrete_fields
    if field.attname not in ("id", "created", "updated")
]

FIGURES_AND_RIGHTS = f"""
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from overview.models import ReportedFigure
figures = sorted(map(list, ReportedFigure.objects.values_list(*{FIGURE_FIELDS!r})), key=repr)
print(json.dumps({{
    "figures": figures,
    "content_types": sorted(ContentType.objects.filter(model__endswith="reportedfigure")
                            .values_list("app_label", "model")),
    "partners": sorted(Group.objects.get(name="partners").permissions.filter(codename__endswith="figure")
                       .values_list("content_type__app_label", "codename")),
}}, default=str))
"""


CONTENT_TYPES_AND_PERMISSIONS = """
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
print(json.dumps({
    "content_types": {
        str(pk): [app, model]
        for pk, app, model in ContentType.objects.values_list("pk", "app_label", "model")
    },
    "permissions": {
        str(pk): [codename, str(ct)]
        for pk, codename, ct in Permission.objects.values_list("pk", "codename", "content_type")
    },
}))
"""
#: The content types the step relabels.
RELABELLED = {
    ("jining", "reportedfigure"): ("overview", "reportedfigure"),
    ("jining", "historicalreportedfigure"): ("overview", "historicalreportedfigure"),
    ("jining", "statssnapshot"): ("overview", "statssnapshot"),
}


def old_migrations():
    with gzip.open(OLD_BACKUP, "rt", encoding="utf-8") as stream:
        return json.loads(stream.readline())["migrations"]


def migrate_to_old_release(database_url):
    """Migrate an empty database to exactly the migrations of the release that wrote the backup."""
    last = {}
    for name in old_migrations():  # sorted, and numbered: the last of each app comes last
        app, migration = name.split(".", 1)
        last[app] = migration
    code = (
        "from django.core.management import call_command\n"
        f"for app, migration in {sorted(last.items())!r}:\n"
        "    call_command('migrate', app, migration, interactive=False, verbosity=0)\n"
        "from jining.backup import applied_migrations\n"
        "print(json.dumps(applied_migrations()))"
    )
    assert run_python(database_url, code) == old_migrations()


def current_article_figures():
    """The figures of the article fixture as this release loads it, in the shape FIGURES_AND_RIGHTS prints."""
    call_command("loaddata", "article", verbosity=0)
    rows = ReportedFigure.objects.values_list(*FIGURE_FIELDS)
    return sorted(json.loads(json.dumps([list(row) for row in rows], default=str)), key=repr)


def expected_rights():
    return {
        "content_types": [["overview", "historicalreportedfigure"], ["overview", "reportedfigure"]],
        "partners": [["overview", "view_reportedfigure"]],
    }


def test_migrate_from_the_earlier_release_keeps_every_row(empty_database):
    migrate_to_old_release(empty_database)
    manage(empty_database, "restore", str(OLD_BACKUP))
    before = digests_of(empty_database)
    assert before["jining_reportedfigure"][0] == 24
    old = run_python(empty_database, CONTENT_TYPES_AND_PERMISSIONS)
    old_types, old_permissions = old["content_types"], old["permissions"]

    manage(empty_database, "migrate", "--noinput", "-v0")

    after = digests_of(empty_database)
    changed = {table for table in before if before[table] != after.get(table)}
    # The moved models' content types are relabelled in place (same ids, so every permission, group
    # and admin log entry still points at them); models added since get content types and
    # permissions of their own, and their tables start empty; bureau_editors gain the personal-data
    # permission (entrepreneurs 0009); 残联 is marked as serving a sensitive group (jining 0011). No
    # other row of any table changes, but for the new, empty columns of support measures (their
    # period, entrepreneurs 0011) and of residencies (agreement, exit, space; incubators 0004).
    assert changed == {
        "django_content_type",
        "auth_permission",
        "auth_group_permissions",
        "jining_organisation",
        "entrepreneurs_supportmeasure",
        "incubators_residency",
    }
    marked = run_python(
        empty_database,
        "from jining.models import Organisation\n"
        "print(json.dumps(sorted(Organisation.objects.filter(serves_sensitive_group=True)"
        ".values_list('code', flat=True))))",
    )
    assert marked == ["canlian"]
    editors = run_python(
        empty_database,
        "from django.contrib.auth.models import Group\n"
        "print(json.dumps(sorted(Group.objects.get(name='bureau_editors').permissions"
        ".filter(codename='view_personal_data').values_list('codename', flat=True))))",
    )
    assert editors == ["view_personal_data"]
    assert all(after[table][0] == 0 for table in after.keys() - before.keys())
    kept = run_python(empty_database, CONTENT_TYPES_AND_PERMISSIONS)
    for pk, label in old_types.items():
        assert tuple(kept["content_types"][pk]) == RELABELLED.get(tuple(label), tuple(label))
    assert old_permissions.items() <= kept["permissions"].items()
    state = run_python(empty_database, FIGURES_AND_RIGHTS)
    assert state["figures"] == current_article_figures()
    assert {key: state[key] for key in ("content_types", "partners")} == expected_rights()


def test_a_backup_from_the_earlier_release_is_refused_by_todays_schema_saying_what_to_do(empty_database):
    """Since jining 0011 changed stored rows (残联 marked), the earlier release's backup no longer
    restores straight into today's schema: the refusal names the migration and the way (restore with
    that release's schema, then migrate: the test above), and nothing is written."""
    manage(empty_database, "migrate", "--noinput", "-v0")
    before = digests_of(empty_database)
    with pytest.raises(AssertionError, match=r"jining\.0011_organisation_serves_sensitive_group"):
        manage(empty_database, "restore", str(OLD_BACKUP))
    assert digests_of(empty_database) == before


def test_a_backup_of_other_migrations_is_refused_with_what_to_do(db, tmp_path):
    """A backup lacking a migration that changes stored data is refused, naming it; nothing changes."""
    lines = gzip.open(OLD_BACKUP, "rt", encoding="utf-8").read().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["migrations"] = [name for name in header["migrations"] if name != "events.0004_history"]
    older = tmp_path / "older.jsonl.gz"
    with gzip.open(older, "wt", encoding="utf-8") as stream:
        stream.writelines([json.dumps(header) + "\n", *lines[1:]])
    before = table_digests()
    with pytest.raises(Exception, match=r"events\.0004_history.*Restore it with that version"):
        call_command("restore", str(older))
    header["migrations"].append("events.9999_from_the_future")
    with gzip.open(older, "wt", encoding="utf-8") as stream:
        stream.writelines([json.dumps(header) + "\n", *lines[1:]])
    with pytest.raises(Exception, match="written by a later version"):
        call_command("restore", str(older))
    assert table_digests() == before
