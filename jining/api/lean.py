"""The lean read path: a serializer's output read by one query of ``.values()`` rows.

The serializer stays the contract (schema, field set, formats); :class:`LeanPlan` reads its fields once
and turns them into one query and a row renderer that give the very same JSON
(tests/api/test_lean.py compares the two for every lean endpoint):

* a column or an annotation of the model (``name``, ``financing_total``): a column of the row, shown
  by the serializer field's own ``to_representation``;
* ``url``: the list's address plus the id;
* a brief related object (``source = brief(Source, null=True)``): the related columns, joined;
* a nested list (``founders``, ``residencies``, ``figures``): a JSON array built by the database in a
  correlated subquery, of objects with the nested serializer's fields (a brief object nested in
  them, such as a residency's incubator, is a JSON object inside), in the related model's order.

No model instance, no serializer field walk and no prefetch query per relation: a page of the
enterprises costs one query instead of five. Anything the plan cannot read (a method field, a date
and time inside a nested list) is refused when the plan is built, not rendered differently.
"""

from functools import cache
from operator import itemgetter

import orjson
from django.db.models import CharField, F, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast, JSONObject
from django.urls import reverse
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

#: Serializer fields whose ``to_representation`` returns a column's value unchanged.
VERBATIM = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
)


class JSONRows(Subquery):
    """The subquery's one column (a JSON object per row) as a JSON array, as text, in the subquery's
    order; ``[]`` when it has no rows."""

    template = "(SELECT COALESCE(json_agg(lean.j), '[]')::text FROM (%(subquery)s) lean)"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "(SELECT json_group_array(json(lean.j)) FROM (%(subquery)s) lean)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def list_path(field: serializers.HyperlinkedIdentityField) -> str:
    return reverse(field.view_name.removesuffix("-detail") + "-list")


def related_rows(model, source: str, relations: dict):
    """The rows of the relation ``source`` of ``model`` that belong to the outer row (``OuterRef``)."""
    if source in relations:  # e.g. public_special_groups: special_groups that are not sensitive
        source, condition = relations[source]
    else:
        condition = Q()
    field = model._meta.get_field(source)
    if field.many_to_many and not field.auto_created:  # a forward many-to-many: founders
        link = field.related_query_name()
    else:  # a reverse foreign key (residencies) or a reverse many-to-many (enterprises)
        link = field.field.name
    related = field.related_model
    return related._default_manager.filter(condition, **{link: OuterRef("pk")}), related


class Nested:
    """How one serializer's fields are read from a JSON object the database built (nested lists)."""

    def __init__(self, serializer, model, path: str = ""):
        self.fields = []  # (name, kind, field, extra)
        self.objects = {}  # JSONObject arguments
        for name, field in serializer.fields.items():
            source = field.source
            if isinstance(field, serializers.HyperlinkedIdentityField):
                self.fields.append((name, "url", field, list_path(field)))
            elif isinstance(field, serializers.BaseSerializer):
                related = model._meta.get_field(source).related_model
                inner = Nested(field, related, f"{path}{source}__")
                self.objects[name] = JSONObject(**inner.objects)
                self.fields.append((name, "brief", field, inner))
            elif isinstance(field, serializers.DateTimeField):
                raise NotImplementedError(f"{name}: a date and time in a nested list")
            elif isinstance(field, serializers.DecimalField):
                self.objects[name] = Cast(F(f"{path}{source}"), CharField())  # exact, not a JSON number
                self.fields.append((name, "value", field, None))
            elif isinstance(field, serializers.ModelField | serializers.SerializerMethodField):
                raise NotImplementedError(f"{name}: not a plain column")
            else:
                self.objects[name] = F(f"{path}{source}")
                self.fields.append((name, "value", field, None))

    def render(self, data: dict, bases: dict):
        if data.get("id", True) is None:  # a brief object of a missing (null) relation
            return None
        item = {}
        for name, kind, field, extra in self.fields:
            if kind == "url":
                item[name] = f"{bases[extra]}{data['id']}/"
            elif kind == "brief":
                item[name] = extra.render(data[name], bases)
            else:
                value = data[name]
                item[name] = None if value is None else field.to_representation(value)
        return item


