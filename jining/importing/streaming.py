"""Exports written to a file while the rows are read, for exports too large for a request.

``write_export`` writes the file the admin's export writes for the same resource, selected fields
and queryset (header row, cells, CSV encoding, xlsx values), except that the rows come in
primary-key order. It reads the queryset in primary-key keyset chunks, renders each column of a
chunk with a function compiled once per field, and writes each chunk out before reading the next,
so memory does not grow with the number of rows and each chunk costs the same few queries.

When every exported field is a plain column, a related record's label or text, or a list of
related records, the chunks are read as tuples (``values_list``) with one more query per list
and per related record shown as its text; a field that needs the model instance (a
``dehydrate_<field>`` method, a property, a path across relations) makes the export read
instances instead, joining the to-one relations and prefetching the to-many ones.

The xlsx carries numbers and dates as such (CSV is text): whole numbers as numbers, amounts
(decimals) as numbers formatted ``#,##0.00``, dates as dates formatted yyyy-mm-dd, so that they
can be summed and sorted; its sheet is named after the records (返乡创业人员). What Excel cannot
hold exactly (more than 15 digits, a date before 1900) stays text. The import reads every such
cell back to the same value (jining.importing.widgets).
"""

import csv
import datetime
import io
import operator
import re
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import F, Prefetch, Q
from django.db.models.query import ModelIterable
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext
from import_export import resources, widgets
from import_export.fields import Field

from jining.importing import widgets as sheet_widgets
from jining.importing.cells import neutralise_column
from jining.importing.resources import SpreadsheetResource

CHUNK_SIZE = 2000
FORMATS = ("csv", "xlsx")
LIST_SEPARATOR = "、"  # as ListWidget and RelatedListWidget join a list
FILE_LANGUAGE = "zh-hans"  # the language of the files, as of their column names
SHEET_NAME_FORBIDDEN_RE = re.compile(r"[\[\]:*?/\\]")  # what Excel refuses in a sheet name
SHEET_NAME_LENGTH = 31
AMOUNT_FORMAT = "#,##0.00"  # yuan: 1,234,567.50
EXCEL_DIGITS = 15  # the significant digits a spreadsheet keeps of a number

# What the widgets are given: the xlsx takes numbers and dates as they are (``force_native_type``,
# as import-export gives its own binary formats), the CSV their text.
RENDER_KWARGS = {"csv": {"force_native_type": False}, "xlsx": {"force_native_type": True}}
# import-export's own escapes, off in jining/settings.py (cells.neutralise does the job)
ESCAPE_SETTINGS = ("IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", "IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT")


def write_export(
    resource, queryset, file_format, stream, *, export_fields=None, chunk_size=CHUNK_SIZE, progress=None
) -> int:
    """Write ``queryset`` exported by ``resource`` to the binary file ``stream``; return the row count.

    ``export_fields`` are the selected field names, as the admin's export form passes them to
    ``resource.export()`` (None: every field of the resource's export order). ``file_format`` is
    "csv" (UTF-8 with a BOM, as ``formats.CSV``) or "xlsx" (one sheet, as ``formats.XLSX``; column
    widths fitted to the header and the first chunk). ``progress(rows_written)`` is called after
    each chunk; an exception it raises stops the export. ``stream`` is neither closed nor rewound.
    """
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}: one of {', '.join(FORMATS)}.")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1.")
    for setting in ESCAPE_SETTINGS:
        if getattr(settings, setting, False):
            raise ImproperlyConfigured(f"write_export() does not apply {setting}: cells.neutralise does.")
    kwargs = {"export_fields": export_fields, **RENDER_KWARGS[file_format]}
    resource.before_export(queryset, **kwargs)
    queryset = resource.filter_export(queryset, **kwargs)
    if queryset._iterable_class is not ModelIterable:
        raise TypeError("write_export() takes a queryset of model instances, not values() or values_list().")
    fields = resource.get_export_fields(export_fields)
    native = kwargs["force_native_type"]
    reader = ValuesReader.for_fields(resource, fields, native) or InstanceReader(resource, fields, kwargs)
    if file_format == "csv":
        writer = CsvWriter(stream)
    else:
        writer = XlsxWriter(stream, title=sheet_title(resource._meta.model))
    writer.write_headers(resource.get_export_headers(selected_fields=export_fields))
    written = 0
    try:
        for chunk in reader.chunks(queryset, chunk_size):
            writer.write_rows(reader.rows(chunk))
            written += len(chunk)
            if progress is not None:
                progress(written)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return written


