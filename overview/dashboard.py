"""What the admin index shows: headline counts and the charts of a bureau report.

Every number comes from a database aggregate (a fixed number of queries whatever the data size); the
reported figures' tracked values come from the stats snapshot (``overview.stats``), shown with the time
they were computed.
"""

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils.translation import gettext as _

from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SpecialGroup
from events.models import Attendance, Event
from incubators.models import Incubator, Residency
from jining.formatting import format_number
from overview import charts
from overview.admin import figure_text
from overview.models import ReportedFigure
from overview.stats import current_stats


def headline_counts() -> list[tuple[str, object, str]]:
    """(label, value, unit) for the tiles at the top of the dashboard."""
    financing = Financing.objects.aggregate(total=Sum("amount"), n=Count("id"))
    return [
        (_("Entrepreneurs"), Entrepreneur.objects.count(), _("people")),
        (_("Enterprises"), Enterprise.objects.count(), _("enterprises")),
        (
            _("Current incubator residents"),
            Residency.objects.current().count(),
            _("residents"),
        ),
        (_("Events"), Event.objects.count(), _("events")),
        (_("Attendance"), Attendance.objects.count(), _("person-times")),
        (_("Financing recorded"), financing["total"] or 0, _("yuan")),
    ]


def returnees_by_year():
    rows = (
        Entrepreneur.objects.filter(return_year__isnull=False)
        .values("return_year")
        .annotate(n=Count("id"))
        .order_by("return_year")
    )
    return [(str(r["return_year"]), r["n"]) for r in rows]


def financing_by_year_and_kind():
    rows = (
        Financing.objects.annotate(year=ExtractYear("date"))
        .values("year", "kind")
        .annotate(total=Sum("amount"))
        .order_by("year", "kind")
    )
    years = sorted({r["year"] for r in rows})
    kinds = [k for k in Financing.Kind if any(r["kind"] == k for r in rows)]
    table = {(r["year"], r["kind"]): r["total"] for r in rows}
    return [str(y) for y in years], [(k.label, [table.get((y, k.value), 0) for y in years]) for k in kinds]


def events_and_attendance_by_month(limit=12):
    events = dict(
        Event.objects.filter(start_date__isnull=False)
        .annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    attendance = dict(
        Attendance.objects.filter(event__start_date__isnull=False)
        .annotate(month=TruncMonth("event__start_date"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    months = sorted(set(events) | set(attendance))[-limit:]
    labels = [f"{m:%Y-%m}" for m in months]
    return labels, [
        (_("events"), [events.get(m, 0) for m in months]),
        (_("attendance (person-times)"), [attendance.get(m, 0) for m in months]),
    ]


def enterprises_per_incubator():
    rows = (
        Incubator.objects.with_resident_count()
        .filter(resident_count__gt=0)
        .order_by("-resident_count", "name")
        .values_list("name", "resident_count")
    )
    return list(rows[:15])


def special_group_shares():
    total = Entrepreneur.objects.count()
    rows = SpecialGroup.objects.with_member_count().order_by("id").values_list("name", "member_count")
    return [(name, round(100 * n / total, 1) if total else 0) for name, n in rows]


def figure_stats():
    """The reported figures beside what the records add up to, from the stats snapshot
    (``overview.stats.current_stats``: 2 queries, or the computation first when records changed)."""
    ordered = ReportedFigure.objects.order_by("scope", "scope_name", "measure", "id")
    return current_stats(figures=ordered, trigger="admin dashboard")


def reported_figures(stats=None):
    """Each reported figure as the source put it, beside what the records add up to."""
    stats = figure_stats() if stats is None else stats
    return [
        {
            "scope_name": figure.scope_name,
            "label": figure.label,
            "reported": figure_text(figure),
            "tracked": None if figure.tracked is None else format_number(figure.tracked),
            "source": figure.source,
        }
        for figure in stats["figures"]
    ]


def dashboard_context() -> dict:
    """Everything the admin index template needs, charts already rendered as SVG."""
    none = _("No records yet.")
    years, stacks = financing_by_year_and_kind()
    months, month_stacks = events_and_attendance_by_month()
    stats = figure_stats()
    return {
        "headline_counts": headline_counts(),
        "reported_figures": reported_figures(stats),
        "stats_computed_at": stats["computed_at"],
        "stats_stale": stats["stale"],
        "charts": [
            (_("Returnees by year of return"), charts.horizontal_bars(returnees_by_year(), empty_text=none)),
            (
                _("Financing by year and type (yuan)"),
                charts.stacked_columns(years, stacks, unit=_("yuan"), empty_text=none),
            ),
            (
                _("Events and attendance by month"),
                charts.stacked_columns(months, month_stacks, empty_text=none),
            ),
            (
                _("Current residents per incubator"),
                charts.horizontal_bars(enterprises_per_incubator(), empty_text=none),
            ),
            (
                _("Share of entrepreneurs in special groups (%)"),
                charts.horizontal_bars(special_group_shares(), unit="%", empty_text=none),
            ),
        ],
    }
