"""What the assessment page of a base shows (概览 › 考核指标值 › a base): its stored indicator values
period by period, each beside the chosen rule set's threshold (met or not, and how far), with the
article's reported figures for the base beside the computed ones.

Only stored values are read (``IndicatorValue``, written by the assessment job): the page does no
work that grows with the records. The drill-down behind a figure is ``indicators.rows_behind``.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Q

from incubators.models import Incubator, Indicator, RuleSet, Threshold
from overview.indicators import base_ids
from overview.models import IndicatorValue, ReportedFigure

#: Indicators that are percentages.
RATES = {Indicator.UTILISATION, Indicator.SUCCESS_RATE, Indicator.ON_TIME_EXIT_RATE}
#: The reported figures (by measure) that speak of the same thing as an indicator; the article's
#: figures are cumulative "as of" a day, so they stand beside the yearly values, not in them.
REPORTED_AS = {
    ReportedFigure.Measure.PROJECTS_INCUBATED: Indicator.RESIDENTS,
    ReportedFigure.Measure.SMES_SERVED: Indicator.RESIDENTS,
    ReportedFigure.Measure.EVENTS_HELD: Indicator.EVENTS,
    ReportedFigure.Measure.DIRECT_EMPLOYMENT: Indicator.JOBS,
}
#: How many periods (the latest) the page shows side by side.
PERIODS_SHOWN = 6


@dataclasses.dataclass
class Cell:
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    met: bool | None
    gap: Decimal | None  # how far from the threshold when not met
    computed_at: datetime.datetime


@dataclasses.dataclass
class Row:
    indicator: str
    label: str
    rate: bool
    threshold: Threshold | None
    cells: list  # a Cell or None per period
    reported: list  # ReportedFigure


def default_rule_set(today: datetime.date | None = None) -> RuleSet | None:
    """The national rule set in force today, else any rule set in force, else the first."""
    today = today or datetime.date.today()
    in_force = RuleSet.objects.filter(effective_from__lte=today).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=today)
    )
    return (
        in_force.filter(level=RuleSet.Level.NATIONAL).first() or in_force.first() or RuleSet.objects.first()
    )


def gap(threshold: Threshold | None, value: Decimal | None) -> Decimal | None:
    """How far ``value`` is from meeting ``threshold`` (None when met or not comparable)."""
    if threshold is None or value is None or threshold.met_by(value):
        return None
    return abs(threshold.value - value)


def assessment_rows(base: Incubator, rule_set: RuleSet | None) -> tuple[list, list[Row]]:
    """The periods shown (latest ``PERIODS_SHOWN``, oldest first) and one row per indicator."""
    stored = list(
        IndicatorValue.objects.filter(incubator=base).values_list(
            "period_start", "period_end", "indicator", "value", "numerator", "denominator", "computed_at"
        )
    )
    periods = sorted({(start, end) for start, end, *_rest in stored})[-PERIODS_SHOWN:]
    values = {(start, end, indicator): rest for start, end, indicator, *rest in stored}
    thresholds = {t.indicator: t for t in rule_set.thresholds.all()} if rule_set else {}
    reported: dict[str, list] = {}
    for figure in ReportedFigure.objects.filter(incubator__in=base_ids(base)).select_related("source"):
        if figure.measure in REPORTED_AS:
            reported.setdefault(REPORTED_AS[figure.measure], []).append(figure)
    rows = []
    for indicator, label in Indicator.choices:
        threshold = thresholds.get(indicator)
        cells = []
        for start, end in periods:
            found = values.get((start, end, indicator))
            if found is None:
                cells.append(None)
                continue
            value, numerator, denominator, computed_at = found
            met = threshold.met_by(value) if threshold else None
            cells.append(Cell(value, numerator, denominator, met, gap(threshold, value), computed_at))
        rows.append(Row(indicator, label, indicator in RATES, threshold, cells, reported.get(indicator, [])))
    return periods, rows


def other_figures(base: Incubator) -> list:
    """The base's reported figures that no indicator stands for (shown below the table)."""
    return list(
        ReportedFigure.objects.filter(incubator__in=base_ids(base))
        .exclude(measure__in=list(REPORTED_AS))
        .select_related("source")
    )
