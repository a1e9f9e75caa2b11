"""The program's headline figures beside what the tracked records add up to, computed by the database.

Every ReportedFigure is annotated, in ONE query, with ``tracked``: a CASE over (measure, scope) whose
branches are correlated subqueries (SubqueryCount/SubquerySum) over the records of the same scope:
the figure's incubator (with its parts, e.g. the base inside a market), event series or event, or
every record for district- and city-wide figures. A figure with a period (``period_start``) only
counts records dated within [period_start, as_of]; a cumulative figure counts every record, dated or not.
Measures with no counterpart among the records (migrant workers, jobs created...) get ``tracked = null``.

``tracked_totals`` adds one aggregate query per table: a fixed number of queries, however many
figures there are. At province scale that still takes seconds, so the result is kept in the one
``StatsSnapshot`` row, shared by every worker, and served from there (``current_stats``):

* every committed write to a record the stats count (``COUNTED_MODELS``, signals connected in
  ``OverviewConfig.ready``) marks the snapshot stale with one small UPDATE, after its transaction
  commits (so the mark never waits on, or holds, a lock for the length of a long import);
* a read serves a fresh snapshot as is (2 queries), and a stale one for up to
  ``settings.STATS_MAX_STALENESS`` seconds; older, missing, or lacking a figure that exists now, it
  is recomputed (``stats_refresh``), stored and served;
* ``manage.py refresh_stats`` (cron) and the admin recompute it on demand.
"""

import datetime
import logging
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Enterprise, EnterpriseFigure, Entrepreneur, Financing, SupportMeasure
from events.models import Attendance, Event, EventKind, EventSeries
from incubators.models import Incubator, Residency
from jining.aggregates import SubqueryCount, SubquerySum
from overview.models import ReportedFigure, StatsSnapshot

logger = logging.getLogger(__name__)

Measure = ReportedFigure.Measure
Scope = ReportedFigure.Scope

EARLIEST = datetime.date(1, 1, 1)
LATEST = datetime.date(9999, 12, 31)
TRACKED_FIELD = DecimalField(max_digits=18, decimal_places=2)

WIDE = (Scope.DISTRICT, Scope.CITY)  # all records of the program count
PARK_KINDS = [Incubator.Kind.MAKER_SPACE, Incubator.Kind.INCUBATION_BASE, Incubator.Kind.PARK]


def outer(name, depth=1):
    """A reference to the figure row's column ``name`` from a subquery ``depth`` levels down."""
    ref = OuterRef(name)
    for _level in range(depth - 1):
        ref = OuterRef(ref)
    return ref


def in_window(queryset, date_field):
    """Records dated within the figure's window; undated records count only for cumulative figures."""
    return queryset.alias(_dated=Coalesce(date_field, Value(EARLIEST), output_field=DateField())).filter(
        _dated__gte=outer("window_start"), _dated__lte=outer("window_end")
    )


def incubator_q(path, depth=1):
    """The record at ``path`` is the figure's incubator or one of its parts."""
    ref = outer("incubator", depth)
    return Q(**{path: ref}) | Q(**{f"{path}__parent": ref})


def events_q(scope, prefix=""):
    """Events (reached through ``prefix``, e.g. "event__") in the figure's scope."""
    if scope in WIDE:
        return Q()
    if scope == Scope.INCUBATOR:
        return incubator_q(f"{prefix}host_incubator") | incubator_q(f"{prefix}series__host_incubator")
    if scope == Scope.EVENT_SERIES:
        return Q(**{f"{prefix}series": outer("event_series")})
    return Q(**{f"{prefix}id": outer("event")})


def enterprises_q(scope, path="enterprise"):
    """Records of enterprises resident (at any time) in the figure's incubator; all for wide scopes."""
    if scope in WIDE:
        return Q()
    return Q(Exists(Residency.objects.filter(incubator_q("incubator", depth=2), enterprise=OuterRef(path))))


# --- one function per kind of record: (scope) -> a subquery expression for the figure row ---


def financing_sum(scope):
    rows = Financing.objects.filter(enterprises_q(scope))
    return SubquerySum(in_window(rows, "date"), "amount")


def attendance_count(scope):
    rows = Attendance.objects.filter(events_q(scope, "event__"))
    return SubqueryCount(in_window(rows, "event__start_date"))


def training_participants(scope):
    rows = Attendance.objects.filter(events_q(scope, "event__"), event__kind=EventKind.TRAINING)
    return SubqueryCount(in_window(rows, "event__start_date").values("entrepreneur").distinct())


def event_count(scope):
    return SubqueryCount(in_window(Event.objects.filter(events_q(scope)), "start_date"))


def online_views(scope):
    return SubquerySum(in_window(Event.objects.filter(events_q(scope)), "start_date"), "online_views")


