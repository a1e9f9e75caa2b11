"""The stats snapshot: /api/v1/stats/ and the dashboard serve it and never recompute it; writes mark
it stale and request a refresh; ``refresh_stats``, the admin and ``STATS_REFRESH_ON_WRITE`` recompute it."""

import datetime
import io
import json
import logging
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jining.models import Job
from jining.services import EDITOR_GROUP, VIEWER_GROUP
from overview import dashboard, stats, synthetic
from overview.models import ReportedFigure, StatsSnapshot
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"
Measure, Scope = ReportedFigure.Measure, ReportedFigure.Scope


@pytest.fixture
def figures(db):
    """Financing of 100 and 50 yuan; a district figure that sums it, one that counts residencies."""
    factories.FinancingFactory(amount=Decimal("100.00"))
    factories.FinancingFactory(amount=Decimal("50.00"))
    factories.ResidencyFactory()
    return {
        "financing": factories.ReportedFigureFactory(
            key="financing", measure=Measure.FINANCING_AMOUNT, label="实现融资", unit="yuan"
        ),
        "settled": factories.ReportedFigureFactory(
            key="settled", measure=Measure.ENTITIES_SETTLED, label="入驻主体", unit="count"
        ),
    }


@contextmanager
def one_transaction(execute=True):
    """The writes in the block as one transaction that commits (``execute``) or rolls back: the test's
    own transaction never commits, so its on-commit callbacks are run here, once the block ends."""
    setattr(connection, stats._PENDING, None)  # a new transaction: no mark queued for it yet
    with TestCase.captureOnCommitCallbacks(execute=execute) as callbacks:
        yield callbacks


@pytest.fixture
def committed(db):
    return one_transaction


