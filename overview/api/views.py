"""The reported figures' viewset and the stats view (``/api/v1/stats/``), which reads the stored snapshot."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from jining.api.views import PartnerViewSet, check_query_string
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

    @extend_schema(operation_id="stats_retrieve")
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(current_stats()).data)
