"""Admin of what reads every app: reported figures, the stats snapshot (its add page recomputes it),
and sources with the figures taken from them."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jining.admin import RECORD_FIELDSET
from jining.aggregates import count_of
from jining.formatting import qualified_value
from jining.history import HistoryAdmin
from jining.importing.admin import SpreadsheetExportMixin
from jining.jobs import job_start
from jining.models import Source
from overview.models import ReportedFigure, StatsSnapshot
from overview.tasks import KIND as STATS_REFRESH_KIND
from overview.tasks import stats_refresh_task


def figure_text(figure: ReportedFigure) -> str:
    """A reported figure as the source put it: 'over 6,267 person-times', 'nearly 10%'."""
    if figure.unit == ReportedFigure.Unit.PERCENT:
        return qualified_value(figure.value, figure.qualifier) + "%"
    return qualified_value(figure.value, figure.qualifier, figure.get_unit_display())


class ReportedFigureInline(admin.TabularInline):
    """The figures taken from a source, readable from the source; they are edited on their own page."""

    model = ReportedFigure
    fk_name = "source"
    fields = ("key", "scope_name", "label", "figure", "as_of")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("reported figure from this source")
    verbose_name_plural = _("reported figures from this source")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("figure"))
    def figure(self, obj):
        return figure_text(obj)


@admin.register(Source)
class SourceAdmin(SpreadsheetExportMixin, HistoryAdmin):
    # A web address typed without a scheme is taken as https:// (the Django 6 default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "publisher", "kind", "published_on", "cited_in", "figure_count")
    list_filter = ("kind", "published_precision", "publisher")
    search_fields = ("title", "publisher", "authors", "code", "url")
    date_hierarchy = "published_on"
    list_select_related = ("cited_in",)
    autocomplete_fields = ("cited_in",)
    readonly_fields = ("created", "updated")
    inlines = (ReportedFigureInline,)
    fieldsets = (
        (None, {"fields": ("code", "kind", "title", "publisher", "authors")}),
        (_("Publication"), {"fields": ("published_on", "published_precision", "url", "cited_in")}),
        (_("Full text"), {"fields": ("text",), "classes": ("collapse",)}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(figure_count=count_of(ReportedFigure, "source"))

    @admin.display(description=_("reported figures"), ordering="figure_count")
    def figure_count(self, obj):
        return obj.figure_count


@admin.register(ReportedFigure)
class ReportedFigureAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("scope_name", "label", "figure", "as_of", "source")
    list_display_links = ("scope_name", "label")
    list_filter = ("scope", "measure", "unit", "qualifier")
    search_fields = ("key", "label", "scope_name", "source_quote", "source__title")
    date_hierarchy = "as_of"
    list_select_related = ("source",)
    autocomplete_fields = ("incubator", "event_series", "event", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("key", "measure", "label")}),
        (_("Figure"), {"fields": ("value", "unit", "qualifier", "period_start", "as_of")}),
        (_("Scope"), {"fields": ("scope", "scope_name", "incubator", "event_series", "event")}),
        (_("Provenance"), {"fields": ("source", "source_quote")}),
        RECORD_FIELDSET,
    )

    @admin.display(description=_("figure"), ordering="value")
    def figure(self, obj):
        return figure_text(obj)


#: Who may recompute the stats snapshot (the dashboard's button, ``StatsSnapshotAdmin``'s add page):
#: staff who may change reported figures, i.e. the bureau editors and superusers. A refresh changes
#: no program data, but at province scale it keeps the database busy for seconds, and view-only staff
#: write nothing through the admin; ``refresh_stats`` (cron) recomputes the snapshot anyway.
STATS_REFRESH_PERMISSION = "overview.change_reportedfigure"


@admin.register(StatsSnapshot)
class StatsSnapshotAdmin(admin.ModelAdmin):
    """The stats snapshot, read-only. Its add page recomputes it (on POST), as ``manage.py refresh_stats``
    does: adding a snapshot means computing a new one."""

    list_display = ("__str__", "duration_ms", "status", "figure_count", "trigger")
    search_fields = ("trigger",)
    fields = (
        "computed_at",
        "duration_ms",
        "stale_since",
        "changes",
        "changes_seen",
        "trigger",
        "tracked_totals",
        "tracked",
        "dashboard",
    )
    readonly_fields = fields
    refresh_template = "admin/overview/statssnapshot/refresh.html"

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(STATS_REFRESH_PERMISSION)

    def has_add_permission(self, request):
        return request.user.has_perm(STATS_REFRESH_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("freshness"))
    def status(self, obj):
        return stats_status(obj)

    @admin.display(description=_("reported figures"))
    def figure_count(self, obj):
        return len(obj.tracked)

    def add_view(self, request, form_url="", extra_context=None):
        """GET: when the stats were computed, and a button; POST: recompute them now, then the dashboard."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            trigger = f"admin: {request.user.get_username()}"
            job = job_start(
                stats_refresh_task,
                user=request.user,
                kind=STATS_REFRESH_KIND,
                title=str(_("Recompute the stats")),
                kwargs={"trigger": trigger},
            )
            self.message_user(
                request,
                _("The stats are being recomputed in the background; the dashboard shows them when done."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:jining_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Recompute the stats"),
            "opts": self.opts,
            "snapshot": StatsSnapshot.objects.first(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.refresh_template, context)


def local_time(moment) -> str:
    """A time as staff read it: local time zone, to the second."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def stats_status(snapshot) -> str:
    if snapshot.stale_since is None:
        return _("up to date")
    return _("records changed since %(time)s") % {"time": local_time(snapshot.stale_since)}
