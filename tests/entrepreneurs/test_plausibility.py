"""Plausibility rules of a person, one definition for the admin form and the import (issue 13).

Birth date not in the future and the person at least 16; return year not after this year nor before
the age of 16; first-work age 14–70; a county outside the known divisions is a warning to confirm;
the gender comes from a valid ID card. The import shows likely duplicates and unknown counties as
warnings that do not stop it.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from entrepreneurs.models import Entrepreneur
from entrepreneurs.search import join_numbers
from tests import factories
from tests.admin_forms import confirm_import, confirmable, form_data
from tests.entrepreneurs.test_duplicates import ADD, add_entrepreneur, errors_text
from tests.test_import_export import HEADERS, MODELS, csv_file, preview, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def this_year():
    return timezone.localdate().year


def person(**values):
    defaults = {"name": "测试", "hometown_county": "集宁区"}
    return Entrepreneur(**{**defaults, **values})


def errors_of(record):
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"birth_date": datetime.date(2030, 1, 1)}, "birth_date", "出生日期晚于今天"),
        ({"birth_year": 2030}, "birth_year", "年满 16 周岁"),
        ({"return_year": 2035}, "return_year", "晚于今年"),
        ({"birth_year": 1990, "return_year": 2000}, "return_year", "早于此人年满 16 周岁"),
        ({"left_home_age": 3}, "left_home_age", "14 至 70 岁"),
        ({"left_home_age": 71}, "left_home_age", "14 至 70 岁"),
    ],
)
def test_implausible_values_are_refused_by_clean(values, field, message):
    errors = errors_of(person(**values))
    assert field in errors
    assert message in " ".join(errors[field])


def test_a_person_turning_16_today_is_accepted_one_day_younger_is_not():
    today = timezone.localdate()
    sixteen = today.replace(year=today.year - 16) if (today.month, today.day) != (2, 29) else None
    if sixteen is None:  # 29 February: the rule counts from the 28th
        sixteen = today.replace(year=today.year - 16, day=28)
    person(birth_date=sixteen).full_clean()
    assert "birth_date" in errors_of(person(birth_date=sixteen + datetime.timedelta(days=1)))


def test_plausible_values_pass():
    person(birth_year=1985, return_year=this_year(), left_home_age=14).full_clean()
    person(birth_year=1985, return_year=2001, left_home_age=70).full_clean()


def test_an_id_card_fills_the_gender_and_the_birth_date_on_the_form(staff_client):
    number = factories.make_id_card(3, birth=datetime.date(1986, 2, 3), male=False)
    response = add_entrepreneur(staff_client, name="王芳", hometown_county="集宁区", id_card_number=number)
    assert response.status_code == 302, errors_text(response)
    saved = Entrepreneur.objects.get(name="王芳")
    assert (saved.gender, saved.birth_date) == ("F", datetime.date(1986, 2, 3))


def test_the_form_refuses_an_implausible_return_year(staff_client):
    response = add_entrepreneur(staff_client, name="王芳", hometown_county="集宁区", return_year="2035")
    assert response.status_code == 200
    assert "晚于今年" in errors_text(response)
    assert not Entrepreneur.objects.exists()


# --- The county outside the known divisions: a warning to confirm ---


def test_an_unknown_county_is_a_warning_to_confirm_on_the_form(staff_client):
    response = add_entrepreneur(staff_client, name="王芳", hometown_county="不存在县")
    assert response.status_code == 200
    assert "“不存在县”不是乌兰察布市的旗县市区" in errors_text(response)
    assert 'name="county_confirmed"' in response.text
    assert 'name="not_a_duplicate"' not in response.text  # no duplicate: no duplicate box
    assert not Entrepreneur.objects.exists()
    response = add_entrepreneur(staff_client, name="王芳", hometown_county="不存在县", county_confirmed="on")
    assert response.status_code == 302
    assert Entrepreneur.objects.get().hometown_county == "不存在县"


@pytest.mark.parametrize("county", ["察右中旗", "察哈尔右翼中旗", "集宁区", ""])
def test_known_counties_in_full_or_short_need_no_confirmation(staff_client, county):
    assert add_entrepreneur(staff_client, name="王芳", hometown_county=county).status_code == 302


def test_the_duplicate_box_shows_only_with_a_candidate(staff_client):
    response = add_entrepreneur(staff_client, name="王芳", hometown_county="集宁区", return_year="2035")
    assert response.status_code == 200  # another error
    assert 'name="not_a_duplicate"' not in response.text and "请核对" not in response.text
    other = factories.EntrepreneurFactory(name="王芳", hometown_county="集宁区")
    response = add_entrepreneur(staff_client, name="王芳", hometown_county="集宁区")
    assert 'name="not_a_duplicate"' in response.text and 'name="county_confirmed"' not in response.text
    assert reverse("admin:entrepreneurs_entrepreneur_change", args=[other.pk]) in response.text


def test_the_form_without_a_post_has_no_warning_box(staff_client):
    assert 'name="not_a_duplicate"' not in staff_client.get(ADD).text
    assert "county_confirmed" not in form_data(staff_client.get(ADD))


# --- The import: the same rules, and the warnings ---


@pytest.fixture
def editor_client(client, db):
    perms = [f"{action}_{model}" for action in ("add", "change", "view") for model in MODELS]
    client.force_login(user_with("editor", *perms, "view_personal_data"))
    return client


def row(name, **values):
    cells = {"姓名": name, "性别": "", "身份证号": "", "手机号": "", "户籍县区/旗": "集宁区", "出生年份": ""}
    cells.update({"返乡年份": "", "文化程度": ""}, **values)
    return [cells[header] for header in HEADERS]


def upload(client, rows):
    return preview(client, csv_file([HEADERS, *rows]))


def test_the_import_refuses_the_same_implausible_values(editor_client):
    page = upload(editor_client, [row("甲", 返乡年份="2035"), row("乙", 出生年份="2030")])
    assert not confirmable(page)
    problems = page.context["problems"]
    assert any("第 2 行" in line and "返乡年份" in line and "晚于今年" in line for line in problems)
    assert any("第 3 行" in line and "年满 16 周岁" in line for line in problems)


def test_the_import_warns_of_an_unknown_county_and_likely_duplicates_but_imports(editor_client):
    on_record = factories.EntrepreneurFactory(name="张三", hometown_county="集宁区")
    page = upload(
        editor_client,
        [row("李四", **{"户籍县区/旗": "不存在县"}), row("王五"), row("王五"), row("张三")],
    )
    assert confirmable(page), page.context["problems"]
    warnings = page.context["job"].result["warnings"]
    assert any(line.startswith("第 2 行") and "不存在县" in line for line in warnings)
    assert any(line.startswith("第 4 行") and "第 3 行" in line for line in warnings)
    assert any(line.startswith("第 5 行") and f"编号 {on_record.pk}" in line for line in warnings)
    assert not any(line.startswith("第 3 行") for line in warnings)  # the first 王五 has no earlier row
    assert "确认导入前请核对" in page.text
    job = confirm_import(editor_client, page)
    assert job.state == "done", job.error
    assert Entrepreneur.objects.filter(name="王五").count() == 2


def test_people_with_different_id_cards_are_not_warned_of(editor_client):
    page = upload(
        editor_client,
        [row("王五", 身份证号=factories.make_id_card(1)), row("王五", 身份证号=factories.make_id_card(2))],
    )
    assert page.context["job"].result["warnings"] == []


# --- Smaller points ---


@pytest.mark.parametrize(
    ("terms", "joined"),
    [
        (["138", "0013", "8000"], ["13800138000"]),
        (["+86", "138-0013-8000"], ["+86138-0013-8000"]),
        (["张", "138", "0013", "8000"], ["张", "13800138000"]),
        (["2018", "2019"], ["2018", "2019"]),
        (["150902", "19850615", "0034"], ["150902198506150034"]),
    ],
)
def test_join_numbers(terms, joined):
    assert join_numbers(terms) == joined


def test_the_phone_search_finds_a_number_typed_in_groups(staff_client):
    found = factories.EntrepreneurFactory(name="赵六", phone="13800138000")
    factories.EntrepreneurFactory(name="钱七", phone="13900139000")
    url = reverse("admin:entrepreneurs_entrepreneur_changelist")
    response = staff_client.get(url, {"q": "138 0013 8000"})
    assert list(response.context["cl"].result_list) == [found]


def test_a_support_period_ends_after_it_starts():
    measure = factories.SupportMeasureFactory.build(
        period_start=datetime.date(2020, 1, 1), period_end=datetime.date(2019, 12, 31)
    )
    with pytest.raises(ValidationError) as caught:
        measure.full_clean(exclude=["entrepreneur", "enterprise", "provider", "incubator", "source"])
    assert "截止日期不能早于起始日期" in " ".join(caught.value.messages)