def residency_count(scope):
    rows = Residency.objects.all() if scope in WIDE else Residency.objects.filter(incubator_q("incubator"))
    return SubqueryCount(in_window(rows, "start_date"))


def supported_enterprises(scope):
    rows = SupportMeasure.objects.filter(enterprise__isnull=False)
    if scope == Scope.INCUBATOR:
        rows = rows.filter(incubator_q("incubator"))
    return SubqueryCount(in_window(rows, "date").values("enterprise").distinct())


def park_count(scope):
    return SubqueryCount(Incubator.objects.filter(kind__in=PARK_KINDS))


def online_sales(scope):
    rows = EnterpriseFigure.objects.filter(
        enterprises_q(scope),
        measure=EnterpriseFigure.Measure.ONLINE_SALES,
        year__gte=outer("window_start_year"),
        year__lte=outer("window_end_year"),
    )
    return SubquerySum(rows, "value")


@dataclass(frozen=True)
class Tracker:
    compute: object
    scopes: tuple
    basis: str


ALL_SCOPES = tuple(Scope.values)
EVENT_SCOPES = (*WIDE, Scope.INCUBATOR, Scope.EVENT_SERIES)
PLACE_SCOPES = (*WIDE, Scope.INCUBATOR)

#: What the records add up to for each measure, and for which scopes that comparison makes sense.
TRACKERS = {
    Measure.FINANCING_AMOUNT: Tracker(
        financing_sum, PLACE_SCOPES, _("Sum of financing recorded for enterprises resident in the scope.")
    ),
    Measure.COACHING_PERSON_TIMES: Tracker(
        attendance_count, ALL_SCOPES, _("Attendance records (person-times) at events in the scope.")
    ),
    Measure.ONSITE_PARTICIPANTS: Tracker(
        attendance_count, ALL_SCOPES, _("Attendance records (person-times) at events in the scope.")
    ),
    Measure.TRAINING_PARTICIPANTS: Tracker(
        training_participants,
        ALL_SCOPES,
        _("Distinct entrepreneurs who attended training events in the scope."),
    ),
    Measure.EVENTS_HELD: Tracker(event_count, EVENT_SCOPES, _("Events recorded in the scope.")),
    Measure.SESSIONS_HELD: Tracker(event_count, EVENT_SCOPES, _("Events recorded in the scope.")),
    Measure.ONLINE_VIEWS: Tracker(online_views, ALL_SCOPES, _("Sum of online views of events in the scope.")),
    Measure.PROJECTS_INCUBATED: Tracker(
        residency_count, PLACE_SCOPES, _("Residencies recorded in the scope (incubator and its parts).")
    ),
    Measure.ENTITIES_SETTLED: Tracker(
        residency_count, PLACE_SCOPES, _("Residencies recorded in the scope (incubator and its parts).")
    ),
    Measure.ENTITIES_SUPPORTED: Tracker(
        supported_enterprises,
        PLACE_SCOPES,
        _("Distinct enterprises with a support measure recorded in the scope."),
    ),
    Measure.SMES_SERVED: Tracker(
        supported_enterprises,
        PLACE_SCOPES,
        _("Distinct enterprises with a support measure recorded in the scope."),
    ),
    Measure.PARKS_BUILT: Tracker(
        park_count, WIDE, _("Incubators recorded that are maker spaces, incubation bases or parks.")
    ),
    Measure.ONLINE_SALES: Tracker(
        online_sales, PLACE_SCOPES, _("Sum of yearly online sales of enterprises resident in the scope.")
    ),
}


def tracked_expression():
    """CASE (measure, scope) WHEN … THEN <subquery> … ELSE NULL, for ReportedFigure rows."""
    whens = [
        When(measure=measure, scope=scope, then=tracker.compute(scope))
        for measure, tracker in TRACKERS.items()
        for scope in tracker.scopes
    ]
    return Case(*whens, default=Value(None), output_field=TRACKED_FIELD)


def figures_with_tracked(queryset=None):
    """Reported figures, each annotated with ``tracked`` (one query)."""
    queryset = ReportedFigure.objects.all() if queryset is None else queryset
    window_end = Case(When(period_start__isnull=True, then=Value(LATEST)), default=F("as_of"))
    return (
        queryset.select_related("incubator", "event_series", "event", "source")
        .annotate(
            window_start=Coalesce("period_start", Value(EARLIEST), output_field=DateField()),
            window_end=window_end,
            window_start_year=ExtractYear(
                Coalesce("period_start", Value(EARLIEST), output_field=DateField())
            ),
            window_end_year=ExtractYear(window_end),
        )
        .annotate(tracked=tracked_expression())
    )


