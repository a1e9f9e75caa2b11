"""Pinyin search: 张智杰 is found by 张智杰, zhang zhijie, zhangzhijie, Zhang Zhijie and zzj."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from entrepreneurs.models import Enterprise, Entrepreneur
from entrepreneurs.pinyin import pinyin_search_text
from jining.services import partner_create, token_issue
from tests import factories

pytestmark = pytest.mark.django_db

QUERIES = ["张智杰", "zhang zhijie", "zhangzhijie", "Zhang Zhijie", "zzj"]


@pytest.fixture
def people(db):
    return {
        "zhang": factories.EntrepreneurFactory(name="张智杰"),
        "zhao": factories.EntrepreneurFactory(name="赵少青"),
        "li": factories.EntrepreneurFactory(name="李汇洲"),
    }


def test_pinyin_search_text():
    assert pinyin_search_text("张智杰") == "zhang zhi jie zhang zhijie zhangzhijie zzj"
    assert pinyin_search_text("小树传媒", person=False) == "xiao shu chuan mei xiaoshuchuanmei xscm"
    assert pinyin_search_text("") == ""
    assert pinyin_search_text("ABC") == ""


def test_long_names_keep_the_joined_form_and_initials():
    text = pinyin_search_text("内蒙古创奇智能电子科技有限公司" * 4, person=False, max_length=255)
    assert len(text) <= 255
    assert text.startswith("neimenggu")


def test_save_fills_name_pinyin_and_follows_renames():
    person = factories.EntrepreneurFactory(name="张智杰")
    assert person.name_pinyin == "zhang zhi jie zhang zhijie zhangzhijie zzj"
    person.name = "赵少青"
    person.save()
    assert "zsq" in person.name_pinyin
    enterprise = factories.EnterpriseFactory(name="小树传媒")
    assert enterprise.name_pinyin.endswith("xscm")


def test_name_pinyin_is_not_editable_in_the_admin(staff_client):
    response = staff_client.get(reverse("admin:entrepreneurs_entrepreneur_add"))
    assert "name_pinyin" not in response.context["adminform"].form.fields


@pytest.mark.parametrize("query", QUERIES)
def test_admin_changelist_finds_him(staff_client, people, query):
    response = staff_client.get(reverse("admin:entrepreneurs_entrepreneur_changelist"), {"q": query})
    assert response.status_code == 200
    found = list(response.context["cl"].result_list)
    assert found == [people["zhang"]]


def test_admin_changelist_finds_an_enterprise_by_initials(staff_client):
    enterprise = factories.EnterpriseFactory(name="小树传媒")
    factories.EnterpriseFactory(name="内蒙古创奇智能电子科技有限公司")
    response = staff_client.get(reverse("admin:entrepreneurs_enterprise_changelist"), {"q": "xscm"})
    assert list(response.context["cl"].result_list) == [enterprise]


def test_entrepreneur_autocomplete_finds_him_by_initials(staff_client, people):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "attendance", "field_name": "entrepreneur", "term": "zzj"},
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(people["zhang"].pk)]


def test_api_search_finds_him_by_initials(people):
    cache.clear()
    partner, _created = partner_create(username="bank-of-jining")
    _token, key = token_issue(user=partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/entrepreneurs/", {"search": "zzj"})
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["张智杰"]
    cache.clear()


def test_migration_fills_existing_rows(people):
    factories.EnterpriseFactory(name="小树传媒")
    Entrepreneur.objects.update(name_pinyin="")
    Enterprise.objects.update(name_pinyin="")
    migration = importlib.import_module("entrepreneurs.migrations.0004_fill_name_pinyin")
    migration.fill_name_pinyin(django_apps, None)
    assert Entrepreneur.objects.get(name="张智杰").name_pinyin.endswith("zzj")
    assert Enterprise.objects.get(name="小树传媒").name_pinyin.endswith("xscm")


def test_article_fixture_carries_the_pinyin(db):
    from django.core.management import call_command

    call_command("loaddata", "article", verbosity=0)
    for person in Entrepreneur.objects.all():
        assert person.name_pinyin == pinyin_search_text(person.name)
    for enterprise in Enterprise.objects.all():
        assert enterprise.name_pinyin == pinyin_search_text(enterprise.name, person=False)
