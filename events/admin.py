"""Admin for event series, single events, their programme segments and who attended."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.models import Attendance, Event, EventSeries, Segment
from jining.admin import PROVENANCE_FIELDSET, RECORD_FIELDSET, JoinedInline, count_of


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_en")
    search_fields = ("name", "name_en", "code")
    readonly_fields = ("created", "updated")
    fields = ("code", "name", "name_en", "created", "updated")


class EventInline(admin.TabularInline):
    """A brief list of a series' events; the full event is edited on its own page."""

    model = Event
    fields = ("title", "kind", "organiser", "start_date", "township", "onsite_participants")
    autocomplete_fields = ("organiser",)
    extra = 0
    show_change_link = True


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organiser", "host_incubator", "event_count")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code", "description")
    list_select_related = ("organiser", "host_incubator")
    autocomplete_fields = ("organiser", "host_incubator", "segments", "source")
    readonly_fields = ("created", "updated")
    inlines = (EventInline,)
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "kind")}),
        (
            _("Organisers and programme"),
            {"fields": ("organiser", "host_incubator", "segments", "description")},
        ),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=count_of(Event, "series"))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


class AttendanceInline(JoinedInline):
    model = Attendance
    fields = ("entrepreneur", "role")
    autocomplete_fields = ("entrepreneur",)
    select_related = ("entrepreneur", "event")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "start_date",
        "kind",
        "series",
        "township",
        "on_site",
        "live_streamed",
        "onsite_participants",
        "online_views",
        "attendance_count",
    )
    list_filter = (
        "kind",
        ("series", admin.RelatedOnlyFieldListFilter),
        "on_site",
        "live_streamed",
        "replay_available",
        "township",
    )
    search_fields = ("title", "title_en", "topic", "venue", "township", "series__name")
    date_hierarchy = "start_date"
    list_select_related = ("series",)
    autocomplete_fields = ("series", "organiser", "host_incubator", "segments", "source")
    readonly_fields = ("created", "updated")
    inlines = (AttendanceInline,)
    fieldsets = (
        (None, {"fields": ("series", "title", "title_en", "kind", "organiser", "host_incubator", "topic")}),
        (
            _("Date and place"),
            {"fields": (("start_date", "date_precision", "end_date"), "venue", "township")},
        ),
        (
            _("Format and reach"),
            {
                "fields": (
                    ("on_site", "live_streamed", "replay_available"),
                    "segments",
                    ("onsite_participants", "online_views"),
                )
            },
        ),
        (_("Description"), {"fields": ("description",)}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendance_count=count_of(Attendance, "event"))

    @admin.display(description=_("recorded attendance"), ordering="attendance_count")
    def attendance_count(self, obj):
        return obj.attendance_count


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("entrepreneur", "event", "event_date", "role")
    list_filter = ("role", "event__kind", ("event__series", admin.RelatedOnlyFieldListFilter))
    search_fields = ("entrepreneur__name", "entrepreneur__name_romanised", "event__title")
    date_hierarchy = "event__start_date"
    list_select_related = ("entrepreneur", "event")
    autocomplete_fields = ("event", "entrepreneur")
    readonly_fields = ("created", "updated")
    fieldsets = ((None, {"fields": ("event", "entrepreneur", "role")}), RECORD_FIELDSET)

    @admin.display(description=_("date"), ordering="event__start_date")
    def event_date(self, obj):
        return obj.event.start_date
