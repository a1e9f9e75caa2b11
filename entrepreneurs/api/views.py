"""Read-only viewsets for entrepreneurs, enterprises, support measures and financing."""

from django.db.models import OuterRef, Prefetch

from entrepreneurs import filtersets
from entrepreneurs.api import serializers
from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SpecialGroup, SupportMeasure
from events.models import Attendance
from incubators.models import Residency
from jining.aggregates import SubqueryCount, SubquerySum
from jining.api.views import PartnerViewSet


class EntrepreneurViewSet(PartnerViewSet):
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
        .annotate(event_count=SubqueryCount(Attendance.objects.filter(entrepreneur=OuterRef("pk"))))
    )
    serializer_class = serializers.EntrepreneurSerializer
    filterset_class = filtersets.EntrepreneurFilterSet
    search_fields = [
        "name",
        "name_pinyin",
        "name_romanised",
        "hometown_city",
        "hometown_county",
        "hometown_township",
        "prior_work_place",
        "prior_trade",
    ]
    ordering_fields = [
        "name",
        "name_romanised",
        "return_year",
        "birth_decade",
        "event_count",
        "created",
        "updated",
    ]


class EnterpriseViewSet(PartnerViewSet):
    queryset = (
        Enterprise.objects.select_related("source")
        .prefetch_related(
            "founders",
            Prefetch("residencies", queryset=Residency.objects.select_related("incubator")),
            "products",
            "figures",
        )
        .annotate(
            financing_count=SubqueryCount(Financing.objects.filter(enterprise=OuterRef("pk"))),
            financing_total=SubquerySum(Financing.objects.filter(enterprise=OuterRef("pk")), "amount"),
        )
    )
    serializer_class = serializers.EnterpriseSerializer
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
    filterset_class = filtersets.SupportMeasureFilterSet
    search_fields = ["description", "enterprise__name", "entrepreneur__name", "provider__name"]
    ordering_fields = ["date", "kind", "value_yuan", "created", "updated"]


class FinancingViewSet(PartnerViewSet):
    queryset = Financing.objects.select_related("enterprise", "borrower", "provider", "guarantor", "source")
    serializer_class = serializers.FinancingSerializer
    filterset_class = filtersets.FinancingFilterSet
    search_fields = ["enterprise__name", "borrower__name", "provider__name", "guarantor__name"]
    ordering_fields = ["date", "amount", "kind", "term_months", "created", "updated"]