class LeanPlan:
    """One query and a renderer for ``serializer_class`` over ``model`` (see the module's docstring).

    ``relations`` maps a nested list's source that is no relation of the model (a ``Prefetch``'s
    ``to_attr``) to the relation and a condition: ``{"public_special_groups": ("special_groups",
    Q(sensitive=False))}``.
    """

    def __init__(self, serializer_class, relations: dict | None = None):
        serializer = serializer_class()
        model = serializer_class.Meta.model
        relations = relations or {}
        self.columns = []  # values() names
        self.expressions = {}  # values() aliases -> expressions
        self.paths = set()
        self.fields = []  # (name, kind, field, extra)
        for name, field in serializer.fields.items():
            source = field.source
            if isinstance(field, serializers.HyperlinkedIdentityField):
                self.paths.add(list_path(field))
                self.fields.append((name, "url", field, list_path(field)))
            elif isinstance(field, serializers.ListSerializer):
                rows, related = related_rows(model, source, relations)
                nested = Nested(field.child, related)
                self.paths |= {extra for _n, kind, _f, extra in walk(nested) if kind == "url"}
                alias = f"lean_{name}"
                order = related._meta.ordering or ["pk"]
                self.expressions[alias] = JSONRows(
                    rows.order_by(*order).values(j=JSONObject(**nested.objects))
                )
                self.fields.append((name, "list", field, (alias, nested)))
            elif isinstance(field, serializers.BaseSerializer):
                related = model._meta.get_field(source).related_model
                nested = Nested(field, related)
                self.paths |= {extra for _n, kind, _f, extra in walk(nested) if kind == "url"}
                names = {sub: f"{source}__{sub}" for sub in nested.objects}
                self.columns += names.values()
                self.fields.append((name, "brief", field, (names, nested)))
            elif isinstance(field, serializers.ModelField | serializers.SerializerMethodField):
                raise NotImplementedError(f"{name}: not a plain column")
            else:
                verbatim = isinstance(field, VERBATIM) and not isinstance(field, serializers.DecimalField)
                self.columns.append(source)
                self.fields.append((name, "verbatim" if verbatim else "value", field, source))
        if "id" not in self.columns:
            self.columns.append("id")

    def rows(self, queryset, *extra: str):
        """``queryset`` (ordered, perhaps sliced) as the rows :meth:`renderer` renders."""
        return queryset.prefetch_related(None).values(*self.columns, *extra, **self.expressions)

    def renderer(self, request):
        """A function from a row to the serializer's dict, with absolute links for ``request``."""
        bases = {path: request.build_absolute_uri(path) for path in self.paths}
        getters = [(name, getter(kind, field, extra, bases)) for name, kind, field, extra in self.fields]

        def render(row: dict) -> dict:
            return {name: get(row) for name, get in getters}

        return render


def getter(kind, field, extra, bases):
    """A function that reads one field's representation from a row."""
    if kind == "verbatim":
        return itemgetter(extra)
    if kind == "value":
        convert = converter(field)
        return lambda row: None if (value := row[extra]) is None else convert(value)
    if kind == "url":
        base = bases[extra]
        return lambda row: f"{base}{row['id']}/"
    if kind == "brief":
        names, nested = extra
        return lambda row: nested.render({sub: row[column] for sub, column in names.items()}, bases)
    alias, nested = extra  # a nested list
    return lambda row: [nested.render(data, bases) for data in orjson.loads(row[alias])]


def converter(field):
    """``field.to_representation``, or the same done faster for a date and time in ISO 8601 (DRF's
    default format): in the field's time zone, ``Z`` for UTC."""
    if isinstance(field, serializers.DateTimeField) and getattr(
        field, "format", api_settings.DATETIME_FORMAT
    ) in (ISO_8601, "iso-8601"):
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()

        def iso(value):
            if zone is None or isinstance(value, str) or not timezone.is_aware(value):
                return field.to_representation(value)
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return iso
    return field.to_representation


def walk(nested: Nested):
    for entry in nested.fields:
        yield entry
        if entry[1] == "brief":
            yield from walk(entry[3])


@cache
def plan_for(serializer_class, relations_key=None) -> LeanPlan:
    """The plan of ``serializer_class``, built once per process."""
    return LeanPlan(serializer_class, dict(relations_key or ()))


class ORJSONRenderer(JSONRenderer):
    """``application/json`` encoded by orjson; anything orjson cannot encode goes to DRF's encoder."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)
