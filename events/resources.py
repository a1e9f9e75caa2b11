"""Spreadsheet import and export of events with their attendance lists (see jining.importing).

One row per event; the 参加人员 column lists who attended, by name or ID-card number, separated
by 、 or ; . Re-importing the file updates the event matched by title + date and sets its
attendance to the list (people left off the list are removed, the roles of the others are kept);
an empty 参加人员 cell leaves the attendance as it is.
"""

from django.db.models import Q
from import_export.fields import Field

from entrepreneurs.models import Entrepreneur
from entrepreneurs.resources import ENTREPRENEUR_KEYS, integer, text
from events.models import Event, EventKind, EventSeries
from incubators.models import Incubator
from jining.importing.resources import SpreadsheetResource
from jining.importing.widgets import DateWidget, ListWidget, LookupWidget, YesNoWidget, choice_field
from jining.models import Organisation


def yes_no(attribute, column_name):
    return Field(attribute=attribute, column_name=column_name, widget=YesNoWidget())


class EventResource(SpreadsheetResource):
    title = text("title", "活动名称")
    kind = choice_field("kind", "活动类型", EventKind.choices)
    start_date = Field(attribute="start_date", column_name="日期", widget=DateWidget())
    end_date = Field(attribute="end_date", column_name="结束日期", widget=DateWidget())
    series = Field(
        attribute="series", column_name="所属系列", widget=LookupWidget(EventSeries, ("name", "code"))
    )
    organiser = Field(attribute="organiser", column_name="主办单位", widget=LookupWidget(Organisation))
    host_incubator = Field(
        attribute="host_incubator",
        column_name="承办孵化载体",
        widget=LookupWidget(Incubator, ("name", "code")),
    )
    venue = text("venue", "地点")
    township = text("township", "乡镇（街道）")
    on_site = yes_no("on_site", "现场举办")
    live_streamed = yes_no("live_streamed", "网络直播")
    replay_available = yes_no("replay_available", "可看回放")
    onsite_participants = integer("onsite_participants", "现场参加人数")
    online_views = integer("online_views", "线上观看人次")
    topic = text("topic", "主题")
    attendees = Field(
        attribute="attendees", column_name="参加人员", widget=ListWidget(Entrepreneur, ENTREPRENEUR_KEYS)
    )

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
