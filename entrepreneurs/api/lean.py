"""The lean read path of /api/v1/entrepreneurs/: ``.values()`` rows rendered to the serializer's shape.

``EntrepreneurSerializer`` stays the contract and the documented schema; this module produces the very
same JSON (tests/api/test_entrepreneur_lean.py compares the two) without building model instances,
serializer fields or a prefetch per relation: one query returns each entrepreneur with its brief
source (a join), its enterprises and public special groups (JSON arrays built by the database) and
its event count (a correlated count), and ``ORJSONRenderer`` encodes the page.
"""

import orjson
from django.db import connection
from django.db.models import DateTimeField, F
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from entrepreneurs.api.serializers import EntrepreneurSerializer
from entrepreneurs.models import Enterprise, Entrepreneur, SpecialGroup

#: Plain columns of EntrepreneurSerializer, in its field order (the rest are built below). Derived
#: from the serializer, so a field added there reaches the lean path too.
_COLUMNS = {field.name: field for field in Entrepreneur._meta.concrete_fields}
PLAIN = [
    name
    for name in EntrepreneurSerializer.Meta.fields
    if name in _COLUMNS
    and not _COLUMNS[name].is_relation
    and not isinstance(_COLUMNS[name], DateTimeField)  # rendered below in the serializer's format
]


def json_array(select_sql: str, keys: tuple[str, ...], order: str) -> RawSQL:
    """A JSON array of objects ``{key: column}`` over ``select_sql`` (a FROM … WHERE …), in ``order``.

    ``select_sql`` may refer to the outer entrepreneur row as ``entrepreneurs_entrepreneur.id``.
    """
    if connection.vendor == "postgresql":
        pairs = ", ".join(f"'{key}', {column}" for key, column in keys)
        sql = (
            f"SELECT COALESCE(json_agg(json_build_object({pairs}) ORDER BY {order}), '[]'::json) {select_sql}"
        )
    else:
        columns = ", ".join(f"{column} AS {key}" for key, column in keys)
        pairs = ", ".join(f"'{key}', {key}" for key, _column in keys)
        rows = f"SELECT {columns} {select_sql} ORDER BY {order}"
        sql = f"SELECT json_group_array(json_object({pairs})) FROM ({rows})"
    return RawSQL(sql, [])


def enterprises_json() -> RawSQL:
    founders = Enterprise.founders.through._meta.db_table
    return json_array(
        f"FROM {founders} f JOIN {Enterprise._meta.db_table} en ON en.id = f.enterprise_id "
        f"WHERE f.entrepreneur_id = {Entrepreneur._meta.db_table}.id",
        (("id", "en.id"), ("name", "en.name")),
        "en.name, en.id",
    )


def public_special_groups_json() -> RawSQL:
    members = Entrepreneur.special_groups.through._meta.db_table
    return json_array(
        f"FROM {members} m JOIN {SpecialGroup._meta.db_table} g ON g.id = m.specialgroup_id "
        f"WHERE m.entrepreneur_id = {Entrepreneur._meta.db_table}.id AND NOT g.sensitive",
        (("id", "g.id"), ("code", "g.code"), ("name", "g.name")),
        "g.id",
    )


def lean_rows(queryset):
    """``queryset`` (entrepreneurs annotated with ``event_count``) as one ``.values()`` query."""
    return queryset.values(
        *PLAIN,
        "event_count",
        "created",
        "updated",
        "source_id",
        source_title=F("source__title"),
        source_publisher=F("source__publisher"),
        source_published_on=F("source__published_on"),
        enterprises_json=enterprises_json(),
        special_groups_json=public_special_groups_json(),
    )


def _json(value):
    return orjson.loads(value) if isinstance(value, str | bytes) else value


class Renderer:
    """Turns lean rows into the dicts EntrepreneurSerializer would give for the same request."""

    def __init__(self, request):
        absolute = request.build_absolute_uri
        self.me = absolute(reverse("api:entrepreneur-list"))
        self.enterprises = absolute(reverse("api:enterprise-list"))
        self.sources = absolute(reverse("api:source-list"))
        self.tz = timezone.get_current_timezone()

    def datetime(self, value):
        if value is None:
            return None
        if timezone.is_aware(value):
            value = value.astimezone(self.tz)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def __call__(self, row: dict) -> dict:
        item = {"id": row["id"], "url": f"{self.me}{row['id']}/"}
        for name in PLAIN[1:]:
            item[name] = row[name]
        item["special_groups"] = _json(row["special_groups_json"])
        enterprises = _json(row["enterprises_json"])
        for enterprise in enterprises:
            enterprise["url"] = f"{self.enterprises}{enterprise['id']}/"
        item["enterprises"] = enterprises
        item["event_count"] = row["event_count"]
        source = row["source_id"]
        published = row["source_published_on"]
        item["source"] = (
            {
                "id": source,
                "title": row["source_title"],
                "publisher": row["source_publisher"],
                "published_on": published.isoformat() if published else None,
                "url": f"{self.sources}{source}/",
            }
            if source is not None
            else None
        )
        item["created"] = self.datetime(row["created"])
        item["updated"] = self.datetime(row["updated"])
        return item


class ORJSONRenderer(JSONRenderer):
    """``application/json`` encoded by orjson; anything orjson cannot encode goes to DRF's encoder."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)
