"""Database constraints, clean() rules and save() derivations of entrepreneurs and their enterprises."""

import datetime
from decimal import Decimal

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from entrepreneurs.models import (
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    OperatingStatus,
    SpecialGroup,
    romanise,
)
from tests.constraints import (
    assert_check_constraint,
    assert_clean_error,
    assert_unique_constraint,
    case,
    constraint_names,
    refusal_pattern,
)
from tests.factories import (
    AttendanceFactory,
    EmploymentFactory,
    EnterpriseFactory,
    EnterpriseFigureFactory,
    EntrepreneurFactory,
    FinancingFactory,
    OperatingStatusFactory,
    ProductFactory,
    SpecialGroupFactory,
    SupportMeasureFactory,
    make_credit_code,
    make_id_card,
)

pytestmark = pytest.mark.django_db

Gender = Entrepreneur.Gender
Measure = EnterpriseFigure.Measure
BORN = datetime.date(1990, 2, 28)


class RawEntrepreneurFactory(EntrepreneurFactory):
    """Stores the row exactly as given: bulk_create() skips Entrepreneur.save() and its derivations,
    so each bad row breaks only the constraint under test."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.bulk_create([model_class(*args, **kwargs)])[0]


CHECK_CASES = [
    case(
        RawEntrepreneurFactory,
        "entrepreneur_birth_decade_plausible",
        {"birth_decade": 1890},
        {"birth_decade": 1900},
    ),
    case(
        RawEntrepreneurFactory,
        "entrepreneur_birth_decade_plausible",
        {"birth_decade": 2100},
        {"birth_decade": 2090},
        id="entrepreneur_birth_decade_plausible-upper",
    ),
    case(
        RawEntrepreneurFactory,
        "entrepreneur_birth_year_plausible",
        {"birth_year": 1899},
        {"birth_year": 1900},
    ),
    case(
        RawEntrepreneurFactory,
        "entrepreneur_birth_year_plausible",
        {"birth_year": 2101, "return_year": None},
        {"birth_year": 2100, "return_year": None},
        id="entrepreneur_birth_year_plausible-upper",
    ),
    case(
        RawEntrepreneurFactory,
        "entrepreneur_return_year_plausible",
        {"birth_year": 1930, "return_year": 1948},
        {"birth_year": 1930, "return_year": 1949},
    ),
    case(
        RawEntrepreneurFactory,
        "entrepreneur_return_year_plausible",
        {"return_year": 2101},
        {"return_year": 2100},
        id="entrepreneur_return_year_plausible-upper",
    ),
    case(
        RawEntrepreneurFactory,
        "entrepreneur_return_after_birth",
        {"birth_year": 1985, "return_year": 1984},
        {"birth_year": 1985, "return_year": 1985},
    ),
    case(
        RawEntrepreneurFactory,
        "entrepreneur_left_home_age_plausible",
        {"left_home_age": 101},
        {"left_home_age": 100},
    ),
    case(
        EnterpriseFactory,
        "enterprise_registration_year_plausible",
        {"registration_year": 1948},
        {"registration_year": 1949},
    ),
    case(
        EnterpriseFactory,
        "enterprise_registration_year_plausible",
        {"registration_year": 2101},
        {"registration_year": None},
        id="enterprise_registration_year_plausible-upper",
    ),
    case(EnterpriseFigureFactory, "enterprise_figure_year_plausible", {"year": 1948}, {"year": 1949}),
    case(
        EnterpriseFigureFactory,
        "enterprise_figure_year_plausible",
        {"year": 2101},
        {"year": 2100},
        id="enterprise_figure_year_plausible-upper",
    ),
    case(
        EnterpriseFigureFactory,
        "enterprise_figure_not_negative",
        {"measure": Measure.REVENUE, "value": Decimal("-1")},
        {"measure": Measure.PROFIT, "value": Decimal("-1")},
    ),
    case(
        EnterpriseFigureFactory,
        "enterprise_figure_not_negative",
        {"measure": Measure.EMPLOYEES, "value": Decimal("-1")},
        {"measure": Measure.EMPLOYEES, "value": Decimal("0")},
        id="enterprise_figure_not_negative-employees",
    ),
    case(
        SupportMeasureFactory,
        "support_has_recipient",
        {"entrepreneur": None, "enterprise": None},
        {"entrepreneur": None, "enterprise": factory.SubFactory(EnterpriseFactory)},
    ),
    case(
        SupportMeasureFactory,
        "support_value_not_negative",
        {"value_yuan": Decimal("-0.01")},
        {"value_yuan": Decimal("0")},
    ),
    case(
        SupportMeasureFactory,
        "support_period_ends_after_it_starts",
        {"period_start": datetime.date(2019, 1, 1), "period_end": datetime.date(2018, 12, 31)},
        {"period_start": datetime.date(2019, 1, 1), "period_end": datetime.date(2019, 1, 1)},
    ),
    case(
        FinancingFactory, "financing_amount_positive", {"amount": Decimal("0")}, {"amount": Decimal("0.01")}
    ),
    case(
        EmploymentFactory,
        "employment_end_after_start",
        {"end_date": datetime.date(2017, 12, 31)},
        {"end_date": datetime.date(2018, 1, 1)},
    ),
    case(
        FinancingFactory,
        "financing_amount_positive",
        {"amount": Decimal("-100000")},
        {"amount": Decimal("100000")},
        id="financing_amount_positive-negative",
    ),
]

UNIQUE_CASES = [
    case(
        EntrepreneurFactory,
        "entrepreneur_unique_id_card",
        {"id_card_number": make_id_card(1)},
        {"id_card_number": make_id_card(2)},
    ),
    case(
        EnterpriseFactory, "enterprise_unique_credit_code", {}, {"credit_code": make_credit_code(9_999_999)}
    ),
    case(EnterpriseFactory, "enterprise_unique_name_year", {}, {"registration_year": 2018}),
    case(ProductFactory, "product_unique_per_enterprise", {"name": "羊皮手套"}, {"name": "羊皮坎肩"}),
    case(
        ProductFactory,
        "product_unique_per_enterprise",
        {"name": "羊皮手套"},
        {"enterprise": factory.SubFactory(EnterpriseFactory)},
        id="product_unique_per_enterprise-other-enterprise",
    ),
    case(EnterpriseFigureFactory, "enterprise_figure_unique", {}, {"year": 2019}),
    case(
        EnterpriseFigureFactory,
        "enterprise_figure_unique",
        {},
        {"measure": Measure.REVENUE},
        id="enterprise_figure_unique-other-measure",
    ),
    case(FinancingFactory, "financing_unique_per_enterprise", {}, {"amount": Decimal("200000")}),
    case(
        OperatingStatusFactory,
        "operatingstatus_unique_observation",
        {},
        {"method": OperatingStatus.Method.TAX},
    ),
    case(
        EmploymentFactory,
        "employment_unique_person_start",
        {"id_card_number": make_id_card(3)},
        {"id_card_number": make_id_card(4)},
    ),
]

TESTED_CONSTRAINTS = constraint_names(CHECK_CASES + UNIQUE_CASES)


@pytest.mark.parametrize(("model_factory", "name", "bad", "good"), CHECK_CASES)
def test_check_constraint(model_factory, name, bad, good):
    assert_check_constraint(model_factory, name, bad, good)


@pytest.mark.parametrize(("model_factory", "name", "first", "varied"), UNIQUE_CASES)
def test_unique_constraint(model_factory, name, first, varied):
    assert_unique_constraint(model_factory, name, first, varied)


# Entrepreneur.save() ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "romanised"), [("张智杰", "Zhang Zhijie"), ("王芳", "Wang Fang"), ("李", "Li"), ("", "")]
)
def test_romanise(name, romanised):
    assert romanise(name) == romanised


def test_save_fills_the_romanised_name():
    entrepreneur = EntrepreneurFactory(name="张智杰")
    entrepreneur.refresh_from_db()
    assert entrepreneur.name_romanised == "Zhang Zhijie"


def test_save_keeps_a_given_romanised_name():
    assert (
        EntrepreneurFactory(name="张智杰", name_romanised="Cheung Chi-kit").name_romanised == "Cheung Chi-kit"
    )


@pytest.mark.parametrize(("male", "gender"), [(True, Gender.MALE), (False, Gender.FEMALE)])
def test_save_derives_birth_data_and_gender_from_the_id_card(male, gender):
    entrepreneur = EntrepreneurFactory(
        id_card_number=make_id_card(7, birth=BORN, male=male), gender=Gender.UNKNOWN, birth_year=None
    )
    entrepreneur.refresh_from_db()
    assert (entrepreneur.birth_date, entrepreneur.gender) == (BORN, gender)
    assert (entrepreneur.birth_year, entrepreneur.birth_decade) == (1990, 1990)


def test_save_upper_cases_and_strips_the_id_card():
    # 15090219900228009X: born 1990-02-28, sequence 009 (odd: male), check character X.
    entrepreneur = EntrepreneurFactory(
        id_card_number=" 15090219900228009x ", gender=Gender.UNKNOWN, birth_year=None
    )
    entrepreneur.refresh_from_db()
    assert entrepreneur.id_card_number == "15090219900228009X"
    assert (entrepreneur.birth_date, entrepreneur.gender) == (BORN, Gender.MALE)


def test_save_derives_the_decade_from_the_year_of_birth():
    entrepreneur = EntrepreneurFactory(birth_year=1989)
    assert (entrepreneur.birth_year, entrepreneur.birth_decade, entrepreneur.birth_date) == (1989, 1980, None)


def test_save_keeps_the_decade_in_step_with_a_year_taken_from_the_id_card():
    """save() replaces birth_year by the ID card's year, so the decade must follow it."""
    entrepreneur = EntrepreneurFactory(
        id_card_number=make_id_card(8, birth=BORN), birth_year=None, birth_decade=1980
    )
    entrepreneur.refresh_from_db()
    assert entrepreneur.birth_year == 1990
    assert entrepreneur.birth_decade == 1990


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+86 138-0000-0000", "13800000000"),
        ("0086 139 1234 5678", "13912345678"),
        ("(158)1234-5678", "15812345678"),
        ("13800000000", "13800000000"),
    ],
)
def test_save_normalises_the_phone(given, stored):
    entrepreneur = EntrepreneurFactory(phone=given)
    entrepreneur.refresh_from_db()
    assert entrepreneur.phone == stored


