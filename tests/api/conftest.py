"""Fixtures for the partner API tests: a world of records (partner and client: tests/conftest.py)."""

import datetime

import pytest

from overview.models import ReportedFigure
from tests.factories import (
    AttendanceFactory,
    DesignationFactory,
    EnterpriseFactory,
    EnterpriseFigureFactory,
    EntrepreneurFactory,
    EventFactory,
    EventSeriesFactory,
    FacilityFactory,
    FinancingFactory,
    IncubatorFactory,
    OrganisationFactory,
    ProductFactory,
    ReportedFigureFactory,
    ResidencyFactory,
    SegmentFactory,
    ServiceFactory,
    SourceFactory,
    SpecialGroupFactory,
    SupportMeasureFactory,
)


def make_world():
    """One of every partner-visible record, each with all the relations its serializer renders."""
    organisation = OrganisationFactory(parent=OrganisationFactory())
    source = SourceFactory(cited_in=SourceFactory())
    incubator = IncubatorFactory(
        parent=IncubatorFactory(), operator=organisation, guiding_body=organisation, source=source
    )
    incubator.services.add(ServiceFactory(), ServiceFactory())
    FacilityFactory(incubator=incubator)
    DesignationFactory(incubator=incubator, awarded_by=organisation)
    person = EntrepreneurFactory(source=source)
    person.special_groups.add(SpecialGroupFactory(), SpecialGroupFactory(sensitive=True))
    person.coverage.add(source)
    enterprise = EnterpriseFactory(founders=[person], source=source)
    ProductFactory(enterprise=enterprise)
    EnterpriseFigureFactory(enterprise=enterprise)
    ResidencyFactory(incubator=incubator, enterprise=enterprise, source=source)
    ResidencyFactory(incubator=incubator, enterprise=None, entrepreneur=person)
    FinancingFactory(enterprise=enterprise, borrower=person, guarantor=organisation, source=source)
    SupportMeasureFactory(entrepreneur=person, enterprise=enterprise, incubator=incubator, source=source)
    series = EventSeriesFactory(host_incubator=incubator, source=source)
    series.segments.add(SegmentFactory())
    event = EventFactory(series=series, host_incubator=incubator, source=source)
    event.segments.add(SegmentFactory(), SegmentFactory())
    AttendanceFactory(event=event, entrepreneur=person)
    ReportedFigureFactory(
        scope=ReportedFigure.Scope.INCUBATOR,
        incubator=incubator,
        scope_name=incubator.name,
        source=source,
        period_start=datetime.date(2018, 1, 1),
        as_of=datetime.date(2018, 12, 31),
    )
    return {"incubator": incubator, "person": person, "enterprise": enterprise, "event": event}


@pytest.fixture
def world(db):
    return make_world()
