"""Backup and restore: a round trip through `manage.py backup` and `manage.py restore` into an empty
database (a second SQLite file, or a throwaway PostgreSQL database when the tests run on PostgreSQL)
gives back every table, row for row."""

import gzip
import os
import stat
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from entrepreneurs.models import Entrepreneur
from jining.backup import backup_models, not_dumped_tables, table_digests
from jining.models import ApiToken, Organisation
from tests import factories
from tests.admin_forms import form_data
from tests.other_database import ROOT, digests_of, manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_database(staff_client, staff_user):
    """The article data, factory records with history, many-to-many rows, a partner with a token,
    a user in a group, an admin change (log entry, history by a user)."""
    call_command("loaddata", "article", verbosity=0)
    groups = factories.SpecialGroupFactory.create_batch(2)
    entrepreneur = factories.EntrepreneurFactory(name="王测试")
    entrepreneur.special_groups.set(groups)
    entrepreneur.name = "王测试（改）"
    entrepreneur.save()  # a "~" history row
    factories.EnterpriseFactory(founders=[entrepreneur])
    factories.FinancingFactory()
    factories.AttendanceFactory(entrepreneur=entrepreneur)
    factories.ResidencyFactory()
    factories.FacilityFactory()
    factories.DesignationFactory()
    factories.ReportedFigureFactory()
    factories.ProductFactory()
    factories.EnterpriseFigureFactory()
    factories.SupportMeasureFactory()
    factories.ProgrammeFactory()
    deleted = factories.OrganisationFactory()
    deleted.delete()  # a "-" history row, and a gap in the ids
    call_command("create_partner", "test-bank", "--label", "loans", stdout=open(os.devnull, "w"))
    editor = factories.UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name="bureau_editors")[0])
    editor.user_permissions.add(Permission.objects.get(codename="view_entrepreneur"))
    organisation = factories.OrganisationFactory()
    url = reverse("admin:jining_organisation_change", args=[organisation.pk])
    data = form_data(staff_client.get(url))
    assert staff_client.post(url, {**data, "notes": "经办人修改"}).status_code == 302
    assert ApiToken.objects.exists() and Entrepreneur.history.count() >= 3


def test_every_table_is_backed_up():
    tables = set(connection.introspection.table_names())
    dumped = {model._meta.db_table for model in backup_models()}
    assert tables - dumped == not_dumped_tables() & tables
    assert "jining_statssnapshot" in tables - dumped  # recomputed from the records after a restore
    assert dumped <= tables


def test_round_trip_gives_back_every_table(varied_database, empty_database, tmp_path):
    backup = tmp_path / "backup.jsonl.gz"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))
    before = table_digests()
    assert {table: rows for table, (rows, _) in before.items() if rows}.keys() >= {
        "entrepreneurs_historicalentrepreneur",
        "entrepreneurs_entrepreneur_special_groups",
        "jining_apitoken",
        "jining_user_groups",
        "jining_user_user_permissions",
        "django_admin_log",
    }

    manage(empty_database, "migrate", "--noinput", "-v0")
    output = manage(empty_database, "restore", str(backup))
    assert "Restored" in output
    after = digests_of(empty_database)
    assert after == before

    # The comparison can fail: a changed row, or a missing one, is seen.
    Organisation.objects.filter(pk=Organisation.objects.order_by("pk").first().pk).update(notes="改过")
    changed = table_digests()
    assert [table for table in changed if changed[table] != after[table]] == ["jining_organisation"]
    Organisation.history.order_by("pk").last().delete()
    changed = table_digests()
    assert {table for table in changed if changed[table] != after[table]} == {
        "jining_organisation",
        "jining_historicalorganisation",
    }

    # A second restore into the same (now full) database is refused, never merged.
    env = {**os.environ, "DATABASE_URL": empty_database, "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "already holds data" in result.stderr
    # --force replaces everything: the same database again.
    manage(empty_database, "restore", "--force", str(backup))
    assert digests_of(empty_database) == before


def test_a_backup_file_is_readable_by_its_owner_only(db, tmp_path):
    fresh = tmp_path / "fresh.jsonl.gz"
    existing = tmp_path / "existing.jsonl.gz"
    existing.write_bytes(b"old")
    existing.chmod(0o644)
    for path in (fresh, existing):
        call_command("backup", str(path), stdout=open(os.devnull, "w"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert gzip.open(existing).readline().startswith(b'{"format"')  # rewritten, not appended to


def test_restore_refuses_a_non_empty_database(varied_database, tmp_path):
    backup = tmp_path / "backup.jsonl.gz"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))
    before = table_digests()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(backup))
    assert table_digests() == before


def test_restore_refuses_a_truncated_file_and_changes_nothing(varied_database, tmp_path):
    backup = tmp_path / "backup.jsonl.gz"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))
    lines = gzip.open(backup, "rt", encoding="utf-8").read().splitlines(keepends=True)
    truncated = tmp_path / "truncated.jsonl.gz"
    with gzip.open(truncated, "wt", encoding="utf-8") as stream:
        stream.writelines(lines[: len(lines) // 2])
    before = table_digests()
    with pytest.raises(CommandError, match="truncated"):
        call_command("restore", "--force", str(truncated))
    assert table_digests() == before


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "bogus.gz"
    bogus.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="not a jining backup"):
        call_command("restore", str(bogus))


def test_an_import_that_fails_halfway_leaves_every_table_as_it_was(client, tmp_path):
    """The import's rollback, proved on every table (history included) by checksums, not row counts."""
    from unittest import mock

    from jining.importing import bulk
    from jining.models import Job
    from tests.test_import_export import MODELS, confirm, csv_file, people_rows, preview, user_with

    call_command("loaddata", "article", verbosity=0)
    existing = factories.EntrepreneurFactory(name="张智杰", id_card_number=factories.make_id_card(1))
    perms = [f"{action}_{model}" for action in ("add", "change", "view") for model in MODELS]
    client.force_login(user_with("importer", *perms))
    response = preview(client, csv_file(people_rows()))  # row 1 updates `existing`, row 2 is new

    def record_digests():  # the jobs that ran the import are not the import's records
        return {table: digest for table, digest in table_digests().items() if "_job" not in table}

    before = record_digests()

    def failing_history(*args, **kwargs):  # after the update and the insert were written
        raise RuntimeError("disk full")

    with mock.patch.object(bulk, "_write_history", failing_history):
        assert confirm(client, response).state == Job.State.FAILED
    assert record_digests() == before
    existing.refresh_from_db()
    assert existing.history.count() == 1

    # The same import without the fault does change the tables the checksums cover.
    response = preview(client, csv_file(people_rows()))
    assert confirm(client, response).state == Job.State.DONE
    after = record_digests()
    assert after["entrepreneurs_entrepreneur"] != before["entrepreneurs_entrepreneur"]
    assert after["entrepreneurs_historicalentrepreneur"] != before["entrepreneurs_historicalentrepreneur"]