def test_entrepreneurs_without_id_card_keep_it_empty_and_may_be_many():
    first = EntrepreneurFactory(id_card_number="", gender=Gender.UNKNOWN)
    second = EntrepreneurFactory(id_card_number="", gender=Gender.UNKNOWN)
    first.refresh_from_db()
    assert first.id_card_number == second.id_card_number == ""
    assert (first.gender, first.birth_date) == (Gender.UNKNOWN, None)
    assert Entrepreneur.objects.filter(id_card_number="").count() == 2


def test_id_card_with_lower_case_x_is_a_duplicate_of_the_stored_one():
    EntrepreneurFactory(id_card_number="15090219900228009X", birth_year=None)
    pattern = refusal_pattern(Entrepreneur, "entrepreneur_unique_id_card")
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        EntrepreneurFactory(id_card_number="15090219900228009x", birth_year=None)


# Entrepreneur.clean() -----------------------------------------------------------------------------


def test_entrepreneur_valid_passes_clean():
    EntrepreneurFactory.build(
        id_card_number=make_id_card(1, birth=BORN, male=False),
        gender=Gender.FEMALE,
        birth_date=BORN,
        birth_year=1990,
        birth_decade=1990,
        phone="+86 138-0000-0000",
        return_year=2017,
    ).full_clean()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"birth_year": None, "birth_decade": 1985}, "birth_decade"),
        ({"birth_year": 1985, "birth_decade": 1985}, "birth_decade"),
        ({"birth_year": 1985, "birth_decade": 1990}, "birth_decade"),
        ({"birth_year": None, "birth_date": BORN, "birth_decade": 1980}, "birth_decade"),
        ({"birth_year": 1986, "birth_date": datetime.date(1985, 6, 15)}, "birth_year"),
        ({"birth_year": 1985, "return_year": 1984}, "return_year"),
        ({"birth_year": None, "birth_date": BORN, "return_year": 1989}, "return_year"),
        (
            {"id_card_number": make_id_card(1), "birth_date": datetime.date(1985, 6, 16)},
            "birth_date",
        ),
        ({"id_card_number": make_id_card(1, male=True), "gender": Gender.FEMALE}, "gender"),
        ({"id_card_number": make_id_card(1, male=False), "gender": Gender.MALE}, "gender"),
        ({"id_card_number": make_id_card(1)[:17] + "0"}, "id_card_number"),
        ({"phone": "12800000000"}, "phone"),
    ],
    ids=[
        "decade-not-ending-in-0",
        "decade-not-ending-in-0-with-year",
        "decade-against-year",
        "decade-against-date",
        "year-against-date",
        "return-before-birth-year",
        "return-before-birth-date",
        "date-against-id-card",
        "gender-against-male-id-card",
        "gender-against-female-id-card",
        "id-card-checksum",
        "phone",
    ],
)
def test_entrepreneur_clean_reports_the_field(fields, error_field):
    assert_clean_error(EntrepreneurFactory.build(**fields), error_field)


