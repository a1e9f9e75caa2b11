"""One short test per filter of entrepreneurs, enterprises, support measures and financing."""

import datetime
from decimal import Decimal

import pytest

from entrepreneurs.filtersets import (
    EnterpriseFilterSet,
    EntrepreneurFilterSet,
    FinancingFilterSet,
    SupportMeasureFilterSet,
)
from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SupportMeasure
from tests.api.filterset_testing import FilterSetTests
from tests.factories import (
    EnterpriseFactory,
    EntrepreneurFactory,
    FinancingFactory,
    IncubatorFactory,
    OrganisationFactory,
    ResidencyFactory,
    SpecialGroupFactory,
    SupportMeasureFactory,
)


class TestEntrepreneurFilterSet(FilterSetTests):
    filterset = EntrepreneurFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.incubator = IncubatorFactory(code="leather-city")
        zhao = EntrepreneurFactory(
            name="赵少青",
            return_year=2017,
            birth_year=1988,
            hometown_county="集宁区",
            education=Entrepreneur.Education.BACHELOR,
        )
        li = EntrepreneurFactory(
            name="李汇洲", return_year=2015, birth_year=1975, hometown_township="科布尔镇"
        )
        zhang = EntrepreneurFactory(name="张智杰", return_year=2010, gender=Entrepreneur.Gender.FEMALE)
        zhang.special_groups.add(SpecialGroupFactory(code="disabled", sensitive=True))
        zhao.special_groups.add(SpecialGroupFactory(code="rural-youth"))
        self.media = EnterpriseFactory(founders=[zhao], industry=Enterprise.Industry.MEDIA)
        ResidencyFactory(incubator=self.incubator, enterprise=None, entrepreneur=li)
        factory = EnterpriseFactory(founders=[zhang])
        ResidencyFactory(incubator=self.incubator, enterprise=factory)

    def test_gender(self):
        assert self.count(gender=["F"]) == 1

    def test_education(self):
        assert self.count(education=["bachelor"]) == 1

    def test_hometown(self):
        assert self.count(hometown=["集宁区", "科布尔镇"]) == 2

    def test_hometown_city(self):
        assert self.count(hometown_city=["乌兰察布市"]) == 3

    def test_hometown_county(self):
        assert self.count(hometown_county=["集宁区"]) == 1

    def test_special_group(self):
        assert self.count(special_group=["rural-youth"]) == 1
        assert self.count(special_group=["disabled"]) == 0  # sensitive: matches nothing, as an unknown code

    def test_enterprise_id(self):
        assert self.count(enterprise_id=[self.media.pk]) == 1

    def test_industry(self):
        assert self.count(industry=["media"]) == 1

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 2  # li resides; zhang's enterprise resides

    def test_incubator(self):
        assert self.count(incubator=["leather-city"]) == 2

    def test_return_year(self):
        assert self.count(return_year=2017) == 1

    def test_return_year__gte(self):
        assert self.count(return_year__gte=2015) == 2

    def test_return_year__lte(self):
        assert self.count(return_year__lte=2015) == 2

    def test_birth_decade(self):
        assert self.count(birth_decade=1980) == 2


class TestEnterpriseFilterSet(FilterSetTests):
    filterset = EnterpriseFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.incubator = IncubatorFactory(code="aichuang")
        self.founder = EntrepreneurFactory()
        self.media = EnterpriseFactory(
            credit_code="",
            industry=Enterprise.Industry.MEDIA,
            registration_year=2017,
            founders=[self.founder],
        )
        ResidencyFactory(incubator=self.incubator, enterprise=self.media)
        ResidencyFactory(
            incubator=self.incubator, enterprise=self.media, start_date=datetime.date(2019, 1, 1)
        )
        self.coop = EnterpriseFactory(
            legal_form=Enterprise.LegalForm.COOPERATIVE,
            status=Enterprise.Status.CLOSED,
            registration_year=2015,
        )
        EnterpriseFactory(registration_year=2019)

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 1  # two residencies, one enterprise

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 1

    def test_legal_form(self):
        assert self.count(legal_form=["cooperative"]) == 1

    def test_industry(self):
        assert self.count(industry=["media", "manufacturing"]) == 3

    def test_status(self):
        assert self.count(status=["closed"]) == 1

    def test_credit_code(self):
        assert self.count(credit_code=[self.coop.credit_code]) == 1

    def test_founder_id(self):
        assert self.count(founder_id=[self.founder.pk]) == 1

    def test_registration_year(self):
        assert self.count(registration_year=2017) == 1

    def test_registration_year__gte(self):
        assert self.count(registration_year__gte=2017) == 2

    def test_registration_year__lte(self):
        assert self.count(registration_year__lte=2017) == 2