def sheet_title(model) -> str:
    """The name of the xlsx sheet of ``model``'s records: its plural name in Chinese, as Excel
    takes a sheet name (at most 31 characters, none of []:*?/\\, no apostrophe at either end)."""
    with translation.override(FILE_LANGUAGE):
        name = str(model._meta.verbose_name_plural)
    name = SHEET_NAME_FORBIDDEN_RE.sub("", name).strip().strip("'")[:SHEET_NAME_LENGTH].rstrip("'")
    return name or "Sheet1"


def keyset_chunks(queryset, chunk_size, key):
    """Lists of at most ``chunk_size`` rows of ``queryset`` in primary-key order, each read by
    seeking past the previous chunk's last key (never OFFSET); ``key(row)`` is a row's key."""
    queryset = queryset.order_by("pk")
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        chunk = list(page[:chunk_size])
        if chunk:
            yield chunk
        if len(chunk) < chunk_size:
            return
        last = key(chunk[-1])


def chunk_rows(columns, chunk):
    """The rows of cells of a chunk, from its columns of cells."""
    if not columns:
        return [[] for _row in chunk]
    return zip(*[column(chunk) for column in columns], strict=True)


def finishing(resource):
    """What ``resource.export_field`` does to the rendered cells of a column (``neutralise`` for a
    ``SpreadsheetResource``), or None when it is a method of the resource's own."""
    export_field = type(resource).export_field
    if export_field is SpreadsheetResource.export_field:
        return neutralise_column
    if export_field is resources.Resource.export_field:
        return list
    return None


def dehydrate_method(resource, field):
    """The ``dehydrate_<field>`` method ``export_field`` would call for ``field``, or None."""
    method = field.get_dehydrate_method(resource.get_field_name(field))
    return method if callable(method) else getattr(resource, method, None)


def plain_field(resource, field) -> bool:
    """Whether ``export_field`` exports ``field`` by the library's ``Field.export``: its widget's
    rendering of the attribute's value."""
    return (
        field.attribute is not None
        and type(field).get_value is Field.get_value
        and type(field).export is Field.export
        and dehydrate_method(resource, field) is None
    )


