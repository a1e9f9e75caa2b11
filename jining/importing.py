"""Spreadsheet import and export for the admin, on top of django-import-export.

Bureau staff live in Excel and WPS, so this module adapts django-import-export to their files:

* formats: ``CSV`` reads UTF-8 (with or without BOM) and GBK/GB18030 (what Chinese Excel and WPS
  write by default) and writes UTF-8 with a BOM so that Excel opens it correctly; ``XLSX`` reads
  the first sheet. Blank lines and blank trailing columns are dropped, headers are trimmed.
* widgets that accept what people type: choice labels in Chinese or English as well as codes,
  是/否, dates as 2019-05-01, 2019/5/1 or 2019年5月1日, lists separated by 、 ; ， or ,.
* ``SpreadsheetResource``: Chinese column names, every row validated by the model's
  ``full_clean()``, errors keyed by the column name; cells a spreadsheet would run as a formula
  are neutralised on export; personal columns are left out for users who may only view.
* ``SpreadsheetImportExportMixin`` for a ModelAdmin: the two-step import (preview, then confirm in
  one transaction), a downloadable template per import, the export of the filtered changelist.

Column names are plain Chinese strings, not translations: they are the file format, and a file
exported with the admin in English must import again.
"""

import csv
import datetime
import io
import re
import uuid
import zipfile
from decimal import Decimal, InvalidOperation

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from import_export.tmp_storages import BaseStorage

UPPERCASE_KEYS = ("credit_code", "id_card_number")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")
LIST_SEPARATORS_RE = re.compile(r"[、;；,，\n]+")
TRUE_WORDS = {"是", "有", "√", "✓", "y", "yes", "true", "1", "t"}
FALSE_WORDS = {"否", "无", "×", "n", "no", "false", "0", "f"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class ImportFileError(ValueError):
    """A file that cannot be read at all; its message is shown on the import form."""


# --- Limits (settings IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_MAX_UNCOMPRESSED_BYTES) ---


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 10_000)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def check_size(size: int) -> None:
    """Refuse a file larger than ``IMPORT_MAX_BYTES`` before reading it."""
    if size > max_bytes():
        raise ImportFileError(
            _("The file is too large (%(size)s MB; at most %(max)s MB). Split it into smaller files.")
            % {"size": megabytes(size), "max": megabytes(max_bytes())}
        )


def check_workbook_zip(data: bytes) -> None:
    """An .xlsx is a zip: refuse one that is not, or whose members would expand beyond
    ``IMPORT_MAX_UNCOMPRESSED_BYTES`` (a zip bomb), before openpyxl decompresses anything.

    The sizes are those the zip declares; Python's zipfile never inflates a member beyond its
    declared size (it stops there and fails the checksum), so a lying zip cannot get past this.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ImportFileError(
            _("This is not an Excel workbook (.xlsx). Choose the format that matches the file.")
        ) from error
    expanded = sum(member.file_size for member in members)
    if expanded > max_uncompressed_bytes() or len(members) > 10_000:
        raise ImportFileError(
            _(
                "This workbook would expand to %(size)s MB when opened (at most %(max)s MB): "
                "it is not an ordinary spreadsheet. Save the data in a new workbook and upload that."
            )
            % {"size": megabytes(expanded), "max": megabytes(max_uncompressed_bytes())}
        )


# --- Cells ---


def neutralise(value):
    """A text cell that Excel/WPS would run as a formula, made inert with a leading apostrophe.

    Plain numbers such as ``-1200.50`` stay as they are: a spreadsheet reads them as numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER_RE.match(value):
        return "'" + value
    return value