def test_entrepreneur_clean_accepts_unknown_gender_with_an_id_card():
    EntrepreneurFactory.build(id_card_number=make_id_card(1, male=False), gender=Gender.UNKNOWN).full_clean()


def test_entrepreneur_clean_compares_the_id_card_year_with_the_year_of_birth():
    """Without a birth_date, save() would silently replace 1985 by the ID card's 1990."""
    entrepreneur = EntrepreneurFactory.build(id_card_number=make_id_card(1, birth=BORN), birth_year=1985)
    assert_clean_error(entrepreneur, "birth_year")


def test_entrepreneur_clean_normalises_the_id_card_and_finds_the_duplicate():
    EntrepreneurFactory(id_card_number="15090219900228009X", birth_year=None)
    duplicate = EntrepreneurFactory.build(id_card_number="15090219900228009x", birth_year=1990)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    assert duplicate.id_card_number == "15090219900228009X"


# Enterprise ---------------------------------------------------------------------------------------


def test_enterprise_save_upper_cases_and_strips_the_credit_code():
    enterprise = EnterpriseFactory(credit_code=" 91350100m000100y43 ")
    enterprise.refresh_from_db()
    assert enterprise.credit_code == "91350100M000100Y43"


def test_enterprises_without_credit_code_may_be_many():
    EnterpriseFactory(credit_code="")
    EnterpriseFactory(credit_code="")
    assert Enterprise.objects.filter(credit_code="").count() == 2


