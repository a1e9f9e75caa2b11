"""FilterSets for organisations and sources, and the recipe every app's FilterSets follow.

Recipe (NetBox style): numbers and dates get ``exact``/``gte``/``lte``; each foreign key is filterable by
id (``<fk>_id``) and by its stable code (``<fk>``); choice filters accept several values
(``?kind=a&kind=b``); every filter has a label, so it is documented in the OpenAPI schema. Free text is
``?search=`` (DRF's SearchFilter, configured per viewset). Invalid values give 400 naming the parameter.
"""

import re

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.utils import label_for_filter

from jining.models import Organisation, Source

# --- building blocks shared by every app's filtersets ---

ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class MultiValueCharField(filter_fields.MultipleChoiceField):
    """Accepts any strings (``?township=a&township=b``), not only declared choices."""

    def valid_value(self, value):
        return True


class MultiValueCharFilter(django_filters.MultipleChoiceFilter):
    """Exact match on any of several given strings."""

    field_class = MultiValueCharField


class StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (also ``1``/``0``, ``True``/``False``); anything else is a 400, not ignored."""

    TRUE, FALSE = ("true", "1", "True"), ("false", "0", "False")
    widget = forms.TextInput  # NullBooleanSelect would turn unknown values into None silently

    def to_python(self, value):
        if value in (None, "", True, False):
            return None if value == "" else value
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise forms.ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IsoDateField(forms.DateField):
    """``YYYY-MM-DD`` in ASCII digits only (not the locale's other formats, nor full-width digits)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not ISO_DATE_RE.fullmatch(value.strip()):
            raise forms.ValidationError(_("Give a date as YYYY-MM-DD."), code="invalid")
        return super().to_python(value)


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)


class OrderedRangeForm(forms.Form):
    """``<name>__lte`` below ``<name>__gte`` (an end before a start) is a 400 naming both."""

    def clean(self):
        cleaned = super().clean()
        for name, low in list(cleaned.items()):
            if not name.endswith("__gte") or low in (None, ""):
                continue
            high_name = name.removesuffix("__gte") + "__lte"
            high = cleaned.get(high_name)
            if high not in (None, "") and high < low:
                self.add_error(
                    high_name,
                    _("%(high_name)s (%(high)s) is below %(low_name)s (%(low)s): nothing could match.")
                    % {"high_name": high_name, "high": high, "low_name": name, "low": low},
                )
        return cleaned


class StrictIntegerField(forms.IntegerField):
    """Digits only: Django's IntegerField would also take ``1.0`` or ``٣`` (an Arabic-Indic three)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"[+-]?[0-9]+", value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (``?return_year=abc`` or ``=1.5`` is a 400, not a silent truncation)."""

    field_class = StrictIntegerField


def _integer_bounds(field):
    """The range a database column of ``field``'s type holds, so out-of-range input is a 400."""
    if isinstance(field, models.PositiveSmallIntegerField):
        return {"min_value": 0, "max_value": 32767}
    if isinstance(field, models.SmallIntegerField):
        return {"min_value": -32768, "max_value": 32767}
    if isinstance(field, (models.PositiveIntegerField, models.PositiveBigIntegerField)):
        return {"min_value": 0, "max_value": 2_147_483_647}
    return {"min_value": -(2**63), "max_value": 2**63 - 1}


class BaseFilterSet(django_filters.FilterSet):
    """Generated filters validate like the column they filter: integers as integers within range,
    decimals within the column's digits (so ``?amount__gte=1e999`` is a 400, not a database error)."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.IntegerField: {"filter_class": IntegerFilter},
        models.SmallIntegerField: {"filter_class": IntegerFilter},
        models.BigIntegerField: {"filter_class": IntegerFilter},
        models.PositiveIntegerField: {"filter_class": IntegerFilter},
        models.PositiveSmallIntegerField: {"filter_class": IntegerFilter},
        models.PositiveBigIntegerField: {"filter_class": IntegerFilter},
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.DateField: {"filter_class": IsoDateFilter},
    }

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (OrderedRangeForm, form_class), {})

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        """Generated filters get their label now (not lazily), so the schema documents them."""
        filter_ = super().filter_for_field(field, field_name, lookup_expr)
        if filter_.label is None:
            filter_.label = label_for_filter(cls._meta.model, field_name, filter_.lookup_expr)
        return filter_

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if filter_class is IntegerFilter:
            params = {**params, **_integer_bounds(field)}
        elif isinstance(field, models.DecimalField) and filter_class is django_filters.NumberFilter:
            # Every amount and figure of the project is at least 0: a negative bound is a mistake.
            params = {
                **params,
                "max_digits": field.max_digits,
                "decimal_places": field.decimal_places,
                "min_value": 0,
            }
        return filter_class, params


class IdMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    """Object ids: each must be a whole number in the id column's range before the database sees it."""

    def _check_values(self, value):
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                number = None
            if number is None or not 0 < number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class IdMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdMultipleChoiceField


class CodeMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Related objects named by code; filters on the objects themselves (not ``<fk>=<code>``)."""

    def get_filter_predicate(self, v):
        return {self.field_name: v}


DATE_LOOKUPS = ["exact", "gte", "lte"]
NUMBER_LOOKUPS = ["exact", "gte", "lte"]


def by_id(field_name, model, label, **kwargs):
    """``?<fk>_id=1&<fk>_id=2``: the related object's id (an unknown id is a 400)."""
    return IdMultipleChoiceFilter(field_name=field_name, queryset=model.objects.all(), label=label, **kwargs)


def by_code(field_name, model, label, **kwargs):
    """``?<fk>=code``: the related object's stable code (an unknown code is a 400)."""
    return CodeMultipleChoiceFilter(
        field_name=field_name, queryset=model.objects.all(), to_field_name="code", label=label, **kwargs
    )


# --- jining's models ---


class OrganisationFilterSet(BaseFilterSet):
    code = MultiValueCharFilter(label=_("Code"))
    kind = django_filters.MultipleChoiceFilter(choices=Organisation.Kind.choices, label=_("Kind"))
    parent_id = by_id("parent", Organisation, _("Parent body (ID)"), distinct=False)
    parent = by_code("parent", Organisation, _("Parent body (code)"), distinct=False)

    class Meta:
        model = Organisation
        fields = ["code", "kind", "parent_id", "parent"]


class SourceFilterSet(BaseFilterSet):
    code = MultiValueCharFilter(label=_("Code"))
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices, label=_("Kind"))
    publisher = MultiValueCharFilter(label=_("Publisher"))

    class Meta:
        model = Source
        fields = {"published_on": DATE_LOOKUPS}
