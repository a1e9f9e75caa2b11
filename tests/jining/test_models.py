"""Database constraints and clean() rules of the shared models, plus the helpers the other apps'
model tests use to prove that each named constraint is enforced by the database itself.

The rows are written with ``Model.objects.create`` (factory_boy) or ``QuerySet.update``, which skip
``clean()``: a refusal can only come from the database. Each violation runs in its own
``transaction.atomic()`` so the test goes on after the IntegrityError on PostgreSQL as on SQLite.
"""

import datetime
import importlib
import re
from decimal import Decimal

import factory
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint

from jining.models import ReportedFigure
from tests.factories import (
    EventFactory,
    EventSeriesFactory,
    IncubatorFactory,
    ReportedFigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CONSTRAINED_APPS = ("jining", "incubators", "entrepreneurs", "events")


# Helpers shared by tests/<app>/test_models.py -------------------------------------------------------


def named_constraint(model, name):
    """The constraint called ``name`` in ``model``'s Meta; fails the test if there is none."""
    by_name = {constraint.name: constraint for constraint in model._meta.constraints}
    assert name in by_name, f"{model.__name__} has no constraint named {name!r}"
    return by_name[name]


def refusal_pattern(model, name):
    """A regex for the IntegrityError that this constraint causes.

    PostgreSQL names the constraint in every message. SQLite names a CHECK constraint too, but
    reports a unique violation by its columns ("UNIQUE constraint failed: table.a, table.b").
    """
    constraint = named_constraint(model, name)
    if isinstance(constraint, UniqueConstraint):
        table = model._meta.db_table
        columns = ", ".join(f"{table}.{model._meta.get_field(field).column}" for field in constraint.fields)
        return rf"\b{re.escape(name)}\b|UNIQUE constraint failed: {re.escape(columns)}$"
    return rf"\b{re.escape(name)}\b"


def case(model_factory, name, first, second, *, id=None):
    """One row of a constraint table: (factory, constraint name, kwargs, kwargs)."""
    return pytest.param(model_factory, name, first, second, id=id or name)


def constraint_names(cases):
    return {param.values[1] for param in cases}


def assert_check_constraint(model_factory, name, bad, good):
    """``bad`` is refused by the database with this constraint's name; ``good`` is stored."""
    model = model_factory._meta.model
    with pytest.raises(IntegrityError, match=refusal_pattern(model, name)), transaction.atomic():
        model_factory(**bad)
    assert model.objects.filter(pk=model_factory(**good).pk).exists()


def assert_unique_constraint(model_factory, name, first, varied):
    """A second row equal to the first in the constraint's fields is refused; one that differs in
    ``varied`` is stored."""
    model = model_factory._meta.model
    original = model_factory(**first)
    duplicate = {
        **first,
        **{field: getattr(original, field) for field in named_constraint(model, name).fields},
    }
    with pytest.raises(IntegrityError, match=refusal_pattern(model, name)), transaction.atomic():
        model_factory(**duplicate)
    assert model.objects.filter(pk=model_factory(**{**duplicate, **varied}).pk).exists()


def assert_clean_error(instance, *fields):
    """full_clean() fails, and exactly on ``fields`` ("__all__" for a non-field error)."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert set(excinfo.value.message_dict) == set(fields), excinfo.value.message_dict


# Constraints --------------------------------------------------------------------------------------

AS_OF = datetime.date(2019, 9, 5)

CHECK_CASES = [
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
    case(SourceFactory, "source_unique_publication", {}, {"published_on": datetime.date(2019, 9, 6)}),
    case(
        SourceFactory,
        "source_unique_publication",
        {},
        {"publisher": "乌兰察布日报"},
        id="source_unique_publication-other-publisher",
    ),
    case(ReportedFigureFactory, "figure_unique_per_source", {}, {"as_of": datetime.date(2020, 1, 1)}),
    case(
        ReportedFigureFactory,
        "figure_unique_per_source",
        {},
        {"scope_name": "乌兰察布市", "scope": ReportedFigure.Scope.CITY},
        id="figure_unique_per_source-other-scope",
    ),
]

TESTED_CONSTRAINTS = constraint_names(CHECK_CASES + UNIQUE_CASES)


@pytest.mark.parametrize(("model_factory", "name", "bad", "good"), CHECK_CASES)
def test_check_constraint(model_factory, name, bad, good):
    assert_check_constraint(model_factory, name, bad, good)


@pytest.mark.parametrize(("model_factory", "name", "first", "varied"), UNIQUE_CASES)
def test_unique_constraint(model_factory, name, first, varied):
    assert_unique_constraint(model_factory, name, first, varied)


def test_every_constraint_of_every_app_has_a_test():
    """A new CheckConstraint or UniqueConstraint fails here until a test for it is added."""
    tested = set()
    for label in CONSTRAINED_APPS:
        tested |= importlib.import_module(f"tests.{label}.test_models").TESTED_CONSTRAINTS
    declared = {
        constraint.name
        for label in CONSTRAINED_APPS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
    }
    assert declared, "no constraints found: is the app list right?"
    assert declared - tested == set(), "constraints without a database test"
    assert tested - declared == set(), "tests for constraints that no longer exist"


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
