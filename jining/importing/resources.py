"""``SpreadsheetResource``, the base of the apps' import/export resources, and what goes with it.

Chinese column names and widgets for import and export (the import itself, validating every row by
the model's rules in bulk, is ``jining.importing.bulk``); cells a spreadsheet would run as a
formula are neutralised on export; personal columns are masked or left out for users without the
personal-data permission (``for_viewers``).
``export_resource_for`` makes an export-only resource of every field of a model.

Column names are plain Chinese strings, not translations: they are the file format, and a file
exported with the admin in English must import again.
"""

import copy
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from import_export import resources, widgets
from import_export.fields import Field

from jining.importing.cells import neutralise
from jining.importing.formats import ImportFileError
from jining.importing.widgets import ChoiceWidget, DateWidget, MaskedWidget, YesNoWidget, export_widget
from jining.personal import personal_data
from jining.validators import id_card_check_char


class SpreadsheetResource(resources.ModelResource):
    """A resource with Chinese column names, full model validation and safe exports.

    Subclasses declare their fields, ``required_columns`` (checked before any row) and
    ``candidates``/``match`` for their match key. Which columns are personal data, and how they are
    masked, comes from the model's ``PERSONAL_DATA`` (jining/personal.py).
    """

    required_columns: tuple[str, ...] = ()
    #: Columns of digits that must stay text (ID-card number, mobile, credit code): a spreadsheet
    #: that takes them for numbers drops digits past the 15th and writes 1.50921198503121E+17.
    code_fields: tuple[str, ...] = ()
    include_personal = True

    class Meta:
        import_id_fields = []

    @classmethod
    def for_viewers(cls):
        """The same resource as a user without the personal-data permission exports it (the model's
        ``PERSONAL_DATA``): masked columns masked (ID card ``1509**********1234``, date of birth as
        its year), hidden columns left out, sensitive related rows (残疾人) left out of their lists."""
        if "_for_viewers" in cls.__dict__:
            return cls.__dict__["_for_viewers"]
        declaration = personal_data(cls._meta.model)
        attrs = {"__module__": cls.__module__, "include_personal": False}
        for name in declaration.fields:
            field = cls.fields.get(name)
            if field is None:
                continue
            if name in declaration.masked:
                widget = MaskedWidget(declaration.masked[name])
            elif name in declaration.sensitive_related:
                widget = copy.copy(field.widget)
                widget.excluded = {declaration.sensitive_related[name]: True}
            else:
                continue  # hidden: left out of the export order
            attrs[name] = Field(attribute=field.attribute, column_name=field.column_name, widget=widget)
        viewers = cls if not declaration.fields else type(cls)(f"{cls.__name__}ForViewers", (cls,), attrs)
        cls._for_viewers = viewers
        return viewers

    @classmethod
    def get_display_name(cls):
        return cls._meta.model._meta.verbose_name_plural

    def get_export_order(self):
        order = super().get_export_order()
        if self.include_personal:
            return order
        hidden = personal_data(self._meta.model).hidden
        return tuple(name for name in order if name not in hidden)

    def get_import_order(self):
        return super().get_export_order()

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    # Import (the engine is jining.importing.bulk)

    def candidates(self, probes):
        """A ``Q`` for the records on file that may match any of ``probes`` (new, unsaved records
        carrying a row's values each), or None when none can: one query for many rows."""
        return None

    def match(self, probe, index):
        """The record on file that the row ``probe`` updates, None for a new record; ``index`` (a
        ``bulk.RecordIndex``) holds the candidates and the earlier rows' new records."""
        return None

    def warnings(self, rows):
        """{row number: [messages]} of what the clerk should check before confirming, for ``rows``
        (row number, record with the row's values, whether it is new) that are valid: the same
        warnings the admin's form gives. Warnings do not stop the import."""
        return {}

    def before_import(self, dataset, **kwargs):
        missing = [column for column in self.required_columns if column not in (dataset.headers or [])]
        if missing:
            raise ImportFileError(
                gettext("The file lacks the column(s) %(columns)s: start from the import template.")
                % {"columns": "、".join(missing)}
            )
        damaged = self.numbered_code_columns(dataset)
        if damaged:
            raise ImportFileError(" ".join(damaged))

    def code_columns(self):
        """The import fields of ``code_fields``: text of digits, which a spreadsheet must keep as text."""
        return [field for field in self.get_import_fields() if field.attribute in self.code_fields]

    def numbered_code_columns(self, dataset):
        """One message per code column that a spreadsheet turned into numbers (see ``number_damage``),
        naming the first such cell and how to fix the column: the rows are not blamed one by one."""
        headers = list(dataset.headers or [])
        messages = []
        for field in self.code_columns():
            if field.column_name not in headers:
                continue
            position = headers.index(field.column_name)
            damaged = [
                (number, cells[position])
                for number, cells in enumerate(dataset, 2)
                if number_damage(cells[position])
            ]
            if damaged:
                number, value = damaged[0]
                messages.append(
                    gettext(
                        "The column “%(column)s” was turned into numbers by a spreadsheet (%(count)d "
                        "row(s), e.g. row %(row)d: %(value)s), so its digits past the 15th are lost: "
                        "the rows are not wrong, the column's format is. In Excel or WPS, set the "
                        "column's cell format to Text, type or paste the numbers again (not copied "
                        "from the cells that became numbers) and upload the file again; the import "
                        "template has these columns as text already."
                    )
                    % {
                        "column": field.column_name,
                        "count": len(damaged),
                        "row": number,
                        "value": number_text(value),
                    }
                )
        return messages

    # Template

    def template_rows(self):
        """The header row of the import template, and a note on what each column takes."""
        headers, notes = [], []
        for field in self.get_import_fields():
            headers.append(field.column_name)
            note = []
            if field.column_name in self.required_columns:
                note.append(gettext("required"))
            if field.attribute in self.code_fields:
                note.append(
                    gettext(
                        "a text column: keep its cell format Text (设置单元格格式 → 文本), or Excel and "
                        "WPS turn a long number into 1.50921198503121E+17 and lose its last digits"
                    )
                )
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


