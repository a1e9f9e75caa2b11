"""The events admin: attendance and event counts, inlines and constant changelist queries."""

from django.contrib import admin
from django.urls import reverse

from events.models import Attendance, Event, EventSeries
from tests import factories


def rows(model, request):
    return {row.pk: row for row in admin.site._registry[model].get_queryset(request)}


def test_event_attendance_count(admin_request):
    event = factories.EventFactory()
    empty = factories.EventFactory()
    factories.AttendanceFactory.create_batch(3, event=event)
    factories.AttendanceFactory()
    model_admin = admin.site._registry[Event]
    events = rows(Event, admin_request)
    assert model_admin.attendee_count(events[event.pk]) == 3
    assert model_admin.attendee_count(events[empty.pk]) == 0


def test_event_series_event_count(admin_request):
    series = factories.EventSeriesFactory()
    empty = factories.EventSeriesFactory()
    factories.EventFactory.create_batch(2, series=series)
    model_admin = admin.site._registry[EventSeries]
    all_series = rows(EventSeries, admin_request)
    assert model_admin.event_count(all_series[series.pk]) == 2
    assert model_admin.event_count(all_series[empty.pk]) == 0


def test_event_changelist_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    url = reverse("admin:events_event_changelist")
    factories.AttendanceFactory()
    # 15: the page, its filters and counts, plus the sliding session save (SAVEPOINT, UPDATE, RELEASE).
    with django_assert_max_num_queries(15) as baseline:
        staff_client.get(url)
    for event in factories.EventFactory.create_batch(15):
        factories.AttendanceFactory.create_batch(2, event=event)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = staff_client.get(url)
    assert response.context["cl"].result_count == 16


def test_event_change_page_lists_attendance_with_autocomplete(staff_client):
    attendance = factories.AttendanceFactory()
    response = staff_client.get(reverse("admin:events_event_change", args=[attendance.event.pk]))
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.model is Attendance
    assert len(inline.formset.forms) == 1
    assert "admin-autocomplete" in response.text


def test_event_series_change_page_lists_its_events(staff_client):
    event = factories.EventFactory()
    response = staff_client.get(reverse("admin:events_eventseries_change", args=[event.series.pk]))
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.model is Event
    assert [form.instance for form in inline.formset.forms] == [event]


def test_event_validation_message_is_translated(staff_client):
    url = reverse("admin:events_event_add")
    organiser = factories.OrganisationFactory()
    response = staff_client.post(
        url,
        {
            "title": "创业讲座",
            "kind": "lecture",
            "organiser": organiser.pk,
            "end_date": "2019-05-01",
            "date_precision": "day",
            "on_site": "on",
            "attendances-TOTAL_FORMS": 0,
            "attendances-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "结束日期" in str(response.context["adminform"].form.errors)


def test_attendance_event_date(db):
    attendance = factories.AttendanceFactory()
    assert admin.site._registry[Attendance].event_date(attendance) == attendance.event.start_date
