"""The streamed export writer (jining.importing.streaming) against today's export.

For every resource an admin exports, the file ``write_export`` streams is compared with what the
admin's export writes (``resource.export()`` then the format's ``export_data``): the decoded CSV
text exactly, the xlsx cell values sheet by sheet. Each chunk costs the same queries however many
rows there are.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from import_export.admin import ExportMixin
from import_export.fields import Field

from entrepreneurs.models import (
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    SpecialGroup,
    SupportMeasure,
)
from entrepreneurs.resources import EntrepreneurResource
from events.models import Attendance, EventKind
from incubators.models import ExitKind
from jining.importing import streaming
from jining.importing.cells import neutralise, neutralise_column
from jining.importing.formats import CSV, XLSX
from jining.importing.streaming import write_export
from jining.models import Organisation
from tests import factories


def exporting_admins():
    return sorted(
        (model._meta.label_lower, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    )


def export_resources(model_admin, request):
    """The resource classes the admin's export offers, and the viewers' variants where they differ."""
    classes = list(model_admin.get_export_resource_classes(request))
    return classes + [cls.for_viewers() for cls in classes if cls.for_viewers() is not cls]


class Pool:
    """The records that many rows point to."""

    def __init__(self):
        self.bureau = factories.OrganisationFactory(
            name="乌兰察布市人社局", kind=Organisation.Kind.GOVERNMENT
        )
        self.bank = factories.OrganisationFactory(
            name="=1+1银行", kind=Organisation.Kind.BANK, parent=self.bureau
        )
        self.source = factories.SourceFactory(title="返乡创业纪实", publisher="")
        self.groups = [
            factories.SpecialGroupFactory(code="disabled", name="残疾人", sensitive=True),
            factories.SpecialGroupFactory(code="formula", name="=1+1"),
            factories.SpecialGroupFactory(code="veteran", name="退役军人"),
        ]
        self.services = [
            factories.ServiceFactory(name="创业指导"),
            factories.ServiceFactory(name="+融资对接"),
        ]
        self.segments = [factories.SegmentFactory(name="路演"), factories.SegmentFactory(name="培训")]
        self.incubator = factories.IncubatorFactory(name="集宁区返乡创业园", source=self.source)


def build_round(i, pool):
    """One record of each exported model; ``i % 3`` picks filled values, formula-like text, or blanks."""
    variant = i % 3
    formula, blank = variant == 1, variant == 2
    text = f"=1+{i}" if formula else "" if blank else f"集宁区第{i}号"
    day = datetime.date(2019, 1, 1) + datetime.timedelta(days=i)
    amount = Decimal("-1200.50") if formula else Decimal(f"{i * 1000}.25")
    organisation = factories.OrganisationFactory(
        name=f"机构{i}{text}", parent=None if blank else pool.bureau, notes=text
    )
    source = factories.SourceFactory(
        title=f"=报道{i}" if formula else f"报道{i}",
        publisher="" if blank else "中国改革报",
        published_on=None if blank else day,
        cited_in=None if variant == 0 else pool.source,
        text="第一段\n第二段" if variant == 0 else text,
    )
    programme = factories.ProgrammeFactory(
        run_by=organisation, source=None if blank else source, designated_year=None if blank else 2017
    )
    programme.designated_by.set([] if blank else [pool.bureau, organisation][: variant + 1])
    incubator = factories.IncubatorFactory(
        name=f"孵化基地{i}",
        parent=None if blank else pool.incubator,
        operator=None if blank else organisation,
        guiding_body=pool.bureau if formula else None,
        description=text,
        land_area_mu=None if blank else Decimal("12.50"),
        shop_count=None if blank else i,
    )
    incubator.services.set([] if blank else pool.services[: 2 - variant])
    factories.ServiceFactory(name=f"服务{i}{text}")
    factories.FacilityFactory(
        incubator=incubator, name=f"会议室{i}", area_m2=None if blank else amount.copy_abs()
    )
    factories.DesignationFactory(
        incubator=incubator, awarded_by=None if blank else pool.bureau, title=text or "基地"
    )
    factories.SpecialGroupFactory(code=f"group-{i}", name=f"群体{i}", sensitive=formula)
    person = factories.EntrepreneurFactory(
        name=f"=张{i}" if formula else f"张智杰{i}",
        gender=Entrepreneur.Gender.FEMALE if formula else Entrepreneur.Gender.MALE,
        birth_date=None if blank else datetime.date(1985, 6, 15),
        birth_year=None if blank else 1985,
        id_card_number="" if blank else factories.make_id_card(i, male=not formula),
        phone="" if blank else f"138{i:08d}",
        hometown_township=text,
        left_home_age=None if blank else 18,
        prior_trade="-1200.50" if formula else "皮革",
        return_year=None if blank else 2017,
        education=Entrepreneur.Education.SENIOR if variant == 0 else Entrepreneur.Education.UNKNOWN,
        story="在北京做皮革十年，\n2017年返乡创业。" if variant == 0 else text,
        source=None if blank else source,
    )
    person.special_groups.set(pool.groups[variant:])
    other = None if blank else factories.EntrepreneurFactory(name=f"李四{i}")
    enterprise = factories.EnterpriseFactory(
        name=f"=企业{i}" if formula else f"集宁区企业{i}有限公司",
        credit_code="" if blank else factories.make_credit_code(i),
        registration_year=None if blank else 2017,
        status=Enterprise.Status.OPERATING if variant == 0 else Enterprise.Status.SUSPENDED,
        address=text,
        founders=[] if blank else [person, other][: 2 - variant],
    )
    factories.ProductFactory(enterprise=enterprise, name=f"产品{i}{text}")
    factories.EnterpriseFigureFactory(
        enterprise=enterprise,
        source=None if blank else source,
        measure=EnterpriseFigure.Measure.PROFIT,
        value=amount,
    )
    factories.SupportMeasureFactory(
        entrepreneur=None if formula else person,
        enterprise=enterprise if formula or blank else None,
        provider=None if blank else organisation,
        incubator=incubator if formula else None,
        kind=SupportMeasure.Kind.RENT,
        description=text,
        value_yuan=amount.copy_abs(),
        date=None if blank else day,
    )
    factories.FinancingFactory(
        enterprise=enterprise,
        borrower=None if blank else person,
        provider=pool.bank,
        guarantor=None if variant != 1 else organisation,
        kind=Financing.Kind.GUARANTEED_LOAN,
        amount=amount.copy_abs() + 1,
        date=day,
        term_months=None if blank else 12,
        notes=text,
    )
    series = factories.EventSeriesFactory(
        name=f"创业大讲堂{i}",
        organiser=organisation,
        host_incubator=None if blank else incubator,
        description=text,
    )
    series.segments.set(pool.segments[:variant])
    factories.SegmentFactory(name=f"环节{i}{text}")
    event = factories.EventFactory(
        series=None if blank else series,
        title=f"=讲座{i}" if formula else f"创业讲座{i}",
        kind=EventKind.LECTURE,
        organiser=organisation,
        host_incubator=None if blank else incubator,
        start_date=None if blank else day,
        end_date=day + datetime.timedelta(days=1) if variant == 0 else None,
        on_site=not formula,
        live_streamed=formula,
        replay_available=formula,
        onsite_participants=None if blank else 120,
        topic=text,
    )
    if not blank:
        factories.AttendanceFactory(event=event, entrepreneur=person, role=Attendance.Role.SPEAKER)
        factories.AttendanceFactory(event=event, entrepreneur=other)
    factories.ReportedFigureFactory(
        label=f"累计培训人数{i}",
        value=amount.copy_abs(),
        incubator=incubator if variant == 0 else None,
        event_series=series if variant == 1 else None,
        event=event if variant == 2 else None,
        source=source,
        scope_name=text or "集宁区",
    )
    factories.ResidencyFactory(
        incubator=incubator,
        enterprise=None if formula else enterprise,
        entrepreneur=person if formula else None,
        start_date=day,
        end_date=None if blank else day + datetime.timedelta(days=365),
        source=None if blank else source,
        agreement_end=None if blank else day + datetime.timedelta(days=730),
        exit_kind="" if blank else ExitKind.EXPIRED,
        workstations=None if blank else 2,
    )
    factories.OperatingStatusFactory(enterprise=enterprise, observed_on=day, note=text)
    factories.EmploymentFactory(
        enterprise=enterprise,
        name=f"=员工{i}" if formula else f"员工{i}",
        id_card_number="" if blank else factories.make_id_card(600_000 + i),
        entrepreneur=None if blank else other,
        end_date=None if blank else day + datetime.timedelta(days=200),
        disabled=formula,
    )
    factories.CapacityFactory(incubator=incubator, as_of=day, area_m2=None if blank else amount.copy_abs())
    mentor = factories.MentorFactory(incubator=incubator, name=f"导师{i}{text}", organisation=text)
    factories.MentoringSessionFactory(mentor=mentor, enterprise=enterprise, topic=text)
    rule_set = factories.RuleSetFactory(name=f"考核标准{i}{text}", source=None if blank else source)
    factories.ThresholdFactory(rule_set=rule_set, note=text)
    factories.EventOutcomeFactory(label=f"=讲座{i}" if formula else text or f"培训{i}", months=6 + i)


def build_records(rounds):
    pool = Pool()
    for i in range(rounds):
        build_round(i, pool)


def todays_export(resource, queryset, file_format, export_fields=None):
    """The file the library's export writes (rows in primary-key order, as the streamed ones): the
    xlsx with numbers and dates as they are (``force_native_type``) in a sheet named as ours."""
    xlsx = file_format == "xlsx"
    dataset = resource.export(
        queryset=queryset.order_by("pk"), export_fields=export_fields, force_native_type=xlsx
    )
    if xlsx:
        dataset.title = streaming.sheet_title(resource._meta.model)
    return (XLSX if xlsx else CSV)().export_data(dataset)


def streamed_export(resource, queryset, file_format, **kwargs):
    stream = io.BytesIO()
    rows = write_export(resource, queryset, file_format, stream, **kwargs)
    assert rows == queryset.count()
    return stream.getvalue()


def workbook(content):
    """Each sheet of an xlsx: its title, cell values (as read in full and in read-only mode),
    frozen panes, bold header cells, wrapped cells and column widths."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    read_only = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [
        {
            "title": sheet.title,
            "values": [list(row) for row in sheet.values],
            "values read only": [list(row) for row in read_only[sheet.title].iter_rows(values_only=True)],
            "freeze_panes": sheet.freeze_panes,
            "bold": [cell.font.b for cell in sheet[1]] if sheet.max_row else [],
            "wrapped": [
                [bool(cell.alignment.wrap_text) for cell in row] for row in sheet.iter_rows(min_row=2)
            ],
            "widths": {letter: sheet.column_dimensions[letter].width for letter in sheet.column_dimensions},
        }
        for sheet in book.worksheets
    ]


