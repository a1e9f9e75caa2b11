"""Read-only viewsets for incubators and residencies; querysets mirror the serializers."""

from django.db.models import Prefetch

from incubators import filtersets
from incubators.api import serializers
from incubators.models import Designation, Incubator, Residency
from jining.api.views import PartnerViewSet


class IncubatorViewSet(PartnerViewSet):
    queryset = (
        Incubator.objects.select_related("parent", "operator", "guiding_body", "source")
        .prefetch_related(
            "services",
            "facilities",
            Prefetch("designations", queryset=Designation.objects.select_related("awarded_by")),
        )
        .with_enterprise_count()
        .with_resident_count()
        .with_event_count()
    )
    serializer_class = serializers.IncubatorSerializer
    filterset_class = filtersets.IncubatorFilterSet
    search_fields = ["code", "name", "name_en", "host_building", "address", "township", "description"]
    ordering_fields = [
        "name",
        "code",
        "kind",
        "township",
        "established_year",
        "enterprise_count",
        "resident_count",
        "event_count",
        "created",
        "updated",
    ]


class ResidencyViewSet(PartnerViewSet):
    queryset = Residency.objects.select_related("incubator", "enterprise", "entrepreneur", "source")
    serializer_class = serializers.ResidencySerializer
    filterset_class = filtersets.ResidencyFilterSet
    search_fields = ["incubator__name", "enterprise__name", "entrepreneur__name", "unit"]
    ordering_fields = ["start_date", "end_date", "created", "updated"]
