"""What an import says about files as spreadsheets make them (issue 13).

A column of ID-card numbers that Excel, WPS or LibreOffice turned into numbers is reported once, in
Chinese, with the fix, instead of blaming every row; the template keeps those columns as text; a GBK
CSV with CRLF line ends imports as it is.
"""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from entrepreneurs.models import Entrepreneur
from entrepreneurs.resources import EnterpriseResource, EntrepreneurResource, FinancingResource
from events.resources import EventResource
from jining.importing.resources import number_damage
from jining.validators import id_card_check_char
from tests import factories
from tests.admin_forms import confirmable
from tests.test_import_export import (
    HEADERS,
    MODELS,
    XLSX_FORMAT,
    csv_file,
    import_file,
    preview,
    user_with,
    xlsx_file,
)


@pytest.fixture
def editor_client(client, db):
    perms = [f"{action}_{model}" for action in ("add", "change", "view") for model in MODELS]
    client.force_login(user_with("editor", *perms, "view_personal_data"))
    return client


def as_a_spreadsheet_keeps_it(number: str) -> float:
    """An ID-card number as a spreadsheet stores it once it took it for a number: an IEEE double
    of 15 significant digits (Excel, WPS and LibreOffice alike)."""
    return float(f"{int(number):.15g}")


def people(count):
    return [
        [f"测试{n}", "男", factories.make_id_card(n), f"138{n:08d}", "集宁区", "", "2018", "大专"]
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    ("value", "damaged"),
    [
        (1.50921198503121e17, True),  # an xlsx cell
        ("1.50921E+17", True),  # a CSV saved from that sheet
        ("150921198503121000", True),  # digits past the 15th lost
        ("150921198503121000.0", True),
        (13800138000.0, False),  # a mobile number as a number keeps its 11 digits
        (13800138000, False),
        ("13800138000", False),
        ("15092119850312123X", False),
        (150921198503121234, False),  # an exact whole number, as a program writes it
        ("", False),
        (None, False),
    ],
)
def test_number_damage(value, damaged):
    assert number_damage(value) is damaged


def test_an_id_card_number_ending_in_zeros_that_passes_its_checksum_is_not_damage():
    days = (datetime.date(1980, 1, 1) + datetime.timedelta(days=n) for n in range(5000))
    first17s = (f"150902{day:%Y%m%d}{seq}00" for day in days for seq in range(10))
    number = next(first17 + "0" for first17 in first17s if id_card_check_char(first17) == "0")
    assert number.endswith("000")
    assert not number_damage(number)
    rounded = factories.make_id_card(1)[:15] + "000"
    assert id_card_check_char(rounded[:17]) != "0"
    assert number_damage(rounded)  # its checksum fails: the zeros are lost digits


@pytest.mark.django_db
def test_an_xlsx_whose_id_column_holds_numbers_is_reported_once_per_column(editor_client):
    rows = people(29)
    for row in rows:
        row[2] = as_a_spreadsheet_keeps_it(row[2])
    page = preview(editor_client, xlsx_file([HEADERS, *rows]), name="人员.xlsx", file_format=XLSX_FORMAT)
    assert not confirmable(page)
    error = page.context["form"].errors["import_file"]
    assert len(error) == 1
    message = error[0]
    assert "“身份证号”列被电子表格当成了数字" in message
    assert "共 29 行" in message and "第 2 行" in message and "1.5090219850615E+17" in message
    assert "文本" in message  # how to fix it
    assert "校验" not in message and "性别" not in message  # the rows are not blamed
    assert not Entrepreneur.objects.exists()


@pytest.mark.django_db
def test_a_csv_saved_from_such_a_sheet_is_reported_too(editor_client):
    rows = people(3)
    rows[1][2] = "1.50921E+17"
    page = preview(editor_client, csv_file([HEADERS, *rows], encoding="gbk"))
    message = page.context["form"].errors["import_file"][0]
    assert "“身份证号”列" in message and "第 3 行" in message and "共 1 行" in message


@pytest.mark.django_db
def test_a_mobile_column_stored_as_numbers_imports(editor_client):
    rows = people(2)
    for row in rows:
        row[3] = int(row[3])
    import_file(editor_client, xlsx_file([HEADERS, *rows]), name="人员.xlsx", file_format=XLSX_FORMAT)
    assert sorted(Entrepreneur.objects.values_list("phone", flat=True)) == ["13800000001", "13800000002"]


@pytest.mark.django_db
def test_a_gbk_csv_with_crlf_as_wps_writes_it_imports(editor_client):
    rows = people(3)
    content = "\r\n".join(",".join(row) for row in [HEADERS, *rows]).encode("gbk") + b"\r\n"
    assert b"\r\n" in content
    import_file(editor_client, content)
    assert Entrepreneur.objects.count() == 3
    assert Entrepreneur.objects.get(name="测试1").hometown_county == "集宁区"


@pytest.mark.django_db
def test_the_template_keeps_code_columns_as_text_and_says_why(editor_client):
    response = editor_client.get(reverse("admin:entrepreneurs_entrepreneur_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, guide = book.worksheets
    headers = [cell.value for cell in sheet[1]]
    text_columns = {
        header
        for cell, header in zip(sheet[1], headers, strict=True)
        if sheet.column_dimensions[cell.column_letter].number_format == "@"
    }
    assert text_columns == {"身份证号", "手机号"}
    notes = {row[0].value: row[1].value for row in guide.iter_rows(min_row=2)}
    assert "文本" in notes["身份证号"] and "1.50921198503121E+17" in notes["身份证号"]
    assert "文本" not in (notes["姓名"] or "")


@pytest.mark.django_db
def test_the_enterprise_template_keeps_the_credit_code_as_text(editor_client):
    response = editor_client.get(reverse("admin:entrepreneurs_enterprise_import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    text_columns = {
        cell.value for cell in sheet[1] if sheet.column_dimensions[cell.column_letter].number_format == "@"
    }
    assert text_columns == {"统一社会信用代码"}


# --- One source for the form's labels and the import's columns ---


@pytest.mark.parametrize(
    "resource_class", [EntrepreneurResource, EnterpriseResource, FinancingResource, EventResource]
)
def test_every_import_column_is_the_forms_label(resource_class):
    model = resource_class._meta.model
    with translation.override("zh-hans"):
        labels = {
            field.column_name: str(model._meta.get_field(field.attribute).verbose_name)
            for field in resource_class().get_import_fields()
        }
    assert labels == {column: column for column in labels}
    assert set(resource_class.required_columns) <= set(labels)


def test_the_person_is_labelled_by_name_not_title():
    with translation.override("zh-hans"):
        assert str(Entrepreneur._meta.get_field("name").verbose_name) == "姓名"
        assert str(Entrepreneur._meta.get_field("hometown_county").verbose_name) == "户籍县区/旗"
        assert str(Entrepreneur._meta.get_field("story").verbose_name) == "创业经历"


@pytest.mark.django_db
def test_two_rows_of_one_file_with_one_credit_code_are_errors_naming_both(editor_client):
    code = factories.make_credit_code(9)
    headers = ["企业名称", "统一社会信用代码", "成立年份"]
    rows = [["智杰皮具有限公司", code, "2017"], ["另一家公司", code.lower(), "2018"]]
    page = preview(editor_client, csv_file([headers, *rows]), model="entrepreneurs_enterprise")
    assert not confirmable(page)
    assert page.context["problems"] == ["第 3 行：这一行与第 2 行描述的是同一个创业实体：请只保留其中一行。"]
