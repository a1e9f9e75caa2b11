"""Admin for returnee entrepreneurs, their enterprises, yearly figures, support and financing.

Personal and sensitive data (ID-card number, phone, disability, health) is shown on the change
page only, never in a changelist column.
"""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR
from django.db import connections
from django.db.models import F, OuterRef, Q
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import (
    Employment,
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    OperatingStatus,
    Product,
    SpecialGroup,
    SupportMeasure,
)
from entrepreneurs.resources import (
    EmploymentResource,
    EnterpriseResource,
    EntrepreneurResource,
    FinancingResource,
    OperatingStatusResource,
)
from entrepreneurs.search import (
    COUNTING,
    Window,
    enterprise_search,
    entrepreneur_few_ids,
    entrepreneur_search,
    entrepreneur_search_beyond,
    split_terms,
)
from entrepreneurs.services import entrepreneur_likely_duplicates
from incubators.models import Residency
from jining.admin import PROVENANCE_FIELDSET, RECORD_FIELDSET, JoinedInline
from jining.api.lean import JSONRows
from jining.changelist import (
    NOT_RECORDED,
    EstimatedCountPaginator,
    FixedChoiceFilter,
    NumberChoiceFilter,
    YearRangeFilter,
    read_ids_if_few,
)
from jining.divisions import ULANQAB_CITY, ULANQAB_COUNTIES
from jining.formatting import format_number, qualified_value
from jining.history import HistoryAdmin
from jining.importing.admin import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from jining.merge_admin import MergeAdminMixin
from jining.validators import id_card_birth_date, normalize_id_card


