"""Serializers for incubators and residencies: literal field lists, brief nested relations."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from entrepreneurs.models import Enterprise, Entrepreneur
from incubators.models import Designation, Facility, Incubator, Residency, Service
from jining.api.serializers import PartnerSerializer, brief
from jining.models import Organisation, Source


class DesignationSerializer(serializers.ModelSerializer):
    """A title awarded to the incubator (nested in the incubator)."""

    awarded_by = brief(Organisation, null=True)

    class Meta:
        model = Designation
        fields = ["id", "title", "title_en", "level", "year", "awarded_by"]
        read_only_fields = fields


class FacilitySerializer(serializers.ModelSerializer):
    """A room or function area of the incubator (nested in the incubator)."""

    class Meta:
        model = Facility
        fields = ["id", "name", "name_en", "area_m2", "free_of_charge"]
        read_only_fields = fields


class IncubatorSerializer(PartnerSerializer):
    parent = brief(Incubator, null=True)
    operator = brief(Organisation, null=True)
    guiding_body = brief(Organisation, null=True)
    services = brief(Service, many=True, linked=False)
    designations = DesignationSerializer(many=True, read_only=True)
    facilities = FacilitySerializer(many=True, read_only=True)
    source = brief(Source, null=True)
    enterprise_count = serializers.IntegerField(
        read_only=True, help_text=_("Enterprises that reside or resided here (distinct).")
    )
    resident_count = serializers.IntegerField(
        read_only=True, help_text=_("Current residencies (no end date), enterprises and individuals.")
    )
    event_count = serializers.IntegerField(read_only=True, help_text=_("Events hosted here."))

    class Meta:
        model = Incubator
        fields = [
            "id",
            "url",
            "code",
            "name",
            "name_en",
            "kind",
            "parent",
            "host_building",
            "address",
            "area",
            "township",
            "land_area_mu",
            "building_area_m2",
            "free_area_m2",
            "service_zone_area_m2",
            "shop_count",
            "workstation_count",
            "service_agency_count",
            "mentor_count",
            "services",
            "facilities",
            "designations",
            "operator",
            "guiding_body",
            "established_year",
            "description",
            "enterprise_count",
            "resident_count",
            "event_count",
            "source",
            "source_quote",
            "created",
            "updated",
        ]


class ResidencySerializer(PartnerSerializer):
    """Who resides where. No source quote: residents may be people, and quotes about people are staff-only."""

    incubator = brief(Incubator)
    enterprise = brief(Enterprise, null=True)
    entrepreneur = brief(Entrepreneur, null=True)
    source = brief(Source, null=True)

    class Meta:
        model = Residency
        fields = [
            "id",
            "url",
            "incubator",
            "enterprise",
            "entrepreneur",
            "start_date",
            "start_precision",
            "end_date",
            "unit",
            "source",
            "created",
            "updated",
        ]
