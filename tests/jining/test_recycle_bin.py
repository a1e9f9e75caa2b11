"""The recycle bin (jining/recycle_bin.py): every delete in the admin goes there with who, when and
why, with what it carries, and comes back exactly (the records' tables' checksums identical) in one
action by an editor; only a superuser empties it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from entrepreneurs.models import Enterprise, Entrepreneur
from events.models import Attendance, Event
from jining.models import BinEntry, User
from jining.recycle_bin import RestoreRefused, move_to_bin, restore
from jining.services import EDITOR_GROUP, VIEWER_GROUP
from overview.stats import stats_refresh
from tests import factories
from tests.db_state import records_snapshot

pytestmark = pytest.mark.django_db


def member_of(group_name, username=None):
    user = factories.UserFactory(username=username or group_name, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(client):
    user = member_of(EDITOR_GROUP)
    client.force_login(user)
    return user


@pytest.fixture
def person(db):
    """A person with what a delete carries: special groups, coverage, a founder's link."""
    person = factories.EntrepreneurFactory(name="李建国", id_card_number=factories.make_id_card(41))
    person.special_groups.set([factories.SpecialGroupFactory(code="veteran", name="退役军人")])
    person.coverage.set([factories.SourceFactory()])
    enterprise = factories.EnterpriseFactory(name="建国皮具")
    enterprise.founders.add(person)
    return person


@pytest.fixture
def events_with_attendance(db):
    people = factories.EntrepreneurFactory.create_batch(4)
    events = factories.EventFactory.create_batch(5)
    for event in events:
        for attendee in people:
            factories.AttendanceFactory(event=event, entrepreneur=attendee)
    return events


def changelist_action(client, model_url, action, pks, **extra):
    return client.post(
        reverse(model_url),
        {"action": action, "_selected_action": [str(pk) for pk in pks], **extra},
        follow=True,
    )


def test_deleting_a_person_moves_them_with_their_links_to_the_bin_and_restore_is_exact(
    client, editor, person
):
    before = records_snapshot()
    url = reverse("admin:entrepreneurs_entrepreneur_delete", args=[person.pk])
    page = client.get(url)
    assert 'name="bin_reason"' in page.content.decode()

    response = client.post(url, {"post": "yes", "bin_reason": "重复录入"}, follow=True)

    assert response.status_code == 200
    entry = BinEntry.objects.get()
    assert reverse("admin:jining_binentry_change", args=[entry.pk]) in response.content.decode()
    assert not Entrepreneur.objects.filter(pk=person.pk).exists()
    assert not Enterprise.founders.through.objects.filter(entrepreneur_id=person.pk).exists()
    assert (entry.kind, entry.record, entry.reason) == (BinEntry.Kind.DELETE, "李建国", "重复录入")
    assert entry.deleted_by == editor and entry.deleted_by_name == editor.username
    assert (
        sum(entry.contents.values()) == 4
    )  # the person, a special group link, a coverage link, a founder link
    deletion = person.history.order_by("history_id").last()
    assert (deletion.history_type, deletion.history_user, deletion.history_change_reason) == (
        "-",
        editor,
        "重复录入",
    )
    assert records_snapshot() != before

    response = changelist_action(client, "admin:jining_binentry_changelist", "restore_selected", [entry.pk])

    assert response.status_code == 200
    assert records_snapshot() == before
    entry.refresh_from_db()
    assert entry.restored and entry.restored_by == editor and entry.payload == {}
    restored = person.history.order_by("history_id").last()
    assert restored.history_type == "+" and "回收站" in restored.history_change_reason


def test_a_delete_without_a_reason_is_refused_and_changes_nothing(client, editor, person):
    before = records_snapshot()
    url = reverse("admin:entrepreneurs_entrepreneur_delete", args=[person.pk])
    response = client.post(url, {"post": "yes", "bin_reason": "  "}, follow=True)
    assert "原因" in response.content.decode()
    assert records_snapshot() == before and not BinEntry.objects.exists()


def test_bulk_delete_of_events_takes_their_attendance_and_restore_brings_all_back(
    client, editor, events_with_attendance
):
    before = records_snapshot()
    pks = [event.pk for event in events_with_attendance]

    refused = changelist_action(
        client, "admin:events_event_changelist", "delete_selected", pks, post="yes", bin_reason=""
    )
    assert 'name="bin_reason"' in refused.content.decode()  # the confirmation page again
    assert records_snapshot() == before

    changelist_action(
        client, "admin:events_event_changelist", "delete_selected", pks, post="yes", bin_reason="测试数据"
    )

    assert not Event.objects.exists() and not Attendance.objects.exists()
    entry = BinEntry.objects.get()
    assert entry.record_count == 5 and entry.reason == "测试数据"
    assert entry.contents["events.event"] == 5 and entry.contents["events.attendance"] == 20
    # Out of every list, search, API response and statistic: the API lists no event, the stats count none.
    assert stats_refresh().tracked_totals.get("events", 0) == 0

    changelist_action(client, "admin:jining_binentry_changelist", "restore_selected", [entry.pk])

    assert records_snapshot() == before
    assert stats_refresh().tracked_totals["events"] == 5


