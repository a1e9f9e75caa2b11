"""Database constraints of the shared models, and the test that every app's constraints are tested.

The helpers that prove a constraint is enforced by the database are in ``tests/constraints.py``.
"""

import datetime
import importlib

import pytest
from django.apps import apps

from tests.constraints import assert_check_constraint, assert_unique_constraint, case, constraint_names
from tests.factories import BinEntryFactory, JobFactory, JobFileChunkFactory, JobFileFactory, SourceFactory

pytestmark = pytest.mark.django_db

CONSTRAINED_APPS = ("jining", "incubators", "entrepreneurs", "events", "overview")

UNIQUE_CASES = [
    case(SourceFactory, "source_unique_publication", {}, {"published_on": datetime.date(2019, 9, 6)}),
    case(
        SourceFactory,
        "source_unique_publication",
        {},
        {"publisher": "乌兰察布日报"},
        id="source_unique_publication-other-publisher",
    ),
    # A system job (no user) waits once; running ones and users' jobs are not limited.
    case(
        JobFactory,
        "jining_job_one_waiting_system_job",
        {"user": None, "state": "queued"},
        {"state": "running"},
    ),
    case(JobFileFactory, "jining_jobfile_one_per_role", {}, {"role": "rejected"}),
    case(JobFileChunkFactory, "jining_jobfilechunk_seq", {}, {"seq": 999}),
]

CHECK_CASES = [
    # A restore has a date: who restored an entry is recorded only with when.
    case(
        BinEntryFactory,
        "jining_binentry_restored_by_has_date",
        {"restored_by_someone": True},
        {"restored_by_someone": True, "restored_at": datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)},
    ),
    case(JobFactory, "jining_job_done_within_total", {"done": 4, "total": 3}, {"done": 3, "total": 3}),
]

TESTED_CONSTRAINTS = constraint_names(UNIQUE_CASES) | constraint_names(CHECK_CASES)


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
