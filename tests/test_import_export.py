"""Spreadsheet import and export through the real admin URLs (jining.importing and the resources).

The import is two steps: a preview (dry run) that validates every row, then a confirm that writes
everything or nothing. Exports follow the changelist's filters, neutralise formulae and leave out
personal columns for viewers.
"""

import csv
import datetime
import io
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from entrepreneurs.models import Employment, Enterprise, Entrepreneur, Financing, OperatingStatus
from events.models import Attendance, Event
from jining.importing.cells import neutralise
from jining.importing.formats import CSV, XLSX, decode_text
from jining.models import Job
from tests import factories
from tests.admin_forms import confirm_import, confirmable, run_export, run_import_preview

XLSX_FORMAT, CSV_FORMAT = "0", "1"  # positions in jining.importing.formats.FORMATS
HEADERS = ["姓名", "性别", "身份证号", "手机号", "户籍县区/旗", "出生年份", "返乡年份", "文化程度"]


def user_with(username, *codenames):
    user = factories.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


MODELS = ("entrepreneur", "enterprise", "event", "financing", "employment", "operatingstatus")


@pytest.fixture
def editor_client(client, db):
    perms = [f"{action}_{model}" for action in ("add", "change", "view") for model in MODELS]
    client.force_login(user_with("editor", *perms, "view_personal_data"))  # as bureau_editors
    return client


@pytest.fixture
def viewer_client(client, db):
    client.force_login(user_with("viewer", *[f"view_{model}" for model in MODELS]))
    return client


