"""The program's headline figures beside what the tracked records add up to, computed by the database.

Every ReportedFigure is annotated, in ONE query, with ``tracked``: a CASE over (measure, scope) whose
branches are correlated subqueries (SubqueryCount/SubquerySum) over the records of the same scope:
the figure's incubator (with its parts, e.g. the base inside a market), event series or event, or
every record for district- and city-wide figures. A figure with a period (``period_start``) only
counts records dated within [period_start, as_of]; a cumulative figure counts every record, dated or not.
Measures with no counterpart among the records (migrant workers, jobs created...) get ``tracked = null``.

``tracked_totals`` adds one aggregate query per table. So /api/v1/stats/ runs a fixed number of
queries, however many figures there are.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateField,
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
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Enterprise, EnterpriseFigure, Entrepreneur, Financing, SupportMeasure
from events.models import Attendance, Event, EventKind
from incubators.models import Incubator, Residency
from jining.aggregates import SubqueryCount, SubquerySum
from jining.models import ReportedFigure

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


def compute_stats():
    """``{"figures": [...], "tracked_totals": {...}}`` for StatsSerializer."""
    figures = list(figures_with_tracked())
    for figure in figures:  # labels only: the numbers came from the database above
        tracker = TRACKERS.get(figure.measure)
        figure.tracked_basis = tracker.basis if tracker and figure.scope in tracker.scopes else None
    return {"figures": figures, "tracked_totals": tracked_totals()}