@admin.register(SpecialGroup)
class SpecialGroupAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("name", "code", "name_en", "sensitive", "member_count")
    list_filter = ("sensitive",)
    search_fields = ("name", "name_en", "code")
    readonly_fields = ("created", "updated")
    fields = ("code", "name", "name_en", "sensitive", "created", "updated")

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_count()

    @admin.display(description=_("entrepreneurs"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


class FoundedEnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise.founders.through
        fields = ("enterprise",)
        labels = {"enterprise": _("enterprise")}


class FoundedEnterpriseInline(admin.TabularInline):
    """The enterprises an entrepreneur founded (rows of Enterprise.founders)."""

    model = Enterprise.founders.through
    form = FoundedEnterpriseForm
    fk_name = "entrepreneur"
    autocomplete_fields = ("enterprise",)
    extra = 0
    classes = ("founded-enterprises",)
    template = "admin/entrepreneurs/entrepreneur/founded_enterprises_tabular.html"
    verbose_name = _("enterprise founded")
    verbose_name_plural = _("enterprises founded")


class EntrepreneurSupportInline(JoinedInline):
    model = SupportMeasure
    fk_name = "entrepreneur"
    fields = ("kind", "description", "date", "value_yuan", "provider", "enterprise")
    autocomplete_fields = ("provider", "enterprise")
    select_related = ("entrepreneur", "enterprise")
    show_change_link = True


class ReturnYearFilter(YearRangeFilter):
    title = _("year of return")
    parameter_name = "return_year"


class RegistrationYearFilter(YearRangeFilter):
    title = _("year registered or founded")
    parameter_name = "registration_year"


class BirthDecadeFilter(NumberChoiceFilter):
    """50后 … 00后."""

    title = _("decade of birth")
    parameter_name = "birth_decade"
    decades = range(1950, 2010, 10)

    def lookups(self, request, model_admin):
        choices = [
            (str(decade), _("%(decade)ss") % {"decade": f"{decade % 100:02d}"}) for decade in self.decades
        ]
        return [*choices, (NOT_RECORDED, _("not recorded"))]


OUTSIDE_ULANQAB = "other"


class HometownCountyFilter(FixedChoiceFilter):
    """Ulanqab's eleven county-level divisions, "elsewhere" and "not recorded".

    A division matches its full and short names (an index lookup). "Elsewhere" is a county outside
    the list, or no county but a hometown city other than Ulanqab (records of people from
    Hohhot or Baotou often give only the city).
    """

    title = _("hometown banner/county/district")
    parameter_name = "hometown_county"

    def lookups(self, request, model_admin):
        return [
            *((county, county) for county in ULANQAB_COUNTIES),
            (OUTSIDE_ULANQAB, _("elsewhere (outside Ulanqab)")),
            (NOT_RECORDED, _("not recorded")),
        ]

    def condition(self, value):
        known = [name for names in ULANQAB_COUNTIES.values() for name in names]
        no_county = Q(hometown_county="")
        city_elsewhere = ~Q(hometown_city="") & ~Q(hometown_city__in=ULANQAB_CITY)
        if value == OUTSIDE_ULANQAB:
            return (~no_county & ~Q(hometown_county__in=known)) | (no_county & city_elsewhere)
        if value == NOT_RECORDED:
            return no_county & ~city_elsewhere
        return Q(hometown_county__in=ULANQAB_COUNTIES.get(value, [value]))


class EntrepreneurAdminForm(forms.ModelForm):
    """The entrepreneur form, which flags a likely duplicate before saving (see services)."""

    not_a_duplicate = forms.BooleanField(
        label=_("I checked: this is a different person"),
        required=False,
        help_text=_("Tick only after checking the records the warning above links to."),
    )

    county_confirmed = forms.BooleanField(
        label=_("I checked: the hometown county is right"),
        required=False,
        help_text=_("Tick only for a person whose hometown is outside Ulanqab."),
    )

    #: The fields shown only with their warning (a likely duplicate, an unknown county).
    WARNING_FIELDS = ("not_a_duplicate", "county_confirmed")

    class Meta:
        model = Entrepreneur
        # The admin passes the fields of its fieldsets; these are the ones clean() compares.
        fields = ["name", "hometown_county", "birth_year", "birth_date", "id_card_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.likely_duplicates = []
        self.warned = set()  # WARNING_FIELDS whose warning this form showed

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        county = Entrepreneur(hometown_county=cleaned_data.get("hometown_county", "")).county_warning()
        if county:
            self.warned.add("county_confirmed")
            if not cleaned_data.get("county_confirmed"):
                self.add_error(
                    "hometown_county",
                    forms.ValidationError(
                        " ".join(
                            [county, str(_("Tick “I checked: the hometown county is right” and save again."))]
                        ),
                        code="unknown_county",
                    ),
                )
        id_card = normalize_id_card(cleaned_data.get("id_card_number") or "")
        born = cleaned_data.get("birth_date") or (id_card_birth_date(id_card) if id_card else None)
        duplicates = entrepreneur_likely_duplicates(
            name=cleaned_data.get("name", ""),
            hometown_county=cleaned_data.get("hometown_county", ""),
            birth_year=born.year if born else cleaned_data.get("birth_year"),
            exclude_pk=self.instance.pk,
        )[:10]
        self.likely_duplicates = list(duplicates)
        if duplicates:
            self.warned.add("not_a_duplicate")
        if duplicates and not cleaned_data.get("not_a_duplicate"):
            links = format_html_join(
                "、",
                '<a href="{}" target="_blank">{}</a>{}',
                (
                    (
                        reverse("admin:entrepreneurs_entrepreneur_change", args=[other.pk]),
                        " · ".join(
                            str(part)
                            for part in (other.name, other.hometown_county, other.birth_year)
                            if part
                        ),
                        self._merge_link(other),
                    )
                    for other in duplicates
                ),
            )
            raise forms.ValidationError(
                format_html(
                    "{} {}<br>{}",
                    _(
                        "This may be a person who is already recorded "
                        "(same name, and same hometown or year of birth):"
                    ),
                    links,
                    _(
                        "Open the record to check it. If it is the same person, merge the two records "
                        "(the link beside it) or, for a new entry, correct the existing record instead. "
                        "If this is a different person, tick “I checked: this is a different person” "
                        "and save again."
                    ),
                ),
                code="likely_duplicate",
            )
        return cleaned_data

    def _merge_link(self, other):
        """For a record being edited: the link to merge it with the likely duplicate."""
        if self.instance.pk is None:
            return ""
        return format_html(
            ' (<a href="{}" class="merge-link">{}</a>)',
            reverse("admin:entrepreneurs_entrepreneur_merge", args=[self.instance.pk, other.pk]),
            _("merge"),
        )


@admin.register(Entrepreneur)
class EntrepreneurAdmin(MergeAdminMixin, SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [EntrepreneurResource]
    paginator = EstimatedCountPaginator
    show_full_result_count = False  # no second COUNT(*) of the whole table beside a filtered count
    # Rendering costs per row, the queries hardly: 50 rows keep the page fast (docs/performance.md).
    list_per_page = 50
    form = EntrepreneurAdminForm
    list_display = (
        "name",
        "name_romanised",
        "gender",
        "birth_decade",
        "hometown_county",
        "return_year",
        "education",
        "enterprise_list",
        "event_count",
    )
    list_filter = (
        "gender",
        "education",
        ReturnYearFilter,
        BirthDecadeFilter,
        HometownCountyFilter,
        "special_groups",
    )
    # What the search box looks in; entrepreneur_search (entrepreneurs/search.py) does the searching.
    search_fields = (
        "name",
        "name_pinyin",
        "name_romanised",
        "=id_card_number",
        "=phone",
        "hometown_city",
        "hometown_county",
        "hometown_township",
        "prior_work_place",
        "prior_trade",
        "enterprises__name",
    )
    autocomplete_fields = ("special_groups", "coverage", "source")
    readonly_fields = ("created", "updated")
    inlines = (FoundedEnterpriseInline, EntrepreneurSupportInline)
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    ("name", "name_romanised"),
                    "gender",
                    ("birth_date", "birth_year", "birth_decade"),
                    "id_card_number",
                    "phone",
                    "education",
                )
            },
        ),
        (
            _("Hometown and background"),
            {
                "fields": (
                    ("hometown_city", "hometown_county", "hometown_township"),
                    "left_home_age",
                    ("prior_work_place", "prior_trade"),
                    "return_year",
                )
            },
        ),
        (
            _("Special groups and sensitive information"),
            {
                "fields": ("special_groups", "disability_category", "disability_since_year", "health_notes"),
                "description": _("Sensitive personal information: for bureau staff only, never shared."),
            },
        ),
        (_("Story and provenance"), {"fields": ("story", "coverage", "source", "source_quote")}),
        RECORD_FIELDSET,
    )

    def get_fieldsets(self, request, obj=None):
        """The confirm checkboxes of the warnings are in the form once a save has been tried; they
        are shown only with their warning (``render_change_form``)."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.method == "POST":
            fieldsets = ((_("Please check"), {"fields": EntrepreneurAdminForm.WARNING_FIELDS}), *fieldsets)
        return fieldsets

    def render_change_form(self, request, context, *args, **kwargs):
        """The "please check" box only when the form warned of something (a likely duplicate, whose
        links the warning gives, or an unknown county), with that warning's checkbox only."""
        adminform = context.get("adminform")
        form = getattr(adminform, "form", None)
        if form is not None and hasattr(form, "warned"):
            fieldsets = []
            for name, options in adminform.fieldsets:
                fields = options["fields"]
                if fields is EntrepreneurAdminForm.WARNING_FIELDS:
                    fields = tuple(field for field in fields if field in form.warned)
                    if not fields:
                        continue
                    options = {**options, "fields": fields}
                fieldsets.append((name, options))
            adminform.fieldsets = fieldsets
        return super().render_change_form(request, context, *args, **kwargs)

    def get_queryset(self, request):
        # The enterprises come as a JSON array in the page's own query (no prefetch query).
        founded = Enterprise.objects.filter(founders=OuterRef("pk")).order_by("name", "id")
        enterprises = JSONRows(founded.values(j=JSONObject(id="id", name="name")))
        return super().get_queryset(request).with_event_count().annotate(enterprises_json=enterprises)

    def get_search_results(self, request, queryset, search_term):
        """Text columns, founded enterprises' names, whole ID-card and mobile numbers (with the
        personal-data permission only); indexed, and without joins, so without duplicates (see
        entrepreneurs/search.py). On the changelist in name order only the page's candidates are
        read (``search_window``); the count is taken of every match (``get_paginator``)."""
        terms = split_terms(search_term)
        personal = self.personal_data_shown(request)
        found = entrepreneur_search(queryset, terms, for_staff=True, personal=personal)
        window = self.search_window(request)
        if window is None or not search_term.strip():
            return read_ids_if_few(queryset, found), False
        quick = entrepreneur_search(queryset, terms, personal=personal, window=COUNTING)
        if connections[queryset.db].vendor == "postgresql":
            counted = EstimatedCountPaginator.capped(quick)
            ids, quick_count = entrepreneur_few_ids(
                queryset, terms, personal=personal, order=window.order, counted=counted
            )
            if ids is not None:  # a rare term: its few matches, read once for the count and the page
                request.search_counted = len(ids)
                return queryset.filter(pk__in=ids), False
        else:
            quick_count = None
        beyond = entrepreneur_search_beyond(queryset, terms, personal=personal)
        request.search_counted = (quick, found, beyond, quick_count)
        # The page's candidates are read inside the page's own query (an InitPlan: once, then by id).
        return entrepreneur_search(queryset, terms, for_staff=True, personal=personal, window=window), False

    def search_window(self, request):
        """The page a changelist search is read for: the first (page × 50) rows in name order. None for
        another order (``?o=``), "show all", the autocomplete, or a page number that is not one."""
        match = request.resolver_match
        if match is None or not (match.url_name or "").endswith("_changelist"):
            return None
        if ORDER_VAR in request.GET or ALL_VAR in request.GET:
            return None
        try:
            page = max(int(request.GET.get(PAGE_VAR, 1)), 1)
        except ValueError:
            return None
        return Window(Q(), (F("name").asc(), F("id").asc()), page * self.list_per_page)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        paginator.counted = getattr(request, "search_counted", None)  # every match, not the page's
        return paginator

    @admin.display(description=_("enterprises"))
    def enterprise_list(self, obj):
        enterprises = json.loads(obj.enterprises_json)
        return "、".join(enterprise["name"] for enterprise in enterprises) or "-"

    @admin.display(description=_("events attended"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


class OperatingStatusInline(admin.TabularInline):
    model = OperatingStatus
    fields = ("observed_on", "status", "method", "note")
    extra = 0


class ProductInline(admin.TabularInline):
    model = Product
    fields = ("name", "name_en", "stage")
    extra = 0
    show_change_link = True


class EnterpriseFigureInline(JoinedInline):
    model = EnterpriseFigure
    fields = ("year", "measure", "value", "qualifier", "source")
    autocomplete_fields = ("source",)
    select_related = ("enterprise",)


class FinancingInline(JoinedInline):
    model = Financing
    fields = ("kind", "amount", "date", "borrower", "provider", "guarantor", "term_months")
    autocomplete_fields = ("borrower", "provider", "guarantor")
    select_related = ("enterprise",)
    show_change_link = True


class EnterpriseSupportInline(JoinedInline):
    model = SupportMeasure
    fk_name = "enterprise"
    fields = ("kind", "description", "date", "value_yuan", "provider", "entrepreneur")
    autocomplete_fields = ("provider", "entrepreneur")
    select_related = ("entrepreneur", "enterprise")
    show_change_link = True


class EnterpriseResidencyInline(JoinedInline):
    model = Residency
    fk_name = "enterprise"
    fields = ("incubator", "start_date", "start_precision", "end_date", "unit")
    autocomplete_fields = ("incubator",)
    select_related = ("incubator", "enterprise", "entrepreneur")
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(MergeAdminMixin, SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [EnterpriseResource]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50  # as for entrepreneurs
    list_display = (
        "name",
        "short_name",
        "legal_form",
        "industry",
        "status",
        "registration_year",
        "founder_list",
        "financing_total",
    )
    list_filter = ("status", "industry", "legal_form", RegistrationYearFilter)
    search_fields = (
        "name",
        "name_pinyin",
        "short_name",
        "name_en",
        "=credit_code",
        "founders__name",
        "address",
    )
    autocomplete_fields = ("founders", "source")
    readonly_fields = ("created", "updated")
    inlines = (
        ProductInline,
        EnterpriseFigureInline,
        FinancingInline,
        EnterpriseSupportInline,
        EnterpriseResidencyInline,
        OperatingStatusInline,
    )
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "name",
                    ("short_name", "name_en"),
                    "credit_code",
                    ("legal_form", "registration_year"),
                    "status",
                )
            },
        ),
        (_("Business"), {"fields": ("industry", "founders", "address", "description")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_financing_total().prefetch_related("founders")

    def get_search_results(self, request, queryset, search_term):
        """Name, pinyin, short and English names, address, founders' names, whole credit code;
        indexed and without joins (see entrepreneurs/search.py)."""
        return read_ids_if_few(queryset, enterprise_search(queryset, split_terms(search_term))), False

    @admin.display(description=_("founders"))
    def founder_list(self, obj):
        return "、".join(founder.name for founder in obj.founders.all()) or "-"

    @admin.display(description=_("financing raised (yuan)"), ordering="financing_total")
    def financing_total(self, obj):
        return format_number(obj.financing_total)


@admin.register(Product)
class ProductAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("name", "enterprise", "stage")
    list_filter = ("stage",)
    search_fields = ("name", "name_en", "enterprise__name", "enterprise__short_name")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("enterprise", "name", "name_en", "stage", "description")}),
        RECORD_FIELDSET,
    )


