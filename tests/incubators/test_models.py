"""Database constraints, clean() rules and counts of incubators, facilities, designations and residencies."""

import datetime
from decimal import Decimal

import factory
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from incubators.models import ExitKind, Incubator, Indicator, Residency, Service
from tests.constraints import (
    assert_check_constraint,
    assert_clean_error,
    assert_unique_constraint,
    case,
    constraint_names,
    refusal_pattern,
)
from tests.factories import (
    CapacityFactory,
    DesignationFactory,
    EnterpriseFactory,
    EntrepreneurFactory,
    EventFactory,
    FacilityFactory,
    IncubatorFactory,
    MentorFactory,
    MentoringSessionFactory,
    ResidencyFactory,
    RuleSetFactory,
    ServiceFactory,
    ThresholdFactory,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2017, 1, 1)

CHECK_CASES = [
    *(
        case(IncubatorFactory, name, {field: Decimal("-0.01")}, {field: Decimal("0")})
        for name, field in [
            ("incubator_land_area_not_negative", "land_area_mu"),
            ("incubator_building_area_not_negative", "building_area_m2"),
            ("incubator_free_area_not_negative", "free_area_m2"),
            ("incubator_service_zone_not_negative", "service_zone_area_m2"),
        ]
    ),
    case(FacilityFactory, "facility_area_not_negative", {"area_m2": Decimal("-1")}, {"area_m2": None}),
    case(DesignationFactory, "designation_year_plausible", {"year": 1948}, {"year": 1949}),
    case(
        DesignationFactory,
        "designation_year_plausible",
        {"year": 2101},
        {"year": 2100},
        id="designation_year_plausible-upper",
    ),
    case(
        ResidencyFactory,
        "residency_end_after_start",
        {"end_date": START - datetime.timedelta(days=1)},
        {"end_date": START},
    ),
    case(
        ResidencyFactory,
        "residency_has_resident",
        {"enterprise": None, "entrepreneur": None},
        {"enterprise": None, "entrepreneur": factory.SubFactory(EntrepreneurFactory)},
    ),
    case(
        ResidencyFactory,
        "residency_agreement_after_start",
        {"agreement_end": START - datetime.timedelta(days=1)},
        {"agreement_end": START},
    ),
    case(
        ResidencyFactory,
        "residency_exit_has_date",
        {"exit_kind": ExitKind.EXPIRED},
        {"exit_kind": ExitKind.EXPIRED, "end_date": START},
    ),
    case(ResidencyFactory, "residency_area_positive", {"area_m2": Decimal("0")}, {"area_m2": Decimal("0.5")}),
    case(
        CapacityFactory,
        "capacity_has_measure",
        {"workstations": None, "area_m2": None},
        {"workstations": None, "area_m2": Decimal("100")},
    ),
    case(
        MentorFactory,
        "mentor_end_after_start",
        {"end_date": START - datetime.timedelta(days=1)},
        {"end_date": START},
    ),
    case(
        MentoringSessionFactory,
        "mentoring_has_mentee",
        {"enterprise": None, "entrepreneur": None},
        {"enterprise": None, "entrepreneur": factory.SubFactory(EntrepreneurFactory)},
    ),
    case(
        RuleSetFactory,
        "ruleset_effective_order",
        {"effective_to": datetime.date(2019, 12, 31)},
        {"effective_to": datetime.date(2020, 1, 1)},
    ),
    case(ThresholdFactory, "threshold_not_negative", {"value": Decimal("-1")}, {"value": Decimal("0")}),
]

UNIQUE_CASES = [
    case(FacilityFactory, "facility_unique_per_incubator", {"name": "路演厅"}, {"name": "会议室"}),
    case(
        FacilityFactory,
        "facility_unique_per_incubator",
        {"name": "路演厅"},
        {"incubator": factory.SubFactory(IncubatorFactory)},
        id="facility_unique_per_incubator-other-incubator",
    ),
    case(DesignationFactory, "designation_unique", {}, {"year": 2019}),
    case(
        ResidencyFactory,
        "residency_unique_enterprise_start",
        {},
        {"start_date": datetime.date(2018, 1, 1)},
    ),
    case(
        ResidencyFactory,
        "residency_unique_entrepreneur_start",
        {"enterprise": None, "entrepreneur": factory.SubFactory(EntrepreneurFactory)},
        {"start_date": datetime.date(2018, 1, 1)},
    ),
    case(CapacityFactory, "capacity_unique_date", {}, {"as_of": datetime.date(2018, 1, 1)}),
    case(MentorFactory, "mentor_unique_start", {"name": "李导师"}, {"start_date": datetime.date(2018, 1, 1)}),
    case(ThresholdFactory, "threshold_one_per_indicator", {}, {"indicator": Indicator.JOBS}),
]

TESTED_CONSTRAINTS = constraint_names(CHECK_CASES + UNIQUE_CASES) | {"incubator_not_own_parent"}


