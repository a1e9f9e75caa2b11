"""FilterSets for event series, events and attendance (recipe: jining/filtersets.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Entrepreneur
from events.models import Attendance, Event, EventKind, EventSeries, Segment
from incubators.models import Incubator
from jining.filtersets import (
    DATE_LOOKUPS,
    NUMBER_LOOKUPS,
    BaseFilterSet,
    IsoDateFilter,
    MultiValueCharFilter,
    by_code,
    by_id,
)
from jining.models import Organisation


class EventSeriesFilterSet(BaseFilterSet):
    code = MultiValueCharFilter(label=_("Code"))
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices, label=_("Kind"))
    organiser_id = by_id("organiser", Organisation, _("Organiser (ID)"), distinct=False)
    organiser = by_code("organiser", Organisation, _("Organiser (code)"), distinct=False)
    incubator_id = by_id("host_incubator", Incubator, _("Host incubator (ID)"), distinct=False)
    incubator = by_code("host_incubator", Incubator, _("Host incubator (code)"), distinct=False)
    segment = by_code("segments", Segment, _("Has this programme segment (code)"))

    class Meta:
        model = EventSeries
        fields = ["code", "kind"]


class EventFilterSet(BaseFilterSet):
    series_id = by_id("series", EventSeries, _("Series (ID)"), distinct=False)
    series = by_code("series", EventSeries, _("Series (code)"), distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices, label=_("Kind"))
    organiser_id = by_id("organiser", Organisation, _("Organiser (ID)"), distinct=False)
    organiser = by_code("organiser", Organisation, _("Organiser (code)"), distinct=False)
    incubator_id = by_id("host_incubator", Incubator, _("Host incubator (ID)"), distinct=False)
    incubator = by_code("host_incubator", Incubator, _("Host incubator (code)"), distinct=False)
    township = MultiValueCharFilter(label=_("Township or sub-district"))
    segment = by_code("segments", Segment, _("Has this programme segment (code)"))
    attendee_id = by_id("attendees", Entrepreneur, _("Attended by (entrepreneur ID)"))

    class Meta:
        model = Event
        fields = {
            "start_date": DATE_LOOKUPS,
            "on_site": ["exact"],
            "live_streamed": ["exact"],
            "replay_available": ["exact"],
            "onsite_participants": NUMBER_LOOKUPS,
        }


class AttendanceFilterSet(BaseFilterSet):
    event_id = by_id("event", Event, _("Event (ID)"), distinct=False)
    entrepreneur_id = by_id("entrepreneur", Entrepreneur, _("Entrepreneur (ID)"), distinct=False)
    role = django_filters.MultipleChoiceFilter(choices=Attendance.Role.choices, label=_("Role"))
    series_id = by_id("event__series", EventSeries, _("Event series (ID)"), distinct=False)
    series = by_code("event__series", EventSeries, _("Event series (code)"), distinct=False)
    event_kind = django_filters.MultipleChoiceFilter(
        field_name="event__kind", choices=EventKind.choices, label=_("Kind of event"), distinct=False
    )
    incubator_id = by_id("event__host_incubator", Incubator, _("Host incubator (ID)"), distinct=False)
    incubator = by_code("event__host_incubator", Incubator, _("Host incubator (code)"), distinct=False)
    event_date__gte = IsoDateFilter(
        field_name="event__start_date", lookup_expr="gte", label=_("Event date on or after")
    )
    event_date__lte = IsoDateFilter(
        field_name="event__start_date", lookup_expr="lte", label=_("Event date on or before")
    )

    class Meta:
        model = Attendance
        fields = ["event_id", "entrepreneur_id", "role"]
