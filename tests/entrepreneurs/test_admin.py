"""The entrepreneur and enterprise admin: computed columns, inlines, saving and query counts."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from entrepreneurs.models import (
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    Product,
    SpecialGroup,
    SupportMeasure,
)
from incubators.models import Residency
from tests import factories


@pytest.fixture
def admin_request(staff_user):
    request = RequestFactory().get("/admin/")
    request.user = staff_user
    return request


def rows(model, request):
    return {row.pk: row for row in admin.site._registry[model].get_queryset(request)}


def test_enterprise_financing_total_is_not_multiplied_by_founders(admin_request):
    founders = factories.EntrepreneurFactory.create_batch(3)
    enterprise = factories.EnterpriseFactory(founders=founders)
    unfunded = factories.EnterpriseFactory()
    factories.FinancingFactory(enterprise=enterprise, amount=Decimal("100000.00"))
    factories.FinancingFactory(enterprise=enterprise, amount=Decimal("50000.50"))
    model_admin = admin.site._registry[Enterprise]
    enterprises = rows(Enterprise, admin_request)
    assert enterprises[enterprise.pk].financing_total == Decimal("150000.50")
    assert model_admin.financing_total(enterprises[enterprise.pk]) == "150,000.50"
    assert model_admin.financing_total(enterprises[unfunded.pk]) == "0"
    assert set(model_admin.founder_list(enterprises[enterprise.pk]).split("、")) == {f.name for f in founders}
    assert model_admin.founder_list(enterprises[unfunded.pk]) == "-"


def test_entrepreneur_columns(admin_request):
    entrepreneur = factories.EntrepreneurFactory()
    loner = factories.EntrepreneurFactory()
    factories.EnterpriseFactory(name="B乙公司", founders=[entrepreneur])
    factories.EnterpriseFactory(name="A甲公司", founders=[entrepreneur])
    factories.AttendanceFactory.create_batch(2, entrepreneur=entrepreneur)
    model_admin = admin.site._registry[Entrepreneur]
    entrepreneurs = rows(Entrepreneur, admin_request)
    assert model_admin.attendance_count(entrepreneurs[entrepreneur.pk]) == 2
    assert model_admin.attendance_count(entrepreneurs[loner.pk]) == 0
    assert model_admin.enterprise_list(entrepreneurs[entrepreneur.pk]) == "A甲公司、B乙公司"
    assert model_admin.enterprise_list(entrepreneurs[loner.pk]) == "-"


def test_special_group_member_count(admin_request):
    group, other = factories.SpecialGroupFactory.create_batch(2)
    for entrepreneur in factories.EntrepreneurFactory.create_batch(3):
        entrepreneur.special_groups.add(group)
    groups = rows(SpecialGroup, admin_request)
    assert groups[group.pk].member_count == 3
    assert groups[other.pk].member_count == 0


def test_support_measure_recipient():
    model_admin = admin.site._registry[SupportMeasure]
    entrepreneur = Entrepreneur(name="张智杰")
    enterprise = Enterprise(name="智杰皮革")
    assert model_admin.recipient(SupportMeasure(entrepreneur=entrepreneur)) == entrepreneur
    assert model_admin.recipient(SupportMeasure(enterprise=enterprise)) == enterprise
    both = SupportMeasure(entrepreneur=entrepreneur, enterprise=enterprise)
    assert model_admin.recipient(both) == "张智杰（智杰皮革）"
    assert model_admin.value(SupportMeasure(value_yuan=Decimal("12000.00"))) == "12,000"
    assert model_admin.value(SupportMeasure()) == "-"


def test_enterprise_figure_and_financing_displays():
    figure = EnterpriseFigure(value=Decimal("1000000"), qualifier="exact")
    assert admin.site._registry[EnterpriseFigure].figure(figure) == "1,000,000"
    assert (
        admin.site._registry[Financing].amount_display(Financing(amount=Decimal("16510000"))) == "16,510,000"
    )


@pytest.mark.parametrize("model, url_name", [(Entrepreneur, "entrepreneur"), (Enterprise, "enterprise")])
def test_changelist_query_count_does_not_grow(staff_client, django_assert_max_num_queries, model, url_name):
    url = reverse(f"admin:entrepreneurs_{url_name}_changelist")

    def populate(n):
        for _ in range(n):
            entrepreneur = factories.EntrepreneurFactory()
            entrepreneur.special_groups.add(factories.SpecialGroupFactory())
            enterprise = factories.EnterpriseFactory(founders=[entrepreneur, factories.EntrepreneurFactory()])
            factories.FinancingFactory(enterprise=enterprise)
            factories.AttendanceFactory(entrepreneur=entrepreneur)

    populate(1)
    # 15: the page, its filters and counts, plus the sliding session save (SAVEPOINT, UPDATE, RELEASE).
    with django_assert_max_num_queries(15) as baseline:
        staff_client.get(url)
    populate(15)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = staff_client.get(url)
    assert response.context["cl"].result_count == (32 if model is Entrepreneur else 16)


def test_entrepreneur_change_page_has_its_inlines(staff_client):
    entrepreneur = factories.EntrepreneurFactory()
    factories.EnterpriseFactory(founders=[entrepreneur])
    factories.SupportMeasureFactory(entrepreneur=entrepreneur)
    response = staff_client.get(reverse("admin:entrepreneurs_entrepreneur_change", args=[entrepreneur.pk]))
    inlines = {f.formset.model: len(f.formset.forms) for f in response.context["inline_admin_formsets"]}
    assert inlines == {Enterprise.founders.through: 1, SupportMeasure: 1}
    fieldsets = [name for name, _ in admin.site._registry[Entrepreneur].fieldsets]
    assert len(fieldsets) == 5


def inline_prefixes(client, url):
    """{inline model: form prefix} of an admin add/change page."""
    response = client.get(url)
    return {f.formset.model: f.formset.prefix for f in response.context["inline_admin_formsets"]}


def empty_inlines(prefixes):
    return {
        key: 0 for prefix in prefixes.values() for key in (f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS")
    }


def test_entrepreneur_add_form_saves_founded_enterprise_and_fills_romanised_name(staff_client):
    url = reverse("admin:entrepreneurs_entrepreneur_add")
    enterprise = factories.EnterpriseFactory()
    prefixes = inline_prefixes(staff_client, url)
    founded = prefixes[Enterprise.founders.through]
    data = {
        "name": "张智杰",
        "gender": "U",
        "education": "unknown",
        "id_card_number": factories.make_id_card(1),
        **empty_inlines(prefixes),
        f"{founded}-TOTAL_FORMS": 1,
        f"{founded}-0-enterprise": enterprise.pk,
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    entrepreneur = Entrepreneur.objects.get(name="张智杰")
    assert entrepreneur.name_romanised == "Zhang Zhijie"
    assert entrepreneur.birth_year == 1985
    assert list(entrepreneur.enterprises.all()) == [enterprise]


def test_entrepreneur_admin_shows_validation_errors_in_chinese(staff_client):
    url = reverse("admin:entrepreneurs_entrepreneur_add")
    data = {
        "name": "王某",
        "gender": "U",
        "education": "unknown",
        "id_card_number": "150902198506150000",
        **empty_inlines(inline_prefixes(staff_client, url)),
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "校验" in str(response.context["adminform"].form.errors["id_card_number"])


def test_enterprise_change_page_has_its_inlines(staff_client):
    enterprise = factories.EnterpriseFactory()
    factories.ProductFactory(enterprise=enterprise)
    factories.EnterpriseFigureFactory(enterprise=enterprise)
    factories.FinancingFactory(enterprise=enterprise)
    factories.SupportMeasureFactory(enterprise=enterprise, entrepreneur=None)
    factories.ResidencyFactory(enterprise=enterprise)
    response = staff_client.get(reverse("admin:entrepreneurs_enterprise_change", args=[enterprise.pk]))
    inlines = {f.formset.model: len(f.formset.forms) for f in response.context["inline_admin_formsets"]}
    assert inlines == {Product: 1, EnterpriseFigure: 1, Financing: 1, SupportMeasure: 1, Residency: 1}
