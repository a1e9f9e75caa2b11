"""A base's indicators (overview/indicators.py) on small hand-built records with known answers."""

import datetime
from decimal import Decimal

import pytest

from entrepreneurs.models import Employment, OperatingStatus
from incubators.models import ExitKind, Indicator
from overview.indicators import assess, indicators, normal_run_days, year_period
from overview.models import IndicatorValue
from tests import factories

D = datetime.date
Y2019 = year_period(2019)
Status = OperatingStatus.Status


def figures(base, period=Y2019) -> dict:
    return {figure.indicator: figure for figure in indicators(base, *period)}


def value(base, indicator, period=Y2019):
    return figures(base, period)[indicator].value


@pytest.fixture
def base(db):
    return factories.IncubatorFactory()


def test_a_residency_across_two_periods_counts_in_both_and_is_new_in_the_first(base):
    factories.ResidencyFactory(incubator=base, start_date=D(2018, 7, 1), end_date=D(2019, 6, 30))
    factories.ResidencyFactory(incubator=base, start_date=D(2019, 3, 1))  # new in 2019, still in
    factories.ResidencyFactory(incubator=base, start_date=D(2016, 1, 1), end_date=D(2017, 12, 31))  # gone
    assert value(base, Indicator.RESIDENTS, year_period(2018)) == 1
    assert value(base, Indicator.NEW_RESIDENTS, year_period(2018)) == 1
    assert value(base, Indicator.RESIDENTS) == 2
    assert value(base, Indicator.NEW_RESIDENTS) == 1


def test_an_enterprise_resident_twice_and_a_person_without_one_count_once_each(base):
    enterprise = factories.EnterpriseFactory()
    factories.ResidencyFactory(
        incubator=base, enterprise=enterprise, start_date=D(2019, 1, 1), end_date=D(2019, 3, 1)
    )
    factories.ResidencyFactory(incubator=base, enterprise=enterprise, start_date=D(2019, 4, 1))  # moved units
    factories.ResidencyFactory(incubator=base, enterprise=None, entrepreneur=factories.EntrepreneurFactory())
    part = factories.IncubatorFactory(parent=base)  # a part of the base counts with it
    factories.ResidencyFactory(incubator=part, start_date=D(2019, 5, 1))
    assert value(base, Indicator.RESIDENTS) == 3


def test_utilisation_follows_a_capacity_that_changed(base):
    # 10 workstations until June 30, 20 from July 1: 181 × 10 + 184 × 20 = 5,490 workstation-days.
    factories.CapacityFactory(incubator=base, as_of=D(2018, 1, 1), workstations=10)
    factories.CapacityFactory(incubator=base, as_of=D(2019, 7, 1), workstations=20)
    # 5 workstations all year (365 × 5) and 1 (not recorded) from Dec 1 (31 days): 1,856.
    factories.ResidencyFactory(incubator=base, start_date=D(2018, 1, 1), workstations=5)
    factories.ResidencyFactory(incubator=base, start_date=D(2019, 12, 1))
    figure = figures(base)[Indicator.UTILISATION]
    assert (figure.numerator, figure.denominator) == (Decimal(1856), Decimal(5490))
    assert figure.value == Decimal("33.81")


def test_utilisation_by_area_and_none_without_capacity(base):
    assert value(base, Indicator.UTILISATION) is None
    factories.CapacityFactory(incubator=base, as_of=D(2019, 1, 1), workstations=None, area_m2=Decimal(100))
    factories.ResidencyFactory(incubator=base, start_date=D(2019, 1, 1), area_m2=Decimal(50))
    assert value(base, Indicator.UTILISATION) == Decimal("50.00")
    later = factories.IncubatorFactory()
    factories.CapacityFactory(incubator=later, as_of=D(2019, 2, 1))  # January has no capacity
    assert value(later, Indicator.UTILISATION) is None


def test_success_needs_a_year_of_normal_operation_in_one_run(base):
    steady, changed_twice, short, never = (factories.EnterpriseFactory() for _ in range(4))
    for enterprise in (steady, changed_twice, short, never):
        factories.ResidencyFactory(
            incubator=base, enterprise=enterprise, start_date=D(2016, 1, 1), end_date=D(2018, 12, 31)
        )
    factories.OperatingStatusFactory(enterprise=steady, observed_on=D(2018, 1, 1))
    # normal for 7 months, suspended, then normal again from 2019-01-01 to the end of 2019: 365 days
    factories.OperatingStatusFactory(enterprise=changed_twice, observed_on=D(2018, 1, 1))
    factories.OperatingStatusFactory(
        enterprise=changed_twice, observed_on=D(2018, 8, 1), status=Status.SUSPENDED
    )
    factories.OperatingStatusFactory(enterprise=changed_twice, observed_on=D(2019, 1, 1))
    factories.OperatingStatusFactory(enterprise=short, observed_on=D(2019, 1, 1))
    factories.OperatingStatusFactory(enterprise=short, observed_on=D(2019, 6, 1), status=Status.DEREGISTERED)
    factories.ResidencyFactory(
        incubator=base,
        enterprise=None,
        entrepreneur=factories.EntrepreneurFactory(),
        start_date=D(2017, 1, 1),
        end_date=D(2018, 1, 1),
    )  # never registered: no success
    factories.ResidencyFactory(incubator=base, start_date=D(2019, 1, 1))  # still in: not counted
    figure = figures(base)[Indicator.SUCCESS_RATE]
    assert (figure.numerator, figure.denominator) == (2, 5)  # steady and changed_twice
    assert figure.value == Decimal("40.00")
    # as of the end of 2018 changed_twice had no year-long run yet
    assert figures(base, year_period(2018))[Indicator.SUCCESS_RATE].numerator == 1


