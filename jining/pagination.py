"""Pagination of the API's lists; ``?page_size=`` is capped (not a whole number from 1: a 400).

Small lists (``PartnerPagination``): page numbers, ``{"count", "next", "previous", "results"}``.
Lists that grow to hundreds of thousands of rows (``KeysetPagination``): a cursor,
``{"next", "previous", "results"}``, every page as fast as the first.


``count`` is exact while it is below ``API_COUNT_CACHE_FROM`` rows (10,000): counting is cheap there.
A larger count (slow to take over a whole table; docs/performance.md) is kept in
the cache for ``API_COUNT_CACHE_SECONDS`` (60 s) per query, so it may lag writes by that long.
"""

import base64
import binascii
import datetime
import decimal
import hashlib
import re
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.db.models import Count, F, Field, FloatField, Q, Value, Window
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

INVALID_CURSOR = _("Invalid cursor: use the next and previous links as the API gives them.")
NO_PAGE_NUMBERS = _(
    "This list has no page numbers: it is paged by cursor. Follow the next and previous links."
)


def capped_page_size(request, param: str) -> int:
    """``?page_size=N`` capped at ``API_MAX_PAGE_SIZE``; missing or empty, the default; anything but
    a whole number from 1 is a 400 naming the parameter (as the schema says: an integer, minimum 1)."""
    value = request.query_params.get(param, "").strip()
    if not value:
        return settings.API_PAGE_SIZE
    if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
        raise ValidationError({param: [_("Give a whole number from 1 (larger values are capped).")]})
    return min(int(value), settings.API_MAX_PAGE_SIZE)


class CountCachingPaginator(Paginator):
    """A paginator that remembers large counts for a short while (small ones are always exact)."""

    @cached_property
    def cache_key(self) -> str | None:
        try:
            sql, params = self.object_list.query.sql_with_params()
        except (AttributeError, EmptyResultSet):
            return None
        return "api-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()

    def cached_count(self) -> int | None:
        return cache.get(self.cache_key) if self.cache_key else None

    def remember(self, count: int) -> int:
        """Keep ``count`` as this paginator's count (and in the cache if it is large)."""
        self.count = count
        if self.cache_key and count >= settings.API_COUNT_CACHE_FROM:
            cache.set(self.cache_key, count, settings.API_COUNT_CACHE_SECONDS)
        return count

    @cached_property
    def count(self):
        count = self.cached_count()
        if count is None:
            count = self.remember(super().count)
        return count


class PartnerPagination(PageNumberPagination):
    """``?page=N`` (404 past the last page), ``?page_size=N`` silently capped at ``API_MAX_PAGE_SIZE``."""

    def get_page_size(self, request):
        return capped_page_size(request, self.page_size_query_param)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters

    page_size_query_param = "page_size"
    django_paginator_class = CountCachingPaginator

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def paginate_counted(self, rows, request):
        """The page of ``rows`` (a ``.values()`` queryset) as a list, and its count, in one query:
        the page's rows carry the count of all rows (``COUNT(*) OVER ()``). Only a page past the end
        (no rows to carry it) or ``?page=last`` costs a separate count; a large count kept in the
        cache is used as it is."""
        self.request = request
        paginator = self.django_paginator_class(rows, self.get_page_size(request))
        number = request.query_params.get(self.page_query_param) or 1
        found = None
        if str(number).isdigit() and int(number) >= 1 and paginator.cached_count() is None:
            start = (int(number) - 1) * paginator.per_page
            found = list(rows.annotate(lean_total=Window(Count("pk")))[start : start + paginator.per_page])
            if found:
                paginator.remember(found[0]["lean_total"])
        if number in self.last_page_strings:
            number = paginator.num_pages
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=str(exc))) from exc
        if found is None:
            found = list(self.page.object_list)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return found


NOTHING = Q(pk__in=[])  # matches no row


