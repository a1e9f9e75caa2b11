"""Helpers the apps' model tests use to prove that each named constraint is enforced by the database itself.

The rows are written with ``Model.objects.create`` (factory_boy) or ``QuerySet.update``, which skip
``clean()``: a refusal can only come from the database. Each violation runs in its own
``transaction.atomic()`` so the test goes on after the IntegrityError on PostgreSQL as on SQLite.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint


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
