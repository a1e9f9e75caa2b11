"""Personal data shown by permission on every page type staff can open (jining/personal.py), and
the log of every unmasked view (jining.models.AccessLog).

A person is planted with an ID-card number, a phone, an exact birth date, disability and health
details, a story and a sensitive special group (残疾人). For each page type and role, the page must
carry the planted values (``bureau_editors``, superusers: the permission ``view_personal_data``) or
none of them, the masked forms instead (``bureau_viewers``).
"""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from entrepreneurs.models import Entrepreneur
from jining.models import AccessLog
from jining.personal import PersonalData, mask_id_card, mask_phone, personal_data, year_only
from jining.services import EDITOR_GROUP, VIEWER_GROUP
from tests import factories
from tests.admin_forms import run_export

pytestmark = pytest.mark.django_db

CARD = factories.make_id_card(7, birth=datetime.date(1985, 6, 15))
PHONE = "13912345678"
PLANTED = {
    "ID card": CARD,
    "phone": PHONE,
    "birth date": "1985-06-15",
    "birth date (Chinese)": "1985年6月15日",
    "disability": "肢体二级",
    "health": "术后复查",
    "story": "摇着轮椅创业",
    "sensitive group": "残疾人",
}
MASKED = {"ID card": CARD[:4] + "*" * 10 + CARD[-4:], "phone": "139****5678"}


@pytest.fixture
def person(db):
    disabled = factories.SpecialGroupFactory(code="disabled", name="残疾人", sensitive=True)
    veteran = factories.SpecialGroupFactory(code="veteran", name="退役军人")
    person = factories.EntrepreneurFactory(
        name="张智杰",
        id_card_number=CARD,
        birth_year=None,
        disability_category="",
    )
    person.special_groups.set([disabled, veteran])
    # A second version, so the history page has changes to show.
    person.phone = PHONE
    person.disability_category = "肢体二级"
    person.health_notes = "术后复查"
    person.story = "摇着轮椅创业"
    person.save()
    return person


