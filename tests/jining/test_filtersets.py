"""One short test per filter of organisations, sources and reported figures."""

import datetime
from decimal import Decimal

import pytest

from jining.filtersets import OrganisationFilterSet, SourceFilterSet
from jining.models import Organisation
from overview.filtersets import ReportedFigureFilterSet
from overview.models import ReportedFigure
from tests.api.filterset_testing import FilterSetTests
from tests.factories import (
    EventFactory,
    EventSeriesFactory,
    IncubatorFactory,
    OrganisationFactory,
    ReportedFigureFactory,
    SourceFactory,
)


class TestOrganisationFilterSet(FilterSetTests):
    filterset = OrganisationFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.parent = OrganisationFactory(code="bureau")
        OrganisationFactory(code="bank-a", kind=Organisation.Kind.BANK, parent=self.parent)
        OrganisationFactory(code="bank-b", kind=Organisation.Kind.BANK)

    def test_code(self):
        assert self.count(code=["bank-a", "bank-b"]) == 2

    def test_kind(self):
        assert self.count(kind=[Organisation.Kind.BANK]) == 2

    def test_parent_id(self):
        assert self.count(parent_id=[self.parent.pk]) == 1

    def test_parent(self):
        assert self.count(parent=["bureau"]) == 1


class TestSourceFilterSet(FilterSetTests):
    filterset = SourceFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        SourceFactory(code="a", publisher="中国改革报", published_on=datetime.date(2019, 9, 5))
        SourceFactory(code="b", publisher="活力集宁", published_on=datetime.date(2019, 1, 15), kind="video")
        SourceFactory(code="c", publisher="活力集宁", published_on=datetime.date(2018, 5, 1))

    def test_code(self):
        assert self.count(code=["a", "c"]) == 2

    def test_kind(self):
        assert self.count(kind=["video"]) == 1

    def test_publisher(self):
        assert self.count(publisher=["活力集宁"]) == 2

    def test_published_on(self):
        assert self.count(published_on="2019-09-05") == 1

    def test_published_on__gte(self):
        assert self.count(published_on__gte="2019-01-01") == 2

    def test_published_on__lte(self):
        assert self.count(published_on__lte="2019-01-15") == 2


class TestReportedFigureFilterSet(FilterSetTests):
    filterset = ReportedFigureFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        Scope = ReportedFigure.Scope
        self.incubator = IncubatorFactory(code="aichuang")
        self.series = EventSeriesFactory(code="dajiangtang")
        self.event = EventFactory()
        self.source = SourceFactory(code="article")
        ReportedFigureFactory(
            key="a",
            measure="financing_amount",
            unit="yuan",
            value=Decimal("16510000"),
            scope=Scope.INCUBATOR,
            incubator=self.incubator,
            source=self.source,
            as_of=datetime.date(2019, 9, 5),
        )
        ReportedFigureFactory(
            key="b",
            measure="sessions_held",
            unit="count",
            value=Decimal("12"),
            scope=Scope.EVENT_SERIES,
            event_series=self.series,
            qualifier="over",
            as_of=datetime.date(2019, 9, 5),
        )
        ReportedFigureFactory(
            key="c",
            measure="online_views",
            unit="person_time",
            value=Decimal("30000"),
            scope=Scope.EVENT,
            event=self.event,
            as_of=datetime.date(2018, 12, 31),
            period_start=datetime.date(2018, 1, 1),
        )

    def test_key(self):
        assert self.count(key=["a", "b"]) == 2

    def test_measure(self):
        assert self.count(measure=["financing_amount"]) == 1

    def test_unit(self):
        assert self.count(unit=["count", "yuan"]) == 2

    def test_qualifier(self):
        assert self.count(qualifier=["over"]) == 1

    def test_scope(self):
        assert self.count(scope=["incubator", "event"]) == 2

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 1

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 1

    def test_event_series_id(self):
        assert self.count(event_series_id=[self.series.pk]) == 1

    def test_event_series(self):
        assert self.count(event_series=["dajiangtang"]) == 1

    def test_event_id(self):
        assert self.count(event_id=[self.event.pk]) == 1

    def test_source_id(self):
        assert self.count(source_id=[self.source.pk]) == 1

    def test_source(self):
        assert self.count(source=["article"]) == 1

    def test_value(self):
        assert self.count(value="12") == 1

    def test_value__gte(self):
        assert self.count(value__gte="30000") == 2

    def test_value__lte(self):
        assert self.count(value__lte="30000") == 2

    def test_as_of(self):
        assert self.count(as_of="2019-09-05") == 2

    def test_as_of__gte(self):
        assert self.count(as_of__gte="2019-01-01") == 2

    def test_as_of__lte(self):
        assert self.count(as_of__lte="2019-01-01") == 1

    def test_period_start(self):
        assert self.count(period_start="2018-01-01") == 1

    def test_period_start__gte(self):
        assert self.count(period_start__gte="2017-01-01") == 1

    def test_period_start__lte(self):
        assert self.count(period_start__lte="2017-01-01") == 0
