"""The program's headline figures beside what the tracked records add up to, and the dashboard's
series: computed together (``stats_refresh``), stored in the one ``StatsSnapshot`` row, read from there.

``tracked`` of a ReportedFigure adds up the records of the same scope: the figure's incubator (with
its parts, e.g. the base inside a market), event series or event, or every record for district- and
city-wide figures. A figure with a period (``period_start``) only counts records dated within
[period_start, as_of]; a cumulative figure counts every record, dated or not. Measures with no
counterpart among the records (migrant workers, jobs created...) get ``tracked = null``. The records
are read by one grouped aggregate query per table (``overview.tallies``), then added up per figure
in Python: a fixed number of queries, however many figures there are.

* every committed write to a record the stats count (``COUNTED_MODELS``, signals connected in
  ``OverviewConfig.ready``) marks the snapshot stale with one small UPDATE, after its transaction
  commits (so the mark never waits on, or holds, a lock for the length of a long import), then
  calls ``request_refresh``;
* a read (``current_stats``: the API, the dashboard) never computes: it serves the snapshot as
  stored, saying whether it is stale;
* ``manage.py refresh_stats`` (cron), the admin and ``request_refresh`` recompute it.
"""

import datetime
import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import (
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    SpecialGroup,
    SupportMeasure,
)
from events.models import Attendance, Event, EventSeries
from incubators.models import Incubator, Residency
from jining.signals import records_bulk_written
from overview import series
from overview.models import ReportedFigure, StatsSnapshot
from overview.tallies import WIDE, ScopeKey, Window, tally

logger = logging.getLogger(__name__)

Measure = ReportedFigure.Measure
Scope = ReportedFigure.Scope

#: ``computed_at`` served before the first computation: the numbers (null, 0) count no record.
NEVER_COMPUTED = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Tracker:
    method: str  # the overview.tallies.Tallies method that adds the records up
    scopes: tuple
    basis: str


ALL_SCOPES = tuple(Scope.values)
EVENT_SCOPES = (*WIDE, Scope.INCUBATOR, Scope.EVENT_SERIES)
PLACE_SCOPES = (*WIDE, Scope.INCUBATOR)

#: What the records add up to for each measure, and for which scopes that comparison makes sense.
TRACKERS = {
    Measure.FINANCING_AMOUNT: Tracker(
        "financing_sum", PLACE_SCOPES, _("Sum of financing recorded for enterprises resident in the scope.")
    ),
    Measure.COACHING_PERSON_TIMES: Tracker(
        "attendance_count", ALL_SCOPES, _("Attendance records (person-times) at events in the scope.")
    ),
    Measure.ONSITE_PARTICIPANTS: Tracker(
        "attendance_count", ALL_SCOPES, _("Attendance records (person-times) at events in the scope.")
    ),
    Measure.TRAINING_PARTICIPANTS: Tracker(
        "training_participants",
        ALL_SCOPES,
        _("Distinct entrepreneurs who attended training events in the scope."),
    ),
    Measure.EVENTS_HELD: Tracker("event_count", EVENT_SCOPES, _("Events recorded in the scope.")),
    Measure.SESSIONS_HELD: Tracker("event_count", EVENT_SCOPES, _("Events recorded in the scope.")),
    Measure.ONLINE_VIEWS: Tracker(
        "online_views", ALL_SCOPES, _("Sum of online views of events in the scope.")
    ),
    Measure.PROJECTS_INCUBATED: Tracker(
        "residency_count", PLACE_SCOPES, _("Residencies recorded in the scope (incubator and its parts).")
    ),
    Measure.ENTITIES_SETTLED: Tracker(
        "residency_count", PLACE_SCOPES, _("Residencies recorded in the scope (incubator and its parts).")
    ),
    Measure.ENTITIES_SUPPORTED: Tracker(
        "supported_enterprises",
        PLACE_SCOPES,
        _("Distinct enterprises with a support measure recorded in the scope."),
    ),
    Measure.SMES_SERVED: Tracker(
        "supported_enterprises",
        PLACE_SCOPES,
        _("Distinct enterprises with a support measure recorded in the scope."),
    ),
    Measure.PARKS_BUILT: Tracker(
        "park_count", WIDE, _("Incubators recorded that are maker spaces, incubation bases or parks.")
    ),
    Measure.ONLINE_SALES: Tracker(
        "online_sales_sum",
        PLACE_SCOPES,
        _("Sum of yearly online sales of enterprises resident in the scope."),
    ),
}


