"""Correlated-subquery aggregates, for counts and sums that do not multiply through joins.

``annotate(n=Count("a"), m=Count("b"))`` joins both relations and counts their product;
``SubqueryCount(qs)`` runs one scalar subquery per aggregate instead, on SQLite and PostgreSQL alike.
The queryset passed in is filtered with ``OuterRef`` to the row being annotated. And the planner's
estimate of a queryset's rows (``planned_rows``), for choosing how to count or read it.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db import connections, models


def planned_rows(queryset) -> int:
    """The planner's estimate of the rows of ``queryset`` (``EXPLAIN (FORMAT JSON)``: planned, not
    run; PostgreSQL)."""
    try:
        sql, params = queryset.values("pk").query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (an empty id list): no row
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class SubqueryCount(models.Subquery):
    """Number of rows of ``queryset``; pass ``queryset.values(col).distinct()`` to count distinct values."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = models.IntegerField()

    def __init__(self, queryset, **extra):
        if not queryset.query.values_select:
            queryset = queryset.values("pk")
        super().__init__(queryset.order_by(), **extra)


class SubquerySum(models.Subquery):
    """Sum of ``column`` over ``queryset`` (0 when no row matches)."""

    template = "(SELECT COALESCE(SUM(_value), 0) FROM (%(subquery)s) _sum)"

    def __init__(self, queryset, column, output_field=None, **extra):
        output_field = output_field or models.DecimalField(max_digits=18, decimal_places=2)
        queryset = queryset.order_by().values(_value=models.F(column))
        super().__init__(queryset, output_field=output_field, **extra)


def count_of(model, fk: str, *conditions, **filters) -> SubqueryCount:
    """Count ``model`` rows whose ``fk`` points at the row being annotated (0 if none)."""
    return SubqueryCount(model.objects.filter(*conditions, **{fk: models.OuterRef("pk")}, **filters))


def sum_of(model, fk: str, field: str, *conditions, **filters) -> SubquerySum:
    """Sum ``model.field`` over the rows whose ``fk`` points at the row being annotated (0 if none)."""
    return SubquerySum(model.objects.filter(*conditions, **{fk: models.OuterRef("pk")}, **filters), field)