def model_field_of(model, name):
    """The model field called ``name`` (not one whose column is: ``enterprise_id`` is a value)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return model_field if model_field.name == name else None


def column_renderer(widget, native=False):
    """A function from a column's values to ``widget.render(value)`` of each, for the widgets of
    jining.importing and the library's base widget; None for any other. ``native``: as rendered
    with ``force_native_type`` (numbers and dates as they are, for the xlsx)."""
    render = type(widget).render
    if native and render in NATIVE_RENDERS:
        return list
    if render is widgets.Widget.render:  # TextWidget and the plain columns of export_resource_for
        return lambda values: [
            "" if value is None else value if value.__class__ is str else force_str(value) for value in values
        ]
    if render is sheet_widgets.IntegerWidget.render:
        return lambda values: ["" if value is None else str(value) for value in values]
    if render is sheet_widgets.DecimalWidget.render:
        return lambda values: ["" if value is None else f"{value:f}" for value in values]
    if render is sheet_widgets.DateWidget.render:
        return lambda values: [value.isoformat() if value else "" for value in values]
    if render is sheet_widgets.YesNoWidget.render:
        return lambda values: ["" if value is None else "是" if value else "否" for value in values]
    if render is sheet_widgets.ChoiceWidget.render:
        labels = {code: str(label) for code, label in dict(widget.choices).items()}
        return lambda values: [labels[value] if value in labels else str(value or "") for value in values]
    if render is sheet_widgets.LookupWidget.render:
        label = operator.attrgetter(widget.label_field)
        return lambda values: ["" if value is None else str(label(value)) for value in values]
    if render is sheet_widgets.RelatedWidget.render:
        return lambda values: ["" if value is None else str(value) for value in values]
    if render is sheet_widgets.ListWidget.render:
        label = operator.attrgetter(widget.field)
        return lambda values: [
            "" if value is None else LIST_SEPARATOR.join([str(label(item)) for item in value.all()])
            for value in values
        ]
    if render is sheet_widgets.RelatedListWidget.render:
        return lambda values: [
            "" if value is None else LIST_SEPARATOR.join([str(item) for item in value.all()])
            for value in values
        ]
    return None


# the widgets that give a number or a date as it is when rendered with ``force_native_type``
NATIVE_RENDERS = (
    sheet_widgets.IntegerWidget.render,
    sheet_widgets.DecimalWidget.render,
    sheet_widgets.DateWidget.render,
)


# --- Reading tuples ---


class ValuesReader:
    """Chunks read as tuples of the columns the fields need, and the fields' cells computed from them."""

    def __init__(self, model, native=False):
        self.model = model
        self.native = native
        self.render_kwargs = {"force_native_type": native}
        self.names = ["pk"]
        self.columns = []

    @classmethod
    def for_fields(cls, resource, fields, native=False):
        """The reader of ``fields``, or None when one of them needs the model instance; ``native``
        as ``column_renderer``."""
        finish = finishing(resource)
        if finish is None:
            return None
        reader = cls(resource._meta.model, native)
        for field in fields:
            column = reader.column(resource, field)
            if column is None:
                return None
            reader.columns.append(lambda chunk, column=column: finish(column(chunk)))
        return reader

    def position(self, name) -> int:
        """The position in each tuple of the column ``name`` (added to the query if new)."""
        if name not in self.names:
            self.names.append(name)
        return self.names.index(name)

    def column(self, resource, field):
        """A function from a chunk of tuples to ``field``'s rendered cells, or None if it needs instances."""
        if not plain_field(resource, field) or "__" in field.attribute:
            return None
        model_field = model_field_of(self.model, field.attribute)
        if model_field is None:
            return None
        widget = field.widget
        render = type(widget).render
        if model_field.concrete and not model_field.is_relation:
            values = operator.itemgetter(self.position(model_field.name))
            renderer = column_renderer(widget, self.native)
            if renderer is not None:
                return lambda chunk: renderer(map(values, chunk))
            widget_render, render_kwargs = widget.render, self.render_kwargs
            return lambda chunk: [widget_render(values(row), **render_kwargs) for row in chunk]
        if model_field.many_to_one or (model_field.one_to_one and model_field.concrete):
            if render is sheet_widgets.LookupWidget.render:
                return self.label_column(model_field, widget.label_field)
            if render is sheet_widgets.RelatedWidget.render:
                return self.text_column(model_field)
        if model_field.many_to_many and model_field.concrete:
            if render is sheet_widgets.ListWidget.render:
                return self.list_column(model_field, widget.field, excluded=widget.excluded)
            if render is sheet_widgets.RelatedListWidget.render:
                return self.list_column(model_field, None)
        return None

    def label_column(self, model_field, label_field):
        """A related record as ``LookupWidget`` writes it (its label), the label read in the same query."""
        label = model_field_of(model_field.related_model, label_field)
        if label is None or not label.concrete or label.is_relation:
            return None
        key = self.position(model_field.attname)
        labels = self.position(f"{model_field.name}__{label_field}")
        return lambda chunk: ["" if row[key] is None else str(row[labels]) for row in chunk]

    def text_column(self, model_field):
        """A related record as ``RelatedWidget`` writes it (its ``str()``), the records read in one
        query per chunk, as the relation reads them (the base manager)."""
        key = self.position(model_field.attname)
        manager = model_field.related_model._base_manager
        target = model_field.target_field.attname

        def column(chunk):
            keys = {row[key] for row in chunk} - {None}
            related = manager.in_bulk(keys, field_name=target) if keys else {}
            return ["" if (record := related.get(row[key])) is None else str(record) for row in chunk]

        return column

    def list_column(self, model_field, label_field, excluded=None):
        """A many-to-many list as ``ListWidget`` (labels, without the ``excluded`` rows) or
        ``RelatedListWidget`` (``str()``) writes it, in the related model's default order, read in
        one query per chunk."""
        owner = model_field.related_query_name()
        if owner.endswith("+"):
            return None
        related = model_field.related_model._default_manager
        if excluded:
            related = related.exclude(**excluded)
        if label_field is not None:
            label = model_field_of(model_field.related_model, label_field)
            if label is None or not label.concrete or label.is_relation:
                return None

            def items(owners):
                return related.filter(owners).values_list(owner, label_field)
        else:

            def items(owners):
                records = related.filter(owners).annotate(_export_owner=F(owner))
                return ((record._export_owner, record) for record in records)

        def column(chunk):
            lists = defaultdict(list)
            for pk, item in items(owned_by(owner, [row[0] for row in chunk])):
                lists[pk].append(str(item))
            return [LIST_SEPARATOR.join(lists.get(row[0], ())) for row in chunk]

        return column

    def chunks(self, queryset, chunk_size):
        tuples = queryset.prefetch_related(None).values_list(*self.names)
        return keyset_chunks(tuples, chunk_size, operator.itemgetter(0))

    def rows(self, chunk):
        return chunk_rows(self.columns, chunk)


