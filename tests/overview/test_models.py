"""Database constraints and clean() rules of the reported figures."""

import datetime
from decimal import Decimal

import factory
import pytest

from incubators.models import Indicator
from overview.models import ReportedFigure
from tests.constraints import (
    assert_check_constraint,
    assert_clean_error,
    assert_unique_constraint,
    case,
    constraint_names,
)
from tests.factories import (
    EventFactory,
    EventOutcomeFactory,
    EventSeriesFactory,
    IncubatorFactory,
    IndicatorValueFactory,
    ReportedFigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2019, 9, 5)

CHECK_CASES = [
    case(EventOutcomeFactory, "eventoutcome_months_positive", {"months": 0}, {"months": 1}),
    case(
        IndicatorValueFactory,
        "indicatorvalue_period_order",
        {"period_end": datetime.date(2018, 12, 31)},
        {"period_end": datetime.date(2019, 1, 1)},
    ),
    case(ReportedFigureFactory, "figure_value_not_negative", {"value": Decimal("-1")}, {"value": 0}),
    case(
        ReportedFigureFactory,
        "figure_period_start_before_end",
        {"period_start": AS_OF + datetime.timedelta(days=1)},
        {"period_start": AS_OF},
    ),
    case(
        ReportedFigureFactory,
        "figure_percent_at_most_100",
        {"unit": ReportedFigure.Unit.PERCENT, "value": Decimal("100.01")},
        {"unit": ReportedFigure.Unit.PERCENT, "value": Decimal("100")},
    ),
    case(
        ReportedFigureFactory,
        "figure_percent_at_most_100",
        {"unit": ReportedFigure.Unit.PERCENT, "value": Decimal("6267")},
        {"unit": ReportedFigure.Unit.PERSON_TIME, "value": Decimal("6267")},
        id="figure_percent_at_most_100-only-percent",
    ),
    case(
        ReportedFigureFactory,
        "figure_scope_has_its_object",
        {"scope": ReportedFigure.Scope.INCUBATOR},
        {"scope": ReportedFigure.Scope.INCUBATOR, "incubator": factory.SubFactory(IncubatorFactory)},
        id="figure_scope_has_its_object-incubator",
    ),
    case(
        ReportedFigureFactory,
        "figure_scope_has_its_object",
        {"scope": ReportedFigure.Scope.EVENT_SERIES},
        {"scope": ReportedFigure.Scope.EVENT_SERIES, "event_series": factory.SubFactory(EventSeriesFactory)},
        id="figure_scope_has_its_object-event_series",
    ),
    case(
        ReportedFigureFactory,
        "figure_scope_has_its_object",
        {"scope": ReportedFigure.Scope.EVENT, "incubator": factory.SubFactory(IncubatorFactory)},
        {"scope": ReportedFigure.Scope.EVENT, "event": factory.SubFactory(EventFactory)},
        id="figure_scope_has_its_object-event",
    ),
    case(
        ReportedFigureFactory,
        "figure_scope_has_its_object",
        {"scope": "county"},
        {"scope": ReportedFigure.Scope.CITY},
        id="figure_scope_has_its_object-unknown-scope",
    ),
]

UNIQUE_CASES = [
    case(ReportedFigureFactory, "figure_unique_per_source", {}, {"as_of": datetime.date(2020, 1, 1)}),
    case(
        ReportedFigureFactory,
        "figure_unique_per_source",
        {},
        {"scope_name": "乌兰察布市", "scope": ReportedFigure.Scope.CITY},
        id="figure_unique_per_source-other-scope",
    ),
    case(IndicatorValueFactory, "indicatorvalue_unique", {}, {"indicator": Indicator.JOBS}),
    case(EventOutcomeFactory, "eventoutcome_unique", {}, {"months": 24}),
]

TESTED_CONSTRAINTS = constraint_names(CHECK_CASES + UNIQUE_CASES)


@pytest.mark.parametrize(("model_factory", "name", "bad", "good"), CHECK_CASES)
def test_check_constraint(model_factory, name, bad, good):
    assert_check_constraint(model_factory, name, bad, good)


@pytest.mark.parametrize(("model_factory", "name", "first", "varied"), UNIQUE_CASES)
def test_unique_constraint(model_factory, name, first, varied):
    assert_unique_constraint(model_factory, name, first, varied)


# ReportedFigure.clean() ---------------------------------------------------------------------------


def test_figure_valid_district_figure_passes_clean():
    ReportedFigureFactory.build(source=SourceFactory()).full_clean()


@pytest.mark.parametrize(
    ("scope", "field", "object_factory"),
    [
        (ReportedFigure.Scope.INCUBATOR, "incubator", IncubatorFactory),
        (ReportedFigure.Scope.EVENT_SERIES, "event_series", EventSeriesFactory),
        (ReportedFigure.Scope.EVENT, "event", EventFactory),
    ],
)
def test_figure_scope_needs_its_object(scope, field, object_factory):
    figure = ReportedFigureFactory.build(source=SourceFactory(), scope=scope)
    assert_clean_error(figure, field)
    setattr(figure, field, object_factory())
    figure.full_clean()


@pytest.mark.parametrize(
    ("field", "object_factory"),
    [("incubator", IncubatorFactory), ("event_series", EventSeriesFactory), ("event", EventFactory)],
)
@pytest.mark.parametrize("scope", [ReportedFigure.Scope.DISTRICT, ReportedFigure.Scope.CITY])
def test_figure_object_only_with_its_scope(scope, field, object_factory):
    figure = ReportedFigureFactory.build(source=SourceFactory(), scope=scope, **{field: object_factory()})
    assert_clean_error(figure, field)


def test_figure_with_event_scope_refuses_an_incubator_as_well():
    figure = ReportedFigureFactory.build(
        source=SourceFactory(),
        scope=ReportedFigure.Scope.EVENT,
        event=EventFactory(),
        incubator=IncubatorFactory(),
    )
    assert_clean_error(figure, "incubator")
