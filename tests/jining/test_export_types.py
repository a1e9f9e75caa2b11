"""The admin's xlsx export carries numbers, amounts and dates as such, in a sheet and a file named in
Chinese, and imports back unchanged; the export page counts its rows and speaks Chinese.

The tests of Chinese wording need the project's catalogue (locale/zh_Hans) to translate the export
page's strings.
"""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from entrepreneurs.models import Enterprise, Entrepreneur, Financing
from entrepreneurs.resources import EnterpriseResource, EntrepreneurResource, FinancingResource
from jining.importing import admin as sheet_admin
from jining.importing import bulk, streaming
from jining.importing.formats import XLSX
from jining.importing.widgets import DateWidget, DecimalWidget, IntegerWidget
from tests import factories
from tests.admin_forms import confirmable
from tests.test_import_export import CSV_FORMAT, XLSX_FORMAT, export, preview, user_with

MODELS = ("entrepreneur", "enterprise", "financing")


@pytest.fixture
def editor_client(client, db):
    perms = [f"{action}_{model}" for action in ("add", "change", "view") for model in MODELS]
    client.force_login(user_with("editor", *perms, "view_personal_data"))
    return client


@pytest.fixture
def records(db):
    """Two people, their enterprise and two loans, with every kind of value filled or blank."""
    person = factories.EntrepreneurFactory(
        name="张智杰",
        id_card_number=factories.make_id_card(1),
        birth_date=datetime.date(1985, 6, 15),
        birth_year=1985,
        phone="13800000001",
        left_home_age=18,
        return_year=2017,
        story="在北京做皮革十年，\n2017年返乡创业。",
    )
    person.special_groups.set([factories.SpecialGroupFactory(name="退役军人")])
    other = factories.EntrepreneurFactory(name="李四", birth_year=1990, return_year=None)
    enterprise = factories.EnterpriseFactory(name="集宁区皮革有限公司", founders=[person, other])
    factories.EnterpriseFactory(name="集宁区羊绒有限公司", registration_year=None, founders=[other])
    bank = factories.OrganisationFactory(name="集宁农商银行")
    factories.FinancingFactory(
        enterprise=enterprise,
        borrower=person,
        provider=bank,
        amount=Decimal("16510000.00"),
        date=datetime.date(2019, 5, 1),
        term_months=36,
    )
    factories.FinancingFactory(
        enterprise=enterprise, provider=bank, amount=Decimal("12.50"), date=datetime.date(2020, 1, 2)
    )


def xlsx_of(resource, queryset):
    stream = io.BytesIO()
    streaming.write_export(resource, queryset, "xlsx", stream)
    return stream.getvalue()


