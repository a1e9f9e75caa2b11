"""Correlated-subquery aggregates, for counts and sums that do not multiply through joins.

``annotate(n=Count("a"), m=Count("b"))`` joins both relations and counts their product;
``SubqueryCount(qs)`` runs one scalar subquery per aggregate instead, on SQLite and PostgreSQL alike.
The queryset passed in is filtered with ``OuterRef`` to the row being annotated.
"""

from django.db import models


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
