"""Search of entrepreneurs (partner API and staff admin) and of enterprises (staff admin): one
implementation.

The meaning is that of DRF's ``SearchFilter`` and the admin's ``icontains`` search: the text is split
into terms, every term must match (AND), and a term matches when any searched column contains it,
ignoring case (OR across columns). Only the SQL differs, so that each term is answered by an index
on PostgreSQL instead of a read of the whole table:

* a term of three characters or more: ``UPPER(column) LIKE UPPER('%term%')`` (Django's ``icontains``),
  served by the trigram indexes of migration 0006;
* a term of one or two characters (张伟, 张, zw), which holds no trigram:
  ``jining_grams(UPPER(column)) @> ARRAY[UPPER(term)]``, served by the indexes of migration 0007 on
  the substrings of one and two characters of each column. For such a term, "the column's substrings
  include the term" and "the column contains the term" are the same thing.

On SQLite every term is a plain ``icontains``.

Partners search :data:`TEXT_FIELDS` only. Staff (``for_staff=True``) also find an entrepreneur by the
name of an enterprise they founded, and by their ID-card or mobile number, compared whole (``=``, on
an index) and only when the term looks like one; an enterprise by its columns, a founder's name or
its whole credit code. Every condition is on the searched table itself, so PostgreSQL combines the
indexes (a BitmapOr) and no row repeats (no join, no ``DISTINCT``): the founders of matching
enterprises come as ``id = ANY(ARRAY(SELECT …))``, a list read once and looked up in the primary key.
(``id IN (SELECT …)`` or ``EXISTS (…)`` OR-ed with the other conditions would make PostgreSQL give up
the indexes and read every row.)

The work grows with the number of rows a term matches (a common surname, a common word in
enterprise names); docs/performance.md has the figures.
"""

import operator
import re
from collections.abc import Callable, Iterable
from functools import reduce

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery, Value
from django.utils.text import smart_split, unescape_string_literal
from rest_framework.filters import SearchFilter

from entrepreneurs.models import Enterprise, Entrepreneur
from jining.validators import ID_CARD_RE as FULL_ID_CARD_RE
from jining.validators import MOBILE_RE, normalize_id_card, normalize_mobile

#: Columns of Entrepreneur searched by partners and staff alike. Never personal data.
TEXT_FIELDS = (
    "name",
    "name_pinyin",
    "name_romanised",
    "hometown_city",
    "hometown_county",
    "hometown_township",
    "prior_work_place",
    "prior_trade",
)

#: Columns of Enterprise searched by staff (besides the whole credit code and founders' names).
ENTERPRISE_TEXT_FIELDS = ("name", "name_pinyin", "short_name", "name_en", "address")

#: Terms of at most this many characters are looked up in the ``jining_grams`` indexes.
SHORT_TERM = 2

#: The SQL function of migration 0007 (every substring of one and two characters of a text).
GRAMS_FUNCTION = "jining_grams"

ID_CARD_RE = re.compile(r"^(\d{15}|\d{17}[\dX])$", re.ASCII)
PHONE_RE = re.compile(r"^\d{5,20}$", re.ASCII)
#: A group of a number typed in parts: 138, 0013, +86, 138-0013, 15092119850312123X.
NUMBER_GROUP_RE = re.compile(r"^\+?[\d\-]*\d[\dXx]?$", re.ASCII)
CREDIT_CODE_RE = re.compile(r"^[0-9A-Z]{18}$", re.ASCII)


class GramsContain(Func):
    """``jining_grams(UPPER(column)) @> ARRAY[UPPER(term)]``: the column contains the (short) term,
    ignoring case. PostgreSQL only; written exactly as the indexes of migration 0007 are."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, term = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        term_sql, term_params = compiler.compile(term)
        sql = f"{GRAMS_FUNCTION}(UPPER({column_sql})) @> ARRAY[UPPER({term_sql})]"
        return sql, (*column_params, *term_params)


class AnyOf(Func):
    """``column = ANY(ARRAY(subquery))``: PostgreSQL runs the subquery once and looks its values up in
    the column's index, even as one branch of an OR. PostgreSQL only."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", (*column_params, *subquery_params)


def contains(field: str, term: str, *, vendor: str) -> Q:
    """``field`` contains ``term`` ignoring case, as ``icontains`` means it, in the indexed spelling."""
    if vendor == "postgresql" and len(term) <= SHORT_TERM:
        return Q(GramsContain(F(field), Value(term)))
    return Q(**{f"{field}__icontains": term})


def any_contains(fields: Iterable[str], term: str, *, vendor: str) -> Q:
    return reduce(operator.or_, (contains(field, term, vendor=vendor) for field in fields))


def same_person(term: str) -> Q:
    """The whole ID-card or mobile number, when ``term`` looks like one (normalised as saved)."""
    condition = Q()
    id_card = normalize_id_card(term)
    if ID_CARD_RE.match(id_card):
        condition |= Q(id_card_number=id_card)
    phone = normalize_mobile(term)
    if PHONE_RE.match(phone):
        condition |= Q(phone=phone)
    return condition