def test_credit_code_differing_only_in_case_is_refused_by_the_database():
    EnterpriseFactory(credit_code="91350100M000100Y43")
    pattern = refusal_pattern(Enterprise, "enterprise_unique_credit_code")
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        EnterpriseFactory(credit_code="91350100m000100y43")


@pytest.mark.parametrize("typed", ["91350100M000100Y43", "91350100m000100y43"])
def test_enterprise_clean_finds_a_duplicate_credit_code(typed):
    """full_clean() must catch what save() would store as a duplicate, whatever the case typed."""
    EnterpriseFactory(credit_code="91350100M000100Y43")
    duplicate = EnterpriseFactory.build(credit_code=typed)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_enterprise_clean_refuses_a_mistyped_credit_code():
    assert_clean_error(EnterpriseFactory.build(credit_code="91350100M000100Y44"), "credit_code")


# EnterpriseFigure.clean() -------------------------------------------------------------------------


@pytest.fixture
def ten_employees():
    return EnterpriseFigureFactory(year=2018, measure=Measure.EMPLOYEES, value=Decimal("10"))


def test_more_disabled_employees_than_employees_is_a_value_error(ten_employees):
    figure = EnterpriseFigureFactory.build(
        enterprise=ten_employees.enterprise,
        year=2018,
        measure=Measure.DISABLED_EMPLOYEES,
        value=Decimal("11"),
    )
    assert_clean_error(figure, "value")
    figure.value = Decimal("10")
    figure.full_clean()