def member_of(group_name):
    user = factories.UserFactory(username=group_name, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture(params=["viewer", "editor", "superuser"])
def role(request, client, person):
    if request.param == "superuser":
        user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    else:
        user = member_of(VIEWER_GROUP if request.param == "viewer" else EDITOR_GROUP)
    client.force_login(user)
    return request.param, client


def pages(person):
    """Every page type that shows the person: url -> what it is."""
    history = person.history.order_by("history_id").last()
    return {
        reverse("admin:entrepreneurs_entrepreneur_changelist"): "changelist",
        reverse("admin:entrepreneurs_entrepreneur_change", args=[person.pk]): "change page",
        reverse("admin:entrepreneurs_entrepreneur_history", args=[person.pk]): "history page",
        reverse(
            "admin:entrepreneurs_entrepreneur_simple_history", args=[person.pk, history.history_id]
        ): "historical version",
    }


def test_every_page_type_shows_personal_data_by_permission(role, person):
    name, client = role
    for url, what in pages(person).items():
        response = client.get(url)
        assert response.status_code == 200, (what, response.status_code)
        html = response.content.decode()
        assert "张智杰" in html, what
        if what == "changelist":
            continue  # its columns hold no personal data; its search and filters are below
        shown = {label: value in html for label, value in PLANTED.items()}
        if name == "viewer":
            assert not any(shown.values()), (what, shown)
            if what != "history page":
                assert MASKED["ID card"] in html, what
        elif what == "history page":  # the changes of the second version
            assert shown["phone"] and shown["disability"] and shown["story"], (what, shown)
        else:
            assert shown["ID card"] and shown["disability"] and shown["story"], (what, shown)


def test_the_history_page_masks_the_changes(role, person):
    name, client = role
    html = client.get(reverse("admin:entrepreneurs_entrepreneur_history", args=[person.pk])).content.decode()
    if name == "viewer":
        assert MASKED["phone"] in html and PHONE not in html and "摇着轮椅创业" not in html
    else:
        assert PHONE in html and "摇着轮椅创业" in html


@pytest.mark.parametrize("term", [CARD, PHONE])
def test_search_by_id_card_or_phone_needs_the_permission(role, person, term):
    name, client = role
    response = client.get(reverse("admin:entrepreneurs_entrepreneur_changelist"), {"q": term})
    found = list(response.context["cl"].result_list)
    assert found == ([] if name == "viewer" else [person])


def test_the_sensitive_groups_filter_needs_the_permission(role, person):
    name, client = role
    url = reverse("admin:entrepreneurs_entrepreneur_changelist")
    sidebar = client.get(url).content.decode()
    assert ("残疾人" in sidebar) is (name != "viewer") and "退役军人" in sidebar
    disabled = person.special_groups.get(sensitive=True)
    response = client.get(url, {"special_groups__id__exact": disabled.pk})
    if name == "viewer":  # refused: the admin's "?e=1" (invalid filter) redirect, no list
        assert response.status_code == 302 and "e=1" in response["Location"]
    else:
        assert list(response.context["cl"].result_list) == [person]


def test_a_viewer_cannot_change_personal_fields(client, person):
    """Without the permission the fields are not in the form at all: a crafted POST changes nothing."""
    user = member_of(EDITOR_GROUP)
    user.groups.clear()
    user.user_permissions.set(
        Group.objects.get(name=EDITOR_GROUP).permissions.exclude(codename="view_personal_data")
    )
    client.force_login(user)
    url = reverse("admin:entrepreneurs_entrepreneur_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    assert not set(personal_data(Entrepreneur).fields) & set(form.fields)


def test_exports_mask_personal_data_by_permission(role, person):
    name, client = role
    url = reverse("admin:entrepreneurs_entrepreneur_export")
    every_field = dict.fromkeys(re.findall(r'type="checkbox" name="([^"]+)"', client.get(url).text), "on")
    download = run_export(client, url, {"format": "1", "resource": "0", **every_field})
    text = download.content.decode("utf-8-sig")
    shown = {label: value in text for label, value in PLANTED.items()}
    if name == "viewer":
        assert not any(shown.values()), shown
        assert MASKED["ID card"] in text and MASKED["phone"] in text and "退役军人" in text
    else:
        assert shown["ID card"] and shown["phone"] and shown["story"] and shown["sensitive group"]


def test_the_masks():
    assert mask_id_card("150902198506150075") == "1509**********0075"
    assert mask_phone("13800138000") == "138****8000"
    assert year_only(datetime.date(1985, 6, 15)) == 1985 and year_only("1985-06-15") == 1985
    assert mask_id_card("") == "" and mask_phone("123") == "***"


def test_the_declaration_names_only_real_fields():
    """A field renamed in the model but not in its declaration fails here, not silently unmasked."""
    declaration = personal_data(Entrepreneur)
    names = {field.name for field in Entrepreneur._meta.get_fields()}
    assert set(declaration.fields) <= names and set(declaration.searched) <= set(declaration.fields)
    assert isinstance(declaration, PersonalData) and {"id_card_number", "phone", "story"} <= set(
        declaration.fields
    )


def test_a_new_personal_field_is_masked_everywhere_at_once(client, person, monkeypatch):
    """Declaring a field personal is all it takes: the viewer's change page and export drop it."""
    declaration = personal_data(Entrepreneur)
    monkeypatch.setattr(
        Entrepreneur,
        "PERSONAL_DATA",
        PersonalData(
            masked=declaration.masked,
            hidden=(*declaration.hidden, "prior_work_place"),
            sensitive_related=declaration.sensitive_related,
            searched=declaration.searched,
        ),
    )
    person.prior_work_place = "鄂尔多斯东胜区"
    person.save()
    client.force_login(member_of(VIEWER_GROUP))
    page = client.get(reverse("admin:entrepreneurs_entrepreneur_change", args=[person.pk])).content.decode()
    assert "鄂尔多斯东胜区" not in page
    from entrepreneurs.resources import EntrepreneurResource

    viewers = type(EntrepreneurResource)(
        "Fresh", (EntrepreneurResource,), {"__module__": __name__}
    ).for_viewers()
    stream = io.StringIO()
    stream.write(viewers().export(Entrepreneur.objects.all()).csv)
    assert "鄂尔多斯东胜区" not in stream.getvalue()


# --- The access log ---------------------------------------------------------------------------------


def test_each_unmasked_view_is_logged_and_a_masked_one_is_not(client, person):
    editor, viewer = member_of(EDITOR_GROUP), member_of(VIEWER_GROUP)
    for user in (viewer, editor):
        client.force_login(user)
        for url in pages(person):
            assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
    entries = list(AccessLog.objects.order_by("id"))
    assert {entry.user for entry in entries} == {editor}  # the viewer saw only masked values
    assert [entry.channel for entry in entries] == ["page", "history", "history"]  # not the changelist
    first = entries[0]
    assert (first.record_type, first.record_id, first.record) == (
        "entrepreneurs.entrepreneur",
        person.pk,
        "张智杰",
    )
    assert ",id_card_number," in first.fields and ",story," in first.fields
    assert first.address == "10.1.2.3" and first.path.endswith(f"/{person.pk}/change/")


def test_an_unmasked_export_is_logged_with_its_row_count(client, person):
    factories.EntrepreneurFactory(name="王一")
    editor = member_of(EDITOR_GROUP)
    client.force_login(editor)
    url = reverse("admin:entrepreneurs_entrepreneur_export")
    every_field = dict.fromkeys(re.findall(r'type="checkbox" name="([^"]+)"', client.get(url).text), "on")
    run_export(client, url, {"format": "1", "resource": "0", **every_field})
    (entry,) = AccessLog.objects.all()
    assert (entry.user, entry.channel, entry.rows, entry.record_id) == (editor, "export", 2, None)
    assert ",id_card_number," in entry.fields and ",phone," in entry.fields

    client.force_login(member_of(VIEWER_GROUP))  # a masked export: nothing to log
    every_field = dict.fromkeys(re.findall(r'type="checkbox" name="([^"]+)"', client.get(url).text), "on")
    run_export(client, url, {"format": "1", "resource": "0", **every_field})
    assert AccessLog.objects.count() == 1


def test_a_superuser_finds_who_looked_at_a_persons_id_number_this_year(client, person):
    editor = member_of(EDITOR_GROUP)
    client.force_login(editor)
    client.get(reverse("admin:entrepreneurs_entrepreneur_change", args=[person.pk]))
    other = factories.EntrepreneurFactory(name="赵少青", id_card_number=factories.make_id_card(9))
    client.get(reverse("admin:entrepreneurs_entrepreneur_change", args=[other.pk]))

    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    year = timezone.localdate().year
    response = client.get(
        reverse("admin:jining_accesslog_changelist"),
        {"q": "张智杰", "field": "id_card_number", "when__year": str(year)},
    )
    assert response.status_code == 200
    assert [(entry.username, entry.record) for entry in response.context["cl"].result_list] == [
        (editor.username, "张智杰")
    ]
    assert "身份证号" in response.text  # the fields, by their names


def test_the_access_log_is_for_superusers_and_never_editable(client, person):
    editor = member_of(EDITOR_GROUP)
    client.force_login(editor)
    client.get(reverse("admin:entrepreneurs_entrepreneur_change", args=[person.pk]))
    entry = AccessLog.objects.get()
    assert client.get(reverse("admin:jining_accesslog_changelist")).status_code == 403
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    change = reverse("admin:jining_accesslog_change", args=[entry.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"username": "someone else"}).status_code == 403
    assert (
        client.post(reverse("admin:jining_accesslog_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:jining_accesslog_add")).status_code == 403
    entry.username = "someone else"
    with pytest.raises(ValueError):
        entry.save()
    assert AccessLog.objects.get().username == editor.username