@admin.register(EnterpriseFigure)
class EnterpriseFigureAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ("enterprise", "year", "measure", "figure", "source")
    list_filter = ("measure", "year", "qualifier")
    search_fields = ("enterprise__name", "enterprise__short_name", "source_quote")
    list_select_related = ("enterprise", "source")
    autocomplete_fields = ("enterprise", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("enterprise", "year", "measure", "value", "qualifier")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    @admin.display(description=_("value"), ordering="value")
    def figure(self, obj):
        return qualified_value(obj.value, obj.qualifier)


@admin.register(SupportMeasure)
class SupportMeasureAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = (
        "recipient",
        "kind",
        "description",
        "date",
        "value",
        "partly_free",
        "provider",
        "incubator",
    )
    list_filter = ("kind", "partly_free", "date_precision")
    search_fields = (
        "description",
        "entrepreneur__name",
        "enterprise__name",
        "enterprise__short_name",
        "provider__name",
        "incubator__name",
    )
    date_hierarchy = "date"
    list_select_related = ("entrepreneur", "enterprise", "provider", "incubator")
    autocomplete_fields = ("entrepreneur", "enterprise", "provider", "incubator", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (_("Recipient"), {"fields": ("entrepreneur", "enterprise")}),
        (
            _("Support"),
            {
                "fields": (
                    "kind",
                    "description",
                    ("date", "date_precision"),
                    ("period_start", "period_end"),
                    ("value_yuan", "partly_free"),
                    "provider",
                    "incubator",
                )
            },
        ),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    @admin.display(description=_("recipient"))
    def recipient(self, obj):
        if obj.enterprise and obj.entrepreneur:
            return f"{obj.entrepreneur}（{obj.enterprise}）"
        return obj.enterprise or obj.entrepreneur

    @admin.display(description=_("value (yuan)"), ordering="value_yuan")
    def value(self, obj):
        return format_number(obj.value_yuan)


@admin.register(Financing)
class FinancingAdmin(SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [FinancingResource]
    list_display = ("enterprise", "kind", "amount_display", "date", "borrower", "provider", "guarantor")
    list_filter = (
        "kind",
        ("provider", admin.RelatedOnlyFieldListFilter),
        ("guarantor", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "enterprise__name",
        "enterprise__short_name",
        "borrower__name",
        "provider__name",
        "guarantor__name",
        "notes",
    )
    date_hierarchy = "date"
    list_select_related = ("enterprise", "borrower", "provider", "guarantor")
    autocomplete_fields = ("enterprise", "borrower", "provider", "guarantor", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("enterprise", "borrower", "kind", ("amount", "date"), "term_months")}),
        (_("Lender and guarantor"), {"fields": ("provider", "guarantor", "notes")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def amount_display(self, obj):
        return format_number(obj.amount)


@admin.register(OperatingStatus)
class OperatingStatusAdmin(SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [OperatingStatusResource]
    list_display = ("enterprise", "observed_on", "status", "method", "note")
    list_filter = ("status", "method")
    search_fields = ("enterprise__name", "note")
    date_hierarchy = "observed_on"
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("enterprise", "observed_on", "status", "method", "note")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )


class CountedTwiceFilter(admin.SimpleListFilter):
    """Roster rows of a person counted twice (the same ID card on another roster at the same time, or
    founder of another enterprise)."""

    title = _("counted twice")
    parameter_name = "counted_twice"

    def lookups(self, request, model_admin):
        return (("yes", _("on two rosters at once, or founder elsewhere")),)

    def queryset(self, request, queryset):
        return queryset.counted_twice() if self.value() == "yes" else queryset


@admin.register(Employment)
class EmploymentAdmin(SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [EmploymentResource]
    list_display = ("name", "id_card_number", "enterprise", "start_date", "end_date", "social_insurance")
    list_filter = (CountedTwiceFilter, "social_insurance")
    search_fields = ("name", "enterprise__name", "=id_card_number")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise", "entrepreneur")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("enterprise", "name", "id_card_number", "entrepreneur")}),
        (_("Period"), {"fields": ("start_date", "end_date")}),
        (_("About the job"), {"fields": ("disabled", "social_insurance")}),
        RECORD_FIELDSET,
    )