def tracker_of(figure):
    """The Tracker of ``figure``'s measure, if one counts it for the figure's scope."""
    tracker = TRACKERS.get(figure.measure)
    return tracker if tracker and figure.scope in tracker.scopes else None


def tracked_basis(figure):
    """Which records ``tracked`` adds up for ``figure`` (None when none count its measure)."""
    tracker = tracker_of(figure)
    return tracker.basis if tracker else None


TOTALS = (
    "incubators",
    "entrepreneurs",
    "enterprises",
    "residencies",
    "events",
    "attendance_person_times",
    "support_measures",
    "financing_count",
    "financing_total",
)


def tracked_totals(tallies):
    """What the records in the system add up to overall (the keys of ``TOTALS``)."""
    return {
        "incubators": len(tallies.incubators),
        "entrepreneurs": sum(tallies.returnees.values()),
        "enterprises": tallies.enterprises,
        "residencies": sum(row["total"] for row in tallies.residencies),
        "events": len(tallies.events),
        "attendance_person_times": sum(tallies.attendance.values()),
        "support_measures": tallies.support_measures,
        "financing_count": sum(row["n"] for row in tallies.financing),
        "financing_total": sum(row["total"] for row in tallies.financing),
    }


def _compute(figures):
    """``(tracked per figure id, tracked totals, dashboard series)``, read from the records now."""
    figures = list(figures)
    jobs = {
        figure.pk: (tracker.method, ScopeKey.of(figure), Window.of(figure))
        for figure in figures
        if (tracker := tracker_of(figure))
    }
    tallies = tally(jobs.values())
    tracked = {figure.pk: None for figure in figures}
    for pk, (method, key, window) in jobs.items():
        tracked[pk] = getattr(tallies, method)(key, window)
    return tracked, tracked_totals(tallies), series.dashboard_series(tallies)


def compute_stats():
    """``{"figures": [...], "tracked_totals": {...}, "dashboard": {...}}`` computed now, without the
    snapshot; each figure with ``tracked`` and ``tracked_basis``."""
    figures = list(ReportedFigure.objects.select_related("incubator", "event_series", "event", "source"))
    tracked, totals, dashboard = _compute(figures)
    for figure in figures:
        figure.tracked, figure.tracked_basis = tracked[figure.pk], tracked_basis(figure)
    return {"figures": figures, "tracked_totals": totals, "dashboard": dashboard}


# --- the snapshot ---

#: Every model whose rows the stats count, or whose fields decide what a figure's scope holds
#: (an incubator's parts and kind, an event series' host) or what the dashboard shows (special
#: groups): a write to any of them marks the snapshot stale. Attendance is also ``Event.attendees``'
#: table, and special-group memberships are ``Entrepreneur.special_groups``' (``m2m_changed``).
COUNTED_MODELS = (
    ReportedFigure,
    Incubator,
    Residency,
    Entrepreneur,
    Enterprise,
    EnterpriseFigure,
    SupportMeasure,
    Financing,
    EventSeries,
    Event,
    Attendance,
    SpecialGroup,
)
COUNTED_M2M = {"attendees": Event.attendees.through, "special_groups": Entrepreneur.special_groups.through}


def _encode(value):
    """JSON keeps decimals exact as strings."""
    return str(value) if isinstance(value, Decimal) else value