def assert_same_files(resource, queryset, export_fields=None, chunk_size=2):
    """The streamed CSV and xlsx are today's (xlsx widths: when the rows fit in one chunk)."""
    csv_today = todays_export(resource, queryset, "csv", export_fields)
    csv_streamed = streamed_export(
        resource, queryset, "csv", export_fields=export_fields, chunk_size=chunk_size
    )
    assert csv_streamed.decode("utf-8") == csv_today.decode("utf-8")
    assert csv_streamed == csv_today
    xlsx_today = workbook(todays_export(resource, queryset, "xlsx", export_fields))
    xlsx_streamed = workbook(
        streamed_export(resource, queryset, "xlsx", export_fields=export_fields, chunk_size=chunk_size)
    )
    if queryset.count() > chunk_size:  # widths come from the first chunk only
        for sheet in xlsx_today + xlsx_streamed:
            del sheet["widths"]
    assert xlsx_streamed == xlsx_today
    return csv_today.decode("utf-8-sig")


@pytest.fixture
def records(db):
    build_records(3)


@pytest.mark.parametrize("label", [label for label, _model_admin in exporting_admins()])
def test_the_streamed_files_are_todays_for_every_exported_resource(records, admin_request, label):
    model_admin = dict(exporting_admins())[label]
    queryset = model_admin.get_export_queryset(admin_request)
    assert queryset.count() >= 3
    for resource_class in export_resources(model_admin, admin_request):
        resource = resource_class()
        assert_same_files(resource, queryset)
        assert_same_files(resource, queryset, chunk_size=streaming.CHUNK_SIZE)


