"""Database constraints and clean() rules of incubators, facilities, designations and residencies."""

import datetime
from decimal import Decimal

import factory
import pytest
from django.db import IntegrityError, transaction

from incubators.models import Incubator
from tests.constraints import (
    assert_check_constraint,
    assert_clean_error,
    assert_unique_constraint,
    case,
    constraint_names,
    refusal_pattern,
)
from tests.factories import (
    DesignationFactory,
    EntrepreneurFactory,
    FacilityFactory,
    IncubatorFactory,
    ResidencyFactory,
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
