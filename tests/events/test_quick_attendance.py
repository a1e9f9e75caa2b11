"""Quick attendance: several attendees recorded from the event's page in one step."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from events.models import Attendance, Event
from events.services import attendance_add_many, attendance_resolve_names
from tests import factories
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "zhang": factories.EntrepreneurFactory(name="张智杰", id_card_number=factories.make_id_card(1)),
        "zhao": factories.EntrepreneurFactory(name="赵少青"),
        "li": factories.EntrepreneurFactory(name="李汇洲"),
    }


def person_times(event, staff_user):
    request = RequestFactory().get("/admin/")
    request.user = staff_user
    return admin.site._registry[Event].get_queryset(request).get(pk=event.pk).attendee_count


# Services ------------------------------------------------------------------------------------------


def test_resolve_names_with_every_separator(people):
    text = f"张智杰\n赵少青、李汇洲，张智杰, {people['zhang'].id_card_number.lower()};"
    assert attendance_resolve_names(text=text) == [people["zhang"], people["zhao"], people["li"]]
    assert attendance_resolve_names(text="  \n ") == []


def test_resolve_names_reports_unknown_and_ambiguous_names_together(people):
    factories.EntrepreneurFactory(name="赵少青")
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        attendance_resolve_names(text="张智杰、王五、赵少青、钱六")
    messages = raised.value.messages
    assert any("王五、钱六" in message for message in messages)
    assert any("赵少青" in message and "ID-card" in message for message in messages)


def test_add_many_skips_those_already_recorded(people):
    event = factories.EventFactory()
    factories.AttendanceFactory(event=event, entrepreneur=people["zhang"])
    added = attendance_add_many(event=event, entrepreneurs=[people["zhang"], people["zhao"], people["zhao"]])
    assert [row.entrepreneur for row in added] == [people["zhao"]]
    assert event.attendances.count() == 2
    added = attendance_add_many(event=event, entrepreneurs=[people["li"]], role=Attendance.Role.SPEAKER)
    assert added[0].role == Attendance.Role.SPEAKER


# The event's admin page ----------------------------------------------------------------------------


def test_pick_and_paste_attendees_from_the_event_page(staff_client, staff_user, people):
    event = factories.EventFactory()
    factories.AttendanceFactory(event=event, entrepreneur=people["zhao"])
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(staff_client.get(url))
    data["quick_attendees"] = [str(people["zhang"].pk)]
    data["quick_attendee_list"] = "赵少青、李汇洲"
    response = staff_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert set(event.attendees.all()) == set(people.values())
    assert person_times(event, staff_user) == 3
    with translation.override("zh-hans"):
        assert "已登记 2 名参加人员；1 名此前已登记。" in [str(m) for m in response.context["messages"]]


def test_unknown_names_are_an_error_and_nothing_is_saved(staff_client, people):
    event = factories.EventFactory(title="创业讲座")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(staff_client.get(url))
    data["title"] = "改过的标题"
    data["quick_attendees"] = [str(people["zhang"].pk)]
    data["quick_attendee_list"] = "李汇洲\n王五"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "王五" in " ".join(response.context["adminform"].form.errors["quick_attendee_list"])
    assert event.attendances.count() == 0
    event.refresh_from_db()
    assert event.title == "创业讲座"


def test_quick_attendance_fields_are_on_the_event_page(staff_client):
    event = factories.EventFactory()
    response = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))
    form = response.context["adminform"].form
    assert {"quick_attendees", "quick_attendee_list", "quick_role"} <= set(form.fields)
    assert "admin-autocomplete" in response.text


def test_attendee_autocomplete_searches_pinyin(staff_client, people):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": "attendees", "term": "zzj"},
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(people["zhang"].pk)]