def owned_by(owner, pks) -> Q:
    """The related rows of the chunk with primary keys ``pks`` (ascending integers, or any keys):
    by the range of keys when the chunk is dense, which the database reads much faster than a
    list of 2,000 keys, by the list otherwise. A range may bring the rows of records outside the
    chunk, which the caller leaves out."""
    first, last = pks[0], pks[-1]
    if isinstance(first, int) and isinstance(last, int) and last - first < 2 * len(pks):
        return Q(**{f"{owner}__gte": first, f"{owner}__lte": last})
    return Q(**{f"{owner}__in": pks})


# --- Reading instances ---


class InstanceReader:
    """Chunks read as model instances, joining the to-one relations the fields read and
    prefetching the to-many ones; each field's cells as ``export_field`` computes them."""

    def __init__(self, resource, fields, kwargs):
        self.resource = resource
        self.fields = fields
        self.columns = [self.column(field, kwargs) for field in fields]

    def column(self, field, kwargs):
        resource = self.resource
        finish = finishing(resource)
        if finish is None:
            return lambda chunk: [resource.export_field(field, instance, **kwargs) for instance in chunk]
        method = dehydrate_method(resource, field)
        if method is not None:
            return lambda chunk: finish(map(method, chunk))
        if type(field).export is not Field.export:
            return lambda chunk: finish([field.export(instance, **kwargs) for instance in chunk])
        get = field.get_value
        if field.attribute and type(field).get_value is Field.get_value and "__" not in field.attribute:
            model_field = model_field_of(resource._meta.model, field.attribute)
            if model_field is not None and model_field.concrete and not model_field.is_relation:
                get = operator.attrgetter(field.attribute)
        renderer = column_renderer(field.widget, kwargs.get("force_native_type", False))
        if renderer is not None:
            return lambda chunk: finish(renderer(map(get, chunk)))
        widget_render = field.widget.render
        return lambda chunk: finish([widget_render(get(instance), **kwargs) for instance in chunk])

    def related_queryset(self, queryset):
        """``queryset`` joining the to-one relations the fields read, prefetching the to-many."""
        select, prefetch = [], []
        for field in self.fields:
            if not plain_field(self.resource, field):
                continue
            path, model, to_many = [], self.resource._meta.model, False
            for part in field.attribute.split("__"):
                model_field = model_field_of(model, part)
                if model_field is None or not model_field.is_relation or model_field.related_model is None:
                    break
                path.append(part)
                to_many = to_many or model_field.many_to_many or model_field.one_to_many
                model = model_field.related_model
            lookups = prefetch if to_many else select
            if path and "__".join(path) not in lookups:
                lookups.append("__".join(path))
        if select:
            queryset = queryset.select_related(*select)
        if prefetch:
            queryset = queryset.prefetch_related(*[Prefetch(lookup) for lookup in prefetch])
        return queryset

    def chunks(self, queryset, chunk_size):
        return keyset_chunks(self.related_queryset(queryset), chunk_size, operator.attrgetter("pk"))

    def rows(self, chunk):
        return chunk_rows(self.columns, chunk)


# --- Writing ---


class CsvWriter:
    """CSV as ``formats.CSV`` writes it: UTF-8 with a BOM, tablib's csv dialect (comma, CRLF)."""

    def __init__(self, stream):
        self.stream = stream
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=",")
        self.buffer.write("\ufeff")

    def write_headers(self, headers):
        if headers:
            self.writer.writerow(headers)

    def write_rows(self, rows):
        self.writer.writerows(rows)
        self.stream.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()

    def close(self):
        self.write_rows([])

    def abort(self):
        pass


