"""Admin for event series, single events, their programme segments and who attended."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Entrepreneur
from events.models import Attendance, Event, EventSeries, Segment
from events.resources import EventResource
from events.services import attendance_add_many, attendance_resolve_names
from jining.admin import PROVENANCE_FIELDSET, RECORD_FIELDSET, JoinedInline
from jining.history import HistoryAdmin
from jining.importing.admin import SpreadsheetExportMixin, SpreadsheetImportExportMixin


@admin.register(Segment)
class SegmentAdmin(SpreadsheetExportMixin, HistoryAdmin):
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
class EventSeriesAdmin(SpreadsheetExportMixin, HistoryAdmin):
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
        return super().get_queryset(request).with_event_count()

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


class AttendanceInline(JoinedInline):
    model = Attendance
    fields = ("entrepreneur", "role")
    autocomplete_fields = ("entrepreneur",)
    select_related = ("entrepreneur", "event")


class EventAdminForm(forms.ModelForm):
    """The event form, with the quick-attendance fields: pick several entrepreneurs or paste a list."""

    quick_attendees = forms.ModelMultipleChoiceField(
        queryset=Entrepreneur.objects.all(),
        required=False,
        label=_("add attendees"),
        help_text=_("Type a name, pinyin or initials (e.g. zzj) and pick; several at once."),
        widget=AutocompleteSelectMultiple(Event._meta.get_field("attendees"), admin.site),
    )
    quick_attendee_list = forms.CharField(
        required=False,
        label=_("paste a list of attendees"),
        help_text=_(
            "One full name or ID-card number per line, or separated by 、 ， , or ;. "
            "Names that match nobody or several people are listed as an error and nothing is saved."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    quick_role = forms.ChoiceField(
        choices=Attendance.Role.choices,
        initial=Attendance.Role.PARTICIPANT,
        label=_("role of those added"),
    )

    class Meta:
        model = Event
        # The admin passes the fields of its fieldsets.
        fields = ["title"]

    def clean_quick_attendee_list(self):
        return attendance_resolve_names(text=self.cleaned_data.get("quick_attendee_list", ""))

    def quick_attendance(self) -> list[Entrepreneur]:
        """The entrepreneurs picked and pasted, each once."""
        picked = self.cleaned_data.get("quick_attendees") or []
        pasted = self.cleaned_data.get("quick_attendee_list") or []
        chosen = [*picked, *pasted]
        return list({entrepreneur.pk: entrepreneur for entrepreneur in chosen}.values())


@admin.register(Event)
class EventAdmin(SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [EventResource]
    form = EventAdminForm
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
        "attendee_count",
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

    def get_fieldsets(self, request, obj=None):
        quick = (
            _("Quick attendance"),
            {
                "fields": ("quick_attendees", "quick_attendee_list", "quick_role"),
                "description": _(
                    "Record several attendees in one step; those already recorded are skipped. "
                    "Each attendance counts as one person-time."
                ),
            },
        )
        return (*super().get_fieldsets(request, obj), quick)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        chosen = form.quick_attendance() if hasattr(form, "quick_attendance") else []
        if not chosen:
            return
        role = form.cleaned_data["quick_role"]
        added = attendance_add_many(event=form.instance, entrepreneurs=chosen, role=role)
        self.message_user(
            request,
            _("Recorded %(added)d attendee(s); %(skipped)d were already recorded.")
            % {"added": len(added), "skipped": len(chosen) - len(added)},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).with_attendee_count()

    @admin.display(description=_("recorded attendance"), ordering="attendee_count")
    def attendee_count(self, obj):
        return obj.attendee_count


@admin.register(Attendance)
class AttendanceAdmin(SpreadsheetExportMixin, HistoryAdmin):
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
