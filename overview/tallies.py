"""What the records add up to, read by one grouped aggregate query per table (``tally``).

The stats snapshot adds these groups up per reported figure (``overview.stats``) and draws the
dashboard's series from them (``overview.series``). A figure counts the records of its scope
(``ScopeKey``) dated within its window (``Window``). Most tables are grouped by date, the grain of a
window, with one filtered aggregate per incubator a figure names; events come one row each, with
their attendance counted per event. Distinct counts cannot be added up from groups: each is a
filtered ``COUNT(DISTINCT …)`` per (scope, window), all in one aggregate query per table. So the
number of queries is the same however many figures there are.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Q, Sum

from entrepreneurs.models import Enterprise, EnterpriseFigure, Entrepreneur, Financing, SupportMeasure
from events.models import Attendance, Event, EventKind
from incubators.models import Incubator, Residency, current_residency
from overview.models import ReportedFigure

EARLIEST = datetime.date(1, 1, 1)
LATEST = datetime.date(9999, 12, 31)
WIDE = (ReportedFigure.Scope.DISTRICT, ReportedFigure.Scope.CITY)  # every record of the program counts
PARK_KINDS = (Incubator.Kind.MAKER_SPACE, Incubator.Kind.INCUBATION_BASE, Incubator.Kind.PARK)


@dataclass(frozen=True, order=True)
class Window:
    """The dates a figure counts: ``[period_start, as_of]``, or every date for a cumulative figure.

    An undated record (an event without a date) falls on ``EARLIEST``: only cumulative figures count it.
    """

    start: datetime.date = EARLIEST
    end: datetime.date = LATEST

    @classmethod
    def of(cls, figure):
        return cls() if figure.period_start is None else cls(figure.period_start, figure.as_of)

    def holds(self, day):
        return self.start <= (EARLIEST if day is None else day) <= self.end

    def holds_year(self, year):
        return self.start.year <= year <= self.end.year

    def q(self, path):
        """The records whose date at ``path`` the window holds."""
        if self == Window():
            return Q()
        dated = Q(**{f"{path}__gte": self.start, f"{path}__lte": self.end})
        return dated | Q(**{f"{path}__isnull": True}) if self.holds(None) else dated


class ScopeKey(NamedTuple):
    """Whose records a figure counts: every record (``ALL``), or those of one incubator (with its
    parts: its child incubators), event series or event."""

    kind: str  # "all", or the scope's field: "incubator", "event_series", "event"
    id: int | None = None

    @classmethod
    def of(cls, figure):
        if figure.scope in WIDE:
            return ALL
        return cls(figure.scope, getattr(figure, f"{figure.scope}_id"))


ALL = ScopeKey("all")


class EventRow(NamedTuple):
    id: int
    day: datetime.date | None
    kind: str
    host: int | None
    series: int | None
    series_host: int | None
    online_views: int | None


#: The Tallies methods that read a distinct count, and those that read one column per incubator.
DISTINCT = ("training_participants", "supported_enterprises")
PER_INCUBATOR = ("financing_sum", "residency_count", "online_sales_sum")


def _column(key):
    return "total" if key == ALL else f"in_{key.id}"


def _add(rows, column, holds):
    return sum((row[column] or 0 for row in rows if holds(row)), Decimal(0))


@dataclass
class Tallies:
    """The grouped rows of every table the stats count, and per (scope, window) what they add up to."""

    incubators: list  # (id, parent id, kind)
    events: list[EventRow]
    attendance: dict  # event id -> attendance rows
    residencies: list  # per start date: "total", "current" and "in_<incubator>" counts
    financing: list  # per (date, kind): "total", "n" (rows) and "in_<incubator>" sums
    online_sales: list  # per year: "total" and "in_<incubator>" sums
    distinct: dict  # (method, scope key, window) -> count
    support_measures: int
    returnees: dict  # return year (None: not known) -> entrepreneurs
    enterprises: int

    def __post_init__(self):
        self.parts = _parts(self.incubators)
        self._in_scope = {}

    def members(self, incubator):
        """The incubator and its parts."""
        return {incubator} | self.parts[incubator]

    def events_in(self, key):
        """The events of the scope: hosted by the incubator (or a part), or in a series it hosts."""
        if key not in self._in_scope:
            if key == ALL:
                rows = self.events
            elif key.kind == "incubator":
                members = self.members(key.id)
                rows = [e for e in self.events if e.host in members or e.series_host in members]
            elif key.kind == "event_series":
                rows = [e for e in self.events if e.series == key.id]
            else:
                rows = [e for e in self.events if e.id == key.id]
            self._in_scope[key] = rows
        return self._in_scope[key]

    def _events(self, key, window):
        return [event for event in self.events_in(key) if window.holds(event.day)]

    # --- one method per Tracker in overview.stats: (scope key, window) -> Decimal ---

    def attendance_count(self, key, window):
        return Decimal(sum(self.attendance.get(event.id, 0) for event in self._events(key, window)))

    def training_participants(self, key, window):
        return Decimal(self.distinct["training_participants", key, window])

    def event_count(self, key, window):
        return Decimal(len(self._events(key, window)))

    def online_views(self, key, window):
        return Decimal(sum(event.online_views or 0 for event in self._events(key, window)))

    def residency_count(self, key, window):
        return _add(self.residencies, _column(key), lambda row: window.holds(row["start_date"]))

    def supported_enterprises(self, key, window):
        return Decimal(self.distinct["supported_enterprises", key, window])

    def park_count(self, key, window):
        return Decimal(sum(kind in PARK_KINDS for _pk, _parent, kind in self.incubators))

    def financing_sum(self, key, window):
        return _add(self.financing, _column(key), lambda row: window.holds(row["date"]))

    def online_sales_sum(self, key, window):
        return _add(self.online_sales, _column(key), lambda row: window.holds_year(row["year"]))


def _parts(incubators):
    parts = defaultdict(set)
    for pk, parent, _kind in incubators:
        if parent is not None:
            parts[parent].add(pk)
    return parts


def _events_q(key, members, prefix=""):
    """The events (reached through ``prefix``) of the scope, as Tallies.events_in selects them."""
    if key == ALL:
        return Q()
    if key.kind == "incubator":
        inside = members(key.id)
        return Q(**{f"{prefix}host_incubator__in": inside}) | Q(
            **{f"{prefix}series__host_incubator__in": inside}
        )
    if key.kind == "event_series":
        return Q(**{f"{prefix}series": key.id})
    return Q(**{f"{prefix}id": key.id})


def _distinct_counts(queryset, column, wanted, scope_q, date_path, **totals):
    """One aggregate query: ``totals``, and COUNT(DISTINCT column) per (scope key, window) wanted."""
    aggregates = {
        f"d{n}": Count(column, distinct=True, filter=(scope_q(key) & window.q(date_path)) or None)
        for n, (key, window) in enumerate(wanted)
    }
    if not aggregates and not totals:
        return {}, {}
    row = queryset.aggregate(**totals, **aggregates)
    return {item: row[f"d{n}"] for n, item in enumerate(wanted)}, {name: row[name] for name in totals}


def tally(needs=()) -> Tallies:
    """Read the groups: 10 queries at most. ``needs``: (Tallies method, scope key, window) per figure."""
    needs = list(needs)
    incubators = list(Incubator.objects.order_by().values_list("id", "parent_id", "kind"))
    parts = _parts(incubators)

    def members(incubator):
        return sorted({incubator} | parts[incubator])

    def residents(incubator):
        return Residency.objects.filter(incubator__in=members(incubator)).values("enterprise")

    per_incubator = sorted(
        {key.id for method, key, _window in needs if method in PER_INCUBATOR and key.kind == "incubator"}
    )
    wanted = {
        method: sorted({(key, window) for m, key, window in needs if m == method}) for method in DISTINCT
    }

    residencies = (
        Residency.objects.order_by()
        .values("start_date")
        .annotate(
            total=Count("id"),
            current=Count("id", filter=current_residency()),
            **{f"in_{pk}": Count("id", filter=Q(incubator__in=members(pk))) for pk in per_incubator},
        )
    )
    financing = (
        Financing.objects.order_by()
        .values("date", "kind")
        .annotate(
            total=Sum("amount"),
            n=Count("id"),
            **{f"in_{pk}": Sum("amount", filter=Q(enterprise__in=residents(pk))) for pk in per_incubator},
        )
    )
    online_sales = (
        EnterpriseFigure.objects.filter(measure=EnterpriseFigure.Measure.ONLINE_SALES)
        .order_by()
        .values("year")
        .annotate(
            total=Sum("value"),
            **{f"in_{pk}": Sum("value", filter=Q(enterprise__in=residents(pk))) for pk in per_incubator},
        )
    )
    training, _ = _distinct_counts(
        Attendance.objects.filter(event__kind=EventKind.TRAINING),
        "entrepreneur",
        wanted["training_participants"],
        lambda key: _events_q(key, members, "event__"),
        "event__start_date",
    )
    supported, support_totals = _distinct_counts(
        SupportMeasure.objects.all(),
        "enterprise",
        wanted["supported_enterprises"],
        lambda key: Q(enterprise__isnull=False) & (Q() if key == ALL else Q(incubator__in=members(key.id))),
        "date",
        support_measures=Count("id"),
    )
    events = Event.objects.order_by().values_list(
        "id",
        "start_date",
        "kind",
        "host_incubator_id",
        "series_id",
        "series__host_incubator_id",
        "online_views",
    )
    attendance = Attendance.objects.order_by().values_list("event_id").annotate(n=Count("id"))
    returnees = Entrepreneur.objects.order_by().values_list("return_year").annotate(n=Count("id"))
    return Tallies(
        incubators=incubators,
        events=[EventRow(*row) for row in events],
        attendance=dict(attendance),
        residencies=list(residencies),
        financing=list(financing),
        online_sales=list(online_sales),
        distinct={
            **{("training_participants", *item): n for item, n in training.items()},
            **{("supported_enterprises", *item): n for item, n in supported.items()},
        },
        support_measures=support_totals["support_measures"],
        returnees=dict(returnees),
        enterprises=Enterprise.objects.count(),
    )
