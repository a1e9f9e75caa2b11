"""Audit history: who changed what and when is recorded for every save, shown, and never editable."""

import pytest
from django.contrib import admin
from django.urls import reverse

from entrepreneurs.models import Entrepreneur
from events.models import Attendance
from events.services import attendance_add_many
from jining.history import HistoryAdmin
from jining.models import AccessLog, ApiToken, BinEntry, Job, Organisation, PartnerAccount, User
from overview.models import EventOutcome, IndicatorValue, StatsSnapshot
from tests import factories
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

# StatsSnapshot, IndicatorValue, EventOutcome: derived, recomputed; Job: work in progress, not a record.
# The access log and the recycle bin are never changed; the bin is itself the record of deletes.
NOT_TRACKED = {
    User,
    ApiToken,
    PartnerAccount,
    StatsSnapshot,
    IndicatorValue,
    EventOutcome,
    Job,
    AccessLog,
    BinEntry,
}


def url(obj, view, *args):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk, *args])


def test_every_program_model_has_history_and_a_history_admin():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"jining", "incubators", "entrepreneurs", "events", "overview"}:
            continue
        if model in NOT_TRACKED:
            assert not hasattr(model, "history"), model
            continue
        assert hasattr(model, "history"), model
        assert isinstance(model_admin, HistoryAdmin), model


def test_admin_change_is_recorded_with_user_and_diff(staff_client, staff_user):
    organisation = factories.OrganisationFactory(name="集宁区人社局")
    data = form_data(staff_client.get(url(organisation, "change")))
    data["name"] = "集宁区劳动就业服务局"
    response = staff_client.post(url(organisation, "change"), data)
    assert response.status_code == 302

    created, changed = organisation.history.order_by("history_id")
    assert (created.history_type, created.history_user) == ("+", None)
    assert (changed.history_type, changed.history_user) == ("~", staff_user)
    delta = changed.diff_against(created)
    assert set(delta.changed_fields) - {"updated"} == {"name"}

    page = staff_client.get(url(organisation, "history"))
    assert page.status_code == 200
    text = page.text
    assert "staff" in text  # who
    assert "集宁区人社局" in text and "集宁区劳动就业服务局" in text  # before and after
    assert "名称" in text  # the field, by its label


def test_the_history_page_has_no_english_and_no_none(staff_client):
    organisation = factories.OrganisationFactory(name="集宁区人社局", head_name="", kind="other")
    data = form_data(staff_client.get(url(organisation, "change")))
    data.update({"head_name": "张局长", "kind": "government", "serves_sensitive_group": "on"})
    assert staff_client.post(url(organisation, "change"), data).status_code == 302
    text = staff_client.get(url(organisation, "history")).text
    changes = text[text.index("<tbody>") : text.index("</tbody>")]
    assert "None" not in changes and "True" not in changes and "other" not in changes
    assert "（空）" in changes and "张局长" in changes  # empty before, then the head's name
    assert "政府部门" in changes and "是" in changes  # a choice's label, 是/否
    assert "Changes" not in text and "修改内容" in text


def test_admin_delete_is_recorded(staff_client, staff_user):
    organisation = factories.OrganisationFactory()
    response = staff_client.post(url(organisation, "delete"), {"post": "yes", "bin_reason": "撤销"})
    assert response.status_code == 302
    deleted = Organisation.history.filter(id=organisation.pk, history_type="-").get()
    assert deleted.history_user == staff_user and deleted.history_change_reason == "撤销"


def test_many_to_many_changes_are_recorded():
    entrepreneur = factories.EntrepreneurFactory()
    group = factories.SpecialGroupFactory(name="残疾人")
    entrepreneur.special_groups.add(group)
    latest = entrepreneur.history.latest()
    assert [row.specialgroup_id for row in latest.special_groups.all()] == [group.pk]


def test_service_and_orm_saves_are_recorded():
    """Imports and the API save through the ORM: each save leaves a historical row."""
    event = factories.EventFactory()
    person = factories.EntrepreneurFactory()
    attendance_add_many(event=event, entrepreneurs=[person])
    assert Attendance.history.filter(event_id=event.pk, entrepreneur_id=person.pk).count() == 1
    person.story = "返乡创业"
    person.save()
    assert person.history.count() == 2


def test_history_version_page_renders_read_only(staff_client):
    organisation = factories.OrganisationFactory(name="旧名称")
    version = organisation.history.get()
    response = staff_client.get(url(organisation, "simple_history", version.history_id))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text  # no revert button


def test_post_to_a_historical_version_changes_nothing(staff_client):
    organisation = factories.OrganisationFactory(name="旧名称")
    version = organisation.history.get()
    data = form_data(staff_client.get(url(organisation, "change")))
    organisation.name = "新名称"
    organisation.save()
    data["name"] = "旧名称"
    response = staff_client.post(url(organisation, "simple_history", version.history_id), data)
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "新名称"
    assert organisation.history.count() == 2


def test_history_tables_are_not_in_the_admin():
    assert not any(hasattr(model, "instance_type") for model in admin.site._registry)


def test_fixture_loads_leave_no_history(db):
    from django.core.management import call_command

    call_command("loaddata", "article", verbosity=0)
    assert Entrepreneur.history.count() == 0