def labels(model, *attributes) -> tuple[str, ...]:
    """The column headings of ``model``'s fields ``attributes``, as ``column`` heads them."""
    with translation.override(settings.LANGUAGE_CODE):
        return tuple(str(model._meta.get_field(attribute).verbose_name) for attribute in attributes)


def column(model, attribute, widget, **kwargs):
    """A column headed by the label of ``model``'s field ``attribute`` in the staff's language
    (``LANGUAGE_CODE``, 简体中文): the import's column is the form's label, one source for both."""
    with translation.override(settings.LANGUAGE_CODE):
        name = str(model._meta.get_field(attribute).verbose_name)
    return Field(attribute=attribute, column_name=name, widget=widget, **kwargs)


#: 1.50921198503121E+17: how a spreadsheet writes a long number it took for a number.
SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$", re.ASCII)
#: 150921198503121000(.0): a long number as a spreadsheet keeps it, zeros past the 15th digit.
ROUNDED_RE = re.compile(r"^(\d{15})(0+)(\.0+)?$", re.ASCII)
#: The digits a spreadsheet keeps of a number (Excel, WPS and LibreOffice).
SPREADSHEET_DIGITS = 15


def number_damage(value) -> bool:
    """Whether a cell of a code column (ID card, mobile, credit code) was made a number by a
    spreadsheet: a numeric cell too long for the 15 digits it keeps, a text in scientific notation
    (a CSV saved from such a sheet), or a long number whose digits past the 15th became zeros (an
    ID-card number that still passes its checksum is not one of them).

    A whole number of at most 15 digits (a mobile number stored as a number) is not damaged, nor an
    exact whole number written by a program.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return not value.is_integer() or abs(value) >= 10**SPREADSHEET_DIGITS
    if not isinstance(value, int | str):
        return False
    text = str(value).strip()
    if SCIENTIFIC_RE.match(text):
        return True
    rounded = ROUNDED_RE.match(text)
    if not rounded:
        return False
    digits = rounded.group(1) + rounded.group(2)
    return not (len(digits) == 18 and id_card_check_char(digits[:17]) == digits[17])


def number_text(value) -> str:
    """A damaged cell as the spreadsheet shows it (1.50921198503121E+17)."""
    if isinstance(value, float):
        return f"{value:.15G}"
    return str(value).strip()


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