@pytest.mark.parametrize(("model_factory", "name", "bad", "good"), CHECK_CASES)
def test_check_constraint(model_factory, name, bad, good):
    assert_check_constraint(model_factory, name, bad, good)


@pytest.mark.parametrize(("model_factory", "name", "first", "varied"), UNIQUE_CASES)
def test_unique_constraint(model_factory, name, first, varied):
    assert_unique_constraint(model_factory, name, first, varied)


def test_incubator_not_own_parent():
    """An id is only known after the insert, so the loop can only be made by an update."""
    incubator, market = IncubatorFactory(), IncubatorFactory(kind=Incubator.Kind.PARK)
    pattern = refusal_pattern(Incubator, "incubator_not_own_parent")
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        Incubator.objects.filter(pk=incubator.pk).update(parent=incubator)
    Incubator.objects.filter(pk=incubator.pk).update(parent=market)
    incubator.refresh_from_db()
    assert incubator.parent == market


def test_two_residencies_of_one_entrepreneur_without_enterprise_on_different_dates():
    """The enterprise column is NULL in both rows; NULLs never collide in a unique constraint."""
    first = ResidencyFactory(enterprise=None, entrepreneur=EntrepreneurFactory())
    ResidencyFactory(
        incubator=first.incubator,
        enterprise=None,
        entrepreneur=first.entrepreneur,
        start_date=datetime.date(2019, 5, 1),
    )
    assert first.incubator.residencies.count() == 2


# Residency.clean() --------------------------------------------------------------------------------


def test_residency_valid_passes_clean():
    ResidencyFactory.build(
        incubator=IncubatorFactory(), enterprise=None, entrepreneur=EntrepreneurFactory()
    ).full_clean()


def test_residency_end_before_start_is_an_end_date_error():
    residency = ResidencyFactory.build(
        incubator=IncubatorFactory(),
        enterprise=None,
        entrepreneur=EntrepreneurFactory(),
        end_date=START - datetime.timedelta(days=1),
    )
    assert_clean_error(residency, "end_date")
    residency.end_date = START
    residency.full_clean()


def test_residency_without_resident_is_refused():
    residency = ResidencyFactory.build(incubator=IncubatorFactory(), enterprise=None, entrepreneur=None)
    assert_clean_error(residency, "__all__")


# Current residents and counts ---------------------------------------------------------------------

ENDED = datetime.date(2019, 6, 30)


@pytest.fixture
def residencies():
    """One incubator's residencies: enterprise A ended and came back, B ends next month, a person."""
    incubator = IncubatorFactory()
    a, b = EnterpriseFactory.create_batch(2)
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    return {
        "incubator": incubator,
        "a_ended": ResidencyFactory(incubator=incubator, enterprise=a, end_date=ENDED),
        "a_again": ResidencyFactory(incubator=incubator, enterprise=a, start_date=datetime.date(2020, 1, 1)),
        "b_ending": ResidencyFactory(incubator=incubator, enterprise=b, end_date=next_month),
        "person": ResidencyFactory(incubator=incubator, enterprise=None, entrepreneur=EntrepreneurFactory()),
    }


def test_current_and_ended_residencies(residencies):
    current = {residencies[key].pk for key in ("a_again", "b_ending", "person")}
    assert set(Residency.objects.current().values_list("pk", flat=True)) == current
    assert list(Residency.objects.ended().values_list("pk", flat=True)) == [residencies["a_ended"].pk]
    # current() looks at the end date only: on 2019-01-01 none of the four had ended.
    assert Residency.objects.current(today=datetime.date(2019, 1, 1)).count() == 4
    assert Residency.objects.ended(today=ENDED + datetime.timedelta(days=1)).count() == 1


def test_incubator_counts(residencies):
    incubator = residencies["incubator"]
    empty = IncubatorFactory()
    EventFactory.create_batch(2, host_incubator=incubator)
    ResidencyFactory()  # in another incubator
    rows = (
        Incubator.objects.with_resident_count()
        .with_residency_count()
        .with_enterprise_count()
        .with_event_count()
        .filter(pk__in=[incubator.pk, empty.pk])
        .values_list("pk", "resident_count", "residency_count", "enterprise_count", "event_count")
    )
    assert {pk: counts for pk, *counts in rows} == {incubator.pk: [3, 4, 2, 2], empty.pk: [0, 0, 0, 0]}


def test_with_incubator_count_counts_the_incubators_offering_the_service():
    training, legal = ServiceFactory.create_batch(2)
    for incubator in IncubatorFactory.create_batch(2):
        incubator.services.add(training)
    rows = Service.objects.with_incubator_count().filter(pk__in=[training.pk, legal.pk])
    rows = rows.values_list("pk", "incubator_count")
    assert dict(rows) == {training.pk: 2, legal.pk: 0}
