"""Read-only viewsets for entrepreneurs, enterprises, support measures and financing: the large lists,
read by the lean path (jining/api/lean.py)."""

from django.db.models import Prefetch, Q
from rest_framework.filters import SearchFilter
from rest_framework.settings import api_settings

from entrepreneurs import filtersets
from entrepreneurs.api import serializers
from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SpecialGroup, SupportMeasure
from entrepreneurs.search import TEXT_FIELDS, EntrepreneurSearchFilter, Window
from incubators.models import Residency
from jining.api.filters import StrictOrderingFilter
from jining.api.views import LeanViewSet
from jining.pagination import KeysetPagination, beyond


class EntrepreneurViewSet(LeanViewSet):
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
    lean_relations = {"public_special_groups": ("special_groups", Q(sensitive=False))}
    serializer_class = serializers.EntrepreneurSerializer
    pagination_class = KeysetPagination
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

    def search_window(self, request, queryset):
        """The page a ``?search=`` of the list is read for (``entrepreneurs.search.Window``), when the
        list is in the order of a text column: then a common term costs a page, not a sort of every
        match. None otherwise (every match is collected and sorted)."""
        if self.action != "list":
            return None
        ordering = StrictOrderingFilter().get_ordering(request, queryset, self)
        keys, _annotated = self.paginator.keys(queryset.order_by(*ordering) if ordering else queryset)
        if keys[0].name not in ("name", "name_romanised"):
            return None
        position, backwards = self.paginator.decode(request, keys)
        after = beyond(keys, position, backwards) if position is not None else Q()
        order = tuple(key.order(backwards) for key in keys)
        return Window(after, order, self.paginator.get_page_size(request) + 1)


class EnterpriseViewSet(LeanViewSet):
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


class SupportMeasureViewSet(LeanViewSet):
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


class FinancingViewSet(LeanViewSet):
    queryset = Financing.objects.select_related("enterprise", "borrower", "provider", "guarantor", "source")
    serializer_class = serializers.FinancingSerializer
    filterset_class = filtersets.FinancingFilterSet
    search_fields = ["enterprise__name", "borrower__name", "provider__name", "guarantor__name"]
    ordering_fields = ["date", "amount", "kind", "term_months", "created", "updated"]