def tracked_totals():
    """What the records in the system add up to overall (one aggregate query per table)."""
    financing = Financing.objects.aggregate(count=Count("id"), total=Sum("amount"))
    return {
        "incubators": Incubator.objects.count(),
        "entrepreneurs": Entrepreneur.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "residencies": Residency.objects.count(),
        "events": Event.objects.count(),
        "attendance_person_times": Attendance.objects.count(),
        "support_measures": SupportMeasure.objects.count(),
        "financing_count": financing["count"],
        "financing_total": financing["total"] or 0,
    }


def tracked_basis(figure):
    """Which records ``tracked`` adds up for ``figure`` (None when none count its measure)."""
    tracker = TRACKERS.get(figure.measure)
    return tracker.basis if tracker and figure.scope in tracker.scopes else None


def compute_stats():
    """``{"figures": [...], "tracked_totals": {...}}`` computed now, without the snapshot."""
    figures = list(figures_with_tracked())
    for figure in figures:  # labels only: the numbers came from the database above
        figure.tracked_basis = tracked_basis(figure)
    return {"figures": figures, "tracked_totals": tracked_totals()}


# --- the snapshot ---

#: Every model whose rows the stats count, or whose fields decide what a figure's scope holds
#: (an incubator's parts and kind, an event series' host): a write to any of them marks the snapshot
#: stale. Attendance is also ``Event.attendees``' table (``m2m_changed``).
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
)


def _encode(value):
    """JSON keeps decimals exact as strings."""
    return str(value) if isinstance(value, Decimal) else value


def _decode(value):
    return Decimal(value) if isinstance(value, str) else value


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

    return mark_stats_stale


_MARKERS = {}
_PENDING = "_jining_stats_mark_pending"


def stats_mark_stale(*, using=DEFAULT_DB_ALIAS):
    """Mark the snapshot stale when the current transaction commits (at once outside a transaction).

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
    """post_save, post_delete and m2m_changed of the counted models, raw saves (loaddata) included."""
    if action.startswith("post_"):
        stats_mark_stale(using=using)


def connect_signals():
    """Called by ``OverviewConfig.ready``."""
    for model in COUNTED_MODELS:
        uid = f"overview.stats.{model._meta.label_lower}"
        post_save.connect(_records_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_records_changed, sender=model, dispatch_uid=f"{uid}.delete")
    attendees = Event.attendees.through
    m2m_changed.connect(_records_changed, sender=attendees, dispatch_uid="overview.stats.attendees")


_UNREAD = object()
STORED_FIELDS = ("computed_at", "duration_ms", "tracked", "tracked_totals", "changes_seen", "trigger")


def stats_refresh(*, trigger="", current=_UNREAD):
    """Compute the stats now and store them as the snapshot; return it (not re-read).

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
    tracked = dict(figures_with_tracked(ReportedFigure.objects.order_by()).values_list("id", "tracked"))
    totals = tracked_totals()
    snapshot = StatsSnapshot(
        pk=StatsSnapshot.SINGLE_ROW,
        computed_at=started,
        duration_ms=round((time.monotonic() - clock) * 1000),
        tracked={str(pk): _encode(value) for pk, value in tracked.items()},
        tracked_totals={name: _encode(value) for name, value in totals.items()},
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


def _needs_refresh(snapshot, figures):
    if snapshot is None:
        return True
    if any(str(figure.pk) not in snapshot.tracked for figure in figures):
        return True
    if snapshot.stale_since is None:
        return False
    age = timezone.now() - snapshot.stale_since
    return age >= datetime.timedelta(seconds=settings.STATS_MAX_STALENESS)


def current_stats(*, figures=None, trigger="api"):
    """What StatsSerializer renders: the reported ``figures`` (all, or the given queryset, with their
    briefs joined), each with ``tracked`` and ``tracked_basis``; ``tracked_totals``; ``computed_at``
    and ``stale``. From the snapshot: 2 queries when it is usable, else recomputed first."""
    queryset = ReportedFigure.objects.all() if figures is None else figures
    snapshot = StatsSnapshot.objects.filter(pk=StatsSnapshot.SINGLE_ROW).first()
    rows = list(queryset.select_related("incubator", "event_series", "event", "source"))
    stale = snapshot is not None and snapshot.stale_since is not None
    if _needs_refresh(snapshot, rows):
        snapshot, stale = stats_refresh(trigger=trigger, current=snapshot), False
    for figure in rows:
        figure.tracked = _decode(snapshot.tracked.get(str(figure.pk)))
        figure.tracked_basis = tracked_basis(figure)
    return {
        "figures": rows,
        "tracked_totals": {name: _decode(value) for name, value in snapshot.tracked_totals.items()},
        "computed_at": snapshot.computed_at,
        "stale": stale,
    }
