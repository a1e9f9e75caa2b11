"""Admin smoke tests for every registered ModelAdmin, plus the shared admin's display methods."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from jining.formatting import format_number, qualified_value
from jining.models import AccessLog, BinEntry, Job, Organisation, Qualifier, Source
from overview.models import ReportedFigure
from tests import factories
from tests.admin_forms import form_data

MODEL_ADMINS = [
    pytest.param(model, model_admin, id=model._meta.label)
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
]

# Registered models that are not ours and have no factory in tests/factories.py.
BUILDERS = {Group: lambda: Group.objects.create(name="测试组")}


#: Registered read-only: jobs are started where the work is (an export page), never added; the access
#: log is written by the pages that show personal data; the recycle bin by deletes and merges.
STARTED_ELSEWHERE = {Job, AccessLog, BinEntry}
#: Not in the admin: a job's files are downloaded from the job's page.
SHOWN_BY_THEIR_JOB = ["JobFile", "JobFileChunk"]


def build(model):
    """One saved object of ``model``, from its factory in tests/factories.py."""
    if model in BUILDERS:
        return BUILDERS[model]()
    factory = getattr(factories, f"{model.__name__}Factory", None)
    if factory is None and model._meta.proxy:
        return model.objects.get(pk=build(model._meta.concrete_model).pk)
    assert factory is not None, f"tests/factories.py needs a {model.__name__}Factory for its admin tests"
    return factory()


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def annotated(model, request, obj):
    """``obj`` as the model's changelist loads it (with its admin annotations)."""
    return admin.site._registry[model].get_queryset(request).get(pk=obj.pk)


@pytest.mark.parametrize("model, model_admin", MODEL_ADMINS)
class TestEveryModelAdmin:
    def test_changelist(self, staff_client, model, model_admin):
        build(model)
        assert staff_client.get(admin_url(model, "changelist")).status_code == 200

    def test_changelist_search(self, staff_client, model, model_admin):
        assert model_admin.search_fields, f"{model_admin} has no search_fields"
        build(model)
        response = staff_client.get(admin_url(model, "changelist"), {"q": "集宁 test"})
        assert response.status_code == 200

    def test_add(self, staff_client, model, model_admin):
        expected = 403 if model in STARTED_ELSEWHERE else 200
        assert staff_client.get(admin_url(model, "add")).status_code == expected

    def test_change(self, staff_client, model, model_admin):
        obj = build(model)
        assert staff_client.get(admin_url(model, "change", obj.pk)).status_code == 200

    def test_history(self, staff_client, model, model_admin):
        obj = build(model)
        assert staff_client.get(admin_url(model, "history", obj.pk)).status_code == 200


OUR_MODEL_ADMINS = [
    param
    for param in MODEL_ADMINS
    if param.values[0]._meta.app_label in {"jining", "incubators", "entrepreneurs", "events", "overview"}
]


@pytest.mark.parametrize("model, model_admin", OUR_MODEL_ADMINS)
def test_every_model_admin_follows_the_recipe(model, model_admin):
    """Style point 9: list_display, search and joined changelists, for our apps' admins."""
    assert model_admin.list_display != ("__str__",)
    assert model_admin.search_fields
    fields = {field.name: field for field in model._meta.get_fields()}
    if "created" in fields:
        assert "created" in model_admin.get_readonly_fields(None)
    shown_fks = {name for name in model_admin.list_display if getattr(fields.get(name), "many_to_one", False)}
    if shown_fks and model_admin.list_select_related is not True:
        assert shown_fks <= set(model_admin.list_select_related or ()), f"{shown_fks} are not joined"


def test_every_model_is_registered():
    from django.apps import apps

    ours = [
        model
        for app in ("jining", "incubators", "entrepreneurs", "events", "overview")
        for model in apps.get_app_config(app).get_models()
    ]
    history = [model for model in ours if hasattr(model, "instance_type")]  # simple-history tables
    missing = [model.__name__ for model in ours if model not in history and model not in admin.site._registry]
    assert missing == SHOWN_BY_THEIR_JOB
    assert [model.__name__ for model in history if model in admin.site._registry] == []