def _decode(value):
    return Decimal(value) if isinstance(value, str) else value


def request_refresh():
    """Ask for the snapshot to be recomputed: called once per committed transaction that changed
    counted records, after marking it stale. With ``settings.STATS_REFRESH_ON_WRITE`` (the default)
    it queues one background recompute (at most one waits: ``overview.tasks``); the workers also
    recompute on their schedule (``JOB_SCHEDULE``), and staff or ``refresh_stats`` on demand."""
    if settings.STATS_REFRESH_ON_WRITE:
        from overview.tasks import queue_stats_refresh  # tasks imports this module

        queue_stats_refresh(trigger="write")


def _marker(using):
    """The on-commit callback that marks the snapshot of database ``using`` stale (one per alias)."""

    def mark_stats_stale():
        setattr(connections[using], _PENDING, None)  # a later write queues a new mark
        try:
            StatsSnapshot.objects.using(using).filter(pk=StatsSnapshot.SINGLE_ROW).update(
                changes=F("changes") + 1, stale_since=Coalesce("stale_since", Value(timezone.now()))
            )
        except DatabaseError:  # no table yet (migrate, loaddata into an older schema): nothing to mark
            logger.debug("Stats snapshot not marked stale: no table.", exc_info=True)
            return
        request_refresh()

    return mark_stats_stale


_MARKERS = {}
_PENDING = "_jining_stats_mark_pending"


def stats_mark_stale(*, using=DEFAULT_DB_ALIAS):
    """Mark the snapshot stale when the current transaction commits (at once outside a transaction),
    then ``request_refresh()``.

    One UPDATE per transaction, however many rows it writes: while a mark is queued in the
    transaction's on-commit list, later writes add none. Django replaces that list (an attribute of
    the connection) on commit and on rollback, which is how a queued mark is recognised in O(1).
    """
    connection = connections[using]
    if connection.in_atomic_block and getattr(connection, _PENDING, None) is connection.run_on_commit:
        return
    marker = _MARKERS.setdefault(using, _marker(using))
    transaction.on_commit(marker, using=using, robust=True)
    if connection.in_atomic_block:
        setattr(connection, _PENDING, connection.run_on_commit)


def _records_changed(sender, using=DEFAULT_DB_ALIAS, action="post_", **kwargs):
    """post_save, post_delete and m2m_changed of the counted models, raw saves (loaddata) included,
    and ``records_bulk_written`` (imports)."""
    if action.startswith("post_"):
        stats_mark_stale(using=using)


def connect_signals():
    """Called by ``OverviewConfig.ready``."""
    for model in COUNTED_MODELS:
        uid = f"overview.stats.{model._meta.label_lower}"
        post_save.connect(_records_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_records_changed, sender=model, dispatch_uid=f"{uid}.delete")
    for name, through in COUNTED_M2M.items():
        m2m_changed.connect(_records_changed, sender=through, dispatch_uid=f"overview.stats.{name}")
    for model in {*COUNTED_MODELS, *COUNTED_M2M.values()}:
        records_bulk_written.connect(
            _records_changed, sender=model, dispatch_uid=f"overview.stats.{model._meta.label_lower}.bulk"
        )


_UNREAD = object()
STORED_FIELDS = (
    "computed_at",
    "duration_ms",
    "tracked",
    "tracked_totals",
    "dashboard",
    "changes_seen",
    "trigger",
)
#: Only what ``_compute`` reads of a figure.
FIGURE_FIELDS = ("id", "measure", "scope", "incubator", "event_series", "event", "period_start", "as_of")


