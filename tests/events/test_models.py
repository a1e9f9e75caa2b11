"""Database constraints, clean() rules and counts of events and attendance."""

import datetime

import factory
import pytest

from events.models import Event, EventSeries
from tests.constraints import (
    assert_check_constraint,
    assert_clean_error,
    assert_unique_constraint,
    case,
    constraint_names,
)
from tests.factories import (
    AttendanceFactory,
    EntrepreneurFactory,
    EventFactory,
    EventSeriesFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2019, 6, 1)
NO_FORMAT = {"on_site": False, "live_streamed": False, "replay_available": False}

CHECK_CASES = [
    case(
        EventFactory,
        "event_end_after_start",
        {"start_date": DAY, "end_date": DAY - datetime.timedelta(days=1)},
        {"start_date": DAY, "end_date": DAY},
    ),
    case(
        EventFactory,
        "event_end_after_start",
        {"start_date": None, "end_date": DAY},
        {"start_date": None, "end_date": None},
        id="event_end_after_start-end-without-start",
    ),
    case(EventFactory, "event_has_a_format", NO_FORMAT, {**NO_FORMAT, "replay_available": True}),
    case(
        EventFactory,
        "event_has_a_format",
        NO_FORMAT,
        {**NO_FORMAT, "live_streamed": True},
        id="event_has_a_format-live-streamed",
    ),
]

UNIQUE_CASES = [
    case(EventFactory, "event_unique_title_date", {}, {"start_date": datetime.date(2020, 6, 1)}),
    case(
        EventFactory,
        "event_unique_title_date",
        {"title": "创新创业走基层大讲堂"},
        {"title": "创新创业走基层大讲堂（第二场）"},
        id="event_unique_title_date-other-title",
    ),
    case(
        AttendanceFactory,
        "attendance_unique_per_event",
        {},
        {"entrepreneur": factory.SubFactory(EntrepreneurFactory)},
    ),
]

TESTED_CONSTRAINTS = constraint_names(CHECK_CASES + UNIQUE_CASES)


@pytest.mark.parametrize(("model_factory", "name", "bad", "good"), CHECK_CASES)
def test_check_constraint(model_factory, name, bad, good):
    assert_check_constraint(model_factory, name, bad, good)


@pytest.mark.parametrize(("model_factory", "name", "first", "varied"), UNIQUE_CASES)
def test_unique_constraint(model_factory, name, first, varied):
    assert_unique_constraint(model_factory, name, first, varied)


def test_events_without_date_may_share_a_title():
    """NULL dates never collide, on PostgreSQL as on SQLite."""
    EventFactory(title="返乡创业分享会", start_date=None)
    EventFactory(title="返乡创业分享会", start_date=None)


# Event.clean() ------------------------------------------------------------------------------------


def build_event(**fields):
    return EventFactory.build(series=None, organiser=OrganisationFactory(), **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"start_date": DAY},
        {"start_date": DAY, "end_date": DAY},
        {"start_date": DAY, "end_date": DAY + datetime.timedelta(days=2)},
        {"start_date": None},
        {**NO_FORMAT, "live_streamed": True, "replay_available": True},
    ],
    ids=["one-day", "same-end", "three-days", "date-unknown", "online-only"],
)
def test_valid_event_passes_clean(fields):
    build_event(**fields).full_clean()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"start_date": None, "end_date": DAY}, "start_date"),
        ({"start_date": DAY, "end_date": DAY - datetime.timedelta(days=1)}, "end_date"),
        (NO_FORMAT, "__all__"),
    ],
    ids=["end-without-start", "end-before-start", "no-format"],
)
def test_event_clean_reports_the_field(fields, error_field):
    assert_clean_error(build_event(**fields), error_field)


# Counts -------------------------------------------------------------------------------------------


def test_with_attendee_count_counts_the_events_attendance():
    event, empty = EventFactory.create_batch(2)
    AttendanceFactory.create_batch(3, event=event)
    AttendanceFactory()  # at another event
    rows = Event.objects.with_attendee_count().filter(pk__in=[event.pk, empty.pk])
    assert dict(rows.values_list("pk", "attendee_count")) == {event.pk: 3, empty.pk: 0}


def test_series_counts_its_events_and_their_attendance_without_multiplying_them():
    series, empty = EventSeriesFactory.create_batch(2)
    first, second = EventFactory.create_batch(2, series=series)
    AttendanceFactory.create_batch(2, event=first)
    AttendanceFactory(event=second)
    AttendanceFactory()  # at an event of another series
    rows = (
        EventSeries.objects.with_event_count()
        .with_attendance_count()
        .filter(pk__in=[series.pk, empty.pk])
        .values_list("pk", "event_count", "attendance_count")
    )
    assert {pk: (events, attendance) for pk, events, attendance in rows} == {
        series.pk: (2, 3),
        empty.pk: (0, 0),
    }