def test_normal_run_days():
    assert normal_run_days([], D(2019, 12, 31)) == 0
    assert normal_run_days([(D(2019, 1, 1), Status.NORMAL)], D(2019, 12, 31)) == 365
    observations = [
        (D(2018, 1, 1), Status.NORMAL),
        (D(2018, 3, 1), Status.NORMAL),
        (D(2018, 4, 1), Status.SUSPENDED),
    ]
    assert normal_run_days(observations, D(2019, 12, 31)) == 90
    assert normal_run_days([(D(2020, 1, 1), Status.NORMAL)], D(2019, 12, 31)) == 0  # after the period


def test_on_time_exits_leave_out_early_leavers_and_residencies_without_an_agreement(base):
    on_time = dict(incubator=base, start_date=D(2016, 1, 1), agreement_end=D(2019, 6, 30))
    factories.ResidencyFactory(**on_time, end_date=D(2019, 6, 30), exit_kind=ExitKind.EXPIRED)
    factories.ResidencyFactory(**on_time, end_date=D(2019, 7, 30), exit_kind=ExitKind.EXPIRED)  # within grace
    factories.ResidencyFactory(**on_time, end_date=D(2019, 9, 1), exit_kind=ExitKind.EXPIRED)  # late
    factories.ResidencyFactory(**on_time)  # stayed on
    factories.ResidencyFactory(**on_time, end_date=D(2019, 3, 1), exit_kind=ExitKind.EARLY)  # before the end
    factories.ResidencyFactory(
        incubator=base, start_date=D(2016, 1, 1), end_date=D(2019, 6, 30)
    )  # no agreement
    factories.ResidencyFactory(
        incubator=base, start_date=D(2016, 1, 1), agreement_end=D(2020, 6, 30)
    )  # later
    figure = figures(base)[Indicator.ON_TIME_EXIT_RATE]
    assert (figure.numerator, figure.denominator) == (2, 4)
    assert figure.value == Decimal("50.00")


def test_jobs_count_each_person_once_and_per_founder(base):
    one, two = factories.EnterpriseFactory(), factories.EnterpriseFactory()
    elsewhere = factories.EnterpriseFactory()  # not resident: its roster does not count
    for enterprise in (one, two):
        factories.ResidencyFactory(incubator=base, enterprise=enterprise, start_date=D(2019, 1, 1))
    person = factories.make_id_card(900)
    factories.EmploymentFactory(enterprise=one, id_card_number=person)
    factories.EmploymentFactory(enterprise=two, id_card_number=person)  # on two rosters at once
    factories.EmploymentFactory(enterprise=two)
    factories.EmploymentFactory(enterprise=two, id_card_number="")  # no ID card: counts as one
    factories.EmploymentFactory(enterprise=two, start_date=D(2017, 1, 1), end_date=D(2018, 12, 31))  # before
    factories.EmploymentFactory(enterprise=elsewhere)
    founders = [factories.EntrepreneurFactory() for _ in range(2)]
    one.founders.set(founders)
    two.founders.set(founders[:1])
    assert value(base, Indicator.JOBS) == 3
    figure = figures(base)[Indicator.JOBS_PER_FOUNDER]
    assert (figure.numerator, figure.denominator, figure.value) == (3, 2, Decimal("1.50"))


def test_a_person_on_two_rosters_or_founder_elsewhere_is_flagged(db):
    one, two, founded = (factories.EnterpriseFactory() for _ in range(3))
    person = factories.make_id_card(901)
    both = [
        factories.EmploymentFactory(enterprise=one, id_card_number=person, end_date=D(2019, 6, 30)),
        factories.EmploymentFactory(enterprise=two, id_card_number=person, start_date=D(2019, 6, 1)),
    ]
    factories.EmploymentFactory(enterprise=one, id_card_number=factories.make_id_card(902))  # alone
    after = factories.make_id_card(903)  # one job after the other: not twice
    factories.EmploymentFactory(enterprise=one, id_card_number=after, end_date=D(2018, 12, 31))
    factories.EmploymentFactory(enterprise=two, id_card_number=after, start_date=D(2019, 1, 1))
    founder = factories.EntrepreneurFactory(id_card_number=factories.make_id_card(904))
    founded.founders.set([founder])
    employee = factories.EmploymentFactory(enterprise=one, id_card_number=founder.id_card_number)
    factories.EmploymentFactory(
        enterprise=founded, id_card_number=founder.id_card_number, start_date=D(2019, 1, 1)
    )
    flagged = set(Employment.objects.counted_twice())
    assert set(both) | {employee} <= flagged
    assert all(row.id_card_number in (person, founder.id_card_number) for row in flagged)


