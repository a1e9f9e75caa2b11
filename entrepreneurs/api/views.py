"""Read-only viewsets for entrepreneurs, enterprises, support measures and financing."""

from django.db.models import Prefetch
from rest_framework.filters import SearchFilter
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from entrepreneurs import filtersets
from entrepreneurs.api import lean, serializers
from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SpecialGroup, SupportMeasure
from entrepreneurs.search import TEXT_FIELDS, EntrepreneurSearchFilter
from incubators.models import Residency
from jining.api.views import PartnerViewSet
from jining.pagination import KeysetPagination

#: Query parameters that select no rows and no order (pagination and format only).
UNFILTERED_PARAMS = {"cursor", "page_size", "format"}


class EntrepreneurViewSet(PartnerViewSet):
    """List and detail are read by the lean path (entrepreneurs/api/lean.py): one query per page.

    ``queryset`` and ``serializer_class`` remain the documented contract (schema, field set) that the
    lean rows reproduce exactly.
    """

    queryset = (
        Entrepreneur.objects.select_related("source")
        .prefetch_related(
            Prefetch(
                "special_groups",
                queryset=SpecialGroup.objects.filter(sensitive=False),
                to_attr="public_special_groups",
            ),
            "enterprises",
        )
        .with_event_count()
    )
    serializer_class = serializers.EntrepreneurSerializer
    pagination_class = KeysetPagination
    renderer_classes = [
        lean.ORJSONRenderer,
        *(r for r in api_settings.DEFAULT_RENDERER_CLASSES if not issubclass(r, JSONRenderer)),
    ]
    filterset_class = filtersets.EntrepreneurFilterSet
    # ?search= by entrepreneurs/search.py: indexed for one- and two-character terms too.
    filter_backends = [
        EntrepreneurSearchFilter if backend is SearchFilter else backend
        for backend in api_settings.DEFAULT_FILTER_BACKENDS
    ]
    search_fields = list(TEXT_FIELDS)
    ordering_fields = [
        "name",
        "name_romanised",
        "return_year",
        "birth_decade",
        "event_count",
        "created",
        "updated",
    ]

    def lean_base(self):
        return Entrepreneur.objects.with_event_count()

    def filtered(self):
        """The filtered entrepreneurs, and whether a to-many filter made them need DISTINCT."""
        if not set(self.request.query_params) - UNFILTERED_PARAMS:
            return self.lean_base(), False  # no filter, search or ordering asked for: skip the backends
        queryset = self.filter_queryset(self.lean_base())
        if queryset.query.distinct and len(queryset.query.alias_map) <= 1:
            queryset = queryset.all()  # no join: DISTINCT (set by a filter) cannot remove anything
            queryset.query.distinct = False
        return queryset, queryset.query.distinct

    def list(self, request, *args, **kwargs):
        queryset, distinct = self.filtered()
        page = self.paginator.page_queryset(queryset, request)
        if distinct:  # DISTINCT adds the ordering columns: read the page's ids, then their rows
            ids = list(page.values_list("pk", flat=True))
            page = self.lean_base().filter(pk__in=ids).order_by(*self.paginator.ordering)
        rows = self.paginator.paginate_rows(lean.lean_rows(page))
        render = lean.Renderer(request)
        return self.get_paginated_response([render(row) for row in rows])

    def retrieve(self, request, *args, **kwargs):
        queryset, distinct = self.filtered()
        if distinct:
            queryset = self.lean_base().filter(pk__in=queryset.order_by().values("pk"))
        lookup = self.lookup_url_kwarg or self.lookup_field
        row = get_object_or_404(lean.lean_rows(queryset.order_by()), pk=kwargs[lookup])
        return Response(lean.Renderer(request)(row))


class EnterpriseViewSet(PartnerViewSet):
    queryset = (
        Enterprise.objects.select_related("source")
        .prefetch_related(
            "founders",
            Prefetch("residencies", queryset=Residency.objects.select_related("incubator")),
            "products",
            "figures",
        )
        .with_financing_count()
        .with_financing_total()
    )
    serializer_class = serializers.EnterpriseSerializer
    pagination_class = KeysetPagination
    filterset_class = filtersets.EnterpriseFilterSet
    search_fields = ["name", "name_pinyin", "short_name", "name_en", "credit_code", "address", "description"]
    ordering_fields = [
        "name",
        "registration_year",
        "industry",
        "legal_form",
        "status",
        "financing_count",
        "financing_total",
        "created",
        "updated",
    ]


class SupportMeasureViewSet(PartnerViewSet):
    queryset = SupportMeasure.objects.select_related(
        "entrepreneur", "enterprise", "provider", "incubator", "source"
    )
    serializer_class = serializers.SupportMeasureSerializer
    pagination_class = KeysetPagination
    filterset_class = filtersets.SupportMeasureFilterSet
    search_fields = ["description", "enterprise__name", "entrepreneur__name", "provider__name"]
    ordering_fields = ["date", "kind", "value_yuan", "created", "updated"]

    def get_queryset(self):
        # Support that would reveal a person's sensitive group (残联's, given to a person) is not listed.
        return super().get_queryset().filter(SupportMeasure.partner_visible())


class FinancingViewSet(PartnerViewSet):
    queryset = Financing.objects.select_related("enterprise", "borrower", "provider", "guarantor", "source")
    serializer_class = serializers.FinancingSerializer
    filterset_class = filtersets.FinancingFilterSet
    search_fields = ["enterprise__name", "borrower__name", "provider__name", "guarantor__name"]
    ordering_fields = ["date", "amount", "kind", "term_months", "created", "updated"]
