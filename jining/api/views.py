"""Viewsets for organisations, sources and reported figures; the base every resource viewset shares;
and the stats view.

Viewsets are short: the queryset mirrors the serializer (select_related for the briefs it renders,
prefetch_related for nested lists, annotations for counts).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from jining import filtersets
from jining.api import serializers
from jining.models import Organisation, ReportedFigure, Source
from jining.stats import current_stats


class QueryStringTooLong(exceptions.APIException):
    status_code = 414
    default_detail = _("The query string is too long.")
    default_code = "query_too_long"


def check_query_string(request):
    """Refuse absurd query strings before anything parses them: 414 past ``API_MAX_QUERY_STRING``
    characters (e.g. 5 MB), 400 for NUL characters (PostgreSQL cannot take them in a string)."""
    length = len(request.META.get("QUERY_STRING", ""))
    if length > settings.API_MAX_QUERY_STRING:
        raise QueryStringTooLong(
            _("The query string is too long (%(length)d characters; at most %(max)d).")
            % {"length": length, "max": settings.API_MAX_QUERY_STRING}
        )
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise exceptions.ValidationError({name: [_("Null characters are not allowed.")]})


class PartnerViewSet(ReadOnlyModelViewSet):
    """Base of every resource: read-only list and detail, under the API policy set in settings."""

    def initial(self, request, *args, **kwargs):
        check_query_string(request)
        super().initial(request, *args, **kwargs)


class OrganisationViewSet(PartnerViewSet):
    queryset = Organisation.objects.select_related("parent")
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["name", "code", "kind", "created", "updated"]


class SourceViewSet(PartnerViewSet):
    queryset = Source.objects.select_related("cited_in")
    serializer_class = serializers.SourceSerializer
    filterset_class = filtersets.SourceFilterSet
    search_fields = ["code", "title", "publisher", "authors"]
    ordering_fields = ["published_on", "title", "publisher", "created", "updated"]


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
        return Response(self.get_serializer(current_stats(trigger="api")).data)
