"""Admin changelist building blocks shared by the apps.

An estimated-count paginator (no exact ``COUNT(*)`` over more than 10,000 rows on a page view), the
reading of a search's few ids once for the count and the page, and fixed-choice list filters that
never query the table for their choices (an "all values" filter reads the table to list them).
"""

import re

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from jining.aggregates import planned_rows


class Estimate(int):
    """A row count the database estimated, shown as such: "约 216,000" (a changelist's total)."""

    def __str__(self):
        return _("about %(count)s") % {"count": f"{int(self):,}"}


class EstimatedCountPaginator(Paginator):
    """Exact counts up to ``estimate_from`` rows; on PostgreSQL, beyond it, the planner's estimate.

    A changelist of 600,000 entrepreneurs, or of the 216,000 of one county, would otherwise run an
    exact ``COUNT(*)`` over all of them on every page view. Unfiltered, one query reads the table's
    estimate (``pg_class.reltuples``, kept by autovacuum/ANALYZE), or its exact count when it holds
    fewer than ``estimate_from`` rows. Filtered or searched, the planner's estimate of the matching
    rows comes first (``EXPLAIN``: planned, no row read); above ``estimate_from`` it is the count,
    else a second query counts at most ``estimate_from + 1`` matching rows, exact when fewer (when
    the planner was wrong by that much, the count is that lower bound). An estimate is an
    ``Estimate``, which the changelist shows as "约 216,000". Other databases (the SQLite of a
    single machine) count exactly.
    """

    estimate_from = 10_000

    #: What is counted, when not the listed rows themselves: ``(quick, full, beyond)`` for a search
    #: that reads only a page's candidates (entrepreneurs.admin.EntrepreneurAdmin.get_search_results).
    #: ``quick`` holds the conditions an index answers row by row (the text columns); when it alone
    #: has more than ``estimate_from`` rows, the count is an estimate; else ``full``, every match, is
    #: counted, or, when ``beyond`` is given (the rows of ``full`` that are not in ``quick``), the
    #: count is ``quick``'s plus ``beyond``'s (the text indexes are then read once, not twice). A
    #: number: the count itself, already known. A fourth item: ``quick``'s capped count, known.
    counted = None

    @cached_property
    def count(self):
        if isinstance(self.counted, int):  # already known (a rare term's few matches, read once)
            return self.counted
        if self.counted is not None:
            return self.search_count(*self.counted)
        query = getattr(self.object_list, "query", None)
        if connection.vendor != "postgresql" or query is None:
            return super().count
        if not query.where and not query.distinct:
            return self.table_count(query.model)
        planned = self.planned_rows(self.object_list.order_by())
        if planned > self.estimate_from:
            return Estimate(planned)
        counted = self.capped_count(self.object_list)
        return counted if counted <= self.estimate_from else Estimate(counted)

    def search_count(self, quick, full, beyond=None, quick_count=None):
        # The planner's estimates of text conditions can be far off (张伟: 13,915 for 465), so count
        # first, and estimate only what is more than the cap.
        # One statement: ``full`` (or ``beyond``) is counted only when ``quick`` is at most the cap
        # (PostgreSQL runs a subquery in a CASE branch only when the branch is taken). When
        # ``quick_count`` (the capped count of ``quick``) is already known, it is not counted again.
        if connection.vendor != "postgresql":
            return full.count()
        if quick_count is not None and quick_count > self.estimate_from:
            return Estimate(max(quick_count, self.planned_rows(quick.order_by())))
        if quick_count is None:
            quick_sql, quick_params = self.capped(quick).query.sql_with_params()
            quick_from = f"(SELECT COUNT(*) AS n FROM ({quick_sql}) q)"
        else:
            quick_from, quick_params = "(SELECT %s::bigint AS n)", [quick_count]
        if beyond is None:
            rest, (rest_sql, rest_params) = "", self.capped(full).query.sql_with_params()
        else:
            rest, (rest_sql, rest_params) = "quick.n + ", self.capped(beyond).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT quick.n, CASE WHEN quick.n <= %s "
                f"THEN {rest}(SELECT COUNT(*) FROM ({rest_sql}) f) END FROM {quick_from} quick",
                [self.estimate_from, *rest_params, *quick_params],
            )
            quick_count, full_count = cursor.fetchone()
        if full_count is None:
            return Estimate(max(quick_count, self.planned_rows(quick.order_by())))
        return full_count if full_count <= self.estimate_from else Estimate(full_count)

    @classmethod
    def capped(cls, rows):
        """The ids of ``rows``, at most ``estimate_from + 1`` of them."""
        return rows.order_by().values("pk")[: cls.estimate_from + 1]

    def capped_count(self, rows) -> int:
        """The rows of ``rows``, counted up to ``estimate_from + 1``."""
        return self.capped(rows).count()

    def table_count(self, model):
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint "
                f"ELSE (SELECT COUNT(*) FROM {table}) END "
                "FROM pg_class WHERE oid = %s::regclass",
                [self.estimate_from, model._meta.db_table],
            )
            row = cursor.fetchone()
        if row is None:
            return super().count
        return Estimate(row[0]) if row[0] >= self.estimate_from else row[0]

    @staticmethod
    def planned_rows(queryset) -> int:
        """The planner's estimate of the rows of ``queryset`` (planned, not run)."""
        return planned_rows(queryset)