def test_the_comparison_covers_what_matters(records, admin_request):
    """The entrepreneurs' file has the values the comparison is about, so an equal file means something."""
    text = assert_same_files(EntrepreneurResource(), Entrepreneur.objects.all())
    assert text.splitlines()[0].startswith("姓名,性别,出生日期")
    assert "'=张1" in text and ",'=1+1\r\n" in text  # neutralised cells
    assert ",残疾人、=1+1、退役军人," in text and ",'=1+1、退役军人," in text  # a list is one cell
    assert "-1200.50" in text and "'-1200.50" not in text  # a plain number stays
    assert "1985-06-15" in text and "女" in text
    assert (
        '"在北京做皮革十年，\r\n2017年返乡创业。"' in text or '"在北京做皮革十年，\n2017年返乡创业。"' in text
    )


def test_the_comparison_fails_on_a_difference(records, monkeypatch):
    """Leave one cell un-neutralised in the streamed file: the comparison says so."""
    monkeypatch.setattr(streaming, "neutralise_column", list)
    with pytest.raises(AssertionError):
        assert_same_files(EntrepreneurResource(), Entrepreneur.objects.all())


def test_selected_fields_sparse_rows_and_the_viewers_variant(records):
    """The fields the export form selected, in the resource's order; rows far apart (the chunk's
    related rows read by key list, not by key range)."""
    people = Entrepreneur.objects.filter(pk__in=list(Entrepreneur.objects.values_list("pk", flat=True))[::2])
    fields = ["special_groups", "name", "birth_date", "phone"]
    text = assert_same_files(EntrepreneurResource(), people, export_fields=fields, chunk_size=1)
    assert text.splitlines()[0] == "姓名,出生日期,手机号,特殊群体"
    viewers = EntrepreneurResource.for_viewers()()
    text = assert_same_files(viewers, Entrepreneur.objects.all())
    header, first = (line.split(",") for line in text.splitlines()[:2])
    row = dict(zip(header, first, strict=False))
    assert "创业经历" not in header and row["出生日期"].isdigit()  # the story left out, the year only
    assert "*" in row["身份证号"] and row["手机号"].startswith("138****")
    for person in Entrepreneur.objects.exclude(id_card_number="").exclude(phone=""):
        assert person.id_card_number not in text and person.phone not in text
    sensitive = set(SpecialGroup.objects.filter(sensitive=True).values_list("name", flat=True))
    assert sensitive and not any(name in text for name in sensitive)