def cell_text(value) -> str:
    """A cell as trimmed text: 13800000000.0 from a spreadsheet becomes '13800000000'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def decode_text(data: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise ImportFileError(
                _(
                    "The file contains null characters: it is not a plain text CSV file (perhaps it "
                    "was saved as UTF-16). In Excel or WPS, save it as “CSV UTF-8”, then upload it again."
                )
            )
        return text
    raise ImportFileError(
        _(
            "The file is neither UTF-8 nor GBK text. In Excel or WPS, save it as “CSV UTF-8” "
            "or as an Excel workbook (.xlsx), then upload it again."
        )
    )


def build_dataset(rows) -> tablib.Dataset:
    """A dataset from rows of cells: first row the headers, blank rows and blank columns dropped.

    More than ``IMPORT_MAX_ROWS`` data rows is an error (read no further than one row past it).
    """
    kept = []
    for row in rows:
        row = list(row)
        if not any(cell_text(cell) for cell in row):
            continue
        kept.append(row)
        if len(kept) > max_rows() + 1:  # the header row and max_rows() data rows
            raise ImportFileError(
                _("The file has more than %(max)d rows. Split it into files of at most %(max)d rows each.")
                % {"max": max_rows()}
            )
    rows = kept
    if not rows:
        return tablib.Dataset()
    headers = [cell_text(cell) for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in rows[1:]:
        cells = [cell.strip() if isinstance(cell, str) else cell for cell in row[:width]]
        dataset.append(cells + [""] * (width - len(cells)))
    return dataset


# --- Formats ---


class CSV(base_formats.CSV):
    """CSV read in UTF-8 or GBK (detected), written in UTF-8 with a BOM for Excel and WPS."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def get_title(self):
        return "csv"

    def is_binary(self):
        return True  # the bytes reach create_dataset, which detects the encoding

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        check_size(len(in_stream))
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream)
        try:
            rows = list(csv.reader(io.StringIO(in_stream)))
        except csv.Error as error:
            raise ImportFileError(_("The CSV file is damaged: %(error)s") % {"error": error}) from error
        return build_dataset(rows)

    def export_data(self, dataset, **kwargs):
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")


class XLSX(base_formats.XLSX):
    """An Excel workbook; rows are read from its first sheet."""

    def get_title(self):
        return "xlsx"

    def create_dataset(self, in_stream):
        import openpyxl

        check_size(len(in_stream))
        check_workbook_zip(in_stream)
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as error:
            raise ImportFileError(
                _("This is not an Excel workbook (.xlsx). Choose the format that matches the file.")
            ) from error
        return build_dataset(book.worksheets[0].iter_rows(values_only=True))


FORMATS = [XLSX, CSV]