def test_site_header_is_translated(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert "集宁区返乡创业服务管理系统" in response.text
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the header's English switch
    response = staff_client.get(reverse("admin:index"))
    assert "Jining returnee-entrepreneurship tracker" in response.text


def test_user_admin_shows_and_edits_the_organisation(staff_client):
    organisation = factories.OrganisationFactory(name="集宁区劳动就业服务局")
    user = factories.UserFactory(organisation=organisation)
    response = staff_client.get(admin_url(type(user), "changelist"))
    assert "集宁区劳动就业服务局" in response.text
    response = staff_client.get(admin_url(type(user), "change", user.pk))
    assert 'name="organisation"' in response.text


def test_organisation_user_count(admin_request):
    bureau = factories.OrganisationFactory()
    factories.OrganisationFactory()
    factories.UserFactory.create_batch(2, organisation=bureau)
    assert annotated(Organisation, admin_request, bureau).user_count == 2


def test_source_figure_count_and_inline(staff_client, admin_request):
    source = factories.SourceFactory()
    for measure in ("training_participants", "jobs_created", "events_held"):
        factories.ReportedFigureFactory(source=source, measure=measure)
    factories.ReportedFigureFactory()
    assert annotated(Source, admin_request, source).figure_count == 3
    response = staff_client.get(admin_url(Source, "change", source.pk))
    (figures,) = response.context["inline_admin_formsets"]
    assert len(figures.formset.forms) == 3
    assert not figures.has_add_permission


@pytest.mark.parametrize(
    "value, expected",
    [(Decimal("6267.00"), "6,267"), (Decimal("1651.5"), "1,651.50"), (Decimal("0"), "0"), (None, "-")],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


def test_reported_figure_display_keeps_the_qualifier(admin_request):
    figure = factories.ReportedFigureFactory(
        value=Decimal("6267"), qualifier=Qualifier.OVER, unit=ReportedFigure.Unit.PERSON_TIME
    )
    model_admin = admin.site._registry[ReportedFigure]
    with translation.override("en"):
        assert model_admin.figure(figure) == "over 6,267 person-times"
    with translation.override("zh-hans"):
        assert model_admin.figure(figure) == "超过 6,267 人次"
    assert qualified_value(Decimal("600"), Qualifier.EXACT) == "600"


def test_reported_figure_changelist_filters_by_date(staff_client):
    factories.ReportedFigureFactory(as_of=datetime.date(2019, 9, 5))
    response = staff_client.get(admin_url(ReportedFigure, "changelist"), {"as_of__year": "2019"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_percent_figures_read_as_percentages(db):
    figure = factories.ReportedFigureFactory(
        value=Decimal("10"), qualifier=Qualifier.NEARLY, unit=ReportedFigure.Unit.PERCENT
    )
    with translation.override("zh-hans"):
        assert admin.site._registry[ReportedFigure].figure(figure) == "近 10%"


AUTOCOMPLETE_FIELDS = [
    pytest.param(model, name, id=f"{model._meta.label}.{name}")
    for owner, model_admin in admin.site._registry.items()
    for model, options in [(owner, model_admin), *((inline.model, inline) for inline in model_admin.inlines)]
    for name in options.autocomplete_fields
]


@pytest.mark.parametrize("model, field_name", AUTOCOMPLETE_FIELDS)
def test_every_autocomplete_field_answers(staff_client, model, field_name):
    """Each autocomplete widget (on pages and inlines) finds its target admin and searches it."""
    target = model._meta.get_field(field_name).remote_field.model
    build(target)
    params = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field_name,
    }
    response = staff_client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 1


@pytest.mark.django_db
def test_an_organisation_added_without_a_code_gets_one_from_its_name(staff_client):
    factories.OrganisationFactory(code="zgnyyh", name="农业银行（旧）")
    url = reverse("admin:jining_organisation_add") + "?_popup=1&_to_field=id"
    data = form_data(staff_client.get(url))
    data.update({"name": "中国农业银行", "code": "", "kind": "bank", "_popup": "1", "_to_field": "id"})
    response = staff_client.post(url, data)
    assert response.status_code == 200, response.context["adminform"].form.errors
    assert Organisation.objects.get(name="中国农业银行").code == "zgnyyh-2"  # unique
    assert "opener" in response.text or "popup_response" in response.text  # the popup closes


@pytest.mark.django_db
def test_an_organisation_code_given_is_kept(staff_client):
    url = reverse("admin:jining_organisation_add")
    data = form_data(staff_client.get(url))
    data.update({"name": "乌兰察布农商银行", "code": "wlcb-rcb", "kind": "bank"})
    assert staff_client.post(url, data).status_code == 302
    assert Organisation.objects.get(name="乌兰察布农商银行").code == "wlcb-rcb"
