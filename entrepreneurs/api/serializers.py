"""Serializers for entrepreneurs, enterprises, support measures and financing.

Personal data never reaches partners: the entrepreneur serializer lists what a partner may see and
nothing else. Not listed, on purpose: ID-card number, phone, exact date and year of birth (only the
decade), disability category and year, health notes, sensitive special groups, free-text stories
and source quotes about people, and the titles of media coverage of a person (any of these may
mention health, e.g. a video titled after the subject's wheelchair).
tests/api/test_personal_data.py pins this.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from entrepreneurs.models import (
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    Product,
    SpecialGroup,
    SupportMeasure,
)
from incubators.models import Incubator, Residency
from jining.api.serializers import PartnerSerializer, brief
from jining.models import Organisation, Source


class EntrepreneurSerializer(PartnerSerializer):
    special_groups = brief(
        SpecialGroup,
        many=True,
        linked=False,
        source="public_special_groups",
        help_text=_("Special groups that are not sensitive (sensitive ones are never shown)."),
    )
    enterprises = brief(Enterprise, many=True)
    event_count = serializers.IntegerField(read_only=True, help_text=_("Events attended."))
    source = brief(Source, null=True)

    class Meta:
        model = Entrepreneur
        fields = [
            "id",
            "url",
            "name",
            "name_romanised",
            "gender",
            "birth_decade",
            "hometown_city",
            "hometown_county",
            "hometown_township",
            "left_home_age",
            "prior_work_place",
            "prior_trade",
            "return_year",
            "education",
            "special_groups",
            "enterprises",
            "event_count",
            "source",
            "created",
            "updated",
        ]


class EnterpriseResidencySerializer(serializers.ModelSerializer):
    """Where the enterprise resides or resided (nested in the enterprise)."""

    incubator = brief(Incubator)

    class Meta:
        model = Residency
        fields = ["id", "incubator", "start_date", "end_date", "unit"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "name_en", "stage"]
        read_only_fields = fields


class EnterpriseFigureSerializer(serializers.ModelSerializer):
    """One yearly figure of the enterprise (employees, revenue, profit, online sales)."""

    class Meta:
        model = EnterpriseFigure
        fields = ["year", "measure", "value", "qualifier"]
        read_only_fields = fields


class EnterpriseSerializer(PartnerSerializer):
    founders = brief(Entrepreneur, many=True)
    residencies = EnterpriseResidencySerializer(many=True, read_only=True)
    products = ProductSerializer(many=True, read_only=True)
    figures = EnterpriseFigureSerializer(many=True, read_only=True)
    financing_count = serializers.IntegerField(read_only=True, help_text=_("Financing records."))
    financing_total = serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, help_text=_("Sum of financing amounts (yuan).")
    )
    source = brief(Source, null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "url",
            "name",
            "short_name",
            "name_en",
            "credit_code",
            "registration_year",
            "legal_form",
            "industry",
            "status",
            "founders",
            "residencies",
            "products",
            "figures",
            "address",
            "description",
            "financing_count",
            "financing_total",
            "source",
            "created",
            "updated",
        ]


class SupportMeasureSerializer(PartnerSerializer):
    entrepreneur = brief(Entrepreneur, null=True)
    enterprise = brief(Enterprise, null=True)
    provider = brief(Organisation, null=True)
    incubator = brief(Incubator, null=True)
    source = brief(Source, null=True)

    class Meta:
        model = SupportMeasure
        fields = [
            "id",
            "url",
            "entrepreneur",
            "enterprise",
            "kind",
            "provider",
            "incubator",
            "description",
            "date",
            "date_precision",
            "value_yuan",
            "partly_free",
            "period_start",
            "period_end",
            "source",
            "created",
            "updated",
        ]


class FinancingSerializer(PartnerSerializer):
    enterprise = brief(Enterprise)
    borrower = brief(Entrepreneur, null=True)
    provider = brief(Organisation, null=True)
    guarantor = brief(Organisation, null=True)
    source = brief(Source, null=True)

    class Meta:
        model = Financing
        fields = [
            "id",
            "url",
            "enterprise",
            "borrower",
            "kind",
            "amount",
            "date",
            "provider",
            "guarantor",
            "term_months",
            "source",
            "created",
            "updated",
        ]
