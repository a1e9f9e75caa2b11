"""One short test per filter of event series, events and attendance."""

import datetime

import pytest

from events.filtersets import AttendanceFilterSet, EventFilterSet, EventSeriesFilterSet
from events.models import Attendance, EventKind
from tests.api.filterset_testing import FilterSetTests
from tests.factories import (
    AttendanceFactory,
    EntrepreneurFactory,
    EventFactory,
    EventSeriesFactory,
    IncubatorFactory,
    OrganisationFactory,
    SegmentFactory,
)


class TestEventSeriesFilterSet(FilterSetTests):
    filterset = EventSeriesFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.bureau = OrganisationFactory(code="bureau")
        self.incubator = IncubatorFactory(code="aichuang")
        series = EventSeriesFactory(
            code="dajiangtang", organiser=self.bureau, host_incubator=self.incubator, kind=EventKind.LECTURE
        )
        series.segments.add(SegmentFactory(code="replay"))
        EventSeriesFactory(code="roadshow", kind=EventKind.ROADSHOW, host_incubator=self.incubator)
        EventSeriesFactory(code="salon", kind=EventKind.SALON)

    def test_code(self):
        assert self.count(code=["roadshow", "salon"]) == 2

    def test_kind(self):
        assert self.count(kind=["roadshow", "lecture"]) == 2

    def test_organiser_id(self):
        assert self.count(organiser_id=[self.bureau.pk]) == 1

    def test_organiser(self):
        assert self.count(organiser=["bureau"]) == 1

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 2

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 2

    def test_segment(self):
        assert self.count(segment=["replay"]) == 1


class TestEventFilterSet(FilterSetTests):
    filterset = EventFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.series = EventSeriesFactory(code="dajiangtang")
        self.bureau = OrganisationFactory(code="bureau")
        self.incubator = IncubatorFactory(code="aichuang")
        self.person = EntrepreneurFactory()
        lecture = EventFactory(
            series=self.series,
            start_date=datetime.date(2019, 3, 1),
            township="白海子镇",
            onsite_participants=50,
        )
        lecture.segments.add(SegmentFactory(code="replay"))
        AttendanceFactory(event=lecture, entrepreneur=self.person)
        EventFactory(
            series=self.series,
            organiser=self.bureau,
            start_date=datetime.date(2019, 6, 1),
            township="马莲渠乡",
            onsite_participants=60,
            live_streamed=True,
        )
        EventFactory(
            series=None,
            kind=EventKind.TRAINING,
            host_incubator=self.incubator,
            start_date=datetime.date(2018, 5, 1),
            on_site=False,
            replay_available=True,
            township="马莲渠乡",
        )

    def test_series_id(self):
        assert self.count(series_id=[self.series.pk]) == 2

    def test_series(self):
        assert self.count(series=["dajiangtang"]) == 2

    def test_kind(self):
        assert self.count(kind=["training"]) == 1

    def test_organiser_id(self):
        assert self.count(organiser_id=[self.bureau.pk]) == 1

    def test_organiser(self):
        assert self.count(organiser=["bureau"]) == 1

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 1

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 1

    def test_township(self):
        assert self.count(township=["马莲渠乡"]) == 2

    def test_segment(self):
        assert self.count(segment=["replay"]) == 1

    def test_attendee_id(self):
        assert self.count(attendee_id=[self.person.pk]) == 1

    def test_start_date(self):
        assert self.count(start_date="2019-03-01") == 1

    def test_start_date__gte(self):
        assert self.count(start_date__gte="2019-01-01") == 2

    def test_start_date__lte(self):
        assert self.count(start_date__lte="2019-03-01") == 2

    def test_on_site(self):
        assert self.count(on_site=False) == 1

    def test_live_streamed(self):
        assert self.count(live_streamed=True) == 1

    def test_replay_available(self):
        assert self.count(replay_available=True) == 1

    def test_onsite_participants(self):
        assert self.count(onsite_participants=50) == 1

    def test_onsite_participants__gte(self):
        assert self.count(onsite_participants__gte=55) == 1

    def test_onsite_participants__lte(self):
        assert self.count(onsite_participants__lte=60) == 2


class TestAttendanceFilterSet(FilterSetTests):
    filterset = AttendanceFilterSet

    @pytest.fixture(autouse=True)
    def data(self, db):
        self.series = EventSeriesFactory(code="dajiangtang")
        self.incubator = IncubatorFactory(code="aichuang")
        self.person = EntrepreneurFactory()
        self.event = EventFactory(series=self.series, start_date=datetime.date(2019, 3, 1))
        AttendanceFactory(event=self.event, entrepreneur=self.person)
        AttendanceFactory(event=self.event, role=Attendance.Role.SPEAKER)
        training = EventFactory(
            series=None,
            kind=EventKind.TRAINING,
            host_incubator=self.incubator,
            start_date=datetime.date(2018, 1, 1),
        )
        AttendanceFactory(event=training, entrepreneur=self.person)

    def test_event_id(self):
        assert self.count(event_id=[self.event.pk]) == 2

    def test_entrepreneur_id(self):
        assert self.count(entrepreneur_id=[self.person.pk]) == 2

    def test_role(self):
        assert self.count(role=["speaker"]) == 1

    def test_series_id(self):
        assert self.count(series_id=[self.series.pk]) == 2

    def test_series(self):
        assert self.count(series=["dajiangtang"]) == 2

    def test_event_kind(self):
        assert self.count(event_kind=["training"]) == 1

    def test_incubator_id(self):
        assert self.count(incubator_id=[self.incubator.pk]) == 1

    def test_incubator(self):
        assert self.count(incubator=["aichuang"]) == 1

    def test_event_date__gte(self):
        assert self.count(event_date__gte="2019-01-01") == 2

    def test_event_date__lte(self):
        assert self.count(event_date__lte="2019-01-01") == 1
