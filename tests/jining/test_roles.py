"""Role boundaries: editors change, viewers only look (and export), partners never enter the admin."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jining.models import Job, Organisation
from jining.services import (
    EDITOR_GROUP,
    PARTNER_GROUP,
    VIEWER_GROUP,
    partner_create,
    partner_group_ensure,
    program_model_labels,
    roles_sync,
)
from overview.models import EventOutcome, IndicatorValue
from tests import factories
from tests.admin_forms import form_data
from tests.jining.test_admin import build

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"
PROGRAM_APPS = {"jining", "incubators", "entrepreneurs", "events", "overview"}
MODEL_ADMINS = [
    pytest.param(model, model_admin, id=model._meta.label)
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
]
#: Views that write: a viewer must be refused outright.
WRITE_VIEWS = (
    "_add",
    "_change",
    "_delete",
    "_simple_history",
    "_import",
    "_import_preview",
    "_process_import",
    "_merge",
    "_restore",
)


def is_program_model(model):
    return f"{model._meta.app_label}.{model._meta.model_name}" in program_model_labels()


def member_client(group_name, username, **extra):
    user = factories.UserFactory(username=username, is_staff=True, **extra)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer_client(db):
    return member_client(VIEWER_GROUP, "viewer")


@pytest.fixture
def editor_client(db):
    return member_client(EDITOR_GROUP, "editor")


def snapshot():
    """Every row of every table of ours (history tables included) and of the groups."""
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in PROGRAM_APPS]
    models += [Group, Group.permissions.through]
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


def admin_urls(model, model_admin, obj):
    """(name, url) of every named admin URL of ``model``, filled in for ``obj``."""
    version = obj.history.latest() if hasattr(obj, "history") else None
    values = {
        "object_id": obj.pk,
        "id": obj.pk,
        "version_id": version.history_id if version else 0,
        "role": "output",  # a job's file
        "job_id": 1,  # an import's preview
        "entry_id": obj.pk,  # a recycle bin entry
        "survivor_id": obj.pk,  # a merge (tests/jining/test_merge.py merges two)
        "other_id": obj.pk,
        "incubator_id": getattr(obj, "incubator_id", obj.pk),  # a base's assessment page
        "indicator": "residents",  # and the rows behind one of its figures
    }
    for pattern in model_admin.urls:
        if not pattern.name:
            continue
        kwargs = {name: values[name] for name in getattr(pattern.pattern, "converters", {})}
        args = [obj.pk, values["version_id"]][: pattern.pattern.regex.groups] if not kwargs else []
        yield pattern.name, reverse(f"admin:{pattern.name}", args=args, kwargs=kwargs)


# Groups --------------------------------------------------------------------------------------------


def test_the_migration_created_the_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITOR_GROUP, VIEWER_GROUP, PARTNER_GROUP}


def test_groups_hold_exactly_their_permissions():
    groups = roles_sync()
    labels = program_model_labels()
    assert len(labels) == 27
    viewer = set(groups[VIEWER_GROUP].permissions.values_list("codename", flat=True))
    assert viewer == {f"view_{label.split('.')[1]}" for label in labels}
    editor = set(groups[EDITOR_GROUP].permissions.values_list("codename", flat=True))
    assert editor == {
        f"{action}_{label.split('.')[1]}"
        for label in labels
        for action in ("view", "add", "change", "delete")
    } | {"view_personal_data", "view_binentry", "restore_binentry"}
    assert settings.PERSONAL_DATA_PERMISSION == "entrepreneurs.view_personal_data"
    partner = set(groups[PARTNER_GROUP].permissions.values_list("codename", flat=True))
    assert partner == {f"view_{label.split('.')[1]}" for label in settings.PARTNER_VISIBLE_MODELS}
    assert partner == set(partner_group_ensure().permissions.values_list("codename", flat=True))
    assert not any(label.split(".")[1] in {"user", "apitoken", "partneraccount"} for label in labels)


def test_setup_roles_is_idempotent(capsys):
    Group.objects.get(name=VIEWER_GROUP).permissions.clear()
    call_command("setup_roles")
    first = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    call_command("setup_roles")
    second = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert first == second
    assert first[VIEWER_GROUP]
    assert Group.objects.filter(name=VIEWER_GROUP).count() == 1
    assert "bureau_viewers: 27 permissions" in capsys.readouterr().out


# Viewers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model, model_admin", MODEL_ADMINS)
def test_viewer_sees_every_program_page(viewer_client, model, model_admin):
    obj = build(model)
    if model is Job:  # everyone on the staff sees their own jobs
        Job.objects.filter(pk=obj.pk).update(user=viewer_client.session["_auth_user_id"])
    pages = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]),
    ]
    if hasattr(obj, "history"):
        pages.append(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk])
        )
    # Jobs, the stored indicators of the bases and what came of the events (derived: viewers read
    # them, may not compute them).
    expected = 200 if is_program_model(model) or model in (Job, IndicatorValue, EventOutcome) else 403
    for page in pages:
        assert viewer_client.get(page).status_code == expected, page


@pytest.mark.parametrize("model, model_admin", MODEL_ADMINS)
def test_viewer_cannot_change_anything_through_any_admin_url(admin_client, viewer_client, model, model_admin):
    obj = build(model)
    data = form_data(
        admin_client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        )
    )
    for name, value in list(data.items()):  # what an editor would change
        if isinstance(value, str) and name in {"name", "title", "label", "description", "notes", "username"}:
            data[name] = value + "（改）"
    data.update({"post": "yes", "action": "delete_selected", "_selected_action": [str(obj.pk)], "index": "0"})
    before = snapshot()
    for name, url in admin_urls(model, model_admin, obj):
        response = viewer_client.post(url, data)
        if name.endswith(WRITE_VIEWS):
            assert response.status_code == 403, url
        else:
            assert response.status_code in (200, 302, 403), url
        assert snapshot() == before, url
    # Bulk actions on the changelist: none that writes is offered to a viewer.
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for action in model_admin.get_actions(admin_client.get(changelist).wsgi_request):
        viewer_client.post(changelist, {**data, "action": action})
        assert snapshot() == before, action


def test_viewer_may_export_but_not_import(viewer_client):
    from entrepreneurs.models import Entrepreneur

    model_admin = admin.site._registry[Entrepreneur]
    request = viewer_client.get(reverse("admin:index")).wsgi_request
    if hasattr(model_admin, "has_import_permission"):
        assert not model_admin.has_import_permission(request)
    if hasattr(model_admin, "has_export_permission"):
        assert model_admin.has_export_permission(request)


# Editors -------------------------------------------------------------------------------------------


def test_editor_can_add_and_change(editor_client):
    response = editor_client.post(
        reverse("admin:jining_organisation_add"),
        {"code": "jnq-ldjyj", "name": "集宁区劳动就业服务局", "kind": "government"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(code="jnq-ldjyj")
    url = reverse("admin:jining_organisation_change", args=[organisation.pk])
    data = form_data(editor_client.get(url))
    data["head_name"] = "局长"
    assert editor_client.post(url, data).status_code == 302
    organisation.refresh_from_db()
    assert organisation.head_name == "局长"
    assert organisation.history.latest().history_user.username == "editor"


def test_editor_may_import(editor_client):
    from entrepreneurs.models import Entrepreneur

    model_admin = admin.site._registry[Entrepreneur]
    request = editor_client.get(reverse("admin:index")).wsgi_request
    if hasattr(model_admin, "has_import_permission"):
        assert model_admin.has_import_permission(request)


def test_editor_cannot_manage_users_or_tokens(editor_client):
    assert editor_client.get(reverse("admin:jining_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:jining_apitoken_changelist")).status_code == 403


# Partners ------------------------------------------------------------------------------------------


@pytest.fixture
def partner(db):
    user, _created = partner_create(username="bank-of-jining")
    user.set_password(PASSWORD)  # even with a password, the admin refuses a partner
    user.save()
    return user


def test_partner_cannot_log_in_to_the_admin(client, partner):
    response = client.post(reverse("admin:login"), {"username": partner.username, "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_logged_in_partner_is_sent_to_the_login_page(client, partner):
    client.force_login(partner)
    for url in (reverse("admin:index"), reverse("admin:entrepreneurs_entrepreneur_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
