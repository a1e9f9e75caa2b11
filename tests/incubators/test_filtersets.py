"""One short test per filter of incubators and residencies."""

import datetime

import pytest

from incubators.filtersets import IncubatorFilterSet, ResidencyFilterSet
from incubators.models import Incubator
from tests.api.filterset_testing import FilterSetTests
from tests.factories import (
    EnterpriseFactory,
    EntrepreneurFactory,
    IncubatorFactory,
    OrganisationFactory,
    ResidencyFactory,
    ServiceFactory,
)


class TestIncubatorFilterSet(FilterSetTests):
    filterset = IncubatorFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.operator = OrganisationFactory(code="operator")
        self.bureau = OrganisationFactory(code="bureau")
        self.city = IncubatorFactory(code="leather-city", kind=Incubator.Kind.PARK, area="商业核心区")
        aichuang = IncubatorFactory(
            code="aichuang",
            kind=Incubator.Kind.MAKER_SPACE,
            township="桥东街道",
            operator=self.operator,
            guiding_body=self.bureau,
            established_year=2016,
        )
        aichuang.services.add(ServiceFactory(code="legal"))
        IncubatorFactory(code="base", parent=self.city, established_year=2018)

    def test_code(self):
        assert self.count(code=["aichuang", "base"]) == 2

    def test_kind(self):
        assert self.count(kind=[Incubator.Kind.PARK, Incubator.Kind.MAKER_SPACE]) == 2

    def test_township(self):
        assert self.count(township=["桥东街道"]) == 1

    def test_area(self):
        assert self.count(area=["商业核心区"]) == 1

    def test_parent_id(self):
        assert self.count(parent_id=[self.city.pk]) == 1

    def test_parent(self):
        assert self.count(parent=["leather-city"]) == 1

    def test_operator_id(self):
        assert self.count(operator_id=[self.operator.pk]) == 1

    def test_operator(self):
        assert self.count(operator=["operator"]) == 1

    def test_guiding_body_id(self):
        assert self.count(guiding_body_id=[self.bureau.pk]) == 1

    def test_guiding_body(self):
        assert self.count(guiding_body=["bureau"]) == 1

    def test_service(self):
        assert self.count(service=["legal"]) == 1

    def test_established_year(self):
        assert self.count(established_year=2016) == 1

    def test_established_year__gte(self):
        assert self.count(established_year__gte=2017) == 1

    def test_established_year__lte(self):
        assert self.count(established_year__lte=2018) == 2


class TestResidencyFilterSet(FilterSetTests):
    filterset = ResidencyFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.incubator = IncubatorFactory(code="aichuang")
        self.enterprise = EnterpriseFactory()
        self.person = EntrepreneurFactory()
        ResidencyFactory(
            incubator=self.incubator, enterprise=self.enterprise, start_date=datetime.date(2017, 1, 1)
        )
        ResidencyFactory(
            incubator=self.incubator,
            enterprise=None,
            entrepreneur=self.person,
            start_date=datetime.date(2018, 1, 1),
            end_date=datetime.date(2019, 1, 1),
        )
        ResidencyFactory(start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2016, 1, 1))

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 2

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 2

    def test_enterprise_id(self):
        assert self.count(enterprise_id=[self.enterprise.pk]) == 1

    def test_entrepreneur_id(self):
        assert self.count(entrepreneur_id=[self.person.pk]) == 1

    def test_current(self):
        assert self.count(current=True) == 1
        assert self.count(current=False) == 2

    def test_start_date(self):
        assert self.count(start_date="2017-01-01") == 1

    def test_start_date__gte(self):
        assert self.count(start_date__gte="2017-01-01") == 2

    def test_start_date__lte(self):
        assert self.count(start_date__lte="2017-01-01") == 2

    def test_end_date(self):
        assert self.count(end_date="2019-01-01") == 1

    def test_end_date__gte(self):
        assert self.count(end_date__gte="2017-01-01") == 1

    def test_end_date__lte(self):
        assert self.count(end_date__lte="2019-01-01") == 2
