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
    """``<name>__lte`` below ``<name>__gte`` (an end before a start): nothing can match, so the
    filterset answers an empty list (``nothing_matches``), as for an unknown id: each value is valid
    on its own, as the schema says, and only together do they exclude everything."""

    nothing_matches = False

    def clean(self):
        cleaned = super().clean()
        for name, low in list(cleaned.items()):
            if not name.endswith("__gte") or low in (None, ""):
                continue
            high = cleaned.get(name.removesuffix("__gte") + "__lte")
            if high not in (None, "") and high < low:
                self.nothing_matches = True
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

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and hasattr(data, "lists"):
            # An empty value means "not filtering", also as one of several (?kind=&kind=salon).
            cleaned = data.copy()
            for name, values in data.lists():
                cleaned.setlist(name, [value for value in values if value != ""])
            data = cleaned
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (OrderedRangeForm, form_class), {})

    def filter_queryset(self, queryset):
        if self.form.nothing_matches:
            return queryset.none()
        return super().filter_queryset(queryset)

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


#: The range of the id columns (64-bit): the schema says so, and a value outside it is a 400.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1

#: The id a value naming no object stands for: ids start at 1, so it matches nothing.
NO_SUCH_ID = 0


class KnownObjectsField(filter_fields.ModelMultipleChoiceField):
    """The ids of the objects of the filter's queryset that the values name, in one query. A value
    that names none (unknown, or outside the queryset: a sensitive group) is not an error: it
    matches nothing (``NO_SUCH_ID``), so the answer is an empty page, never the whole list (the
    schema promises any value is taken). Empty values are left out; none left is ``[]``, which
    the filter skips (Django's ``queryset.none()`` would be evaluated by the filter's emptiness
    check on every request: a millisecond of query compiling for nothing)."""

    def clean_values(self, value):
        return [str(item) for item in value]

    def clean(self, value):
        value = [item for item in (value or []) if str(item).strip()]
        if not value and not self.required:
            return []
        return super().clean(value)

    def _check_values(self, value):
        keys = self.clean_values(value)
        key = self.to_field_name or "pk"
        found = {
            str(key_value): pk
            for pk, key_value in self.queryset.values_list("pk", key).filter(**{f"{key}__in": keys})
        }
        return [found.get(item, NO_SUCH_ID) for item in keys]


class IdMultipleChoiceField(KnownObjectsField):
    """Object ids: each a whole number in the id column's range, checked before the database sees it."""

    def clean_values(self, value):
        numbers = []
        for item in value:
            text = str(item).strip()
            number = int(text) if re.fullmatch(r"[+-]?[0-9]{1,19}", text) else None
            if number is None or not ID_MIN <= number <= ID_MAX:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
            numbers.append(str(number))
        return numbers


class KnownObjectsFilter(django_filters.ModelMultipleChoiceFilter):
    """Filters on the named objects' ids; a value naming none matches nothing. A ``method`` gets the
    list of ids (``incubator__in=ids``)."""

    field_class = KnownObjectsField

    def get_filter_predicate(self, v):
        return {self.field_name: v}


class IdMultipleChoiceFilter(KnownObjectsFilter):
    field_class = IdMultipleChoiceField


class CodeMultipleChoiceFilter(KnownObjectsFilter):
    """Related objects named by code (``?incubator=aichuang``)."""


DATE_LOOKUPS = ["exact", "gte", "lte"]
NUMBER_LOOKUPS = ["exact", "gte", "lte"]


def by_id(field_name, model, label, **kwargs):
    """``?<fk>_id=1&<fk>_id=2``: the related object's id (an unknown id matches nothing)."""
    return IdMultipleChoiceFilter(field_name=field_name, queryset=model.objects.all(), label=label, **kwargs)


def by_code(field_name, model, label, **kwargs):
    """``?<fk>=code``: the related object's stable code (an unknown code matches nothing)."""
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
