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

Collecting every match costs what the matches number: 77,000 people hold 张 at scale 100. So the
partner API's list, in name order, reads a page's candidates only (:func:`bounded_ids`, given the
page's :class:`Window` by ``EntrepreneurViewSet.search_window``): a short term without case splits
into the names that start with it (a range of the name index, in the list's order: a surname) and
its other matches, which come from a short walk of the list when they are common (集, 市, 张家口
as a workplace), from the indexes when they are few (at most :data:`CAP_ROWS`, read in no order,
then sorted), and else from a longer walk or, failing that, from every match (:func:`page_sql`).
The results and their order are unchanged (tests/entrepreneurs/test_search.py reads every page both
ways). The admin's changelist in name order reads the same way (``EntrepreneurAdmin.search_window``);
other orders, "show all" and enterprise search still collect every match; the
figures are in docs/performance.md.
"""

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce

from django.db import connections
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IContains
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
    if vendor == "walk":
        # Tested row by row: each walked person's own enterprises are looked up (by the founders'
        # index, then by id). Collecting every founder of the matching enterprises first would read
        # them all for a common term (集宁区: 325,000 links), and PostgreSQL scans that set without a
        # hash once it no longer fits in work_mem.
        links = Enterprise.founders.through.objects.filter(entrepreneur=OuterRef("pk"))
        return Q(Exists(links.filter(contains("enterprise__name", term, vendor="postgresql"))))
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


def search(
    queryset: QuerySet,
    terms: Iterable[str],
    condition: Callable[..., Q],
    *,
    window: "Window | None" = None,
    prefix: Callable[..., tuple[Q, Q]] | None = None,
) -> QuerySet:
    """The rows of ``queryset`` that meet ``condition(term, vendor=…)`` for every one of ``terms``.

    An empty term matches every row (as ``icontains ''`` does) and is left out. Given the ``window``
    of the page asked for, only that page's candidates are read (:func:`bounded_ids`); ``prefix(term)``
    splits a term's condition into "the name starts with it" and the rest.
    """
    terms = [term for term in terms if term]
    if not terms:
        return queryset
    vendor = connections[queryset.db].vendor
    matching = reduce(operator.and_, (condition(term, vendor=vendor) for term in terms))
    if vendor != "postgresql" or window == COUNTING:
        return queryset.filter(matching)
    if window is not None and not queryset.query.distinct:
        return queryset.filter(AnyOf(F("pk"), bounded_ids(queryset, terms, condition, window, prefix)))
    # The matching ids first, by the indexes alone; then the page in its order. Asked in one go
    # ("WHERE … ORDER BY name LIMIT 100"), PostgreSQL may walk the name index instead, testing every
    # row, when it overestimates how many rows match (it cannot tell how rare 张伟 is in a column).
    ids = queryset.model._default_manager.filter(matching).order_by().values("pk")
    return queryset.filter(AnyOf(F("pk"), Subquery(ids)))


#: A bounded search first walks this many rows of the list's order after the cursor, testing each
#: (``LIKE``, about 3 microseconds a row); when they hold a page of matches, that is the page (a
#: common term: 集, 市, or 张 where 张家口 is a common workplace).
SHORT_WALK_ROWS = 500

#: When the first walk finds at least this many matches but not a page (one in 100 rows or more:
#: thousands of matches in a province's table), reading the capped matches is skipped as futile.
SHORT_WALK_DENSE = 5

#: Else it reads at most this many of its matches from the indexes, in no order: when they are
#: fewer, they are every match, and the page is sorted from them (a rare term: 张伟, zzj).
CAP_ROWS = 2000

#: Else it walks this many rows of the list's order, as the first walk; and when that does not
#: give a page either (the matches are more than the cap but fewer than one in 100), it collects
#: every match from the indexes and sorts them.
WALK_ROWS = 5000


@dataclass(frozen=True)
class Window:
    """The page a search is read for: rows ``after`` the cursor, in ``order`` (whose first column is a
    text column), at most ``limit``."""

    after: Q
    order: tuple
    limit: int


#: The ``window`` of a search whose rows are only counted (at most 10,001 of them): the condition as
#: it is, which PostgreSQL stops reading at the limit (collecting the ids first would read them all).
COUNTING = Window(Q(), (), 0)


class Unindexed(Func):
    """``(column || '')``: the column's value and order, but no index can serve an ORDER BY of it."""

    template = "(%(expressions)s || '')"
    arity = 1
    output_field = CharField()


def unindexed(order: tuple) -> tuple:
    first, *rest = order
    column = Unindexed(first.expression)
    kept = OrderBy(
        column, descending=first.descending, nulls_first=first.nulls_first, nulls_last=first.nulls_last
    )
    return (kept, *rest)


def page_sql(queryset: QuerySet, tested: Q, indexed: Q, window: Window) -> tuple[str, list]:
    """SQL for the ids of the first ``window.limit`` rows of ``queryset`` that match, after the cursor,
    at a cost that does not grow with the matches where they are many. The first of these that
    answers gives the candidates (PostgreSQL runs a part only when the ones before did not answer:
    each is gated by a one-time filter on the materialized parts before it):

    * a walk of the first :data:`SHORT_WALK_ROWS` rows of the list's order, testing ``tested`` on
      each, that finds a page of matches;
    * unless that walk found :data:`SHORT_WALK_DENSE` matches or more, at most :data:`CAP_ROWS`
      matches read from the indexes (``indexed``: the condition in its indexed spelling), in no
      order: fewer means all of them, and the page is sorted from them;
    * the same walk over :data:`WALK_ROWS` rows, with, if it finds less than a page, every match
      collected from the indexes and sorted.
    """
    rows = queryset.filter(window.after)
    limit, cap_rows = int(window.limit), int(CAP_ROWS)
    hit = ExpressionWrapper(tested, output_field=BooleanField())
    walk = rows.annotate(search_hit=hit).order_by(*window.order).values("pk", "search_hit")
    short_sql, short_params = walk[:SHORT_WALK_ROWS].query.sql_with_params()
    walk_sql, walk_params = walk[:WALK_ROWS].query.sql_with_params()
    cap_sql, cap_params = rows.filter(indexed).order_by().values("pk")[:cap_rows].query.sql_with_params()
    # The cap's rows in the list's order, by id (the unindexed order keeps PostgreSQL from walking
    # the name index instead, testing each row against the cap).
    few = rows.filter(pk__in=RawSQL("SELECT c.pk FROM cap c", ())).order_by(*unindexed(window.order))
    few_sql, few_params = few.values("pk")[:limit].query.sql_with_params()
    found = rows.filter(indexed).order_by(*unindexed(window.order)).values("pk")[:limit]
    found_sql, found_params = found.query.sql_with_params()
    # The gates, each evaluated left to right (AND and OR stop at the first answer), so that a part
    # is read only when its gate gets to it.
    short_found = f"(SELECT COUNT(*) FROM short) >= {limit}"
    few_enough = (
        f"(SELECT COUNT(*) FROM short) < {int(SHORT_WALK_DENSE)} AND (SELECT COUNT(*) FROM cap) < {cap_rows}"
    )
    sql = (
        f"WITH short AS MATERIALIZED (SELECT w.pk FROM ({short_sql}) w WHERE w.search_hit LIMIT {limit}), "
        f"cap AS MATERIALIZED ({cap_sql}), "
        f"walk AS MATERIALIZED (SELECT w.pk FROM ({walk_sql}) w WHERE w.search_hit LIMIT {limit}) "
        f"SELECT pk FROM short WHERE {short_found} UNION ALL "
        f"SELECT f.pk FROM ({few_sql}) f WHERE NOT {short_found} AND ({few_enough}) UNION ALL "
        f"SELECT pk FROM walk WHERE NOT {short_found} AND NOT ({few_enough}) UNION ALL "
        f"SELECT f.pk FROM ({found_sql}) f "
        f"WHERE NOT {short_found} AND NOT ({few_enough}) AND (SELECT COUNT(*) FROM walk) < {limit}"
    )
    return sql, [*short_params, *cap_params, *walk_params, *few_params, *found_params]


def bounded_ids(queryset, terms, condition, window: Window, prefix) -> RawSQL:
    """The candidates for the page ``window`` of the search: at most two pages of ids, read in the
    list's order (:func:`page_sql`), whatever the number of matches.

    A short term without case (张, 李, 张伟) is split when ``prefix`` is given: the names that start
    with it are read from the name index in the list's order (a range of it: the C collation keeps
    them together), the other matches by :func:`page_sql`; the page's rows are among the first
    ``limit`` of either part. That makes a common surname (李: every match is a name that starts with
    it, all in one stretch of the list) a page of the index.
    """
    split = next((t for t in terms if prefix and len(t) <= SHORT_TERM and t.upper() == t.lower()), None)
    if split is not None and not codepoint_order(queryset.db):
        split = None
    tested, indexed = Q(), Q()
    for term in terms:
        if term == split:
            continue
        tested &= condition(term, vendor="walk")
        indexed &= condition(term, vendor="postgresql")
    if split is None:
        return RawSQL(*page_sql(queryset, tested, indexed, window))
    starts, other_tested = prefix(split, vendor="walk")
    _starts, other_indexed = prefix(split, vendor="postgresql")
    names = queryset.filter(starts & tested).filter(window.after).order_by(*window.order).values("pk")
    names_sql, names_params = names[: window.limit].query.sql_with_params()
    others_sql, others_params = page_sql(queryset, other_tested & tested, other_indexed & indexed, window)
    return RawSQL(f"({names_sql}) UNION ALL ({others_sql})", [*names_params, *others_params])


def codepoint_order(alias: str) -> bool:
    """Whether the database sorts text by code point (C, C.UTF-8, POSIX), so that the names starting
    with a term form one range of the name index."""
    if alias not in _COLLATIONS:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            _COLLATIONS[alias] = cursor.fetchone()[0].split(".")[0] in ("C", "POSIX")
    return _COLLATIONS[alias]


_COLLATIONS: dict[str, bool] = {}


def name_prefix(term: str, *, vendor: str) -> tuple[Q, Q]:
    """``name`` contains ``term`` as (the name starts with it, it is in the name past the first
    character): a range of the name index, and the grams of ``SUBSTR(name, 2)`` (migration 0013)."""
    after = term[:-1] + chr(ord(term[-1]) + 1)
    starts = Q(name__gte=term, name__lt=after)
    inner = Func(F("name"), Value(2), function="SUBSTR", output_field=CharField())  # as indexed
    if vendor == "postgresql":
        return starts, Q(GramsContain(inner, Value(term)))
    return starts, Q(IContains(inner, term))


def entrepreneur_search(
    queryset: QuerySet,
    terms: Iterable[str],
    *,
    for_staff: bool = False,
    personal: bool | None = None,
    window: Window | None = None,
) -> QuerySet:
    """The entrepreneurs of ``queryset`` that match every one of ``terms`` in :data:`TEXT_FIELDS`.

    ``for_staff`` adds the names of founded enterprises to what a term may match, and whole ID-card
    and mobile numbers unless ``personal`` is false (staff without the personal-data permission:
    jining/personal.py). ``window``: the page the search is read for (see :func:`bounded_ids`).
    """
    terms, condition, prefix = entrepreneur_conditions(terms, for_staff=for_staff, personal=personal)
    return search(queryset, terms, condition, window=window, prefix=prefix)


def entrepreneur_conditions(terms: Iterable[str], *, for_staff: bool, personal: bool | None):
    """``(terms, condition, prefix)`` of :func:`entrepreneur_search`: the terms (a number typed in
    groups joined), each term's condition and its split by :func:`name_prefix`."""
    by_personal_data = for_staff if personal is None else personal
    if by_personal_data:
        terms = join_numbers(list(terms))

    def others(term, *, vendor):
        found = Q()
        if for_staff:
            found |= founded(term, vendor=vendor)
        if by_personal_data:
            found |= same_person(term)
        return found

    def condition(term, *, vendor):
        return any_contains(TEXT_FIELDS, term, vendor=vendor) | others(term, vendor=vendor)

    def prefix(term, *, vendor):
        starts, inside = name_prefix(term, vendor=vendor)
        columns = [field for field in TEXT_FIELDS if field != "name"]
        return starts, inside | any_contains(columns, term, vendor=vendor) | others(term, vendor=vendor)

    return list(terms), condition, prefix


def entrepreneur_few_ids(
    queryset: QuerySet,
    terms: Iterable[str],
    *,
    personal: bool,
    order: tuple,
    counted: QuerySet,
    up_to: int = 1000,
) -> tuple[list | None, int | None]:
    """Staff's search (as :func:`entrepreneur_search` with ``for_staff``): ``(ids, None)``, the ids
    of every match in ``queryset``, when the terms are rare and the matches at most ``up_to``; else
    ``(None, n)``, the rows of ``counted`` (a ``values("pk")`` slice: the changelist's capped quick
    count) counted in the same statement. PostgreSQL only. One statement: a walk of the first
    :data:`SHORT_WALK_ROWS` rows in ``order``; only if it found fewer than :data:`SHORT_WALK_DENSE`
    matches, at most ``up_to + 1`` of them from the indexes; only if those are not the answer, the
    count. The changelist then counts and pages the ids instead of reading the indexes twice."""
    terms, condition, _prefix = entrepreneur_conditions(terms, for_staff=True, personal=personal)
    terms = [term for term in terms if term]
    if not terms:
        return None, None
    tested = reduce(operator.and_, (condition(term, vendor="walk") for term in terms))
    indexed = reduce(operator.and_, (condition(term, vendor="postgresql") for term in terms))
    hit = ExpressionWrapper(tested, output_field=BooleanField())
    walk = queryset.annotate(search_hit=hit).order_by(*order).values("pk", "search_hit")[:SHORT_WALK_ROWS]
    walk_sql, walk_params = walk.query.sql_with_params()
    cap = queryset.filter(indexed).order_by().values("pk")[: int(up_to) + 1]
    cap_sql, cap_params = cap.query.sql_with_params()
    counted_sql, counted_params = counted.query.sql_with_params()
    dense, up_to = int(SHORT_WALK_DENSE), int(up_to)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"WITH short AS MATERIALIZED (SELECT w.pk FROM ({walk_sql}) w WHERE w.search_hit LIMIT {dense}), "
            f"few AS MATERIALIZED (SELECT CASE WHEN (SELECT COUNT(*) FROM short) < {dense} "
            f"THEN ARRAY({cap_sql}) END AS ids) "
            f"SELECT few.ids, CASE WHEN few.ids IS NULL OR cardinality(few.ids) > {up_to} "
            f"THEN (SELECT COUNT(*) FROM ({counted_sql}) c) END FROM few",
            [*walk_params, *cap_params, *counted_params],
        )
        ids, count = cursor.fetchone()
    return (ids, None) if count is None else (None, count)


def entrepreneur_search_beyond(
    queryset: QuerySet, terms: Iterable[str], *, personal: bool
) -> QuerySet | None:
    """For staff's search of one term: the entrepreneurs of ``queryset`` that match it only by the
    name of an enterprise they founded, not by what :func:`entrepreneur_search` matches without
    ``for_staff`` (with ``personal``). With those matches, they are every staff match, and none of
    them twice: the changelist counts the two apart, reading the text indexes once. None for
    several terms (a row may then match one term one way and another the other)."""
    terms = [term for term in (join_numbers(list(terms)) if personal else terms) if term]
    if len(terms) != 1:
        return None
    (term,) = terms
    vendor = connections[queryset.db].vendor
    partners = any_contains(TEXT_FIELDS, term, vendor=vendor)
    if personal:
        partners |= same_person(term)
    return queryset.filter(founded(term, vendor=vendor)).exclude(partners)


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
        window = view.search_window(request, queryset) if hasattr(view, "search_window") else None
        return entrepreneur_search(queryset, self.get_search_terms(request), window=window)