def columns(content):
    """{header: [cells of the column]} of the first sheet."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows())
    return {header.value: [row[index] for row in rows[1:]] for index, header in enumerate(rows[0])}


# --- Typed cells ---


def test_xlsx_numbers_are_numbers_and_dates_are_dates(records):
    people = columns(xlsx_of(EntrepreneurResource(), Entrepreneur.objects.order_by("pk")))
    year, birth, name = people["出生年份"][0], people["出生日期"][0], people["姓名"][0]
    assert (year.value, year.data_type, year.number_format) == (1985, "n", "General")
    assert people["首次外出务工年龄"][0].value == 18 and people["返乡年份"][0].value == 2017
    assert birth.is_date and birth.value == datetime.datetime(1985, 6, 15)
    assert birth.number_format == "yyyy-mm-dd"
    assert (name.value, name.data_type) == ("张智杰", "s")
    assert people["手机号"][0].data_type == "s"  # a code stays text
    assert people["返乡年份"][1].value is None and people["出生日期"][1].value is None
    loans = columns(xlsx_of(FinancingResource(), Financing.objects.order_by("pk")))
    amount = loans["金额（元）"][0]
    assert (amount.value, amount.data_type, amount.number_format) == (16510000, "n", "#,##0.00")
    assert loans["金额（元）"][1].value == 12.5 and loans["金额（元）"][1].number_format == "#,##0.00"
    assert loans["日期"][0].value == datetime.datetime(2019, 5, 1)
    assert loans["期限（月）"][0].value == 36 and loans["期限（月）"][1].value is None
    enterprises = columns(xlsx_of(EnterpriseResource(), Enterprise.objects.all()))
    assert enterprises["成立年份"][0].value == 2017


def test_the_export_only_resources_type_their_integers_decimals_and_dates(db, admin_request):
    """The changelists without a resource of their own (every field, by export_resource_for)."""
    from django.contrib import admin

    from incubators.models import Incubator

    factories.IncubatorFactory(land_area_mu=Decimal("12.50"), shop_count=7)
    model_admin = admin.site._registry[Incubator]
    resource = model_admin.get_export_resource_classes(admin_request)[0]()
    incubator = columns(xlsx_of(resource, Incubator.objects.all()))
    area = next(cells[0] for header, cells in incubator.items() if "亩" in str(header))
    assert (area.value, area.number_format) == (12.5, "#,##0.00")
    assert 7 in [cells[0].value for cells in incubator.values()]


def test_what_excel_cannot_hold_exactly_stays_text():
    writer = streaming.XlsxWriter(io.BytesIO())
    assert writer.cell_value(10**15) == "1000000000000000" and writer.cell_value(10**15 - 1) == 10**15 - 1
    assert writer.cell_value(Decimal("1234567890123456.78")) == "1234567890123456.78"
    assert writer.cell_value(Decimal("9999999999999.99")) == Decimal("9999999999999.99")
    assert writer.cell_value(datetime.date(1899, 12, 31)) == "1899-12-31"


def test_csv_stays_text(records, editor_client):
    text = export(editor_client, model="entrepreneurs_financing", file_format=CSV_FORMAT).content.decode()
    assert ",16510000.00,2019-05-01," in text and ",12.50,2020-01-02," in text


def test_the_widgets_read_typed_cells_back_to_the_same_values():
    assert IntegerWidget().clean(2017) == 2017 and IntegerWidget().clean(2017.0) == 2017
    for cell, value in [(16510000.0, "16510000"), (16510000, "16510000"), (12.5, "12.5"), (0.1 + 0.2, "0.3")]:
        cleaned = DecimalWidget().clean(cell)
        assert cleaned == Decimal(value) and str(cleaned) == value
    assert DecimalWidget().clean(-1200.5) == Decimal("-1200.50")
    assert DateWidget().clean(datetime.datetime(2019, 5, 1)) == datetime.date(2019, 5, 1)


# --- Round trip: an xlsx exported by the admin imports back unchanged ---


@pytest.mark.parametrize(
    ("model", "resource_class"),
    [
        ("entrepreneurs_entrepreneur", EntrepreneurResource),
        ("entrepreneurs_enterprise", EnterpriseResource),
        ("entrepreneurs_financing", FinancingResource),
    ],
)
def test_an_exported_xlsx_imports_back_unchanged(records, editor_client, model, resource_class):
    content = export(editor_client, model=model, file_format=XLSX_FORMAT).content
    dataset = XLSX().create_dataset(content)
    assert len(dataset) == resource_class._meta.model.objects.count() >= 2
    assert any(not isinstance(cell, str) for row in dataset for cell in row)  # typed cells read back
    plan = bulk.validate(resource_class(), dataset)
    assert [row.action for row in plan.rows] == [bulk.UNCHANGED] * len(dataset), plan.problems()

    # Through the admin, as a clerk imports it: 0 changes, and no history row written
    history = resource_class._meta.model.history
    versions = history.count()
    page = preview(editor_client, content, name="导出.xlsx", file_format=XLSX_FORMAT, model=model)
    result = page.context["job"].result
    assert (result["new"], result["updated"], result["unchanged"]) == (0, 0, len(dataset))
    assert not confirmable(page)  # nothing to write
    assert "每一行都与已有记录相同：没有需要导入的内容。" in page.text
    assert history.count() == versions


# --- Sheet and file names ---


def test_the_sheet_is_named_after_the_records_in_chinese(records):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_of(EntrepreneurResource(), Entrepreneur.objects.all())))
    assert book.sheetnames == ["返乡创业人员"]
    with translation.override("en"):
        assert streaming.sheet_title(Entrepreneur) == "返乡创业人员"
    odd = SimpleNamespace(_meta=SimpleNamespace(verbose_name_plural="'统计[2019]: 收入/支出*?\\" + "数" * 40))
    title = streaming.sheet_title(odd)
    assert (
        len(title) == 31
        and title.startswith("统计2019 收入支出数")
        and not re.search(r"[\[\]:*?/\\']", title)
    )


def shanghai_next_day():
    """17:30 UTC on 1 December 2026: already 2 December in Shanghai."""
    return mock.patch.object(
        timezone, "now", return_value=datetime.datetime(2026, 12, 1, 17, 30, tzinfo=datetime.UTC)
    )


def test_the_export_file_is_named_in_chinese_and_dated_in_shanghai(records, editor_client):
    with shanghai_next_day():
        download = export(editor_client, file_format=XLSX_FORMAT)
    header = download.headers["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert f"filename*=utf-8''{quote('返乡创业人员-2026-12-02.xlsx')}" in header


def test_the_export_download_has_an_ascii_fallback_name(records, editor_client):
    header = export(editor_client, file_format=XLSX_FORMAT).headers["Content-Disposition"]
    assert re.search(r'filename="[\x20-\x7e]+\.xlsx"', header)


def test_the_export_file_name_follows_the_clerks_language(db, admin_request):
    from django.contrib import admin

    model_admin = admin.site._registry[Entrepreneur]
    with shanghai_next_day():
        assert model_admin.get_export_filename(admin_request, None, XLSX()) == "返乡创业人员-2026-12-02.xlsx"
        with translation.override("en"):
            assert (
                model_admin.get_export_filename(admin_request, None, XLSX())
                == "entrepreneurs-2026-12-02.xlsx"
            )


def test_the_import_template_is_named_in_chinese(editor_client):
    response = editor_client.get(reverse("admin:entrepreneurs_entrepreneur_import_template"))
    assert response["Content-Disposition"] == (
        'attachment; filename="Entrepreneur-import-template.xlsx"; '
        f"filename*=utf-8''{quote('返乡创业人员-导入模板.xlsx')}"
    )


def test_attachment_header():
    assert sheet_admin.attachment_header("a.csv") == 'attachment; filename="a.csv"'
    assert sheet_admin.attachment_header("返乡创业人员-2026-12-02.xlsx") == (
        "attachment; filename=\"2026-12-02.xlsx\"; filename*=utf-8''"
        "%E8%BF%94%E4%B9%A1%E5%88%9B%E4%B8%9A%E4%BA%BA%E5%91%98-2026-12-02.xlsx"
    )
    assert (
        sheet_admin.attachment_header("人员")
        == "attachment; filename=\"download\"; filename*=utf-8''%E4%BA%BA%E5%91%98"
    )
    assert sheet_admin.file_stem('统计/收入:"2019"') == "统计收入2019"


# --- The export page ---


EXPORT_URL = "admin:entrepreneurs_entrepreneur_export"


def test_the_export_page_counts_the_rows_of_the_changelist_filter(records, editor_client):
    page = editor_client.get(reverse(EXPORT_URL))
    assert page.context["export_count"] == 2
    page = editor_client.get(reverse(EXPORT_URL) + "?q=张")
    assert page.context["export_count"] == 1
    assert "将导出 1 条记录。" in page.content.decode()


def test_the_export_page_counts_a_selection(records, editor_client):
    pk = Entrepreneur.objects.get(name="李四").pk
    page = editor_client.post(reverse(EXPORT_URL), {"export_items": [str(pk)]})  # no format: the page again
    assert page.status_code == 200 and page.context["export_count"] == 1


def test_the_count_stops_at_the_limit(records, editor_client, monkeypatch):
    monkeypatch.setattr(sheet_admin, "EXPORT_COUNT_LIMIT", 1)
    page = editor_client.get(reverse(EXPORT_URL))
    assert page.context["export_count"] == 2  # at most the limit + 1 rows are counted
    assert "将导出超过 1 条记录。" in page.content.decode()


def content_text(page):
    html = page.content.decode()
    html = html[html.index('<div id="content"') :]
    html = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_chinese_export_page_has_no_english(records, editor_client):
    page = editor_client.get(reverse(EXPORT_URL))
    text = content_text(page)
    assert "Select all" not in text and "全选" in text
    assert "格式：" in text and "将导出 2 条记录。" in text
    assert set(re.findall(r"[A-Za-z]{2,}", text)) <= {"xlsx", "csv"}, text
    editor_client.cookies["django_language"] = "en"
    assert "2 records will be exported." in content_text(editor_client.get(reverse(EXPORT_URL)))


def test_an_export_without_columns_is_refused_in_chinese(records, editor_client):
    page = editor_client.post(reverse(EXPORT_URL), {"format": XLSX_FORMAT, "resource": "0"})
    assert page.status_code == 200
    assert "请至少选择一列导出。" in page.content.decode()