@dataclass(frozen=True)
class Key:
    """One column of a keyset order: ``name`` is a column (``event_id`` for a foreign key) or annotation."""

    name: str
    field: Field
    nullable: bool
    descending: bool
    vendor: str = ""

    @property
    def term(self) -> str:
        return f"-{self.name}" if self.descending else self.name

    def down(self, backwards: bool) -> bool:
        return self.descending != backwards

    def order(self, backwards: bool):
        """The ORDER BY term; nulls always at the high end (last ascending, first descending)."""
        if self.down(backwards):
            return F(self.name).desc(nulls_first=True) if self.nullable else F(self.name).desc()
        return F(self.name).asc(nulls_last=True) if self.nullable else F(self.name).asc()

    def comparable(self, value):
        """``value`` as a query parameter. SQLite compares a computed number (a sum) with a decimal
        parameter, which it receives as text, as text: give it a float there."""
        if isinstance(value, decimal.Decimal) and self.vendor == "sqlite":
            return Value(float(value), output_field=FloatField())
        return value

    def same(self, value) -> Q:
        return (
            Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: self.comparable(value)})
        )

    def beyond(self, value, backwards: bool) -> Q:
        """Rows whose value comes strictly after ``value`` in the (possibly reversed) order."""
        down = self.down(backwards)
        if value is None:  # nulls are at the high end
            return Q(**{f"{self.name}__isnull": False}) if down else NOTHING
        after = Q(**{f"{self.name}__{'lt' if down else 'gt'}": self.comparable(value)})
        if self.nullable and not down:
            after |= Q(**{f"{self.name}__isnull": True})
        return after

    def value_of(self, row):
        return row[self.name] if isinstance(row, dict) else getattr(row, self.name)

    def parse(self, value):
        return None if value is None else self.field.to_python(value)

    @staticmethod
    def dump(value):
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        if isinstance(value, decimal.Decimal):
            return str(value)
        return value


def resolve(queryset, name: str) -> tuple[str, Field, bool, F | None]:
    """(column or annotation, field, nullable, annotation to add) for an ordering name of ``queryset``.

    A column across a relation (``event__start_date``) becomes an annotation (``keyset_event_start_date``),
    so it can be read back from each row like the others.
    """
    if name in queryset.query.annotations:
        return name, queryset.query.annotations[name].output_field, True, None
    if "__" in name:
        alias = "keyset_" + name.replace("__", "_")
        field = queryset.annotate(**{alias: F(name)}).query.annotations[alias].output_field
        return alias, field, True, F(name)
    field = queryset.model._meta.get_field(name)
    return field.attname, field, field.null, None


def beyond(keys: list[Key], position: list, backwards: bool) -> Q:
    """Rows after ``position`` (one value per key) in the keys' order: (a > x) or (a = x and b > y)…"""
    condition = NOTHING
    same = Q()
    for key, value in zip(keys, position, strict=True):
        condition |= same & key.beyond(value, backwards)
        same &= key.same(value)
    first, value = keys[0], position[0]
    if not first.nullable and value is not None:  # a range on the first column: an index seek
        condition &= Q(**{f"{first.name}__{'lte' if first.down(backwards) else 'gte'}": value})
    return condition