class PlainRow(list):
    """A row of the xlsx whose cells are all plain text, whole numbers, amounts, dates or empty,
    which ``XlsxWriter`` serialises itself; any other row goes through openpyxl's cells."""


TYPED_CELLS = (int, Decimal, datetime.date)  # exact classes: not bool, not datetime


class XlsxWriter:
    """An xlsx as ``formats.XLSX`` writes it through tablib, from an openpyxl write-only workbook.

    The sheet named ``title``, bold header row frozen at A2, cells with a line break wrapped, and
    column widths tablib's way (the longest value), but measured on the header and the first chunk
    only: a write-only sheet needs its widths before its first row. Empty text cells are left out
    rather than written empty (they read back as None either way), except the last of each row, so
    that a row reads back as wide as the header also where the sheet's size is not known (read-only
    mode: a write-only sheet has no dimension). Whole numbers are numbers, amounts (``Decimal``)
    numbers formatted ``AMOUNT_FORMAT``, dates dates (yyyy-mm-dd), as far as Excel holds them
    exactly (``cell_value``).

    A row of plain cells (text without a line break, formula or error code, nothing openpyxl would
    refuse or cut; numbers; dates) is serialised here as one element, byte for byte as openpyxl
    writes such cells (a test compares them), because binding and writing cells one by one is
    most of openpyxl's time. The sheet's two row hooks are taken over for these rows only
    (``plain_rows=False`` leaves them alone).
    """

    def __init__(self, stream, plain_rows=True, title="Sheet1"):
        from openpyxl import Workbook

        self.stream = stream
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title)
        self.headers = []
        self.started = False
        self.plain_rows = plain_rows
        self.letters = []  # column letters of the plain rows
        self.styles = {}  # the style ids of the plain rows' amounts and dates

    def write_headers(self, headers):
        self.headers = list(headers)

    def start(self, first_rows):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        widths = []
        for row in [self.headers, *first_rows]:
            for index, value in enumerate(row):
                width = len(str(value))
                if index < len(widths):
                    widths[index] = max(widths[index], width)
                else:
                    widths.append(width)
        for index, width in enumerate(widths, 1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if self.headers:
            self.sheet.freeze_panes = "A2"
            bold = Font(bold=True)
            cells = []
            for header in self.headers:
                cell = WriteOnlyCell(self.sheet, value=header)
                cell.font = bold
                cells.append(cell)
            self.sheet.append(cells)
        # the styles of an amount and a date, registered in this order whichever comes first
        amount = self.amount_cell(Decimal(0))
        date = WriteOnlyCell(self.sheet, value=datetime.date(2000, 1, 1))  # formatted yyyy-mm-dd
        self.styles = {Decimal: f"{amount.style_id}", datetime.date: f"{date.style_id}"}
        if self.plain_rows:
            self.take_row_hooks()
        self.started = True

    def amount_cell(self, value):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = AMOUNT_FORMAT
        return cell

    def take_row_hooks(self):
        """Route ``PlainRow``s around openpyxl's cells: past ``_values_to_row``, to ``write_plain_row``."""
        sheet = self.sheet
        sheet._get_writer()
        values_to_row, write_row = sheet._values_to_row, sheet._writer.write_row

        def plain_values_to_row(values, row_index):
            return values if type(values) is PlainRow else values_to_row(values, row_index)

        def plain_write_row(xf, row, row_index):
            if type(row) is PlainRow:
                self.write_plain_row(xf, row, row_index)
            else:
                write_row(xf, row, row_index)

        sheet._values_to_row = plain_values_to_row
        sheet._writer.write_row = plain_write_row

    def write_plain_row(self, xf, row, row_index):
        """The row as openpyxl writes its cells: text ``<c r="B7" t="inlineStr"><is><t>…</t></is></c>``,
        a number ``<c r="C7" t="n"><v>2017</v></c>`` (an amount and a date with their style ``s``,
        a date as its day number)."""
        from openpyxl.compat import safe_string
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.datetime import to_excel
        from openpyxl.xml.functions import XML_NS, Element, SubElement

        while len(self.letters) < len(row):
            self.letters.append(get_column_letter(len(self.letters) + 1))
        number = f"{row_index}"
        element = Element("row", {"r": number})
        preserve = {f"{{{XML_NS}}}space": "preserve"}
        styles, epoch = self.styles, self.book.epoch
        for letter, value in zip(self.letters, row, strict=False):
            kind = value.__class__
            if kind is str:
                if value:
                    cell = SubElement(element, "c", {"r": letter + number, "t": "inlineStr"})
                    SubElement(
                        SubElement(cell, "is"), "t", preserve if value != value.strip() else {}
                    ).text = value
                else:  # an empty cell, as openpyxl writes it
                    SubElement(element, "c", {"r": letter + number, "t": "inlineStr"}).text = ""
            elif value is None:
                continue
            elif kind is int:
                cell = SubElement(element, "c", {"r": letter + number, "t": "n"})
                SubElement(cell, "v").text = safe_string(value)
            else:
                cell = SubElement(element, "c", {"r": letter + number, "s": styles[kind], "t": "n"})
                SubElement(cell, "v").text = safe_string(
                    to_excel(value, epoch) if kind is datetime.date else value
                )
        xf.write(element)

    def write_rows(self, rows):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment
        from openpyxl.utils.exceptions import IllegalCharacterError

        rows = list(rows)
        if not self.started:
            self.start(rows)
        wrap = Alignment(wrap_text=True)
        append = self.sheet.append
        illegal = ILLEGAL_CHARACTERS_RE.search
        try:
            for row in rows:
                # an empty text cell is left out (openpyxl reads it back as None either way), but
                # the last, so that a reader of this unsized sheet finds every row full width
                row = [(value or None) if value.__class__ is str else self.cell_value(value) for value in row]
                if row and row[-1] is None:
                    row[-1] = ""
                if self.plain_rows and all(
                    value is None
                    or value.__class__ in TYPED_CELLS
                    or value.__class__ is str
                    and "\n" not in value
                    and not value.startswith("=")
                    and value not in ERROR_CODES
                    and len(value) <= 32767
                    and not illegal(value)
                    for value in row
                ):
                    append(PlainRow(row))
                    continue
                if any(
                    value.__class__ is Decimal or "\n" in (value if value.__class__ is str else str(value))
                    for value in row
                    if value is not None
                ):
                    cells = []
                    for value in row:
                        if value.__class__ is Decimal:
                            cells.append(self.amount_cell(value))
                            continue
                        cell = WriteOnlyCell(self.sheet, value=value)
                        if "\n" in str(value):
                            cell.alignment = wrap
                        cells.append(cell)
                    row = cells
                append(row)
        except IllegalCharacterError:
            # as import-export's XLSX format: no message with the value in it (reflected XSS)
            raise ValueError(gettext("export failed due to IllegalCharacterError")) from None

    def cell_value(self, value):
        """``value`` as the sheet stores it: a whole number, an amount or a date as it is when
        Excel holds it exactly (at most 15 digits, a date from 1900), otherwise as text; any other
        value as it is, or its text when openpyxl cannot store it (as tablib does)."""
        from openpyxl.cell import WriteOnlyCell

        kind = value.__class__
        if kind is int:
            return value if -(10**EXCEL_DIGITS) < value < 10**EXCEL_DIGITS else str(value)
        if kind is Decimal:
            exact = value.is_finite() and len(value.as_tuple().digits) <= EXCEL_DIGITS
            return value if exact else f"{value:f}"
        if kind is datetime.date:
            return value if value.year >= 1900 else value.isoformat()
        if value is None:
            return None
        try:
            WriteOnlyCell(self.sheet, value=value)
        except ValueError:
            return str(value)
        return value

    def close(self):
        if not self.started:
            self.start([])
        self.book.save(self.stream)

    def abort(self):
        """Drop the rows written so far: close the sheet's writer and remove its temporary file
        (openpyxl would only at exit, and warn on the way)."""
        sheet_writer = self.sheet._writer
        if sheet_writer is None:
            return
        for close in (getattr(self.sheet._rows, "close", None), sheet_writer.xf.close, sheet_writer.cleanup):
            try:
                if close is not None:
                    close()
            except Exception:  # the writer is broken already; the file is what matters
                pass
