"""Admin of what reads every app: reported figures, the stats snapshot (its add page recomputes it),
and sources with the figures taken from them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from incubators.models import Incubator, Indicator, RuleSet
from jining.admin import RECORD_FIELDSET
from jining.aggregates import count_of
from jining.formatting import qualified_value
from jining.history import HistoryAdmin
from jining.importing.admin import SpreadsheetExportMixin
from jining.jobs import job_start
from jining.models import Source
from overview.assessment import assessment_rows, default_rule_set, other_figures
from overview.indicators import counted, rows_behind, year_period
from overview.models import EventOutcome, IndicatorValue, ReportedFigure, StatsSnapshot
from overview.tasks import KIND as STATS_REFRESH_KIND
from overview.tasks import assessment_task, dossier_task, outcomes_task, stats_refresh_task


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


class AssessmentForm(forms.Form):
    """The period of an assessment (a year, or from–to) and the bases (none chosen: all)."""

    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    start = forms.DateField(
        label=_("or from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    incubators = forms.ModelMultipleChoiceField(
        label=_("bases"),
        queryset=Incubator.objects.filter(parent__isnull=True),
        required=False,
        help_text=_("None chosen: every base (a base's parts are counted with it)."),
    )
    dossier = forms.BooleanField(
        label=_("and make the review dossier"),
        required=False,
        help_text=_(
            "One .xlsx for one base: the indicators beside the rule set's thresholds, the residents, "
            "the employee roster, the mentors and the base's events (复评材料)."
        ),
    )
    rule_set = forms.ModelChoiceField(label=_("rule set"), queryset=RuleSet.objects.all(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("dossier") and len(data.get("incubators") or []) != 1:
            raise forms.ValidationError(_("Choose exactly one base for its review dossier."))
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year is None and not (start and end):
            raise forms.ValidationError(_("Give a year, or both the first and the last day of the period."))
        if year is not None and (start or end):
            raise forms.ValidationError(_("Give a year or a period, not both."))
        if start and end and end < start:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        if year is not None:
            data["start"], data["end"] = year_period(year)
        return data


class RuleSetChoiceForm(forms.Form):
    """The rule set an assessment page compares with (?rule_set=)."""

    rule_set = forms.ModelChoiceField(label=_("rule set"), queryset=RuleSet.objects.all(), required=False)


class PeriodForm(forms.Form):
    """The period of a drill-down (?start=&end=)."""

    start = forms.DateField(label=_("from"))
    end = forms.DateField(label=_("until"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        return data

    def errors_text(self) -> list[str]:
        return [
            f"{self.fields[name].label if name in self.fields else ''} {' '.join(errors)}".strip()
            for name, errors in self.errors.items()
        ]


#: Rows per page of a drill-down.
ROWS_PER_PAGE = 100


class DerivedAdmin:
    """The admin of values a job computes from the records (settings.DERIVED_MODELS): read-only,
    read with ``read_permission``; the add page starts the job, with ``compute_permission``."""

    read_permission = compute_permission = None

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.read_permission)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return request.user.has_perm(self.compute_permission)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(DerivedAdmin, admin.ModelAdmin):
    """Stored indicator values, read-only; the add page computes them (a background job)."""

    list_display = (
        "incubator",
        "period_start",
        "period_end",
        "indicator",
        "value",
        "numerator",
        "denominator",
        "computed_at",
    )
    list_filter = ("indicator", ("incubator", admin.RelatedOnlyFieldListFilter), "period_start")
    list_select_related = ("incubator",)
    search_fields = ("incubator__name",)
    readonly_fields = list_display
    fields = list_display
    assess_template = "admin/overview/indicatorvalue/assess.html"
    assessment_template = "admin/overview/indicatorvalue/assessment.html"
    rows_template = "admin/overview/indicatorvalue/rows.html"

    def get_list_display(self, request):
        return (*self.list_display, "assessment_link")

    # Derived values: who may view bases may read them, who may change bases may compute them.
    read_permission = "incubators.view_incubator"
    compute_permission = "incubators.change_incubator"

    def add_view(self, request, form_url="", extra_context=None):
        """GET: the period form; POST: queue the assessment job, then its progress page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AssessmentForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            start, end = data["start"], data["end"]
            period = str(data["year"]) if data["year"] is not None else f"{start:%Y-%m-%d}–{end:%Y-%m-%d}"
            if data["dossier"]:
                (base,) = data["incubators"]
                job = job_start(
                    dossier_task,
                    user=request.user,
                    kind="dossier",
                    title=str(
                        _("Review dossier of %(base)s (%(period)s)") % {"base": base.name, "period": period}
                    ),
                    params={"period": period, "incubator": base.pk},
                    kwargs={
                        "incubator_id": base.pk,
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "rule_set_id": data["rule_set"].pk if data["rule_set"] else None,
                    },
                )
            else:
                job = job_start(
                    assessment_task,
                    user=request.user,
                    kind="assessment",
                    title=str(_("Compute the bases' indicators (%(period)s)") % {"period": period}),
                    params={"period": period},
                    kwargs={
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "incubator_ids": [base.pk for base in data["incubators"]] or None,
                    },
                )
            self.message_user(
                request, _("The indicators are being computed in the background."), messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:jining_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compute the bases' indicators"),
            "opts": self.opts,
            "form": form,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.assess_template, context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "assessment/<int:incubator_id>/",
                self.admin_site.admin_view(self.assessment_view),
                name="{}_{}_assessment".format(*info),
            ),
            path(
                "assessment/<int:incubator_id>/<slug:indicator>/",
                self.admin_site.admin_view(self.rows_view),
                name="{}_{}_rows".format(*info),
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("assessment"))
    def assessment_link(self, obj):
        url = reverse("admin:overview_indicatorvalue_assessment", args=[obj.incubator_id])
        return format_html('<a href="{}">{}</a>', url, _("assessment page"))

    def assessment_view(self, request, incubator_id):
        """A base's stored indicators, period by period, beside a rule set's thresholds."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        base = get_object_or_404(Incubator, pk=incubator_id)
        choice = RuleSetChoiceForm(request.GET or None)
        rule_set = None
        if choice.is_bound and choice.is_valid():
            rule_set = choice.cleaned_data["rule_set"]
        elif choice.is_bound:
            self.message_user(
                request, _("That rule set does not exist; the default one is shown."), messages.ERROR
            )
        rule_set = rule_set or default_rule_set()
        periods, rows = assessment_rows(base, rule_set)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Assessment of %(base)s") % {"base": base.name},
            "opts": self.opts,
            "base": base,
            "rule_set": rule_set,
            "choice": RuleSetChoiceForm(initial={"rule_set": rule_set}),
            "periods": periods,
            "rows": rows,
            "other_figures": other_figures(base),
            "can_compute": self.has_add_permission(request),
        }
        return TemplateResponse(request, self.assessment_template, context)

    def rows_view(self, request, incubator_id, indicator):
        """The records behind one indicator of a base for a period (?start=&end=)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        base = get_object_or_404(Incubator, pk=incubator_id)
        if indicator not in Indicator.values:
            raise Http404(_("No such indicator."))
        period = PeriodForm(request.GET)
        if not period.is_valid():
            self.message_user(request, " ".join(period.errors_text()), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:overview_indicatorvalue_assessment", args=[base.pk]))
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
        sections = []
        for queryset in rows_behind(base, indicator, start, end):
            model = queryset.model
            meta = model._meta
            allowed = request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}")
            page = Paginator(queryset, ROWS_PER_PAGE).get_page(request.GET.get("page"))
            rows = list(page.object_list) if allowed else []
            marks = counted(indicator, rows, end) or {}
            sections.append(
                {
                    "title": meta.verbose_name_plural,
                    "allowed": allowed,
                    "page": page,
                    "rows": [(row, self.change_url(model, row), marks.get(row.pk)) for row in rows],
                    "marked": bool(marks),
                }
            )
        query = {"start": start.isoformat(), "end": end.isoformat()}
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(indicator)s of %(base)s, %(start)s – %(end)s")
            % {"indicator": Indicator(indicator).label, "base": base.name, "start": start, "end": end},
            "opts": self.opts,
            "base": base,
            "indicator": Indicator(indicator),
            "sections": sections,
            "query": urlencode(query),
            "stored": IndicatorValue.objects.filter(
                incubator=base, indicator=indicator, period_start=start, period_end=end
            ).first(),
        }
        return TemplateResponse(request, self.rows_template, context)

    def change_url(self, model, row):
        if not self.admin_site.is_registered(model):
            return None
        meta = model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])