class DehydratingResource(EntrepreneurResource):
    """A resource with fields only an instance can give: a dehydrate method, a path, a property,
    a foreign key's column."""

    first_enterprise = Field(column_name="首个企业")
    hometown = Field(attribute="source__title", column_name="来源")
    label = Field(attribute="pk", column_name="编号")
    source_key = Field(attribute="source_id", column_name="来源编号")

    class Meta(EntrepreneurResource.Meta):
        fields = (*EntrepreneurResource.Meta.fields, "first_enterprise", "hometown", "label", "source_key")
        export_order = fields

    def dehydrate_first_enterprise(self, person):
        enterprises = list(person.enterprises.all())
        return enterprises[0].name if enterprises else None


def test_fields_that_need_instances(records):
    resource = DehydratingResource()
    assert streaming.ValuesReader.for_fields(resource, resource.get_export_fields()) is None
    text = assert_same_files(DehydratingResource(), Entrepreneur.objects.all())
    assert "'=企业1" in text  # the dehydrated value, neutralised


# --- Queries ---


def export_queries(resource, queryset, chunk_size):
    with CaptureQueriesContext(connection) as queries:
        streamed_export(resource, queryset, "csv", chunk_size=chunk_size)
    return len(queries) - 1  # the count in streamed_export


def per_chunk_bound(resource):
    """The most queries a chunk may take: the rows, and one per field showing related records."""
    model = resource._meta.model
    related = 0
    for field in resource.get_export_fields():
        try:
            related += bool(field.attribute) and model._meta.get_field(field.attribute).is_relation
        except Exception:
            related += 1
    return 1 + related