def test_a_row_removed_from_an_inline_goes_to_the_bin(client, editor):
    enterprise = factories.EnterpriseFactory()
    product = factories.ProductFactory(enterprise=enterprise, name="羊皮手套")
    before = records_snapshot()["entrepreneurs_product"]
    url = reverse("admin:entrepreneurs_enterprise_change", args=[enterprise.pk])
    form = client.get(url).context["adminform"].form
    data = _change_form_data(client.get(url))
    prefix = next(
        key[: -len("-TOTAL_FORMS")] for key in data if key.endswith("-TOTAL_FORMS") and "product" in key
    )
    data[f"{prefix}-0-DELETE"] = "on"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, form.errors
    assert not type(product).objects.filter(pk=product.pk).exists()
    entry = BinEntry.objects.get()
    assert entry.record == "羊皮手套" and enterprise.name in entry.reason
    restore(entry, user=editor)
    assert records_snapshot()["entrepreneurs_product"] == before  # the enterprise itself was saved


def _change_form_data(response):
    """The POST data of a change page as the browser would send it unchanged."""
    from tests.admin_forms import form_data

    return form_data(response)


def test_a_restore_that_would_clash_is_refused_with_a_message_and_changes_nothing(client, editor, person):
    card = person.id_card_number
    entry = move_to_bin([person], user=editor, reason="误删")
    factories.EntrepreneurFactory(name="李建国", id_card_number=card)  # entered again since
    before = records_snapshot()

    response = changelist_action(client, "admin:jining_binentry_changelist", "restore_selected", [entry.pk])

    html = response.content.decode()
    assert "李建国" in html and "身份证" in html
    assert records_snapshot() == before
    entry.refresh_from_db()
    assert not entry.restored
    with pytest.raises(RestoreRefused):
        restore(entry, user=editor)


def test_an_entry_restores_once(editor, person):
    entry = move_to_bin([person], user=editor, reason="误删")
    restore(entry, user=editor)
    with pytest.raises(RestoreRefused):
        restore(entry, user=editor)


def test_foreign_keys_the_delete_set_to_null_are_set_again(editor):
    organisation = factories.OrganisationFactory()
    users = factories.UserFactory.create_batch(2, organisation=organisation)
    before = records_snapshot()
    entry = move_to_bin([organisation], user=editor, reason="撤销")
    assert not User.objects.filter(organisation__isnull=False, pk__in=[u.pk for u in users]).exists()
    restore(entry, user=editor)
    assert records_snapshot() == before


def test_the_restore_button_on_an_entry_page(client, editor, person):
    pk = person.pk
    entry = move_to_bin([person], user=editor, reason="误删")
    page = client.get(reverse("admin:jining_binentry_change", args=[entry.pk]))
    assert reverse("admin:jining_binentry_restore", args=[entry.pk]) in page.content.decode()
    client.post(reverse("admin:jining_binentry_restore", args=[entry.pk]))
    assert Entrepreneur.objects.filter(pk=pk).exists()


def test_only_a_superuser_empties_the_bin_and_a_viewer_neither_sees_nor_restores(client, editor, person):
    pk = person.pk
    entry = move_to_bin([person], user=editor, reason="误删")
    changelist_action(client, "admin:jining_binentry_changelist", "delete_selected", [entry.pk], post="yes")
    assert BinEntry.objects.filter(pk=entry.pk).exists()  # an editor cannot empty it

    viewer = member_of(VIEWER_GROUP)
    client.force_login(viewer)
    assert client.get(reverse("admin:jining_binentry_changelist")).status_code == 403
    assert client.post(reverse("admin:jining_binentry_restore", args=[entry.pk])).status_code == 403
    assert not Entrepreneur.objects.filter(pk=pk).exists()

    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    changelist_action(client, "admin:jining_binentry_changelist", "delete_selected", [entry.pk], post="yes")
    assert not BinEntry.objects.filter(pk=entry.pk).exists()


def test_a_protected_person_is_not_deleted_and_the_page_says_what_to_do(client, editor, person):
    factories.SupportMeasureFactory(entrepreneur=person)
    page = client.get(reverse("admin:entrepreneurs_entrepreneur_delete", args=[person.pk])).content.decode()
    assert "合并" in page and "protected-help" in page
    client.post(
        reverse("admin:entrepreneurs_entrepreneur_delete", args=[person.pk]),
        {"post": "yes", "bin_reason": "x"},
    )
    assert Entrepreneur.objects.filter(pk=person.pk).exists() and not BinEntry.objects.exists()


def test_a_restore_whose_rows_point_to_a_record_deleted_since_is_refused(editor, events_with_attendance):
    event, *others = events_with_attendance
    event_pk = event.pk
    deleted_event = move_to_bin([event], user=editor, reason="误删")
    person = Attendance.objects.filter(event__in=others).first().entrepreneur
    move_to_bin(list(Attendance.objects.filter(entrepreneur=person)), user=editor, reason="清理")
    deleted_person = move_to_bin([person], user=editor, reason="重复")  # no longer protected
    before = records_snapshot()

    with pytest.raises(RestoreRefused, match="请先恢复"):
        restore(deleted_event, user=editor)  # its attendance points to the person, in the bin

    assert records_snapshot() == before
    restore(deleted_person, user=editor)
    restore(deleted_event, user=editor)
    assert Attendance.objects.filter(event_id=event_pk).count() == 4
