"""Optimistic concurrency: of two staff members editing the same record, the second save is refused."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from incubators.models import Facility, Incubator
from jining.concurrency import VERSION_FIELD, version_of
from jining.history import HistoryAdmin
from jining.models import Organisation
from tests import factories
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

REFUSED = "此记录已被他人修改"


def url(obj, view="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


@pytest.fixture
def two_editors(db):
    clients = []
    for username in ("editor_a", "editor_b"):
        client = Client()
        client.force_login(factories.StaffUserFactory(username=username))
        clients.append(client)
    return clients


def test_second_save_is_refused_and_the_first_kept(two_editors):
    first, second = two_editors
    organisation = factories.OrganisationFactory(name="集宁区人社局", notes="")
    data_first = form_data(first.get(url(organisation)))
    data_second = form_data(second.get(url(organisation)))
    assert data_first[VERSION_FIELD] == data_second[VERSION_FIELD] == version_of(organisation)

    data_first["name"] = "集宁区劳动就业服务局"
    assert first.post(url(organisation), data_first).status_code == 302

    data_second["notes"] = "第二位编辑的备注"
    response = second.post(url(organisation), data_second)
    assert response.status_code == 200  # the form again, with the message
    assert REFUSED in response.text
    organisation.refresh_from_db()
    assert organisation.name == "集宁区劳动就业服务局"
    assert organisation.notes == ""
    assert organisation.history.count() == 2  # created, then the first editor's change only


def test_refused_save_writes_nothing_of_its_inlines(two_editors):
    first, second = two_editors
    incubator = factories.IncubatorFactory()
    data_first = form_data(first.get(url(incubator)))
    data_second = form_data(second.get(url(incubator)))
    assert first.post(url(incubator), {**data_first, "name": "爱创空间（改）"}).status_code == 302

    prefix = next(key[: -len("-TOTAL_FORMS")] for key in data_second if key.endswith("-TOTAL_FORMS"))
    assert prefix.startswith("facilit")
    index = int(data_second[f"{prefix}-TOTAL_FORMS"])
    data_second[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data_second[f"{prefix}-{index}-name"] = "第二位编辑的新设施"
    data_second[f"{prefix}-{index}-incubator"] = str(incubator.pk)
    data_second["name"] = "第二位编辑的名称"
    response = second.post(url(incubator), data_second)
    assert response.status_code == 200
    assert REFUSED in response.text
    assert Incubator.objects.get(pk=incubator.pk).name == "爱创空间（改）"
    assert not Facility.objects.filter(name="第二位编辑的新设施").exists()


def test_reopened_record_can_be_saved(two_editors):
    first, second = two_editors
    organisation = factories.OrganisationFactory()
    data_second = form_data(second.get(url(organisation)))
    assert (
        first.post(url(organisation), {**form_data(first.get(url(organisation))), "notes": "一"}).status_code
        == 302
    )
    assert second.post(url(organisation), {**data_second, "notes": "二"}).status_code == 200
    # The second editor reopens the record, sees the first editor's change, and saves on top of it.
    data_second = form_data(second.get(url(organisation)))
    assert data_second["notes"] == "一"
    assert second.post(url(organisation), {**data_second, "notes": "一二"}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.notes == "一二"


def test_single_editor_saves_repeatedly(staff_client):
    organisation = factories.OrganisationFactory()
    for notes in ("一", "二", "三"):
        data = form_data(staff_client.get(url(organisation)))
        assert staff_client.post(url(organisation), {**data, "notes": notes}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.notes == "三"


def test_an_invalid_form_keeps_the_version_it_was_opened_with(staff_client):
    organisation = factories.OrganisationFactory()
    data = form_data(staff_client.get(url(organisation)))
    response = staff_client.post(url(organisation), {**data, "name": ""})  # required
    assert response.status_code == 200
    assert REFUSED not in response.text
    data = form_data(response)
    assert data[VERSION_FIELD] == version_of(organisation)
    assert staff_client.post(url(organisation), {**data, "name": "新名称"}).status_code == 302


def test_the_same_user_in_two_tabs_is_told_it_was_their_own_save(staff_client):
    organisation = factories.OrganisationFactory(name="原名称", notes="")
    first_tab = form_data(staff_client.get(url(organisation)))
    second_tab = form_data(staff_client.get(url(organisation)))
    assert staff_client.post(url(organisation), {**first_tab, "name": "新名称"}).status_code == 302
    response = staff_client.post(url(organisation), {**second_tab, "notes": "第二个标签页"})
    assert response.status_code == 200
    assert "由您本人（在另一个标签页或窗口中）" in response.text
    assert REFUSED not in response.text
    organisation.refresh_from_db()
    assert (organisation.name, organisation.notes) == ("新名称", "")


def test_a_post_without_a_version_is_refused(staff_client):
    organisation = factories.OrganisationFactory(name="原名称")
    data = form_data(staff_client.get(url(organisation)))
    del data[VERSION_FIELD]
    response = staff_client.post(url(organisation), {**data, "name": "新名称"})
    assert REFUSED in response.text
    assert Organisation.objects.get(pk=organisation.pk).name == "原名称"


def test_the_message_is_english_for_english_staff(two_editors):
    first, second = two_editors
    organisation = factories.OrganisationFactory()
    data_second = form_data(second.get(url(organisation)))
    first.post(url(organisation), {**form_data(first.get(url(organisation))), "notes": "一"})
    second.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the header's English switch
    response = second.post(url(organisation), {**data_second, "notes": "二"})
    assert "changed by someone else" in response.text


def test_add_view_is_unaffected(staff_client):
    response = staff_client.get(reverse("admin:jining_organisation_add"))
    assert VERSION_FIELD not in response.context["adminform"].form.fields
    assert f'name="{VERSION_FIELD}"' not in response.text
    data = form_data(response)
    data.update(code="new-org", name="新机构", kind="other")
    assert staff_client.post(reverse("admin:jining_organisation_add"), data).status_code == 302
    assert Organisation.objects.filter(code="new-org").exists()


PROGRAM_ADMINS = [
    pytest.param(model, id=model._meta.label)
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
    if isinstance(model_admin, HistoryAdmin)
]


@pytest.mark.parametrize("model", PROGRAM_ADMINS)
def test_every_program_change_form_carries_the_version(staff_client, model):
    from tests.jining.test_admin import build

    obj = build(model)
    response = staff_client.get(url(obj))
    version = version_of(model.objects.get(pk=obj.pk))
    expected = f'<input type="hidden" name="{VERSION_FIELD}" value="{version}"'
    assert expected in response.text
    assert response.text.count(f'name="{VERSION_FIELD}"') == 1