def stats_refresh(*, trigger="", current=_UNREAD):
    """Compute the stats and the dashboard's series now and store them as the snapshot; return it
    (not re-read).

    ``current`` is the snapshot row as the caller read it (None: there was none), to save a query. Its
    ``changes`` counter is read before any record is, so a write that commits during the computation
    leaves the stored snapshot stale. Two computations at once both store: an UPDATE of the one row
    (the later-started wins: ``changes_seen`` never goes back), or for the very first one an INSERT
    that ignores a conflict; neither raises.
    """
    if current is _UNREAD:
        current = StatsSnapshot.objects.filter(pk=StatsSnapshot.SINGLE_ROW).first()
    seen = current.changes if current else 0
    started, clock = timezone.now(), time.monotonic()
    tracked, totals, dashboard = _compute(ReportedFigure.objects.order_by().only(*FIGURE_FIELDS))
    snapshot = StatsSnapshot(
        pk=StatsSnapshot.SINGLE_ROW,
        computed_at=started,
        duration_ms=round((time.monotonic() - clock) * 1000),
        tracked={str(pk): _encode(value) for pk, value in tracked.items()},
        tracked_totals={name: _encode(value) for name, value in totals.items()},
        dashboard=dashboard,
        changes=seen,
        changes_seen=seen,
        trigger=trigger[:150],
    )
    values = {field: getattr(snapshot, field) for field in STORED_FIELDS}
    if current is None:
        StatsSnapshot.objects.bulk_create([snapshot], ignore_conflicts=True)
    else:
        still_fresh = When(changes=seen, then=Value(None))
        StatsSnapshot.objects.filter(pk=StatsSnapshot.SINGLE_ROW, changes_seen__lte=seen).update(
            **values, stale_since=Case(still_fresh, default=Value(started), output_field=DateTimeField())
        )
    return snapshot


def current_stats(*, figures=None, rows=None, dashboard=True):
    """What StatsSerializer renders, read from the snapshot and never computed (2 queries): the
    reported ``figures`` (all, or the given queryset, with their briefs joined), each with ``tracked``
    and ``tracked_basis``; ``tracked_totals``; ``computed_at``; ``stale``; and the ``dashboard``
    series as stored (None until a computation stores them, or when ``dashboard`` is false: then
    the series are not read at all).

    ``rows`` instead of ``figures``: a ``values()`` queryset of figures (with ``id``, ``measure``
    and ``scope``), whose dicts get ``tracked`` and ``tracked_basis`` as keys (the API's lean path).

    ``stale`` is true when records changed since the computation, or a figure is newer than it
    (``tracked`` null). Before the first computation every ``tracked`` is null, the totals are 0,
    ``computed_at`` is ``NEVER_COMPUTED`` and ``stale`` is true.
    """
    snapshots = StatsSnapshot.objects.filter(pk=StatsSnapshot.SINGLE_ROW)
    snapshot = (snapshots if dashboard else snapshots.defer("dashboard")).first()
    stored = snapshot.tracked if snapshot else {}
    if rows is not None:
        figures = list(rows)
        for row in figures:
            row["tracked"] = _decode(stored.get(str(row["id"])))
            row["tracked_basis"] = tracked_basis(SimpleNamespace(measure=row["measure"], scope=row["scope"]))
        ids = [str(row["id"]) for row in figures]
    else:
        queryset = ReportedFigure.objects.all() if figures is None else figures
        figures = list(queryset.select_related("incubator", "event_series", "event", "source"))
        for figure in figures:
            figure.tracked = _decode(stored.get(str(figure.pk)))
            figure.tracked_basis = tracked_basis(figure)
        ids = [str(figure.pk) for figure in figures]
    if snapshot is None:
        totals = dict.fromkeys(TOTALS, 0)
    else:
        totals = {name: _decode(value) for name, value in snapshot.tracked_totals.items()}
    return {
        "figures": figures,
        "tracked_totals": totals,
        "computed_at": snapshot.computed_at if snapshot else NEVER_COMPUTED,
        "stale": snapshot is None or snapshot.stale_since is not None or any(pk not in stored for pk in ids),
        "dashboard": snapshot.dashboard if snapshot and dashboard else None,
    }