def get_stats(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response.json()


def tracked(data, key):
    (row,) = [row for row in data["figures"] if row["key"] == key]
    return row["tracked"]


def snapshot():
    return StatsSnapshot.objects.get()


# Serving ------------------------------------------------------------------------------------------


def test_the_snapshot_holds_what_the_live_computation_gives(figures, partner_client):
    stats.stats_refresh(trigger="refresh_stats")
    data = get_stats(partner_client)
    live = stats.compute_stats()
    assert {row["key"]: row["tracked"] for row in data["figures"]} == {
        figure.key: f"{figure.tracked:.2f}" for figure in live["figures"]
    }
    assert data["tracked_totals"]["financing_total"] == f"{live['tracked_totals']['financing_total']:.2f}"
    assert data["tracked_totals"]["financing_count"] == 2
    stored = snapshot()
    assert stored.tracked[str(figures["financing"].pk)] in {"150", "150.00"}  # a string: exact decimals
    assert stored.trigger == "refresh_stats" and stored.stale_since is None
    assert stored.dashboard == json.loads(json.dumps(live["dashboard"]))  # JSON-safe as computed
    assert stored.dashboard["headline"]["financing_total"] in {"150", "150.00"}


def test_a_fresh_snapshot_is_served_in_five_queries(figures, partner_client, django_assert_num_queries):
    stats.stats_refresh()
    first = get_stats(partner_client)
    # savepoint, token (with the user's permissions), snapshot, figures with their briefs, release
    with django_assert_num_queries(5):
        second = get_stats(partner_client)
    assert second == first
    assert second["stale"] is False
    assert datetime.datetime.fromisoformat(second["computed_at"]) == snapshot().computed_at


def test_every_figure_field_is_read_now_not_from_the_snapshot(figures, partner_client):
    stats.stats_refresh()
    ReportedFigure.objects.filter(key="financing").update(label="融资总额（已更正）")  # no signal
    data = get_stats(partner_client)
    (row,) = [row for row in data["figures"] if row["key"] == "financing"]
    assert row["label"] == "融资总额（已更正）" and row["tracked"] == "150.00"


# Marking stale ------------------------------------------------------------------------------------

WRITES = {
    "financing": lambda: factories.FinancingFactory(),
    "attendance": lambda: factories.AttendanceFactory(),
    "event": lambda: factories.EventFactory(),
    "event series": lambda: factories.EventSeriesFactory(),
    "residency": lambda: factories.ResidencyFactory(),
    "support measure": lambda: factories.SupportMeasureFactory(),
    "enterprise figure": lambda: factories.EnterpriseFigureFactory(),
    "incubator": lambda: factories.IncubatorFactory(),
    "entrepreneur": lambda: factories.EntrepreneurFactory(),
    "enterprise": lambda: factories.EnterpriseFactory(),
    "reported figure": lambda: factories.ReportedFigureFactory(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_write_marks_the_snapshot_stale_once_per_transaction(figures, committed, write):
    stats.stats_refresh()
    with committed() as callbacks:
        write()  # several rows: the factories save their related records too
        write()
    marks = [callback for callback in callbacks if callback.__name__ == "mark_stats_stale"]
    assert len(marks) == 1
    stored = snapshot()
    assert stored.stale_since is not None and stored.changes == 1 and stored.changes_seen == 0


def test_a_transaction_that_rolls_back_does_not_mark(figures):
    stats.stats_refresh()
    with one_transaction(execute=False) as callbacks:
        factories.FinancingFactory()
    assert callbacks  # queued for the commit, which (a rollback) never comes
    assert snapshot().stale_since is None


def test_a_change_of_scope_marks_stale(figures, committed):
    incubator = factories.IncubatorFactory()
    stats.stats_refresh()
    with committed():
        incubator.kind = "park"  # parks_built counts it now
        incubator.save()
    assert snapshot().stale_since is not None


def test_a_delete_marks_stale(figures, committed):
    financing = factories.FinancingFactory()
    stats.stats_refresh()
    with committed():
        financing.delete()
    assert snapshot().stale_since is not None


def test_attendees_added_through_the_event_mark_stale(figures, committed):
    event, person = factories.EventFactory(), factories.EntrepreneurFactory()
    stats.stats_refresh()
    with committed():
        event.attendees.add(person)  # bulk-created attendance rows: m2m_changed, no post_save
    assert snapshot().stale_since is not None


def test_fixtures_loaded_raw_mark_stale(figures, committed):
    stats.stats_refresh()
    with committed():
        call_command("loaddata", "article", verbosity=0)
    assert snapshot().stale_since is not None


def test_generate_data_marks_stale(figures, committed):
    stats.stats_refresh()
    with committed():
        synthetic.generate(scale=0.01, seed=3)
    assert snapshot().stale_since is not None


def test_marking_without_a_snapshot_or_without_its_table_does_nothing(committed, monkeypatch, caplog):
    with committed():
        factories.FinancingFactory()  # no snapshot row: nothing to update
    assert not StatsSnapshot.objects.exists()
    monkeypatch.setattr(StatsSnapshot._meta, "db_table", "jining_no_such_table")
    caplog.set_level(logging.DEBUG, logger="overview.stats")
    with transaction.atomic():  # the failed UPDATE rolls back to here, not the test's transaction
        with committed():
            factories.FinancingFactory()  # migrate or loaddata before the table exists: no error
    assert "Stats snapshot not marked stale: no table." in caplog.text


# Reads never recompute -------------------------------------------------------------------------


def test_a_stale_snapshot_is_served_as_stored(figures, partner_client, committed, django_assert_num_queries):
    stats.stats_refresh()
    before = get_stats(partner_client)
    with committed():
        factories.FinancingFactory(amount=Decimal("1000.00"))
    StatsSnapshot.objects.update(stale_since=timezone.now() - datetime.timedelta(days=30))  # for long
    with django_assert_num_queries(5):  # as for a fresh one: nothing is computed
        data = get_stats(partner_client)
    assert data["stale"] is True
    assert tracked(data, "financing") == "150.00"  # the old value
    assert data["computed_at"] == before["computed_at"]
    stored = snapshot()
    assert (stored.changes, stored.changes_seen) == (1, 0)
    assert stored.computed_at == datetime.datetime.fromisoformat(before["computed_at"])


def test_without_a_snapshot_a_read_computes_nothing(figures, partner_client, django_assert_num_queries):
    with django_assert_num_queries(5):
        data = get_stats(partner_client)
    assert data["stale"] is True
    assert [row["tracked"] for row in data["figures"]] == [None, None]
    assert set(data["tracked_totals"].values()) == {0, "0.00"}
    assert datetime.datetime.fromisoformat(data["computed_at"]) == stats.NEVER_COMPUTED
    assert not StatsSnapshot.objects.exists()


def test_a_new_figure_is_served_null_and_stale_until_a_refresh(figures, partner_client, committed):
    stats.stats_refresh()
    with committed():
        factories.ReportedFigureFactory(key="district-financing-2", measure=Measure.FINANCING_AMOUNT)
    StatsSnapshot.objects.update(stale_since=None)  # even if the mark were lost: the figure is unknown
    data = get_stats(partner_client)
    assert tracked(data, "district-financing-2") is None and tracked(data, "financing") == "150.00"
    assert data["stale"] is True
    call_command("refresh_stats", stdout=io.StringIO())
    data = get_stats(partner_client)
    assert tracked(data, "district-financing-2") == "150.00" and data["stale"] is False


def test_a_deleted_figure_is_gone_at_once(figures, partner_client, committed):
    stats.stats_refresh()
    with committed():
        figures["settled"].delete()
    data = get_stats(partner_client)
    assert [row["key"] for row in data["figures"]] == ["financing"]
    assert data["stale"] is True  # served from the snapshot, which has one figure too many


def test_a_committed_write_requests_one_refresh(figures, committed, monkeypatch):
    stats.stats_refresh()
    requests = []
    monkeypatch.setattr(stats, "request_refresh", lambda: requests.append(1))
    with committed():
        factories.FinancingFactory()
        factories.AttendanceFactory()
    assert requests == [1]


def test_refresh_on_write_recomputes_after_the_commit(figures, committed, settings):
    settings.STATS_REFRESH_ON_WRITE = True
    stats.stats_refresh()
    with committed():
        factories.FinancingFactory(amount=Decimal("1000.00"))
    stored = snapshot()
    assert stored.trigger == "write" and stored.stale_since is None
    assert stored.tracked[str(figures["financing"].pk)].startswith("1150")
    # Through a background job (run at once in tests), queued once for the transaction.
    (job,) = Job.objects.filter(kind="stats_refresh")
    assert job.user is None and job.state == Job.State.DONE


def test_without_refresh_on_write_a_write_only_marks(figures, committed, settings):
    settings.STATS_REFRESH_ON_WRITE = False
    stats.stats_refresh(trigger="before")
    with committed():
        factories.FinancingFactory(amount=Decimal("1000.00"))
    stored = snapshot()
    assert stored.trigger == "before" and stored.stale_since is not None


# Concurrency -------------------------------------------------------------------------------------


def test_a_write_during_the_computation_leaves_the_result_stale(figures, committed):
    stats.stats_refresh()
    read_before = snapshot()  # what a computation reads first
    with committed():  # a write commits while it computes
        factories.FinancingFactory()
    result = stats.stats_refresh(current=read_before)
    stored = snapshot()
    assert stored.computed_at == result.computed_at
    assert stored.stale_since == result.computed_at  # stale from the moment the computation began
    assert (stored.changes, stored.changes_seen) == (1, 0)


def test_an_older_computation_does_not_overwrite_a_newer_one(figures, committed):
    stats.stats_refresh()
    old_read = snapshot()
    with committed():
        factories.FinancingFactory(amount=Decimal("1000.00"))
    newer = stats.stats_refresh()  # started later, saw the write
    stats.stats_refresh(current=old_read)  # finishes last, started before the write
    stored = snapshot()
    assert stored.computed_at == newer.computed_at and stored.stale_since is None
    assert stored.tracked[str(figures["financing"].pk)] == newer.tracked[str(figures["financing"].pk)]


def test_two_first_computations_at_once_do_not_fail(figures):
    stats.stats_refresh(current=None)
    stats.stats_refresh(current=None)  # its INSERT meets the row of the first: ignored
    assert StatsSnapshot.objects.count() == 1


# refresh_stats ------------------------------------------------------------------------------------


def test_refresh_stats_command(figures, committed):
    stats.stats_refresh()
    with committed():
        factories.FinancingFactory()
    out = io.StringIO()
    call_command("refresh_stats", stdout=out)
    stored = snapshot()
    assert stored.stale_since is None and stored.trigger == "refresh_stats"
    assert out.getvalue().startswith(f"Stats recomputed in {stored.duration_ms} ms, as of ")
    assert "(2 reported figures)" in out.getvalue()


# The admin ------------------------------------------------------------------------------------------


def staff_client(group_name, username):
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_serves_the_snapshot(figures, django_assert_num_queries):
    stats.stats_refresh()
    factories.FinancingFactory(amount=Decimal("1000.00"))  # not committed: no mark
    with django_assert_num_queries(2):  # snapshot, figures
        rows = dashboard.reported_figures()
    assert [row["tracked"] for row in rows if row["label"] == "实现融资"] == ["150"]  # not 1,150
    with django_assert_num_queries(3):  # the snapshot, the figures, the event outcomes
        context = dashboard.dashboard_context()
    assert context["stats_computed_at"] == snapshot().computed_at and context["stats_stale"] is False
    tiles = {label: value for label, value, _unit in context["headline_counts"]}
    assert tiles[gettext("Financing recorded")] == Decimal("150")  # not 1,150: as stored


def test_a_stale_dashboard_is_served_as_stored(figures, committed, django_assert_num_queries):
    stats.stats_refresh()
    with committed():
        factories.FinancingFactory(amount=Decimal("1000.00"))
    with django_assert_num_queries(3):  # the snapshot, the figures, the event outcomes
        context = dashboard.dashboard_context()
    assert context["stats_stale"] is True and context["dashboard_computed"] is True
    tiles = {label: value for label, value, _unit in context["headline_counts"]}
    assert tiles[gettext("Financing recorded")] == Decimal("150")


def test_the_dashboard_says_when_nothing_is_computed_yet(figures, admin_client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the snapshot, the figures, the event outcomes
        context = dashboard.dashboard_context()
    assert context["charts"] == [] and context["headline_counts"] == []
    assert context["stats_computed_at"] is None and context["stats_stale"] is True
    page = admin_client.get(reverse("admin:index")).text
    assert gettext("The dashboard has not been computed yet.") in page
    assert gettext("The stats have not been computed yet.") in page
    assert 'class="dashboard-chart"' not in page and not StatsSnapshot.objects.exists()


def test_a_snapshot_from_before_the_dashboard_series_says_so(figures, admin_client):
    stats.stats_refresh()
    StatsSnapshot.objects.update(dashboard=None)  # as migrated from the earlier version
    page = admin_client.get(reverse("admin:index")).text
    assert gettext("The dashboard has not been computed yet.") in page
    assert gettext("Reported figures beside the tracked records") in page  # the figures are shown
    assert snapshot().dashboard is None


def test_the_dashboard_shows_when_and_offers_a_refresh_to_editors(figures):
    stats.stats_refresh()
    page = staff_client(EDITOR_GROUP, "editor").get(reverse("admin:index")).text
    assert gettext("Recompute the stats now") in page
    assert reverse("admin:overview_statssnapshot_add") in page
    page = staff_client(VIEWER_GROUP, "viewer").get(reverse("admin:index")).text
    assert reverse("admin:overview_statssnapshot_add") not in page


def test_a_viewer_cannot_refresh(figures):
    stats.stats_refresh()
    before = snapshot()
    viewer = staff_client(VIEWER_GROUP, "viewer")
    assert viewer.get(reverse("admin:overview_statssnapshot_add")).status_code == 403
    assert viewer.post(reverse("admin:overview_statssnapshot_add")).status_code == 403
    assert viewer.get(reverse("admin:overview_statssnapshot_changelist")).status_code == 403
    assert snapshot().computed_at == before.computed_at


def test_an_editor_refreshes_from_the_admin(figures, committed):
    stats.stats_refresh()
    with committed():
        factories.FinancingFactory(amount=Decimal("1000.00"))
    editor = staff_client(EDITOR_GROUP, "editor")
    page = editor.get(reverse("admin:overview_statssnapshot_add"))
    assert page.status_code == 200 and 'method="post"' in page.text
    response = editor.post(reverse("admin:overview_statssnapshot_add"), follow=True)
    job = Job.objects.get(kind="stats_refresh")  # a job of the editor's, run at once in tests
    assert response.redirect_chain == [(reverse("admin:jining_job_change", args=[job.pk]), 302)]
    assert job.user.username == "editor" and job.state == Job.State.DONE
    assert [str(message) for message in response.context["messages"]] == [
        gettext("The stats are being recomputed in the background; the dashboard shows them when done.")
    ]
    stored = snapshot()
    assert job.result == {"figures": len(stored.tracked), "duration_ms": stored.duration_ms}
    assert stored.stale_since is None and stored.trigger == "admin: editor"
    assert stored.tracked[str(figures["financing"].pk)].startswith("1150")
    assert editor.get(reverse("admin:overview_statssnapshot_changelist")).status_code == 200
    assert editor.get(reverse("admin:overview_statssnapshot_change", args=[stored.pk])).status_code == 200


def test_the_snapshot_admin_is_read_only(figures, admin_client):
    stats.stats_refresh()
    model_admin = admin.site._registry[StatsSnapshot]
    request = admin_client.get(reverse("admin:index")).wsgi_request
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
    assert model_admin.status(snapshot()) == gettext("up to date")
    assert model_admin.figure_count(snapshot()) == 2
