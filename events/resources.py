"""Spreadsheet import and export of events with their attendance lists (see jining.importing).

One row per event; the 参加人员 column lists who attended, by name or ID-card number, separated
by 、 or ; . Re-importing the file updates the event matched by title + date and sets its
attendance to the list (people left off the list are removed, the roles of the others are kept);
an empty 参加人员 cell leaves the attendance as it is.
"""

from django.db.models import Q

from entrepreneurs.models import Entrepreneur
from entrepreneurs.resources import ENTREPRENEUR_KEYS, integer, text
from events.models import Event, EventKind, EventSeries
from incubators.models import Incubator
from jining.importing.resources import SpreadsheetResource, column
from jining.importing.widgets import ChoiceWidget, DateWidget, ListWidget, LookupWidget, YesNoWidget
from jining.models import Organisation


def yes_no(model, attribute):
    return column(model, attribute, YesNoWidget())


class EventResource(SpreadsheetResource):
    title = text(Event, "title")
    kind = column(Event, "kind", ChoiceWidget(EventKind.choices))
    start_date = column(Event, "start_date", DateWidget())
    end_date = column(Event, "end_date", DateWidget())
    series = column(Event, "series", LookupWidget(EventSeries, ("name", "code")))
    organiser = column(Event, "organiser", LookupWidget(Organisation))
    host_incubator = column(
        Event,
        "host_incubator",
        LookupWidget(Incubator, ("name", "code")),
    )
    venue = text(Event, "venue")
    township = text(Event, "township")
    on_site = yes_no(Event, "on_site")
    live_streamed = yes_no(Event, "live_streamed")
    replay_available = yes_no(Event, "replay_available")
    onsite_participants = integer(Event, "onsite_participants")
    online_views = integer(Event, "online_views")
    topic = text(Event, "topic")
    attendees = column(Event, "attendees", ListWidget(Entrepreneur, ENTREPRENEUR_KEYS))

    required_columns = ("活动名称", "日期")

    class Meta:
        model = Event
        fields = (
            "title",
            "kind",
            "start_date",
            "end_date",
            "series",
            "organiser",
            "host_incubator",
            "venue",
            "township",
            "on_site",
            "live_streamed",
            "replay_available",
            "onsite_participants",
            "online_views",
            "topic",
            "attendees",
        )
        export_order = fields

    def candidates(self, probes):
        return Q(title__in={probe.title for probe in probes if probe.title})

    def match(self, probe, index):
        if not probe.title:
            return None
        return index.one(title=probe.title, start_date=probe.start_date)