def test_mentors_events_and_supported_residents(base):
    factories.MentorFactory(incubator=base, start_date=D(2018, 1, 1))
    factories.MentorFactory(incubator=base, start_date=D(2018, 1, 1), end_date=D(2018, 12, 31))  # gone
    factories.EventFactory(host_incubator=base, start_date=D(2019, 5, 1))
    factories.EventFactory(host_incubator=base, start_date=D(2018, 5, 1))
    helped, loaned, founder_helped, none = (factories.EnterpriseFactory() for _ in range(4))
    for enterprise in (helped, loaned, founder_helped, none):
        factories.ResidencyFactory(incubator=base, enterprise=enterprise, start_date=D(2019, 1, 1))
    factories.SupportMeasureFactory(entrepreneur=None, enterprise=helped, date=D(2019, 2, 1))
    factories.SupportMeasureFactory(entrepreneur=None, enterprise=none, date=D(2018, 2, 1))  # before
    factories.FinancingFactory(enterprise=loaned, date=D(2019, 3, 1))
    person = factories.EntrepreneurFactory()
    founder_helped.founders.set([person])
    factories.SupportMeasureFactory(entrepreneur=person, date=D(2019, 4, 1))
    got = figures(base)
    assert (got[Indicator.MENTORS].value, got[Indicator.EVENTS].value) == (1, 1)
    assert got[Indicator.SUPPORTED].value == 3


def test_assess_stores_the_period_and_replaces_it(base):
    factories.ResidencyFactory(incubator=base, start_date=D(2019, 1, 1))
    assess(base, *Y2019)
    factories.ResidencyFactory(incubator=base, start_date=D(2019, 2, 1))
    assess(base, *Y2019)
    stored = IndicatorValue.objects.filter(incubator=base)
    assert stored.count() == len(Indicator.choices)
    assert stored.get(indicator=Indicator.RESIDENTS).value == 2


def test_rows_behind_each_figure_are_the_records_it_counts(base):
    """The drill-down: every count indicator's rows are what it counts; a rate's rows are its
    denominator, and ``counted`` marks its numerator."""
    from overview.indicators import counted, rows_behind

    founder = factories.EntrepreneurFactory()
    enterprise = factories.EnterpriseFactory(founders=[founder])
    inside = factories.ResidencyFactory(incubator=base, enterprise=enterprise, start_date=D(2019, 2, 1))
    gone = factories.ResidencyFactory(
        incubator=base,
        start_date=D(2016, 1, 1),
        end_date=D(2019, 1, 31),
        agreement_end=D(2019, 1, 31),
        exit_kind=ExitKind.EXPIRED,
    )
    late = factories.ResidencyFactory(
        incubator=base, start_date=D(2017, 1, 1), agreement_end=D(2019, 3, 31)
    )  # still in
    factories.OperatingStatusFactory(enterprise=gone.enterprise, observed_on=D(2016, 1, 1))
    job = factories.EmploymentFactory(enterprise=enterprise, start_date=D(2019, 3, 1))
    mentor = factories.MentorFactory(incubator=base, start_date=D(2018, 1, 1))
    event = factories.EventFactory(host_incubator=base, start_date=D(2019, 5, 1))
    support = factories.SupportMeasureFactory(entrepreneur=founder, enterprise=None, date=D(2019, 6, 1))
    factories.SupportMeasureFactory(enterprise=enterprise, date=D(2018, 6, 1))  # before the period

    def behind(indicator):
        return [
            set(queryset.values_list("pk", flat=True)) for queryset in rows_behind(base, indicator, *Y2019)
        ]

    assert behind(Indicator.RESIDENTS) == [{inside.pk, gone.pk, late.pk}]
    assert behind(Indicator.NEW_RESIDENTS) == [{inside.pk}]
    assert behind(Indicator.SUCCESS_RATE) == [{gone.pk}]
    assert behind(Indicator.ON_TIME_EXIT_RATE) == [{gone.pk, late.pk}]
    assert behind(Indicator.JOBS) == [{job.pk}]
    assert behind(Indicator.JOBS_PER_FOUNDER)[1] >= {founder.pk}
    assert behind(Indicator.MENTORS) == [{mentor.pk}]
    assert behind(Indicator.EVENTS) == [{event.pk}]
    assert behind(Indicator.SUPPORTED) == [{support.pk}, set()]
    (exits,) = rows_behind(base, Indicator.ON_TIME_EXIT_RATE, *Y2019)
    assert counted(Indicator.ON_TIME_EXIT_RATE, list(exits), Y2019[1]) == {gone.pk: True, late.pk: False}
    (ended,) = rows_behind(base, Indicator.SUCCESS_RATE, *Y2019)
    assert counted(Indicator.SUCCESS_RATE, list(ended), Y2019[1]) == {gone.pk: True}
    assert counted(Indicator.RESIDENTS, [], Y2019[1]) is None
    with pytest.raises(ValueError):
        rows_behind(base, "nonsense", *Y2019)