def csv_file(rows, encoding="utf-8"):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_file(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def upload(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def preview(client, content, name="人员.csv", file_format=CSV_FORMAT, model="entrepreneurs_entrepreneur"):
    return run_import_preview(
        client,
        reverse(f"admin:{model}_import"),
        {"import_file": upload(content, name), "format": file_format, "resource": "0"},
    )


def confirm(client, preview_page):
    return confirm_import(client, preview_page)


def import_file(client, content, **kwargs):
    job = confirm(client, preview(client, content, **kwargs))
    assert job.state == Job.State.DONE, job.error
    return job


def people_rows():
    return [
        HEADERS,
        ["张智杰", "男", factories.make_id_card(1), "138 0000 0001", "察右中旗", "", "2017", "大专"],
        ["李娜", "女", "", "13800000002", "集宁区", "1990", "2018", "bachelor"],
        ["王强", "M", factories.make_id_card(2), "", "卓资县", "", "2019", ""],
    ]


# --- Encodings and formats ---


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_import_in_utf8_with_or_without_bom_and_gbk(editor_client, encoding):
    import_file(editor_client, csv_file(people_rows(), encoding))
    assert sorted(Entrepreneur.objects.values_list("name", flat=True)) == ["张智杰", "李娜", "王强"]
    zhang = Entrepreneur.objects.get(name="张智杰")
    assert (zhang.gender, zhang.hometown_county, zhang.education) == ("M", "察右中旗", "college")
    assert zhang.phone == "13800000001"
    assert Entrepreneur.objects.get(name="李娜").gender == "F"


def test_a_file_in_neither_encoding_is_refused_on_the_form(editor_client):
    response = preview(editor_client, "姓名\n张智杰\n".encode("utf-16"))
    errors = response.context["form"].errors["import_file"]
    assert "既不是 UTF-8 也不是 GBK" in errors[0]
    assert Entrepreneur.objects.count() == 0


def test_decode_text_detects_the_encoding():
    assert decode_text("\ufeff姓名".encode()) == "姓名"
    assert decode_text("姓名".encode("gbk")) == "姓名"
    with pytest.raises(ValueError):
        decode_text(b"\xff\xfe\x00\x00")


def test_xlsx_import(editor_client):
    rows = people_rows()
    rows[1][5] = 1985  # numbers typed into Excel cells
    rows[2][3] = 13800000002
    import_file(editor_client, xlsx_file(rows), name="人员.xlsx", file_format=XLSX_FORMAT)
    assert Entrepreneur.objects.count() == 3
    assert Entrepreneur.objects.get(name="李娜").phone == "13800000002"


# --- Preview, errors, atomic confirm ---


def test_preview_writes_nothing(editor_client):
    response = preview(editor_client, csv_file(people_rows()))
    assert confirmable(response)
    assert response.context["job"].result["new"] == 3
    assert response.context["problems"] == []
    assert Entrepreneur.objects.count() == 0


def test_a_bad_row_is_reported_by_row_and_column_in_chinese_and_nothing_is_written(editor_client):
    rows = people_rows()
    valid = factories.make_id_card(3, birth=datetime.date(1990, 3, 1), male=False)
    rows[2][2] = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # 李娜, spreadsheet row 3
    response = preview(editor_client, csv_file(rows))
    assert not confirmable(response)
    problems = response.context["problems"]
    assert problems == ["第 3 行，“身份证号”列：该身份证号码校验位不符：请检查是否输错数字。"]
    assert "第 3 行" in response.text and "身份证号" in response.text
    assert Entrepreneur.objects.count() == 0


def test_unknown_choice_and_missing_columns_are_explained(editor_client):
    rows = people_rows()
    rows[1][1] = "男性"
    problems = preview(editor_client, csv_file(rows)).context["problems"]
    assert problems[0].startswith("第 2 行，“性别”列：“男性”")
    problems = preview(editor_client, csv_file([["名字"], ["张三"]])).context["problems"]
    assert "姓名" in problems[0] and "导入模板" in problems[0]


def test_a_confirm_that_fails_midway_writes_nothing(editor_client):
    response = preview(editor_client, csv_file(people_rows()))
    from jining.importing import bulk

    def failing_history(*args, **kwargs):  # after the records were written
        raise RuntimeError("disk full")

    with mock.patch.object(bulk, "_write_history", failing_history):
        job = confirm(editor_client, response)
    assert job.state == Job.State.FAILED
    assert "RuntimeError" in job.error and "没有写入一半的数据" in job.error
    assert Entrepreneur.objects.count() == 0
    assert Entrepreneur.history.count() == 0


# --- Upsert ---


def test_reimporting_updates_instead_of_duplicating(editor_client):
    import_file(editor_client, csv_file(people_rows()))
    rows = people_rows()
    rows[1][3] = "13900000001"  # 张智杰: matched by ID-card number
    rows[2][6] = "2020"  # 李娜: no ID card, matched by name + birth year + hometown
    import_file(editor_client, csv_file(rows))
    assert Entrepreneur.objects.count() == 3
    assert Entrepreneur.objects.get(name="张智杰").phone == "13900000001"
    assert Entrepreneur.objects.get(name="李娜").return_year == 2020


def test_enterprise_import_matches_credit_code_then_name_and_year(editor_client):
    founder = factories.EntrepreneurFactory(name="张智杰")
    code = factories.make_credit_code(7)
    rows = [
        ["企业名称", "统一社会信用代码", "成立年份", "组织形式", "行业", "创办人"],
        ["乌兰察布市智杰皮具有限公司", code, "2017", "有限责任公司", "皮革皮草", "张智杰"],
        ["集宁区小店", "", "2018", "individual_business", "retail", ""],
    ]
    kwargs = {"model": "entrepreneurs_enterprise"}
    import_file(editor_client, csv_file(rows), **kwargs)
    rows[1][0] = "智杰皮具有限公司"  # renamed: same credit code
    rows[2][4] = "住宿餐饮"
    import_file(editor_client, csv_file(rows), **kwargs)
    assert Enterprise.objects.count() == 2
    company = Enterprise.objects.get(credit_code=code)
    assert company.name == "智杰皮具有限公司"
    assert list(company.founders.all()) == [founder]
    assert Enterprise.objects.get(name="集宁区小店").industry == "catering"


def test_event_import_with_attendance_list(editor_client):
    organiser = factories.OrganisationFactory(name="集宁区劳动就业局")
    zhang = factories.EntrepreneurFactory(name="张智杰", id_card_number=factories.make_id_card(1))
    li = factories.EntrepreneurFactory(name="李娜")
    rows = [
        ["活动名称", "活动类型", "日期", "主办单位", "现场举办", "参加人员"],
        ["创业大讲堂", "讲座", "2019/5/1", "集宁区劳动就业局", "是", f"{factories.make_id_card(1)}、李娜"],
    ]
    kwargs = {"model": "events_event"}
    import_file(editor_client, csv_file(rows), **kwargs)
    event = Event.objects.get()
    assert (event.organiser, str(event.start_date)) == (organiser, "2019-05-01")
    assert set(event.attendees.all()) == {zhang, li}
    rows[1][5] = "张智杰"
    import_file(editor_client, csv_file(rows), **kwargs)
    assert Event.objects.count() == 1
    assert list(Attendance.objects.values_list("entrepreneur__name", flat=True)) == ["张智杰"]


def test_event_attendance_naming_nobody_on_record_is_an_error(editor_client):
    factories.OrganisationFactory(name="集宁区劳动就业局")
    rows = [
        ["活动名称", "日期", "活动类型", "主办单位", "参加人员"],
        ["沙龙", "2019-05-01", "salon", "集宁区劳动就业局", "查无此人"],
    ]
    problems = preview(editor_client, csv_file(rows), model="events_event").context["problems"]
    assert problems[0].startswith("第 2 行，“参加人员”列：")
    assert "查无此人" in problems[0]


def test_financing_import_matches_enterprise_kind_date_and_amount(editor_client):
    enterprise = factories.EnterpriseFactory(name="智杰皮具有限公司")
    factories.OrganisationFactory(name="中国农业银行")
    rows = [
        ["企业", "融资类型", "金额（元）", "日期", "资金方", "备注"],
        ["智杰皮具有限公司", "银行贷款", "100,000", "2019-03-01", "中国农业银行", "第一笔"],
        [enterprise.credit_code, "grant", "5万", "2019-04-01", "", ""],
    ]
    kwargs = {"model": "entrepreneurs_financing"}
    import_file(editor_client, csv_file(rows), **kwargs)
    rows[1][5] = "已还清"
    import_file(editor_client, csv_file(rows), **kwargs)
    assert Financing.objects.count() == 2
    assert Financing.objects.get(kind="bank_loan").notes == "已还清"
    assert Financing.objects.get(kind="grant").amount == Decimal("50000")


# --- Rosters and status observations (issue 15) ---

ROSTER_HEADERS = ["创业实体", "姓名", "身份证号", "开始日期", "结束日期", "残疾人", "参加社会保险"]


def test_roster_import_matches_card_or_name_and_start_and_updates_on_reimport(editor_client):
    factories.EnterpriseFactory(name="智杰皮具有限公司")
    card = factories.make_id_card(31)
    rows = [
        ROSTER_HEADERS,
        ["智杰皮具有限公司", "王五", card.lower(), "2019-03-01", "", "否", "是"],
        ["智杰皮具有限公司", "赵六", "", "2019-04-01", "", "", "否"],
    ]
    kwargs = {"model": "entrepreneurs_employment"}
    import_file(editor_client, csv_file(rows), **kwargs)
    assert Employment.objects.get(name="王五").id_card_number == card  # normalised: upper-case X
    rows[1][4] = "2020-06-30"  # 王五 left: matched by card and start
    rows[2][6] = "是"  # 赵六: no card, matched by name and start
    import_file(editor_client, csv_file(rows), **kwargs)
    assert Employment.objects.count() == 2
    assert Employment.objects.get(name="王五").end_date == datetime.date(2020, 6, 30)
    assert Employment.objects.get(name="赵六").social_insurance is True


def test_roster_import_refuses_a_bad_row_and_writes_nothing(editor_client):
    factories.EnterpriseFactory(name="智杰皮具有限公司")
    rows = [
        ROSTER_HEADERS,
        ["智杰皮具有限公司", "王五", "", "2019-03-01", "", "", ""],
        ["智杰皮具有限公司", "赵六", "", "2019-04-01", "2019-01-01", "", ""],  # ends before it starts
        ["查无此企业", "钱七", "", "2019-04-01", "", "", ""],
    ]
    response = preview(editor_client, csv_file(rows), model="entrepreneurs_employment")
    assert not confirmable(response)
    problems = response.context["problems"]
    assert any(p.startswith("第 3 行") for p in problems) and any(p.startswith("第 4 行") for p in problems)
    assert not Employment.objects.exists()
    missing = preview(editor_client, csv_file([["姓名"], ["王五"]]), model="entrepreneurs_employment")
    assert "创业实体" in missing.context["problems"][0] and "导入模板" in missing.context["problems"][0]


def test_roster_import_warns_of_a_person_counted_twice_with_the_card_masked(editor_client):
    card = factories.make_id_card(32)
    factories.EmploymentFactory(
        enterprise=factories.EnterpriseFactory(name="甲公司"),
        id_card_number=card,
        start_date=datetime.date(2019, 1, 1),
    )
    factories.EnterpriseFactory(name="乙公司")
    founder_card = factories.make_id_card(33)
    founder = factories.EntrepreneurFactory(id_card_number=founder_card)
    factories.EnterpriseFactory(name="丙公司", founders=[founder])
    rows = [
        ROSTER_HEADERS,
        ["乙公司", "王五", card, "2019-06-01", "", "", ""],  # still on 甲公司's roster
        ["乙公司", "李四", founder_card, "2019-06-01", "", "", ""],  # founded 丙公司
        ["乙公司", "赵六", "", "2019-06-01", "", "", ""],
    ]
    response = preview(editor_client, csv_file(rows), model="entrepreneurs_employment")
    assert confirmable(response)  # warnings do not stop the import
    warnings = response.context["job"].result["warnings"]
    assert any(line.startswith("第 2 行") and "甲公司" in line for line in warnings)
    assert any(line.startswith("第 3 行") for line in warnings)
    assert not any(line.startswith("第 4 行") for line in warnings)
    assert card not in " ".join(warnings) and card[-4:] in " ".join(warnings)


def test_status_import_adds_dated_observations_and_matches_day_and_method(editor_client):
    enterprise = factories.EnterpriseFactory(name="智杰皮具有限公司")
    rows = [
        ["创业实体", "观察日期", "经营状态", "观察方式", "备注"],
        ["智杰皮具有限公司", "2019-03-01", "normal", "visit", ""],
        [enterprise.credit_code, "2020-03-01", "suspended", "tax", "无纳税"],
    ]
    kwargs = {"model": "entrepreneurs_operatingstatus"}
    import_file(editor_client, csv_file(rows), **kwargs)
    rows[2][4] = "全年无纳税"
    import_file(editor_client, csv_file(rows), **kwargs)
    assert OperatingStatus.objects.count() == 2  # the second import updated, never overwrote a status
    assert OperatingStatus.objects.get(status="suspended").note == "全年无纳税"
    rows[1][2] = "倒闭"
    problems = preview(editor_client, csv_file(rows), **kwargs).context["problems"]
    assert problems[0].startswith("第 2 行，“经营状态”列：“倒闭”")


# --- Template ---


@pytest.mark.parametrize(
    ("model", "headers"),
    [
        ("entrepreneurs_entrepreneur", ["姓名", "性别", "出生日期", "出生年份", "身份证号", "手机号"]),
        ("entrepreneurs_enterprise", ["企业名称", "简称或品牌", "统一社会信用代码", "成立年份"]),
        ("events_event", ["活动名称", "活动类型", "日期"]),
        ("entrepreneurs_financing", ["企业", "融资类型", "金额（元）", "日期"]),
        (
            "entrepreneurs_employment",
            ["创业实体", "姓名", "身份证号", "返乡创业人员", "开始日期", "结束日期"],
        ),
        ("entrepreneurs_operatingstatus", ["创业实体", "观察日期", "经营状态", "观察方式", "备注"]),
    ],
)
def test_import_template_downloads_with_the_chinese_headers(editor_client, model, headers):
    response = editor_client.get(reverse(f"admin:{model}_import"))
    template_url = reverse(f"admin:{model}_import_template")
    assert template_url in response.text
    response = editor_client.get(template_url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX.CONTENT_TYPE
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    first_row = [cell.value for cell in book.worksheets[0][1]]
    assert first_row[: len(headers)] == headers
    assert book.worksheets[0].max_row == 1  # headers only: no example row to import by mistake


def test_the_template_imports_as_it_is_filled_in(editor_client):
    response = editor_client.get(reverse("admin:entrepreneurs_entrepreneur_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book.worksheets[0].append(["张智杰", "男"])
    content = io.BytesIO()
    book.save(content)
    import_file(editor_client, content.getvalue(), name="模板.xlsx", file_format=XLSX_FORMAT)
    assert Entrepreneur.objects.get().name == "张智杰"


# --- Export ---


def export(client, model="entrepreneurs_entrepreneur", file_format=CSV_FORMAT, query=""):
    url = reverse(f"admin:{model}_export") + query
    form = client.get(url).context["form"]
    data = {"format": file_format, "resource": "0"}
    data |= {
        name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)
    }
    return run_export(client, url, data)


def csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel and WPS
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_neutralise():
    for dangerous in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(dangerous) == "'" + dangerous
    for harmless in ("张智杰", "-1200.50", "2019", 12, None):
        assert neutralise(harmless) == harmless


def test_csv_export_has_a_bom_and_neutralised_formulae(editor_client):
    factories.EntrepreneurFactory(name='=HYPERLINK("http://evil")', prior_trade="@SUM(A1)", story="-1+2")
    rows = csv_rows(export(editor_client))
    assert rows[0][:3] == ["姓名", "性别", "出生日期"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert "'@SUM(A1)" in rows[1] and "'-1+2" in rows[1]
    assert "男" in rows[1]  # choices exported as their Chinese label


def test_xlsx_export_neutralises_formulae(editor_client):
    factories.EntrepreneurFactory(name="+cmd|' /C calc'!A0")
    response = export(editor_client, file_format=XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "姓名"
    assert sheet["A2"].value == "'+cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"


def test_export_follows_the_changelist_filters_and_search(editor_client):
    factories.EntrepreneurFactory(name="张智杰", return_year=2017)
    factories.EntrepreneurFactory(name="张三", return_year=2018)
    factories.EntrepreneurFactory(name="李四", return_year=2017)
    names = [row[0] for row in csv_rows(export(editor_client, query="?q=张"))[1:]]
    assert sorted(names) == ["张三", "张智杰"]
    names = [row[0] for row in csv_rows(export(editor_client, query="?return_year=2017"))[1:]]
    assert sorted(names) == ["张智杰", "李四"]
    changelist = editor_client.get(reverse("admin:entrepreneurs_entrepreneur_changelist") + "?q=张")
    assert reverse("admin:entrepreneurs_entrepreneur_export") + "?q=" in changelist.text


def test_csv_round_trip(editor_client):
    import_file(editor_client, csv_file(people_rows()))
    exported = export(editor_client).content
    page = preview(editor_client, exported)
    result = page.context["job"].result
    assert (result["unchanged"], result["new"], result["updated"], result["errors"]) == (3, 0, 0, 0)
    assert not confirmable(page)  # nothing to write, and no history row for each unchanged row
    assert "没有需要导入的内容" in page.content.decode() or "nothing to import" in page.content.decode()
    assert Entrepreneur.objects.count() == 3


# --- Roles ---


def test_viewer_cannot_import_and_exports_personal_data_masked(viewer_client):
    disabled = factories.SpecialGroupFactory(name="残疾人", sensitive=True)
    veteran = factories.SpecialGroupFactory(name="退役军人", sensitive=False)
    person = factories.EntrepreneurFactory(
        name="张智杰",
        id_card_number=factories.make_id_card(1),
        phone="13800000001",
        birth_date=datetime.date(1985, 6, 15),
        story="高位截瘫后创业",
        disability_category="肢体",
    )
    person.special_groups.set([disabled, veteran])
    changelist = viewer_client.get(reverse("admin:entrepreneurs_entrepreneur_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:entrepreneurs_entrepreneur_import") not in changelist.text
    assert reverse("admin:entrepreneurs_entrepreneur_export") in changelist.text
    assert viewer_client.get(reverse("admin:entrepreneurs_entrepreneur_import")).status_code == 403
    assert (
        viewer_client.post(reverse("admin:entrepreneurs_entrepreneur_process_import"), {}).status_code == 403
    )
    assert viewer_client.get(reverse("admin:entrepreneurs_entrepreneur_import_template")).status_code == 403
    rows = csv_rows(export(viewer_client))
    row = dict(zip(rows[0], rows[1], strict=True))
    card = factories.make_id_card(1)
    assert row["身份证号"] == card[:4] + "*" * 10 + card[-4:] and row["手机号"] == "138****0001"
    assert row["出生日期"] == "1985" and row["特殊群体"] == "退役军人"
    assert (
        "创业经历" not in row and "高位截瘫" not in "".join(rows[1]) and "1985-06-15" not in "".join(rows[1])
    )


def test_editor_exports_personal_columns(editor_client):
    factories.EntrepreneurFactory(
        name="张智杰", id_card_number=factories.make_id_card(1), phone="13800000001"
    )
    rows = csv_rows(export(editor_client))
    assert rows[1][rows[0].index("身份证号")] == factories.make_id_card(1)
    assert rows[1][rows[0].index("手机号")] == "13800000001"
    assert "创业经历" in rows[0]


def test_view_and_add_without_change_cannot_import(client, db):
    client.force_login(user_with("adder", "add_entrepreneur", "view_entrepreneur"))
    assert client.get(reverse("admin:entrepreneurs_entrepreneur_import")).status_code == 403


def test_formats_offered_are_xlsx_and_csv():
    assert [f().get_title() for f in (XLSX, CSV)] == ["xlsx", "csv"]


def exporting_admins():
    from django.contrib import admin
    from import_export.admin import ExportMixin

    return sorted(
        (
            model._meta.label_lower.replace(".", "_")
            for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, ExportMixin)
        ),
    )


@pytest.mark.parametrize("model", exporting_admins())
def test_every_program_changelist_exports(staff_client, model):
    factories.AttendanceFactory()
    factories.FinancingFactory()
    factories.ResidencyFactory()
    factories.ReportedFigureFactory()
    factories.SupportMeasureFactory()
    factories.EnterpriseFigureFactory()
    factories.DesignationFactory()
    factories.FacilityFactory()
    factories.ProgrammeFactory()
    factories.ProductFactory()
    factories.SpecialGroupFactory()
    factories.SegmentFactory()
    factories.ServiceFactory()
    factories.OperatingStatusFactory()
    factories.EmploymentFactory()
    factories.CapacityFactory()
    factories.MentoringSessionFactory()
    factories.ThresholdFactory()
    factories.EventOutcomeFactory()
    changelist = staff_client.get(reverse(f"admin:{model}_changelist"))
    assert reverse(f"admin:{model}_export") in changelist.text
    rows = csv_rows(export(staff_client, model=model))
    assert len(rows) >= 2 and all(rows[0])
    sheet = openpyxl.load_workbook(
        io.BytesIO(export(staff_client, model=model, file_format=XLSX_FORMAT).content)
    )
    assert sheet.active.max_row == len(rows)


def test_every_program_admin_exports():
    assert len(exporting_admins()) >= 18


def test_upload_and_validated_rows_wait_for_confirm_in_the_database(editor_client):
    """Stateless app servers: the upload and the preview's validated rows are the preview job's
    files, in the database; the confirm (any server, any worker) reads them from there."""
    from jining.models import JobFile

    response = preview(editor_client, csv_file(people_rows()))
    job = response.context["job"]
    roles = set(JobFile.objects.filter(job=job, complete=True).values_list("role", flat=True))
    assert roles == {JobFile.Role.INPUT, JobFile.Role.PLAN}
    confirm(editor_client, response)
    assert Entrepreneur.objects.count() == 3