def read_ids_if_few(queryset, found, *, up_to=1000):
    """``found`` (``queryset`` narrowed by a search) as the changelist will use it: counted, then paged.

    When it holds at most ``up_to`` rows, their ids are read once here, and the count and the page
    look them up by primary key, instead of each running the search again.
    """
    if found is queryset:
        return found
    ids = list(found.order_by().values_list("pk", flat=True)[: up_to + 1])
    return found if len(ids) > up_to else queryset.filter(pk__in=ids)


# --- list filters with fixed choices: no query to list them (an "all values" filter reads the table) ---

#: Value of a fixed-choice filter for rows where the field is empty.
NOT_RECORDED = "none"


class FixedChoiceFilter(admin.SimpleListFilter):
    """A list filter whose choices are known in advance, so that listing them runs no query.

    ``parameter_name`` is the field's name: a plain ``?field=value`` (an exact value, as in links
    made before these filters) still filters, even when the value is not one of the choices.
    """

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(self.condition(value))

    def condition(self, value: str) -> Q:
        raise NotImplementedError


class NumberChoiceFilter(FixedChoiceFilter):
    """Fixed choices on a whole-number column (a year, a decade): a value is the number itself.

    ``NOT_RECORDED`` is the rows where the column is empty; a value that is neither is refused.
    """

    def condition(self, value):
        field = self.parameter_name
        if value == NOT_RECORDED:
            return Q(**{f"{field}__isnull": True})
        if re.fullmatch(r"\d{1,4}", value, re.ASCII):
            return Q(**{field: int(value)})
        raise IncorrectLookupParameters(value)


class YearRangeFilter(NumberChoiceFilter):
    """Every year one by one back to ``first_single_year``, the years before it together.

    In 2026: 2026, 2025 … 2005, 2004 and earlier, not recorded, so that a list of one year's
    returnees (2019年返乡人员) is one click. Values are a year (``2021``) or a span (``2015-2019``,
    ``-2004``; spans made by earlier versions of the filter still work): each a range of the
    (indexed) year column.
    """

    first_single_year = 2005  # the years before it are one choice

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        first = min(self.first_single_year, this_year)
        choices = [(str(year), str(year)) for year in range(this_year, first - 1, -1)]
        choices.append((f"-{first - 1}", _("%(year)s and earlier") % {"year": first - 1}))
        choices.append((NOT_RECORDED, _("not recorded")))
        return choices

    def condition(self, value):
        span = re.fullmatch(r"(\d{4})?-(\d{4})?", value, re.ASCII)
        if span:
            field = self.parameter_name
            start, end = span.groups()
            bounds = {f"{field}__gte": start, f"{field}__lte": end}
            return Q(**{lookup: int(year) for lookup, year in bounds.items() if year})
        return super().condition(value)