def test_disabled_employees_are_compared_within_the_same_year(ten_employees):
    EnterpriseFigureFactory.build(
        enterprise=ten_employees.enterprise,
        year=2019,
        measure=Measure.DISABLED_EMPLOYEES,
        value=Decimal("11"),
    ).full_clean()


def test_fewer_employees_than_disabled_employees_is_a_value_error():
    """The same rule seen from the other figure: lowering employees below the disabled count."""
    disabled = EnterpriseFigureFactory(year=2018, measure=Measure.DISABLED_EMPLOYEES, value=Decimal("5"))
    figure = EnterpriseFigureFactory.build(
        enterprise=disabled.enterprise, year=2018, measure=Measure.EMPLOYEES, value=Decimal("4")
    )
    assert_clean_error(figure, "value")


# SupportMeasure.clean() ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entrepreneur", "enterprise"),
    [(True, False), (False, True), (True, True)],
    ids=["person", "firm", "both"],
)
def test_support_measure_with_a_recipient_passes_clean(entrepreneur, enterprise):
    SupportMeasureFactory.build(
        entrepreneur=EntrepreneurFactory() if entrepreneur else None,
        enterprise=EnterpriseFactory() if enterprise else None,
        provider=None,
    ).full_clean()


def test_support_measure_without_recipient_is_refused():
    measure = SupportMeasureFactory.build(entrepreneur=None, enterprise=None, provider=None)
    assert_clean_error(measure, "__all__")


# Counts -------------------------------------------------------------------------------------------


def test_with_member_count_counts_the_groups_members():
    group, other, empty = SpecialGroupFactory.create_batch(3)
    for entrepreneur in EntrepreneurFactory.create_batch(3):
        entrepreneur.special_groups.add(group)
    entrepreneur.special_groups.add(other)
    rows = SpecialGroup.objects.with_member_count().filter(pk__in=[group.pk, other.pk, empty.pk])
    rows = rows.values_list("pk", "member_count")
    assert dict(rows) == {group.pk: 3, other.pk: 1, empty.pk: 0}


def test_with_event_count_counts_the_events_attended():
    entrepreneur, loner = EntrepreneurFactory.create_batch(2)
    AttendanceFactory.create_batch(2, entrepreneur=entrepreneur)
    AttendanceFactory()  # someone else
    rows = Entrepreneur.objects.with_event_count().filter(pk__in=[entrepreneur.pk, loner.pk])
    assert dict(rows.values_list("pk", "event_count")) == {entrepreneur.pk: 2, loner.pk: 0}


def test_financing_count_and_total_are_not_multiplied_by_founders():
    enterprise = EnterpriseFactory(founders=EntrepreneurFactory.create_batch(3))
    unfunded = EnterpriseFactory()
    FinancingFactory(enterprise=enterprise, amount=Decimal("100000.00"))
    FinancingFactory(enterprise=enterprise, amount=Decimal("50000.50"))
    FinancingFactory()  # another enterprise's
    rows = (
        Enterprise.objects.with_financing_count()
        .with_financing_total()
        .filter(pk__in=[enterprise.pk, unfunded.pk])
        .values_list("pk", "financing_count", "financing_total")
    )
    assert {pk: (count, total) for pk, count, total in rows} == {
        enterprise.pk: (2, Decimal("150000.50")),
        unfunded.pk: (0, 0),
    }
