"""Cell widgets: what a column accepts on import and how it is written on export.

They accept what people type: choice labels in Chinese or English as well as codes, 是/否, dates
as 2019-05-01, 2019/5/1 or 2019年5月1日, related records by name or a stable key, lists
separated by 、 ; ， or ,. ``export_widget`` picks the widget of a model field for the
export-only resources.

The numbers and dates of an xlsx (ours: jining.importing.streaming; or Excel's) read back as the
values written: 2017 or 2017.0 as 2017, 12.5 as Decimal("12.5") (the 15 digits a spreadsheet
keeps, not the float's binary digits), a date cell as its date.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from import_export import resources, widgets

from jining.importing.cells import cell_text

UPPERCASE_KEYS = ("credit_code", "id_card_number")
LIST_SEPARATORS_RE = re.compile(r"[、;；,，\n]+")
TRUE_WORDS = {"是", "有", "√", "✓", "y", "yes", "true", "1", "t"}
FALSE_WORDS = {"否", "无", "×", "n", "no", "false", "0", "f"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
SPREADSHEET_DIGITS = 15  # the significant digits Excel, WPS and LibreOffice keep of a number
INTEGER_FIELDS = {
    "IntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}


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
    """Amounts: '100,000.00', '100000', '10万' (ten thousands) or '10万元'; a number cell as the
    spreadsheet shows it (12.5, not 12.4999999999999982236431605997495353221893310546875)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            value = format(value, f".{SPREADSHEET_DIGITS}g")  # 0.1 + 0.2 is 0.3 here as in Excel
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

    def key(self, field, text):
        return text.upper() if field in UPPERCASE_KEYS else text

    def table(self, texts):
        """Every record that any of ``texts`` may name, in one query: {field: {value: [records]}},
        for ``find`` and ``clean`` (``table=``) to look up without a query per cell."""
        condition = Q()
        for field in self.fields:
            condition |= Q(**{f"{field}__in": {self.key(field, text) for text in texts}})
        table = {field: {} for field in self.fields}
        if texts:
            for record in self.model._default_manager.filter(condition):
                for field in self.fields:
                    table[field].setdefault(getattr(record, field), []).append(record)
        return table

    def names(self, value):
        text = cell_text(value)
        return [text] if text else []

    def find(self, text, table=None):
        if table is None:
            table = self.table([text])
        found = {}
        for field in self.fields:
            for record in table[field].get(self.key(field, text), []):
                found[record.pk] = record
        matches = list(found.values())
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

    def clean(self, value, row=None, table=None, **kwargs):
        text = cell_text(value)
        return self.find(text, table) if text else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.label_field))


class ListWidget(widgets.ManyToManyWidget):
    """Several related records in one cell, separated by 、 ; ， or ,."""

    def __init__(self, model, fields=("name",), label_field="name"):
        super().__init__(model, separator="、", field=label_field)
        self.lookup = LookupWidget(model, fields, label_field)

    def names(self, value):
        names = (name.strip() for name in LIST_SEPARATORS_RE.split(cell_text(value)))
        return list(dict.fromkeys(name for name in names if name))

    def table(self, texts):
        return self.lookup.table(texts)

    def clean(self, value, row=None, table=None, **kwargs):
        names = self.names(value)
        if table is None:
            table = self.table(names)
        found, problems = [], []
        for name in names:
            try:
                found.append(self.lookup.find(name, table))
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ValueError(" ".join(problems))
        return found

    #: Related rows left out on export (e.g. ``{"sensitive": True}`` for users without the
    #: personal-data permission: jining.importing.resources.SpreadsheetResource.for_viewers).
    excluded: dict = {}

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        items = value.exclude(**self.excluded) if self.excluded else value.all()
        return "、".join(str(getattr(item, self.field)) for item in items)


class MaskedWidget(widgets.Widget):
    """An export-only cell: the value as ``mask`` shows it (jining/personal.py); never imported (users
    who get masked exports cannot import)."""

    def __init__(self, mask):
        super().__init__()
        self.mask = mask

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        return str(self.mask(value))

    def clean(self, value, row=None, **kwargs):
        raise ValueError(gettext("A masked column cannot be imported."))


def choice_field(attribute, column_name, choices, **kwargs):
    return resources.Field(
        attribute=attribute, column_name=column_name, widget=ChoiceWidget(choices), **kwargs
    )


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
    if kind in INTEGER_FIELDS:
        return IntegerWidget()
    return widgets.Widget()