def test_each_chunk_costs_the_same_queries_for_every_exported_resource(
    db, admin_request, django_assert_max_num_queries
):
    """30 and 90 rows in chunks of 10: never more than the rows' query and one per related column
    per chunk, and one that finds the end (a related column whose chunk points nowhere is skipped)."""
    build_records(90)
    checked = 0
    for label, model_admin in exporting_admins():
        queryset = model_admin.get_export_queryset(admin_request)
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        assert len(pks) >= 90, label
        for resource_class in export_resources(model_admin, admin_request):
            resource = resource_class()
            bound = per_chunk_bound(resource)
            with django_assert_max_num_queries(3 * bound + 1 + 1):
                few = export_queries(resource, queryset.filter(pk__in=pks[:30]), chunk_size=10)
            with django_assert_max_num_queries(9 * bound + 1 + 1):
                many = export_queries(resource, queryset.filter(pk__in=pks[:90]), chunk_size=10)
            assert few >= 3 + 1 and many >= 9 + 1, (label, few, many)
            checked += 1
    assert checked >= 20


def test_entrepreneurs_take_two_queries_per_chunk(records, django_assert_num_queries):
    """The people, and their special groups."""
    people = Entrepreneur.objects.all()
    assert people.count() == 5
    with django_assert_num_queries(3 * 2):  # chunks of 2, 2 and 1
        write_export(EntrepreneurResource(), people, "csv", io.BytesIO(), chunk_size=2)
    with django_assert_num_queries(2 * 2):  # chunks of 4 and 1
        write_export(EntrepreneurResource(), people, "csv", io.BytesIO(), chunk_size=4)
    with django_assert_num_queries(2):
        write_export(EntrepreneurResource(), people, "xlsx", io.BytesIO(), chunk_size=7)


def test_instances_take_the_same_queries_per_chunk(records, django_assert_num_queries):
    """Read as instances: the people with their sources joined, special groups and enterprises
    prefetched (the dehydrate method's ``enterprises``: prefetched by the queryset given)."""
    people = Entrepreneur.objects.prefetch_related("enterprises")
    with django_assert_num_queries(3 * 3):  # chunks of 2, 2 and 1
        write_export(DehydratingResource(), people, "csv", io.BytesIO(), chunk_size=2)


# --- Streaming ---


def test_each_chunk_is_written_before_the_next_is_read(records):
    stream = io.BytesIO()
    sizes = []
    rows = write_export(
        EntrepreneurResource(),
        Entrepreneur.objects.all(),
        "csv",
        stream,
        chunk_size=2,
        progress=lambda done: sizes.append((done, len(stream.getvalue()))),
    )
    assert rows == 5
    assert [done for done, _size in sizes] == [2, 4, 5]
    assert 0 < sizes[0][1] < sizes[1][1] < sizes[2][1] == len(stream.getvalue())


def test_progress_can_cancel_and_leaves_no_temporary_file(records, django_assert_num_queries):
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    class Cancelled(Exception):
        pass

    def progress(done):
        if done >= 2:
            raise Cancelled

    temporary_files = list(ALL_TEMP_FILES)
    with django_assert_num_queries(2), pytest.raises(Cancelled):
        write_export(
            EntrepreneurResource(),
            Entrepreneur.objects.all(),
            "xlsx",
            io.BytesIO(),
            chunk_size=2,
            progress=progress,
        )
    assert ALL_TEMP_FILES == temporary_files


