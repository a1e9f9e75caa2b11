"""Clean data at entry: duplicates refused or flagged, ID-card and mobile messages clear on the form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from entrepreneurs.models import Enterprise, Entrepreneur
from entrepreneurs.services import entrepreneur_likely_duplicates
from tests import factories
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:entrepreneurs_entrepreneur_add")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def add_entrepreneur(client, **fields):
    data = form_data(client.get(ADD))
    data.update({key: str(value) for key, value in fields.items()})
    return client.post(ADD, data)


def errors_text(response):
    form = response.context["adminform"].form
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


# The service ---------------------------------------------------------------------------------------


def test_likely_duplicates_same_name_and_county_or_birth_year():
    same_county = factories.EntrepreneurFactory(name="张智杰", hometown_county="察右中旗", birth_year=1980)
    same_year = factories.EntrepreneurFactory(name="张智杰", hometown_county="卓资县", birth_year=1985)
    factories.EntrepreneurFactory(name="张智杰", hometown_county="兴和县", birth_year=1990)
    factories.EntrepreneurFactory(name="赵少青", hometown_county="察右中旗", birth_year=1985)
    found = entrepreneur_likely_duplicates(name="张智杰", hometown_county="察右中旗", birth_year=1985)
    assert list(found) == [same_county, same_year]
    assert (
        list(
            entrepreneur_likely_duplicates(
                name="张智杰", hometown_county="察右中旗", birth_year=None, exclude_pk=same_county.pk
            )
        )
        == []
    )
    assert not entrepreneur_likely_duplicates(name="张智杰", hometown_county="", birth_year=None).exists()
    assert not entrepreneur_likely_duplicates(name="", hometown_county="察右中旗", birth_year=1985).exists()


# Likely duplicates on the admin form ---------------------------------------------------------------


def test_likely_duplicate_is_flagged_with_a_link_then_saved_once_confirmed(staff_client):
    existing = factories.EntrepreneurFactory(name="张智杰", hometown_county="察右中旗", birth_year=1980)
    response = add_entrepreneur(staff_client, name="张智杰", hometown_county="察右中旗")
    assert response.status_code == 200
    assert Entrepreneur.objects.filter(name="张智杰").count() == 1
    text = response.text
    assert reverse("admin:entrepreneurs_entrepreneur_change", args=[existing.pk]) in text
    assert "确认不是同一人" in text  # the checkbox now shows
    assert 'name="not_a_duplicate"' in text

    response = add_entrepreneur(staff_client, name="张智杰", hometown_county="察右中旗", not_a_duplicate="on")
    assert response.status_code == 302
    assert Entrepreneur.objects.filter(name="张智杰").count() == 2


def test_same_birth_year_from_the_id_card_is_flagged(staff_client):
    factories.EntrepreneurFactory(name="张智杰", hometown_county="", birth_year=1985)
    id_card = factories.make_id_card(7, birth=datetime.date(1985, 3, 1))
    response = add_entrepreneur(staff_client, name="张智杰", hometown_county="卓资县", id_card_number=id_card)
    assert response.status_code == 200
    assert Entrepreneur.objects.filter(name="张智杰").count() == 1


def test_no_flag_for_a_different_person_or_the_record_itself(staff_client):
    existing = factories.EntrepreneurFactory(name="张智杰", hometown_county="察右中旗", birth_year=1980)
    response = add_entrepreneur(staff_client, name="张智杰", hometown_county="卓资县", birth_year="1990")
    assert response.status_code == 302
    url = reverse("admin:entrepreneurs_entrepreneur_change", args=[existing.pk])
    data = form_data(staff_client.get(url))
    data["story"] = "返乡创业"
    assert staff_client.post(url, data).status_code == 302
    assert 'name="not_a_duplicate"' not in staff_client.get(url).text  # not shown before a save


# Same ID card / credit code: refused with a clear message --------------------------------------------


def test_same_id_card_is_refused_with_a_clear_message(staff_client):
    id_card = factories.make_id_card(3)
    factories.EntrepreneurFactory(name="张智杰", id_card_number=id_card)
    response = add_entrepreneur(staff_client, name="李汇洲", hometown_county="卓资县", id_card_number=id_card)
    assert response.status_code == 200
    assert "已有使用该身份证号码的返乡创业人员记录" in errors_text(response)
    assert Entrepreneur.objects.count() == 1


def test_same_credit_code_is_refused_with_a_clear_message(staff_client):
    code = factories.make_credit_code(42)
    factories.EnterpriseFactory(credit_code=code)
    url = reverse("admin:entrepreneurs_enterprise_add")
    data = form_data(staff_client.get(url))
    data.update({"name": "小树传媒", "credit_code": code.lower()})
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "已有使用该统一社会信用代码的企业记录" in errors_text(response)
    assert Enterprise.objects.count() == 1


# Checksums and mobile numbers ----------------------------------------------------------------------


def test_id_card_checksum_message(staff_client):
    id_card = factories.make_id_card(5)
    wrong = id_card[:-1] + ("0" if id_card[-1] != "0" else "1")
    response = add_entrepreneur(staff_client, name="李汇洲", id_card_number=wrong)
    assert response.status_code == 200
    assert "该身份证号码校验位不符" in errors_text(response)


def test_mobile_number_is_normalised_and_a_bad_one_explained(staff_client):
    response = add_entrepreneur(staff_client, name="李汇洲", phone="12345")
    assert response.status_code == 200
    assert "大陆手机号码为 11 位数字，以 1 开头" in errors_text(response)
    response = add_entrepreneur(staff_client, name="李汇洲", phone="+86 138-0000-1234")
    assert response.status_code == 302
    assert Entrepreneur.objects.get(name="李汇洲").phone == "13800001234"