class OutcomesForm(forms.Form):
    """The window of "what came of the events": within how many months of the first attendance."""

    months = forms.IntegerField(label=_("within months"), min_value=1, max_value=120, initial=12)


@admin.register(EventOutcome)
class EventOutcomeAdmin(DerivedAdmin, SpreadsheetExportMixin, admin.ModelAdmin):
    """What came of the events, as the outcomes job stored it: read-only and exportable; the add
    page starts the job."""

    list_display = (
        "label",
        "scope",
        "months",
        "attended",
        "enterprise",
        "residency",
        "support",
        "financing",
        "computed_at",
    )
    list_filter = ("scope", "months")
    search_fields = ("label",)
    readonly_fields = list_display
    fields = ("key", *list_display)
    compute_template = "admin/overview/eventoutcome/compute.html"

    # Derived values: who may view events may read them, who may change events may recount them.
    read_permission = "events.view_event"
    compute_permission = "events.change_event"

    def add_view(self, request, form_url="", extra_context=None):
        """GET: the window form; POST: queue the outcomes job, then its progress page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OutcomesForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            months = form.cleaned_data["months"]
            job = job_start(
                outcomes_task,
                user=request.user,
                kind="event_outcomes",
                title=str(_("What came of the events (within %(months)s months)") % {"months": months}),
                params={"months": months},
                kwargs={"months": months},
            )
            self.message_user(
                request, _("What came of the events is being counted in the background."), messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:jining_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Count what came of the events"),
            "opts": self.opts,
            "form": form,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.compute_template, context)
