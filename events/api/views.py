"""Read-only viewsets for event series, events and attendance; querysets mirror the serializers."""

from events import filtersets
from events.api import serializers
from events.models import Attendance, Event, EventSeries
from jining.api.views import LeanViewSet, PartnerViewSet
from jining.pagination import KeysetPagination


class EventSeriesViewSet(PartnerViewSet):
    queryset = (
        EventSeries.objects.select_related("organiser", "host_incubator", "source")
        .prefetch_related("segments")
        .with_event_count()
        .with_attendance_count()
    )
    serializer_class = serializers.EventSeriesSerializer
    filterset_class = filtersets.EventSeriesFilterSet
    search_fields = ["code", "name", "name_en", "description"]
    ordering_fields = ["name", "code", "kind", "event_count", "attendance_count", "created", "updated"]


class EventViewSet(PartnerViewSet):
    queryset = (
        Event.objects.select_related("series", "organiser", "host_incubator", "source")
        .prefetch_related("segments")
        .with_attendee_count()
    )
    serializer_class = serializers.EventSerializer
    filterset_class = filtersets.EventFilterSet
    search_fields = ["title", "title_en", "venue", "township", "topic", "description", "series__name"]
    ordering_fields = [
        "start_date",
        "title",
        "kind",
        "township",
        "onsite_participants",
        "online_views",
        "attendee_count",
        "created",
        "updated",
    ]


class AttendanceViewSet(LeanViewSet):
    queryset = Attendance.objects.select_related("event", "entrepreneur")
    pagination_class = KeysetPagination
    serializer_class = serializers.AttendanceSerializer
    filterset_class = filtersets.AttendanceFilterSet
    search_fields = ["event__title", "entrepreneur__name"]
    ordering_fields = ["event__start_date", "role", "created", "updated"]