def same_enterprise(term: str) -> Q:
    """The whole unified social credit code, when ``term`` looks like one (upper case, as saved)."""
    code = term.strip().upper()
    return Q(credit_code=code) if CREDIT_CODE_RE.match(code) else Q()


def linked(ids: QuerySet, *, vendor: str) -> Q:
    """The row's id is one of ``ids`` (one column, e.g. founders of matching enterprises)."""
    if vendor == "postgresql":
        return Q(AnyOf(F("pk"), Subquery(ids)))
    return Q(pk__in=ids)


def founded(term: str, *, vendor: str) -> Q:
    """An entrepreneur who founded an enterprise whose name contains ``term``."""
    enterprises = Enterprise.objects.filter(contains("name", term, vendor=vendor)).order_by().values("pk")
    founders = Enterprise.founders.through.objects.filter(enterprise__in=enterprises)
    return linked(founders.order_by().values("entrepreneur_id"), vendor=vendor)


def founded_by(term: str, *, vendor: str) -> Q:
    """An enterprise with a founder whose name contains ``term``."""
    people = Entrepreneur.objects.filter(contains("name", term, vendor=vendor)).order_by().values("pk")
    founders = Enterprise.founders.through.objects.filter(entrepreneur__in=people)
    return linked(founders.order_by().values("enterprise_id"), vendor=vendor)


def split_terms(text: str) -> list[str]:
    """The admin's terms: split on whitespace, a quoted phrase kept whole (as Django's admin does)."""
    terms = []
    for bit in smart_split(text or ""):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        terms.append(bit)
    return terms


def join_numbers(terms: list[str]) -> list[str]:
    """Terms with a mobile or ID-card number typed in groups ("138 0013 8000", "+86 138-0013-8000")
    joined into the one number they make; other terms as they are."""
    joined, index = [], 0
    while index < len(terms):
        for end in range(len(terms), index + 1, -1):  # the longest run of groups first
            run = terms[index:end]
            if not all(NUMBER_GROUP_RE.match(term) for term in run):
                continue
            number = "".join(run)
            if MOBILE_RE.match(normalize_mobile(number)) or FULL_ID_CARD_RE.match(normalize_id_card(number)):
                joined.append(number)
                index = end
                break
        else:
            joined.append(terms[index])
            index += 1
    return joined


def search(queryset: QuerySet, terms: Iterable[str], condition: Callable[..., Q]) -> QuerySet:
    """The rows of ``queryset`` that meet ``condition(term, vendor=…)`` for every one of ``terms``.

    An empty term matches every row (as ``icontains ''`` does) and is left out.
    """
    terms = [term for term in terms if term]
    if not terms:
        return queryset
    vendor = connections[queryset.db].vendor
    matching = reduce(operator.and_, (condition(term, vendor=vendor) for term in terms))
    if vendor != "postgresql":
        return queryset.filter(matching)
    # The matching ids first, by the indexes alone; then the page in its order. Asked in one go
    # ("WHERE … ORDER BY name LIMIT 100"), PostgreSQL may walk the name index instead, testing every
    # row, when it overestimates how many rows match (it cannot tell how rare 张伟 is in a column).
    ids = queryset.model._default_manager.filter(matching).order_by().values("pk")
    return queryset.filter(AnyOf(F("pk"), Subquery(ids)))


def entrepreneur_search(
    queryset: QuerySet, terms: Iterable[str], *, for_staff: bool = False, personal: bool | None = None
) -> QuerySet:
    """The entrepreneurs of ``queryset`` that match every one of ``terms`` in :data:`TEXT_FIELDS`.

    ``for_staff`` adds the names of founded enterprises to what a term may match, and whole ID-card
    and mobile numbers unless ``personal`` is false (staff without the personal-data permission:
    jining/personal.py).
    """
    by_personal_data = for_staff if personal is None else personal
    if by_personal_data:
        terms = join_numbers(list(terms))

    def condition(term, *, vendor):
        found = any_contains(TEXT_FIELDS, term, vendor=vendor)
        if for_staff:
            found |= founded(term, vendor=vendor)
        if by_personal_data:
            found |= same_person(term)
        return found

    return search(queryset, terms, condition)


def enterprise_search(queryset: QuerySet, terms: Iterable[str]) -> QuerySet:
    """The enterprises of ``queryset`` that match every one of ``terms`` (staff's search): in
    :data:`ENTERPRISE_TEXT_FIELDS`, a founder's name or the whole credit code."""

    def condition(term, *, vendor):
        found = any_contains(ENTERPRISE_TEXT_FIELDS, term, vendor=vendor)
        return found | same_enterprise(term) | founded_by(term, vendor=vendor)

    return search(queryset, terms, condition)


class EntrepreneurSearchFilter(SearchFilter):
    """DRF's ``?search=`` for entrepreneurs, answered by :func:`entrepreneur_search` (partners' view:
    :data:`TEXT_FIELDS` only). Same parameter, term splitting and schema as ``SearchFilter``; the
    view's ``search_fields`` only switch it on (they list :data:`TEXT_FIELDS`)."""

    def filter_queryset(self, request, queryset, view):
        if not self.get_search_fields(view, request):
            return queryset
        return entrepreneur_search(queryset, self.get_search_terms(request))
