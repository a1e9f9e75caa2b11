"""What the admin index shows: headline counts, the charts of a bureau report, and the reported
figures beside what the records add up to.

Nothing here counts records: the counts and series are those the last stats computation stored in
the snapshot (``overview.series``, ``overview.stats.stats_refresh``), shown with the time they were
computed; only the reported figures themselves are read live. Two queries, whatever the data size.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from entrepreneurs.models import Financing
from jining.formatting import format_number
from overview import charts
from overview.admin import figure_text
from overview.models import ReportedFigure
from overview.stats import NEVER_COMPUTED, current_stats


def figure_stats():
    """The reported figures beside what the records add up to, and the stored dashboard series
    (``overview.stats.current_stats``: 2 queries)."""
    ordered = ReportedFigure.objects.order_by("scope", "scope_name", "measure", "id")
    return current_stats(figures=ordered)


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


def headline_counts(headline) -> list[tuple[str, object, str]]:
    """(label, value, unit) for the tiles at the top of the dashboard."""
    return [
        (_("Entrepreneurs"), headline["entrepreneurs"], _("people")),
        (_("Enterprises"), headline["enterprises"], _("enterprises")),
        (_("Current incubator residents"), headline["current_residents"], _("residents")),
        (_("Events"), headline["events"], _("events")),
        (_("Attendance"), headline["attendance"], _("person-times")),
        (_("Financing recorded"), Decimal(headline["financing_total"]), _("yuan")),
    ]


def financing_stacks(financing):
    """The stored financing series as chart stacks: (kind label, [Decimal per year])."""
    labels = dict(Financing.Kind.choices)
    return [
        (labels.get(kind, kind), [Decimal(value) for value in values]) for kind, values in financing["kinds"]
    ]


def chart_list(data):
    """(title, SVG) for each chart of the stored series."""
    none = _("No records yet.")
    financing = data["financing_by_year_and_kind"]
    months = data["events_and_attendance_by_month"]
    month_stacks = [(_("events"), months["events"]), (_("attendance (person-times)"), months["attendance"])]
    return [
        (
            _("Returnees by year of return"),
            charts.horizontal_bars(data["returnees_by_year"], empty_text=none),
        ),
        (
            _("Financing by year and type (yuan)"),
            charts.stacked_columns(
                financing["years"], financing_stacks(financing), unit=_("yuan"), empty_text=none
            ),
        ),
        (
            _("Events and attendance by month"),
            charts.stacked_columns(months["months"], month_stacks, empty_text=none),
        ),
        (
            _("Current residents per incubator"),
            charts.horizontal_bars(data["residents_per_incubator"], empty_text=none),
        ),
        (
            _("Share of entrepreneurs in special groups (%)"),
            charts.horizontal_bars(data["special_group_shares"], unit="%", empty_text=none),
        ),
    ]


def dashboard_context() -> dict:
    """Everything the admin index template needs, charts already rendered as SVG (3 queries)."""
    stats = figure_stats()
    data = stats["dashboard"]
    computed = stats["computed_at"] != NEVER_COMPUTED
    return {
        "headline_counts": [] if data is None else headline_counts(data["headline"]),
        "reported_figures": reported_figures(stats),
        "stats_computed_at": stats["computed_at"] if computed else None,
        "stats_stale": stats["stale"],
        "dashboard_computed": data is not None,
        "charts": [] if data is None else chart_list(data),
        **event_outcomes(),
    }


#: The window the dashboard shows what came of the events in, when it was counted.
OUTCOME_MONTHS = 12


def event_outcomes() -> dict:
    """What came of the events per kind, as the outcomes job stored it (1 query): the 12-month
    window when counted, else the window counted last."""
    from overview.models import EventOutcome

    rows = list(EventOutcome.objects.filter(scope=EventOutcome.Scope.KIND).order_by("-attended", "key"))
    if not rows:
        return {"outcomes": [], "outcome_months": None, "outcomes_computed_at": None}
    months = (
        OUTCOME_MONTHS
        if any(r.months == OUTCOME_MONTHS for r in rows)
        else max(rows, key=lambda r: r.computed_at).months
    )
    shown = [r for r in rows if r.months == months]
    return {"outcomes": shown, "outcome_months": months, "outcomes_computed_at": shown[0].computed_at}