@pytest.mark.parametrize(
    "column",
    [
        ["张智杰", "退役军人", "", "1985-06-15"],
        ["张智杰", "=1+1", "-1200.50", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "+cmd"],
        ["a\x1f=1", "b\x1f", "=", "x=1"],
        ["=1+1", None, 12, Decimal("-3"), "+", ""],
        [],
    ],
)
def test_a_column_is_neutralised_as_each_of_its_cells(column):
    assert neutralise_column(iter(column)) == [neutralise(value) for value in column]


def test_plain_rows_are_written_as_openpyxl_writes_them():
    """The xlsx writer's own serialisation of plain text rows is byte for byte openpyxl's."""
    import zipfile

    rows = [
        ["张智杰", "  leading", "trailing ", "   ", "a\tb", "a\rb", "&<>\"'", "", "1985-06-15"],
        ["#N/A", "=1+1", "", "", "x" * 40_000, "'=1+1", "-1200.50", "+", "第一行\n第二行"],
        [""] * 9,
        ["王五", "", "", "", "", "", "", "", "退役军人"],
        [2017, 0, -18, Decimal("16510000.00"), Decimal("0"), Decimal("-1200.50"), None, "", "张"],
        [datetime.date(2019, 5, 1), datetime.date(1900, 3, 1), Decimal("12.5"), 10**15, "", "", "", "", ""],
        [Decimal("1.5"), "第一行\n第二行", datetime.date(1899, 12, 31), 12, None, None, None, None, None],
    ]
    sheets = []
    for plain_rows in (True, False):
        stream = io.BytesIO()
        writer = streaming.XlsxWriter(stream, plain_rows=plain_rows)
        writer.write_headers([f"列{n}" for n in range(9)])
        writer.write_rows(rows[:2])
        writer.write_rows(rows[2:])
        writer.close()
        with zipfile.ZipFile(stream) as archive:
            sheets.append(archive.read("xl/worksheets/sheet1.xml"))
    assert sheets[0] == sheets[1]
    assert b'<c r="A6" t="n"><v>2017</v></c>' in sheets[0]
    assert b"<v>16510000</v>" in sheets[0] and b"<v>43586</v>" in sheets[0]  # 2019-05-01
    assert b"&amp;&lt;&gt;" in sheets[0] and b"&#24352;&#26234;&#26480;" in sheets[0]  # 张智杰


def test_an_empty_export_is_the_header_row(db):
    people = Entrepreneur.objects.none()
    assert streamed_export(EntrepreneurResource(), people, "csv") == todays_export(
        EntrepreneurResource(), people, "csv"
    )
    assert workbook(streamed_export(EntrepreneurResource(), people, "xlsx")) == workbook(
        todays_export(EntrepreneurResource(), people, "xlsx")
    )


def test_what_it_refuses(db, settings):
    with pytest.raises(ValueError, match="Unknown export format"):
        write_export(EntrepreneurResource(), Entrepreneur.objects.all(), "ods", io.BytesIO())
    with pytest.raises(TypeError):
        write_export(EntrepreneurResource(), Entrepreneur.objects.values(), "csv", io.BytesIO())
    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
    with pytest.raises(Exception, match="does not apply"):
        write_export(EntrepreneurResource(), Entrepreneur.objects.all(), "csv", io.BytesIO())


def test_an_illegal_character_fails_the_xlsx_as_today(db):
    factories.EntrepreneurFactory(name="张\x01")
    with pytest.raises(ValueError):
        todays_export(EntrepreneurResource(), Entrepreneur.objects.all(), "xlsx")
    with pytest.raises(ValueError, match="IllegalCharacterError"):
        streamed_export(EntrepreneurResource(), Entrepreneur.objects.all(), "xlsx")
