"""The reported figures' viewset and the stats view (``/api/v1/stats/``), which reads the stored snapshot."""

import functools

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.response import Response

from incubators.models import Incubator, Indicator
from jining.api import lean
from jining.api.views import LeanViewSet, PartnerViewSet, check_known_params, check_query_string
from overview import filtersets
from overview.api import serializers
from overview.indicators import year_period
from overview.models import IndicatorValue, ReportedFigure
from overview.stats import current_stats


class ReportedFigureViewSet(PartnerViewSet):
    queryset = ReportedFigure.objects.select_related("incubator", "event_series", "event", "source")
    serializer_class = serializers.ReportedFigureSerializer
    filterset_class = filtersets.ReportedFigureFilterSet
    search_fields = ["key", "label", "scope_name", "source_quote"]
    ordering_fields = ["as_of", "period_start", "measure", "scope", "scope_name", "value", "key", "created"]


class StatsView(GenericAPIView):
    """The program's headline figures: each reported figure beside what the tracked records add up to.

    ``tracked`` is computed by the database for the same measure and scope (null when no kind of record
    in the system counts that measure); ``tracked_totals`` are overall totals of the records. Both come
    from the stats snapshot (``computed_at``, ``stale``), recomputed when records have changed.
    """

    queryset = ReportedFigure.objects.none()  # the permission: view reported figures
    serializer_class = serializers.StatsSerializer
    pagination_class = None
    filter_backends = []

    def initial(self, request, *args, **kwargs):
        check_query_string(request)
        super().initial(request, *args, **kwargs)
        check_known_params(request, self)

    renderer_classes = LeanViewSet.renderer_classes

    @extend_schema(operation_id="stats_retrieve")
    def get(self, request, *args, **kwargs):
        """The figures are read by the lean path (one query, their briefs joined) and given their
        stored ``tracked``; the rest goes through ``StatsSerializer``, whose schema they follow."""
        plan = lean.plan_for(serializers.ReportedFigureSerializer)
        stats = current_stats(rows=plan.rows(ReportedFigure.objects.all()), dashboard=False)
        render = plan.renderer(request)
        shape, tracked = stats_fields()
        figures = [
            render(row)
            | {
                "tracked": None if row["tracked"] is None else tracked.to_representation(row["tracked"]),
                "tracked_basis": row["tracked_basis"],
            }
            for row in stats["figures"]
        ]
        return Response({**shape.to_representation({**stats, "figures": []}), "figures": figures})


@functools.cache
def stats_fields():
    """A ``StatsSerializer`` and its figures' ``tracked`` field, built once: building a serializer's
    fields costs more than rendering every figure. Neither depends on the request (the figures'
    links, which do, are rendered by the lean plan)."""
    shape = serializers.StatsSerializer()
    return shape, shape.fields["figures"].child.fields["tracked"]


class IncubatorIndicatorsView(GenericAPIView):
    """A base's statutory indicators for a year (``?year=2019``; without it, the latest period
    computed), as the assessment job stored them (docs/indicators.md): counts and rates only, no
    personal data. 404 when the base is unknown or nothing was computed for it (for that year)."""

    queryset = Incubator.objects.all()  # the permission: view incubators
    serializer_class = serializers.IncubatorIndicatorsSerializer
    pagination_class = None
    filter_backends = []
    query_names = list(serializers.IndicatorsQuerySerializer().fields)

    def initial(self, request, *args, **kwargs):
        check_query_string(request)
        super().initial(request, *args, **kwargs)
        check_known_params(request, self)

    @extend_schema(
        operation_id="incubators_indicators_retrieve", parameters=[serializers.IndicatorsQuerySerializer]
    )
    def get(self, request, pk, *args, **kwargs):
        query = serializers.IndicatorsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        incubator = get_object_or_404(self.get_queryset(), pk=pk)
        stored = IndicatorValue.objects.filter(incubator=incubator)
        if query.validated_data.get("year") is not None:
            start, end = year_period(query.validated_data["year"])
        else:
            latest = (
                stored.order_by("-period_end", "-period_start")
                .values_list("period_start", "period_end")
                .first()
            )
            start, end = latest or (None, None)
        values = list(stored.filter(period_start=start, period_end=end)) if start else []
        if not values:
            raise NotFound(_("No indicators were computed for this base and period."))
        order = [code for code, _label in Indicator.choices]
        labels = dict(Indicator.choices)
        values.sort(
            key=lambda value: order.index(value.indicator) if value.indicator in order else len(order)
        )
        data = {
            "incubator": incubator,
            "period_start": start,
            "period_end": end,
            "computed_at": max(value.computed_at for value in values),
            "indicators": [
                {
                    "indicator": value.indicator,
                    "label": str(labels.get(value.indicator, value.indicator)),
                    "value": value.value,
                    "numerator": value.numerator,
                    "denominator": value.denominator,
                }
                for value in values
            ],
        }
        return Response(self.get_serializer(data).data)