class KeysetPagination(BasePagination):
    """Cursor (keyset) pagination for the large lists: ``{"next", "previous", "results"}``, no ``count``.

    A page is "the ``page_size`` rows after this position in the list's order", where the position is
    the last row's values of the ordering columns (the model's ordering or ``?ordering=``, always
    ending with ``id`` so it is unique). The database seeks to the position through an index, so
    the last page of 600,000 rows costs what the first does; ``OFFSET`` would read every row before
    it. ``next``/``previous`` carry the position in an opaque ``?cursor=``; page numbers are refused
    (400). Nulls sort last ascending and first descending, as PostgreSQL's indexes do.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_query_param = "page"  # refused, with a message: these lists have no page numbers

    def get_page_size(self, request):
        return capped_page_size(request, self.page_size_query_param)

    # --- the order and the position ---

    def keys(self, queryset):
        """The list's ordering as keys, cut after ``id`` (or with ``id`` added to break ties), and
        ``queryset`` with the annotations the keys need."""
        vendor = connections[queryset.db].vendor
        keys, annotations = [], {}
        for term in list(queryset.query.order_by) or list(queryset.model._meta.ordering):
            if not isinstance(term, str):
                raise TypeError(f"Keyset pagination orders by field names, not {term!r}.")
            name = term.lstrip("-")
            name = "id" if name == "pk" else name
            column, field, nullable, annotation = resolve(queryset, name)
            if annotation is not None:
                annotations[column] = annotation
            keys.append(Key(column, field, nullable, term.startswith("-"), vendor))
            if name == "id":
                break
        else:
            keys.append(Key("id", queryset.model._meta.pk, False, False, vendor))
        return keys, queryset.annotate(**annotations) if annotations else queryset

    def decode(self, request, keys):
        """The cursor's position (values for ``keys``) and direction; ``(None, False)`` on the first page."""
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:  # none, or empty: the first page
            return None, False
        try:
            cursor = orjson.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
            values, backwards, names = cursor["p"], bool(cursor["r"]), cursor["o"]
            if names != [key.term for key in keys] or len(values) != len(keys):
                raise ValueError("the cursor is for another ordering")
            return [key.parse(value) for key, value in zip(keys, values, strict=True)], backwards
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, DjangoValidationError) as exc:
            raise ValidationError({self.cursor_query_param: [_(INVALID_CURSOR)]}) from exc

    @staticmethod
    def cursor(terms: list[str], values: list, backwards: bool = False) -> str:
        """The ``?cursor=`` value for the position ``values`` in the order ``terms`` (e.g. ["name", "id"])."""
        cursor = {"p": [Key.dump(value) for value in values], "r": int(backwards), "o": terms}
        return base64.urlsafe_b64encode(orjson.dumps(cursor)).decode("ascii")

    def encode(self, keys, row, backwards):
        values = [key.value_of(row) for key in keys]
        encoded = self.cursor([key.term for key in keys], values, backwards)
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, encoded)

    # --- a page ---

    def page_queryset(self, queryset, request):
        """``queryset`` from the cursor's position on, in order, sliced to one row more than a page."""
        if self.page_query_param in request.query_params:
            raise ValidationError({self.page_query_param: [_(NO_PAGE_NUMBERS)]})
        self.request = request
        self.page_size = self.get_page_size(request)
        self.sort_keys, queryset = self.keys(queryset)
        position, self.backwards = self.decode(request, self.sort_keys)
        if position is not None:
            queryset = queryset.filter(beyond(self.sort_keys, position, self.backwards))
        self.ordering = [key.order(self.backwards) for key in self.sort_keys]
        return queryset.order_by(*self.ordering)[: self.page_size + 1]

    def paginate_rows(self, rows):
        """The page from the rows of ``page_queryset`` (model instances or dicts with the key columns)."""
        rows = list(rows)
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        had_cursor = bool(self.request.query_params.get(self.cursor_query_param))
        if self.backwards:
            rows.reverse()
            has_next, has_previous = had_cursor, more
        else:
            has_next, has_previous = more, had_cursor
        self.next = self.encode(self.sort_keys, rows[-1], False) if rows and has_next else None
        self.previous = self.encode(self.sort_keys, rows[0], True) if rows and has_previous else None
        if not rows and had_cursor:  # past either end: the way back is the other direction
            self.next = self.previous = None
        return rows

    def paginate_queryset(self, queryset, request, view=None):
        return self.paginate_rows(self.page_queryset(queryset, request))

    def get_paginated_response(self, data):
        return Response({"next": self.next, "previous": self.previous, "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(_("The position in the list: take it from the next or previous link.")),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Number of results per page (capped).")),
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
