"""The reported figures' viewset and the stats view (``/api/v1/stats/``), which reads the stored snapshot."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from jining.api import lean
from jining.api.views import LeanViewSet, PartnerViewSet, check_query_string
from overview import filtersets
from overview.api import serializers
from overview.models import ReportedFigure
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

    renderer_classes = LeanViewSet.renderer_classes

    @extend_schema(operation_id="stats_retrieve")
    def get(self, request, *args, **kwargs):
        """The figures are read by the lean path (one query, their briefs joined) and given their
        stored ``tracked``; the rest goes through ``StatsSerializer``, whose schema they follow."""
        plan = lean.plan_for(serializers.ReportedFigureSerializer)
        stats = current_stats(rows=plan.rows(ReportedFigure.objects.all()), dashboard=False)
        render = plan.renderer(request)
        tracked = serializers.StatsFigureSerializer().fields["tracked"]
        figures = [
            render(row)
            | {
                "tracked": None if row["tracked"] is None else tracked.to_representation(row["tracked"]),
                "tracked_basis": row["tracked_basis"],
            }
            for row in stats["figures"]
        ]
        data = self.get_serializer({**stats, "figures": []}).data
        return Response({**data, "figures": figures})
