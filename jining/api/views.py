"""Viewsets for organisations and sources, and the base every resource viewset shares.

Viewsets are short: the queryset mirrors the serializer (select_related for the briefs it renders,
prefetch_related for nested lists, annotations for counts).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.viewsets import ReadOnlyModelViewSet

from jining import filtersets
from jining.api import lean, serializers
from jining.models import Organisation, Source
from jining.pagination import KeysetPagination

#: Query parameters that select no rows and no order (pagination and format only).
UNFILTERED_PARAMS = {"cursor", "page", "page_size", "format"}


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


def known_params(view) -> set[str]:
    """The query parameters ``view`` reads: ``format``, its paginator's, its filters' names, and
    ``search`` and ``ordering`` where it has search and ordering fields; plus ``view.query_names``."""
    known = {api_settings.URL_FORMAT_OVERRIDE, *getattr(view, "query_names", ())}
    paginator = getattr(view, "paginator", None)
    for name in ("cursor_query_param", "page_query_param", "page_size_query_param"):
        if getattr(paginator, name, None):
            known.add(getattr(paginator, name))
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        known |= set(filterset_class.base_filters)
    if getattr(view, "search_fields", None):
        known.add(api_settings.SEARCH_PARAM)
    if getattr(view, "ordering_fields", None):
        known.add(api_settings.ORDERING_PARAM)
    return known


def check_known_params(request, view):
    """400 naming each query parameter that ``view`` does not read (a misspelt filter such as
    ``?return_year_min=`` would otherwise be ignored, and the whole list answered as if filtered)."""
    known = known_params(view)
    unknown = [name for name in request.GET if name not in known]
    if unknown:
        message = _("Unknown query parameter. Known here: %(known)s.") % {"known": ", ".join(sorted(known))}
        raise exceptions.ValidationError({name: [message] for name in unknown})


class PartnerViewSet(ReadOnlyModelViewSet):
    """Base of every resource: read-only list and detail, under the API policy set in settings."""

    def initial(self, request, *args, **kwargs):
        check_query_string(request)
        super().initial(request, *args, **kwargs)  # authenticated and allowed first: 401/403 before 400
        check_known_params(request, self)

    def filter_queryset(self, queryset):
        """DRF's, without django-filter's backend when the query names none of the filters (building
        and validating the filterset's form costs a millisecond a request, for nothing)."""
        filterset_class = getattr(self, "filterset_class", None)
        asked = filterset_class is None or not set(filterset_class.base_filters).isdisjoint(self.request.GET)
        for backend in self.filter_backends:
            if asked or not issubclass(backend, DjangoFilterBackend):
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset


class LeanViewSet(PartnerViewSet):
    """A resource whose list and detail are read by the lean path (jining/api/lean.py): one query
    per page, whatever the serializer nests, and the page encoded by orjson.

    ``queryset`` (its filter and annotations; its ``select_related`` and ``prefetch_related`` serve
    the schema only) and ``serializer_class`` stay the documented contract that the lean rows
    reproduce exactly; ``lean_relations`` names the relation behind a nested list whose source is a
    ``Prefetch``'s ``to_attr`` (see ``LeanPlan``).
    """

    lean_relations: dict = {}
    renderer_classes = [
        lean.ORJSONRenderer,
        *(r for r in api_settings.DEFAULT_RENDERER_CLASSES if not issubclass(r, JSONRenderer)),
    ]

    @classmethod
    def lean_plan(cls) -> lean.LeanPlan:
        return lean.plan_for(cls.serializer_class, tuple(cls.lean_relations.items()))

    def lean_queryset(self):
        """The filtered, searched and ordered rows, each once.

        A filter across a to-many relation asks for ``DISTINCT``, which cannot compare the JSON
        columns of the lean rows: the matching ids become a condition (``id IN (…)``) instead.
        """
        queryset = self.get_queryset()
        if not set(self.request.query_params) - UNFILTERED_PARAMS:
            return queryset  # no filter, search or ordering asked for: skip the backends
        filtered = self.filter_queryset(queryset)
        if not filtered.query.distinct:
            return filtered
        if len(filtered.query.alias_map) <= 1:  # no join: DISTINCT (set by a filter) removes nothing
            filtered = filtered.all()
            filtered.query.distinct = False
            return filtered
        ordering = filtered.query.order_by
        ids = filtered.order_by().values("pk")
        ids.query.distinct = False  # IN (…) is a semi-join: it has each row once anyway
        matching = queryset.filter(pk__in=ids)
        return matching.order_by(*ordering) if ordering else matching

    def list(self, request, *args, **kwargs):
        plan = self.lean_plan()
        queryset = self.lean_queryset()
        if isinstance(self.paginator, KeysetPagination):
            page = self.paginator.page_queryset(queryset, request)
            keys = [key.name for key in self.paginator.sort_keys if key.name not in plan.columns]
            rows = self.paginator.paginate_rows(plan.rows(page, *keys))
        else:
            rows = self.paginator.paginate_counted(plan.rows(queryset), request)
        render = plan.renderer(request)
        return self.get_paginated_response([render(row) for row in rows])

    def retrieve(self, request, *args, **kwargs):
        lookup = self.lookup_url_kwarg or self.lookup_field
        rows = self.lean_plan().rows(self.lean_queryset().order_by())
        row = get_object_or_404(rows, **{self.lookup_field: kwargs[lookup]})
        return Response(self.lean_plan().renderer(request)(row))


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
