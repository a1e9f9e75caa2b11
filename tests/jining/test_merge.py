"""Merging duplicates (jining/merge.py, jining/merge_admin.py): every kind of linked record moves to
the survivor, the other record goes to the recycle bin, both histories say so, and restoring the bin
entry undoes the merge exactly."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from entrepreneurs.models import Enterprise, Entrepreneur, Financing, Product, SupportMeasure
from events.models import Attendance
from incubators.models import Residency
from jining.merge import MergeRefused, merge, pointing_fields
from jining.models import BinEntry
from jining.recycle_bin import RestoreRefused, restore
from jining.services import EDITOR_GROUP, VIEWER_GROUP
from tests import factories
from tests.db_state import records_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = factories.UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(user)
    return user


def linked(label_field, obj):
    """The rows of ``app.model.field`` that point to ``obj``."""
    from django.apps import apps

    app_label, model_name, field = label_field.split(".")
    model = apps.get_model(app_label, model_name)
    return model._base_manager.filter(**{model._meta.get_field(field).attname: obj.pk})


@pytest.fixture
def twins(db):
    """The same person recorded twice; the second has one of every kind of linked record, one of
    them (the attendance of a shared event) a duplicate of the first's."""
    keep = factories.EntrepreneurFactory(name="张智杰", phone="", return_year=2016)
    card = factories.make_id_card(77)
    dupe = factories.EntrepreneurFactory(
        name="张智杰", id_card_number=card, phone="13800138000", return_year=2017
    )
    shared_event = factories.EventFactory()
    factories.AttendanceFactory(event=shared_event, entrepreneur=keep)
    factories.AttendanceFactory(event=shared_event, entrepreneur=dupe)
    factories.AttendanceFactory(entrepreneur=dupe)
    enterprise = factories.EnterpriseFactory()
    enterprise.founders.add(dupe)
    factories.SupportMeasureFactory(entrepreneur=dupe)
    factories.FinancingFactory(borrower=dupe)
    factories.ResidencyFactory(entrepreneur=dupe)
    dupe.special_groups.set([factories.SpecialGroupFactory()])
    dupe.coverage.set([factories.SourceFactory()])
    factories.MentoringSessionFactory(enterprise=None, entrepreneur=dupe)
    factories.EmploymentFactory(entrepreneur=dupe)
    return keep, dupe


def test_a_merge_moves_every_kind_of_linked_record_and_undoes_exactly(editor, twins):
    keep, dupe = twins
    kinds = [f"{fk.model._meta.label_lower}.{fk.name}" for fk in pointing_fields(Entrepreneur)]
    # Every kind of row that can point to a person is planted (a new kind must be planted here too).
    assert all(linked(kind, dupe).exists() for kind in kinds), kinds
    dupe_pk, card = dupe.pk, dupe.id_card_number
    before = records_snapshot()

    entry = merge(keep, dupe, take_from_other=["id_card_number", "phone"], user=editor, reason="同一人")

    assert not Entrepreneur.objects.filter(pk=dupe_pk).exists()
    keep.refresh_from_db()
    assert (keep.id_card_number, keep.phone, keep.return_year) == (card, "13800138000", 2016)
    for kind in kinds:
        assert linked(kind, keep).exists(), kind
    assert Attendance.objects.filter(entrepreneur=keep).count() == 2  # the shared event once
    assert entry.kind == BinEntry.Kind.MERGE and entry.contents["events.attendance"] == 1
    survivor_history = keep.history.order_by("history_id").last()
    assert (
        str(dupe_pk) in survivor_history.history_change_reason
        and "同一人" in survivor_history.history_change_reason
    )
    assert survivor_history.history_user == editor
    deleted = Entrepreneur.history.filter(id=dupe_pk).order_by("history_id").last()
    assert deleted.history_type == "-" and str(keep.pk) in deleted.history_change_reason
    moved = SupportMeasure.history.filter(entrepreneur_id=keep.pk).order_by("history_id").last()
    assert moved.history_type == "~" and str(dupe_pk) in moved.history_change_reason

    restore(entry, user=editor)

    assert records_snapshot() == before


def test_an_undo_is_refused_once_the_survivor_has_changed(editor, twins):
    keep, dupe = twins
    entry = merge(keep, dupe, user=editor)
    keep.refresh_from_db()
    keep.prior_trade = "电商"
    keep.save()
    before = records_snapshot()
    with pytest.raises(RestoreRefused):
        restore(entry, user=editor)
    assert records_snapshot() == before


def test_a_merge_that_would_make_an_invalid_record_is_refused_and_changes_nothing(editor, twins):
    keep, dupe = twins
    keep.birth_year = 1990  # the duplicate's ID card says 1985
    keep.save()
    before = records_snapshot()
    with pytest.raises(MergeRefused):
        merge(keep, dupe, take_from_other=["id_card_number"], user=editor)
    assert records_snapshot() == before and not BinEntry.objects.exists()


def test_enterprises_merge_too(editor):
    keep, dupe = factories.EnterpriseFactory(), factories.EnterpriseFactory()
    factories.ProductFactory(enterprise=dupe)
    factories.FinancingFactory(enterprise=dupe)
    factories.ResidencyFactory(enterprise=dupe)
    dupe.founders.add(factories.EntrepreneurFactory())
    merge(keep, dupe, user=editor)
    assert not Enterprise.objects.filter(name=dupe.name).exists()
    assert (
        Product.objects.filter(enterprise=keep).exists()
        and Financing.objects.filter(enterprise=keep).exists()
    )
    assert Residency.objects.filter(enterprise=keep).exists() and keep.founders.exists()


def test_the_admin_merges_two_selected_records_side_by_side(client, editor, twins):
    keep, dupe = twins
    changelist = reverse("admin:entrepreneurs_entrepreneur_changelist")
    one = client.post(changelist, {"action": "merge_selected", "_selected_action": [keep.pk]}, follow=True)
    assert Entrepreneur.objects.count() == 2 and one.status_code == 200
    response = client.post(changelist, {"action": "merge_selected", "_selected_action": [keep.pk, dupe.pk]})
    url = reverse("admin:entrepreneurs_entrepreneur_merge", args=[keep.pk, dupe.pk])
    assert response.status_code == 302 and response["Location"] == url

    page = client.get(url).content.decode()
    assert page.count("张智杰") >= 2 and "13800138000" in page  # an editor sees the values themselves
    assert 'name="choice_phone"' in page

    client.post(url, {"choice_phone": "other", "choice_return_year": "survivor", "reason": "同一人"})

    keep.refresh_from_db()
    assert keep.phone == "13800138000" and keep.return_year == 2016
    assert not Entrepreneur.objects.filter(name="张智杰").exclude(pk=keep.pk).exists()


def test_a_viewer_cannot_merge(client, twins):
    keep, dupe = twins
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWER_GROUP))
    client.force_login(viewer)
    url = reverse("admin:entrepreneurs_entrepreneur_merge", args=[keep.pk, dupe.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert Entrepreneur.objects.count() == 2


def test_the_likely_duplicate_warning_links_to_the_merge(client, editor, twins):
    keep, dupe = twins
    keep.hometown_county = dupe.hometown_county
    keep.save()
    from tests.admin_forms import form_data

    url = reverse("admin:entrepreneurs_entrepreneur_change", args=[keep.pk])
    data = form_data(client.get(url))
    data["prior_trade"] = "皮具"
    html = client.post(url, data).content.decode()
    assert reverse("admin:entrepreneurs_entrepreneur_merge", args=[keep.pk, dupe.pk]) in html
