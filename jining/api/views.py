"""Viewsets for organisations and sources, and the base every resource viewset shares.

Viewsets are short: the queryset mirrors the serializer (select_related for the briefs it renders,
prefetch_related for nested lists, annotations for counts).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.viewsets import ReadOnlyModelViewSet

from jining import filtersets
from jining.api import serializers
from jining.models import Organisation, Source


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

    def get_queryset(self):
        # Coverage of one person (《摇着轮椅的创业梦》) is about that person: not listed to partners.
        return super().get_queryset().filter(Source.partner_visible())