# --- Widgets ---


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class IntegerWidget(widgets.Widget):
    """Whole numbers; '2017年' and '2,000' are read too."""

    def __init__(self, suffixes=("年", "人", "次", "个", "月")):
        super().__init__()
        self.suffixes = suffixes

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(",", "").replace("，", "")
        for suffix in self.suffixes:
            text = text.removesuffix(suffix)
        if not text:
            return None
        try:
            return int(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValueError(gettext("“%(value)s” is not a whole number.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class DecimalWidget(widgets.Widget):
    """Amounts: '100,000.00', '100000', '10万' (ten thousands) or '10万元'."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(",", "").replace("，", "").removesuffix("元")
        if not text:
            return None
        factor = 1
        if text.endswith("万"):
            text, factor = text[:-1], 10000
        try:
            return Decimal(text) * factor
        except InvalidOperation:
            raise ValueError(gettext("“%(value)s” is not a number.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else f"{value:f}"


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(gettext("“%(value)s” is not a date: write it as 2019-05-01.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat() if value else ""


class YesNoWidget(widgets.Widget):
    """是/否 (also √/×, yes/no, 1/0); an empty cell keeps the model's default."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if not text:
            return None
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(gettext("“%(value)s” is not 是 or 否.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "是" if value else "否"


class ChoiceWidget(widgets.Widget):
    """A choice by its code or by its label in Chinese or English (e.g. 男, male or M)."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def lookup(self):
        if getattr(self, "_table", None):
            return self._table
        table = {}
        for code, label in self.choices:
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    table[str(label).strip().lower()] = code
            table[str(code).lower()] = code
        self._table = table
        return table

    def allowed(self) -> str:
        return "、".join(str(label) for _code, label in self.choices)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower()
        if not text:
            return None
        try:
            return self.lookup()[text]
        except KeyError:
            raise ValueError(
                gettext("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": self.allowed()}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class LookupWidget(widgets.Widget):
    """A related record by one of several keys (e.g. an entrepreneur by ID-card number or name)."""

    def __init__(self, model, fields=("name",), label_field="name"):
        super().__init__()
        self.model = model
        self.fields = fields
        self.label_field = label_field

    def find(self, text):
        condition = Q()
        for field in self.fields:
            condition |= Q(**{field: text.upper() if field in UPPERCASE_KEYS else text})
        matches = list(self.model._default_manager.filter(condition)[:2])
        if not matches:
            raise ValueError(
                gettext("No %(model)s called “%(value)s” is on record.")
                % {"model": self.model._meta.verbose_name, "value": text}
            )
        if len(matches) > 1:
            raise ValueError(
                gettext("Several %(models)s are called “%(value)s”: give the ID-card number or code instead.")
                % {"models": self.model._meta.verbose_name_plural, "value": text}
            )
        return matches[0]

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return self.find(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.label_field))


class ListWidget(widgets.ManyToManyWidget):
    """Several related records in one cell, separated by 、 ; ， or ,."""

    def __init__(self, model, fields=("name",), label_field="name"):
        super().__init__(model, separator="、", field=label_field)
        self.lookup = LookupWidget(model, fields, label_field)

    def clean(self, value, row=None, **kwargs):
        names = [name for name in LIST_SEPARATORS_RE.split(cell_text(value)) if name.strip()]
        found, problems = [], []
        for name in dict.fromkeys(name.strip() for name in names):
            try:
                found.append(self.lookup.find(name))
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ValueError(" ".join(problems))
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "、".join(str(getattr(item, self.field)) for item in value.all())


def choice_field(attribute, column_name, choices, **kwargs):
    return resources.Field(
        attribute=attribute, column_name=column_name, widget=ChoiceWidget(choices), **kwargs
    )


# --- Resources ---


class SpreadsheetResource(resources.ModelResource):
    """A resource with Chinese column names, full model validation and safe exports.

    Subclasses declare their fields, ``required_columns`` (checked before any row), the
    ``personal_columns`` that viewers never export, and ``get_instance`` for their match key.
    """

    required_columns: tuple[str, ...] = ()
    personal_fields: tuple[str, ...] = ()
    include_personal = True

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        import_id_fields = []

    @classmethod
    def for_viewers(cls):
        """The same resource without the personal columns, for users who may only view."""
        if not cls.personal_fields:
            return cls
        return type(cls)(
            f"{cls.__name__}ForViewers", (cls,), {"__module__": cls.__module__, "include_personal": False}
        )

    @classmethod
    def get_display_name(cls):
        return cls._meta.model._meta.verbose_name_plural

    def get_export_order(self):
        order = super().get_export_order()
        if self.include_personal:
            return order
        return tuple(name for name in order if name not in self.personal_fields)

    def get_import_order(self):
        return super().get_export_order()

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    # Import

    def cleaned(self, row, field_name):
        """The cleaned value of a column of the row, or None when absent or not valid."""
        field = self.fields[field_name]
        if field.column_name not in row:
            return None
        try:
            return field.clean(row)
        except ValueError:
            return None

    def match(self, *conditions: Q, **lookups):
        """The single record matching, None when none does; an error when several do."""
        matches = list(self._meta.model._default_manager.filter(*conditions, **lookups)[:2])
        if len(matches) > 1:
            raise ValidationError(
                gettext("Several %(models)s on record match this row: correct them in the admin first.")
                % {"models": self._meta.model._meta.verbose_name_plural}
            )
        return matches[0] if matches else None

    def before_import(self, dataset, **kwargs):
        missing = [column for column in self.required_columns if column not in (dataset.headers or [])]
        if missing:
            raise ImportFileError(
                gettext("The file lacks the column(s) %(columns)s: start from the import template.")
                % {"columns": "、".join(missing)}
            )

    def init_instance(self, row=None):
        return self._meta.model()

    def import_instance(self, instance, row, **kwargs):
        """Also check the list columns now, so their problems are reported with the row's others."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error))]
        for column, value in row.items():
            if isinstance(value, str) and value.lstrip().startswith("="):
                errors.setdefault(column, []).append(
                    ValidationError(
                        gettext("“%(value)s” is a spreadsheet formula: type the value itself, not a formula.")
                        % {"value": value[:50]}
                    )
                )
        if errors:
            raise ValidationError(errors)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """An empty cell clears the value (back to the model's default); an empty list cell is ignored."""
        if field.attribute and field.column_name in row and cell_text(row[field.column_name]) == "":
            if is_m2m:
                return
            model_field = instance._meta.get_field(field.attribute)
            if not model_field.null and (model_field.has_default() or model_field.blank):
                setattr(instance, field.attribute, model_field.get_default())
                return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Run ``full_clean()`` and key every problem by the column it comes from."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {
                field.attribute: field.column_name for field in self.fields.values() if field.attribute
            }
            keyed = {}
            for name, messages_ in error.message_dict.items():
                if name in columns:
                    key = columns[name]
                elif name == NON_FIELD_ERRORS:
                    key = NON_FIELD_ERRORS
                else:
                    try:
                        key = str(instance._meta.get_field(name).verbose_name)
                    except Exception:
                        key = name
                keyed.setdefault(key, []).extend(messages_)
            raise ValidationError(keyed) from None

    # Template

    def template_rows(self):
        """The header row of the import template, and a note on what each column takes."""
        headers, notes = [], []
        for field in self.get_import_fields():
            headers.append(field.column_name)
            note = []
            if field.column_name in self.required_columns:
                note.append(gettext("required"))
            if isinstance(field.widget, ChoiceWidget):
                note.append(gettext("one of: %(choices)s") % {"choices": field.widget.allowed()})
            elif isinstance(field.widget, widgets.ManyToManyWidget):
                note.append(gettext("several names separated by 、"))
            elif isinstance(field.widget, YesNoWidget):
                note.append(gettext("是 or 否"))
            elif isinstance(field.widget, DateWidget):
                note.append(gettext("a date such as 2019-05-01"))
            notes.append("; ".join(note))
        return headers, notes


def row_problems(result) -> list[str]:
    """Every problem of an import result as one line of plain text with its spreadsheet row number.

    Row 1 of the spreadsheet is the header row, so data row ``n`` is spreadsheet row ``n + 1``.
    """
    lines = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(gettext("Row %(row)s: %(message)s") % {"row": number + 1, "message": error.error})
    for row in result.invalid_rows:
        for column, messages_ in row.field_specific_errors.items():
            for message in messages_:
                lines.append(
                    gettext("Row %(row)s, column “%(column)s”: %(message)s")
                    % {"row": row.number + 1, "column": column, "message": message}
                )
        for message in row.non_field_specific_errors:
            lines.append(gettext("Row %(row)s: %(message)s") % {"row": row.number + 1, "message": message})
    return lines


class RelatedWidget(widgets.Widget):
    """A related record, exported as its text (an export-only column)."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class RelatedListWidget(widgets.ManyToManyWidget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else "、".join(str(item) for item in value.all())


def export_widget(model_field):
    if model_field.many_to_many:
        return RelatedListWidget(model_field.related_model)
    if model_field.is_relation:
        return RelatedWidget()
    if model_field.choices:
        return ChoiceWidget(model_field.choices)
    kind = model_field.get_internal_type()
    if kind == "BooleanField":
        return YesNoWidget()
    if kind == "DateField":
        return DateWidget()
    if kind == "DecimalField":
        return DecimalWidget()
    return widgets.Widget()


def export_resource_for(model):
    """An export-only resource of every field of ``model``, headed by the fields' verbose names."""
    attrs = {"__module__": __name__}
    names = []
    for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if model_field.primary_key:
            continue
        attrs[model_field.name] = resources.Field(
            attribute=model_field.name,
            column_name=model_field.verbose_name,
            widget=export_widget(model_field),
            readonly=True,
        )
        names.append(model_field.name)
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": tuple(names), "export_order": tuple(names)})
    return type(SpreadsheetResource)(f"{model.__name__}ExportResource", (SpreadsheetResource,), attrs)


# --- Admin ---


class ExportFieldsForm(SelectableFieldsExportForm):
    """The export form, with each column labelled by its Chinese header."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class SpreadsheetExportMixin(ExportMixin):
    """Export of the filtered changelist to .xlsx and CSV (UTF-8 with BOM), for viewers too.

    Without ``resource_classes`` every field is exported, headed by its verbose name.
    """

    export_formats = FORMATS
    export_form_class = ExportFieldsForm

    def get_export_resource_classes(self, request):
        if not getattr(self, "resource_classes", None):
            return [export_resource_for(self.model)]
        return super().get_export_resource_classes(request)


class SpreadsheetImportExportMixin(ImportExportMixin):
    """Import (preview, then confirm in one transaction) and export for a ModelAdmin.

    Import needs the add and the change permission; export needs the view permission, and users
    without the change permission export without the personal columns (ID-card number, phone).
    """

    import_formats = FORMATS
    export_formats = FORMATS
    import_template_name = "admin/jining/import.html"
    export_form_class = ExportFieldsForm

    def has_import_permission(self, request):
        """Bureau editors only: an import adds and changes records."""
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def get_export_resource_classes(self, request):
        classes = super().get_export_resource_classes(request)
        if self.has_change_permission(request):
            return classes
        return [resource_class.for_viewers() for resource_class in classes]

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        """An .xlsx with the Chinese header row of the import, and a sheet explaining each column."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        import openpyxl
        from openpyxl.styles import Font

        resource = self.get_import_resource_classes(request)[0]()
        headers, notes = resource.template_rows()
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = gettext("Data")
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) * 3)
        guide = book.create_sheet(gettext("How to fill in"))
        guide.append([gettext("Column"), gettext("What to write")])
        for header, note in zip(headers, notes, strict=True):
            guide.append([header, note])
        guide.column_dimensions["A"].width = 20
        guide.column_dimensions["B"].width = 80
        content = io.BytesIO()
        book.save(content)
        response = HttpResponse(content.getvalue(), content_type=XLSX.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.model.__name__}-import-template.xlsx"'
        return response

    def get_import_form_class(self, request):
        """The library's import form, refusing a file over ``IMPORT_MAX_BYTES`` before it is read."""
        form_class = super().get_import_form_class(request)

        def clean_import_file(form):
            import_file = form.cleaned_data["import_file"]
            try:
                check_size(import_file.size)
            except ImportFileError as error:
                raise ValidationError(str(error)) from None
            return import_file

        return type(form_class)(
            f"Limited{form_class.__name__}", (form_class,), {"clean_import_file": clean_import_file}
        )

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["template_url"] = reverse(
            "admin:{}_{}_import_template".format(*self.get_model_info()), current_app=self.admin_site.name
        )
        return context

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None:
            response.context_data["problems"] = row_problems(result)
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                gettext("The file could not be read. Check that the format chosen matches the file."),
            )

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True  # a confirm that fails writes nothing
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = row_problems(result)
            messages.error(
                request,
                gettext("Nothing was imported: %(problems)s") % {"problems": " ".join(problems[:5])},
            )
            return HttpResponseRedirect(
                reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)
            )
        return super().process_result(result, request)


class DatabaseTmpStorage(BaseStorage):
    """Keeps an uploaded file between preview and confirm in the database (the ``imports`` cache).

    Any app server can then confirm an import that another one previewed: nothing lives on local disk.
    """

    PREFIX = "import-upload-"

    def save(self, data):
        if not self.name:
            self.name = uuid.uuid4().hex
        caches["imports"].set(self.PREFIX + self.name, data)

    def read(self):
        return caches["imports"].get(self.PREFIX + self.name)

    def remove(self):
        caches["imports"].delete(self.PREFIX + self.name)