class TestSupportMeasureFilterSet(FilterSetTests):
    filterset = SupportMeasureFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.incubator = IncubatorFactory(code="aichuang")
        self.provider = OrganisationFactory(code="canlian")
        self.enterprise = EnterpriseFactory()
        self.person = EntrepreneurFactory()
        SupportMeasureFactory(
            entrepreneur=self.person,
            provider=self.provider,
            kind=SupportMeasure.Kind.SALES_CHANNELS,
            value_yuan=None,
            date=datetime.date(2019, 1, 1),
        )
        SupportMeasureFactory(
            enterprise=self.enterprise, incubator=self.incubator, value_yuan=Decimal("5000")
        )
        SupportMeasureFactory(date=datetime.date(2017, 1, 1), value_yuan=Decimal("20000"))
        SupportMeasureFactory(  # a one-year rent subsidy, and one of half a year
            date=None,
            period_start=datetime.date(2019, 1, 1),
            period_end=datetime.date(2019, 12, 31),
            value_yuan=None,
        )
        SupportMeasureFactory(
            date=None,
            period_start=datetime.date(2018, 1, 1),
            period_end=datetime.date(2018, 6, 30),
            value_yuan=None,
        )

    def test_kind(self):
        assert self.count(kind=["sales_channels"]) == 1

    def test_entrepreneur_id(self):
        assert self.count(entrepreneur_id=[self.person.pk]) == 1

    def test_enterprise_id(self):
        assert self.count(enterprise_id=[self.enterprise.pk]) == 1

    def test_provider_id(self):
        assert self.count(provider_id=[self.provider.pk]) == 1

    def test_provider(self):
        assert self.count(provider=["canlian"]) == 1

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 1

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 1

    def test_period_start(self):
        assert self.count(period_start="2019-01-01") == 1

    def test_period_start__gte(self):
        assert self.count(period_start__gte="2018-06-01") == 1

    def test_period_start__lte(self):
        assert self.count(period_start__lte="2018-06-01") == 1

    def test_period_end(self):
        assert self.count(period_end="2019-12-31") == 1

    def test_period_end__gte(self):
        assert self.count(period_end__gte="2019-06-01") == 1

    def test_period_end__lte(self):
        assert self.count(period_end__lte="2019-06-01") == 1

    def test_date(self):
        assert self.count(date="2019-01-01") == 1

    def test_date__gte(self):
        assert self.count(date__gte="2018-01-01") == 2

    def test_date__lte(self):
        assert self.count(date__lte="2018-03-01") == 2

    def test_value_yuan(self):
        assert self.count(value_yuan="5000") == 1

    def test_value_yuan__gte(self):
        assert self.count(value_yuan__gte="10000") == 1

    def test_value_yuan__lte(self):
        assert self.count(value_yuan__lte="10000") == 1


class TestFinancingFilterSet(FilterSetTests):
    filterset = FinancingFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.incubator = IncubatorFactory(code="aichuang")
        self.bank = OrganisationFactory(code="bank")
        self.guarantor = OrganisationFactory(code="guarantee-centre")
        self.borrower = EntrepreneurFactory()
        self.media = EnterpriseFactory(industry=Enterprise.Industry.MEDIA)
        ResidencyFactory(incubator=self.incubator, enterprise=self.media)
        ResidencyFactory(
            incubator=self.incubator, enterprise=self.media, start_date=datetime.date(2019, 1, 1)
        )
        FinancingFactory(
            enterprise=self.media,
            borrower=self.borrower,
            guarantor=self.guarantor,
            amount=Decimal("100000"),
            date=datetime.date(2018, 3, 1),
            term_months=24,
        )
        FinancingFactory(
            provider=self.bank,
            kind=Financing.Kind.EQUITY,
            amount=Decimal("5000000"),
            date=datetime.date(2019, 5, 1),
        )
        FinancingFactory(amount=Decimal("300000"), date=datetime.date(2017, 6, 1), term_months=36)

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 1  # two residencies, one financing

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 1

    def test_kind(self):
        assert self.count(kind=["equity"]) == 1

    def test_enterprise_id(self):
        assert self.count(enterprise_id=[self.media.pk]) == 1

    def test_borrower_id(self):
        assert self.count(borrower_id=[self.borrower.pk]) == 1

    def test_provider_id(self):
        assert self.count(provider_id=[self.bank.pk]) == 1

    def test_provider(self):
        assert self.count(provider=["bank"]) == 1

    def test_guarantor_id(self):
        assert self.count(guarantor_id=[self.guarantor.pk]) == 1

    def test_guarantor(self):
        assert self.count(guarantor=["guarantee-centre"]) == 1

    def test_industry(self):
        assert self.count(industry=["media"]) == 1

    def test_amount(self):
        assert self.count(amount="300000") == 1

    def test_amount__gte(self):
        assert self.count(amount__gte="300000") == 2

    def test_amount__lte(self):
        assert self.count(amount__lte="300000.00") == 2

    def test_date(self):
        assert self.count(date="2018-03-01") == 1

    def test_date__gte(self):
        assert self.count(date__gte="2018-01-01") == 2

    def test_date__lte(self):
        assert self.count(date__lte="2018-12-31") == 2

    def test_term_months(self):
        assert self.count(term_months=24) == 1

    def test_term_months__gte(self):
        assert self.count(term_months__gte=30) == 1

    def test_term_months__lte(self):
        assert self.count(term_months__lte=36) == 2
