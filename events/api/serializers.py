"""Serializers for event series, events and attendance: literal field lists, brief nested relations."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from entrepreneurs.models import Entrepreneur
from events.models import Attendance, Event, EventSeries, Segment
from incubators.models import Incubator
from jining.api.serializers import PartnerSerializer, brief
from jining.models import Organisation, Source


class EventSeriesSerializer(PartnerSerializer):
    organiser = brief(Organisation)
    host_incubator = brief(Incubator, null=True)
    segments = brief(Segment, many=True, linked=False)
    event_count = serializers.IntegerField(read_only=True, help_text=_("Events recorded in the series."))
    attendance_count = serializers.IntegerField(
        read_only=True, help_text=_("Attendance records (person-times) over the series' events.")
    )
    source = brief(Source, null=True)

    class Meta:
        model = EventSeries
        fields = [
            "id",
            "url",
            "code",
            "name",
            "name_en",
            "kind",
            "organiser",
            "host_incubator",
            "segments",
            "description",
            "event_count",
            "attendance_count",
            "source",
            "source_quote",
            "created",
            "updated",
        ]


class EventSerializer(PartnerSerializer):
    series = brief(EventSeries, null=True)
    organiser = brief(Organisation)
    host_incubator = brief(Incubator, null=True)
    segments = brief(Segment, many=True, linked=False)
    attendee_count = serializers.IntegerField(
        read_only=True, help_text=_("Attendance records for this event (tracked attendees).")
    )
    source = brief(Source, null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "series",
            "title",
            "title_en",
            "kind",
            "organiser",
            "host_incubator",
            "start_date",
            "date_precision",
            "end_date",
            "venue",
            "township",
            "on_site",
            "live_streamed",
            "replay_available",
            "segments",
            "onsite_participants",
            "online_views",
            "topic",
            "description",
            "attendee_count",
            "source",
            "source_quote",
            "created",
            "updated",
        ]


class AttendanceSerializer(PartnerSerializer):
    event = brief(Event)
    entrepreneur = brief(Entrepreneur)

    class Meta:
        model = Attendance
        fields = ["id", "url", "event", "entrepreneur", "role", "created", "updated"]
