"""Admin for incubators and platforms: their facilities, designations and residents."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incubators.models import (
    Capacity,
    Designation,
    Facility,
    Incubator,
    Mentor,
    MentoringSession,
    Residency,
    RuleSet,
    Service,
    Threshold,
)
from jining.admin import PROVENANCE_FIELDSET, RECORD_FIELDSET, JoinedInline
from jining.history import HistoryAdmin
from jining.importing.admin import SpreadsheetExportMixin


class CurrentResidencyFilter(admin.SimpleListFilter):
    title = _("residency status")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return (("yes", _("current")), ("no", _("ended")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.ended()
        return queryset


@admin.register(Service)
class ServiceAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("name", "code", "name_en", "incubator_count")
    search_fields = ("name", "name_en", "code")
    readonly_fields = ("created", "updated")
    fields = ("code", "name", "name_en", "created", "updated")

    def get_queryset(self, request):
        return super().get_queryset(request).with_incubator_count()

    @admin.display(description=_("incubators offering it"), ordering="incubator_count")
    def incubator_count(self, obj):
        return obj.incubator_count


class FacilityInline(JoinedInline):
    model = Facility
    fields = ("name", "name_en", "area_m2", "free_of_charge")
    select_related = ("incubator",)


class DesignationInline(JoinedInline):
    model = Designation
    fields = ("title", "level", "year", "awarded_by", "source")
    autocomplete_fields = ("awarded_by", "source")
    select_related = ("incubator",)


class ResidencyInline(JoinedInline):
    model = Residency
    fields = ("enterprise", "entrepreneur", "start_date", "start_precision", "end_date", "unit")
    autocomplete_fields = ("enterprise", "entrepreneur")
    select_related = ("incubator", "enterprise", "entrepreneur")
    show_change_link = True


@admin.register(Incubator)
class IncubatorAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = (
        "name",
        "kind",
        "parent",
        "township",
        "operator",
        "established_year",
        "resident_count",
        "residency_count",
    )
    list_filter = ("kind", "township", "established_year", "services")
    search_fields = ("name", "name_en", "code", "host_building", "address", "area", "township")
    list_select_related = ("parent", "operator")
    autocomplete_fields = ("parent", "operator", "guiding_body", "services", "source")
    readonly_fields = ("created", "updated")
    inlines = (FacilityInline, DesignationInline, ResidencyInline)
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "kind", "parent", "established_year")}),
        (_("Operation"), {"fields": ("operator", "guiding_body", "services")}),
        (_("Location"), {"fields": ("host_building", "address", "area", "township")}),
        (
            _("Size and capacity"),
            {
                "fields": (
                    ("land_area_mu", "building_area_m2"),
                    ("free_area_m2", "service_zone_area_m2"),
                    ("shop_count", "workstation_count"),
                    ("service_agency_count", "mentor_count"),
                )
            },
        ),
        (_("Description"), {"fields": ("description",)}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_resident_count().with_residency_count()

    @admin.display(description=_("current residents"), ordering="resident_count")
    def resident_count(self, obj):
        return obj.resident_count

    @admin.display(description=_("residencies (all time)"), ordering="residency_count")
    def residency_count(self, obj):
        return obj.residency_count


@admin.register(Facility)
class FacilityAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("name", "incubator", "area_m2", "free_of_charge")
    list_filter = ("free_of_charge", ("incubator", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "name_en", "incubator__name")
    list_select_related = ("incubator",)
    autocomplete_fields = ("incubator",)
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("incubator", "name", "name_en", "area_m2", "free_of_charge")}),
        RECORD_FIELDSET,
    )


@admin.register(Designation)
class DesignationAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("title", "incubator", "level", "year", "awarded_by")
    list_filter = ("level", "year")
    search_fields = ("title", "title_en", "incubator__name", "awarded_by__name")
    list_select_related = ("incubator", "awarded_by")
    autocomplete_fields = ("incubator", "awarded_by", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("incubator", "title", "title_en", "level", "year", "awarded_by")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )


@admin.register(Residency)
class ResidencyAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = (
        "resident",
        "incubator",
        "start_date",
        "agreement_end",
        "end_date",
        "exit_kind",
        "is_current",
    )
    list_filter = (
        CurrentResidencyFilter,
        ("incubator", admin.RelatedOnlyFieldListFilter),
        "exit_kind",
        "start_precision",
    )
    search_fields = (
        "enterprise__name",
        "enterprise__short_name",
        "entrepreneur__name",
        "incubator__name",
        "unit",
    )
    date_hierarchy = "start_date"
    list_select_related = ("incubator", "enterprise", "entrepreneur")
    autocomplete_fields = ("incubator", "enterprise", "entrepreneur", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("incubator", "enterprise", "entrepreneur", "unit", "workstations", "area_m2")}),
        (
            _("Period"),
            {"fields": ("start_date", "start_precision", "agreement_end", "end_date", "exit_kind")},
        ),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    @admin.display(description=_("resident"))
    def resident(self, obj):
        return obj.enterprise or obj.entrepreneur

    @admin.display(description=_("current"), boolean=True)
    def is_current(self, obj):
        return obj.end_date is None or obj.end_date >= timezone.localdate()


@admin.register(Capacity)
class CapacityAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("incubator", "as_of", "workstations", "area_m2")
    list_filter = (("incubator", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("incubator__name",)
    list_select_related = ("incubator",)
    autocomplete_fields = ("incubator", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("incubator", "as_of", "workstations", "area_m2")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )


class MentoringSessionInline(admin.TabularInline):
    model = MentoringSession
    fields = ("date", "enterprise", "entrepreneur", "topic")
    autocomplete_fields = ("enterprise", "entrepreneur")
    extra = 0


@admin.register(Mentor)
class MentorAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("name", "incubator", "field", "organisation", "start_date", "end_date")
    list_filter = (("incubator", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "field", "organisation", "incubator__name")
    list_select_related = ("incubator",)
    autocomplete_fields = ("incubator",)
    readonly_fields = ("created", "updated")
    fields = ("incubator", "name", "field", "organisation", "start_date", "end_date", "created", "updated")
    inlines = [MentoringSessionInline]


@admin.register(MentoringSession)
class MentoringSessionAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("date", "mentor", "enterprise", "entrepreneur", "topic")
    list_filter = (("mentor__incubator", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("mentor__name", "enterprise__name", "entrepreneur__name", "topic")
    date_hierarchy = "date"
    list_select_related = ("mentor", "enterprise", "entrepreneur")
    autocomplete_fields = ("mentor", "enterprise", "entrepreneur")
    readonly_fields = ("created", "updated")
    fields = ("mentor", "date", "enterprise", "entrepreneur", "topic", "created", "updated")


@admin.register(Threshold)
class ThresholdAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("rule_set", "indicator", "comparison", "value", "note")
    list_filter = ("indicator", "rule_set")
    search_fields = ("rule_set__name", "note")
    list_select_related = ("rule_set",)
    autocomplete_fields = ("rule_set",)
    readonly_fields = ("created", "updated")
    fields = ("rule_set", "indicator", "comparison", "value", "note", "created", "updated")


class ThresholdInline(admin.TabularInline):
    model = Threshold
    fields = ("indicator", "comparison", "value", "note")
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("name", "level", "region", "effective_from", "effective_to", "source")
    list_filter = ("level",)
    search_fields = ("name", "code", "region")
    list_select_related = ("source",)
    autocomplete_fields = ("source",)
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("code", "name", "level", "region", "effective_from", "effective_to")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )
    inlines = [ThresholdInline]
