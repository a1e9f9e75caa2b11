"""Admin for the shared models: users, organisations, sources, the programme and reported figures.

The admin is the bureau staff's product: Chinese labels come from the translations in ``locale/``,
counts come from queryset annotations (never one query per row).
"""

from decimal import Decimal

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from jining.models import Organisation, Programme, Qualifier, ReportedFigure, Source, User

SITE_TITLES = {
    "site_header": _("Jining returnee-entrepreneurship tracker"),
    "site_title": _("Jining returnee-entrepreneurship tracker"),
    "index_title": _("Returnee-entrepreneurship program records"),
}
for attribute, title in SITE_TITLES.items():
    # A site class that sets its own titles (jining.admin_site) keeps them; the stock site gets ours.
    if getattr(admin.site.__class__, attribute) == getattr(admin.AdminSite, attribute):
        setattr(admin.site, attribute, title)

# Strings of Django 5.2's admin and auth that its own zh_Hans catalogue lacks (screen-reader headers
# of the index, the add-user hint, the password-length message). Marked here so that makemessages
# keeps them in locale/zh_Hans and staff do not meet English in the admin.
DJANGO_CATALOGUE_GAPS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)

RECORD_FIELDSET = (_("Record"), {"fields": ("created", "updated"), "classes": ("collapse",)})
PROVENANCE_FIELDSET = (_("Provenance"), {"fields": ("source", "source_quote")})

QUALIFIER_PREFIX = {
    Qualifier.EXACT: "",
    Qualifier.OVER: _("over"),
    Qualifier.NEARLY: _("nearly"),
    Qualifier.ABOUT: _("about"),
    Qualifier.ORDER: _("of the order of"),
}


class JoinedInline(admin.TabularInline):
    """A tabular inline whose row captions (``__str__``) follow foreign keys: join them in one query."""

    select_related: tuple[str, ...] = ()
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)


def count_of(model, fk: str, *conditions: Q, **filters) -> Coalesce:
    """An annotation counting ``model`` rows whose ``fk`` points at the outer row, as a subquery.

    Subqueries keep several counts on one changelist correct (no join fan-out) and cost one query.
    """
    rows = (
        model.objects.filter(*conditions, **{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def sum_of(model, fk: str, field: str, *conditions: Q, **filters) -> Coalesce:
    """An annotation summing ``model.field`` over the rows pointing at the outer row (0 if none)."""
    rows = (
        model.objects.filter(*conditions, **{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(total=Sum(field))
        .values("total")
    )
    output = DecimalField(max_digits=18, decimal_places=2)
    return Coalesce(Subquery(rows, output_field=output), Decimal("0"), output_field=output)


def format_number(value: Decimal | None) -> str:
    """'6267.00' -> '6,267'; '1651.5' -> '1,651.50'; None -> '-'."""
    if value is None:
        return "-"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def qualified_value(value: Decimal | None, qualifier: str, unit: str = "") -> str:
    """A figure as the source put it: 'over 6,267 person-times'."""
    text = format_number(value)
    prefix = QUALIFIER_PREFIX.get(qualifier, "")
    if prefix:
        text = f"{prefix} {text}"
    return f"{text} {unit}".strip()


def figure_text(figure: ReportedFigure) -> str:
    """A reported figure as the source put it: 'over 6,267 person-times', 'nearly 10%'."""
    if figure.unit == ReportedFigure.Unit.PERCENT:
        return qualified_value(figure.value, figure.qualifier) + "%"
    return qualified_value(figure.value, figure.qualifier, figure.get_unit_display())


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "organisation", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "organisation", "groups")
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    date_hierarchy = "date_joined"
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],
        (_("Organisation"), {"fields": ("organisation",)}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Organisation"), {"classes": ("wide",), "fields": ("organisation", "email")}),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "head_name", "user_count")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code", "head_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "kind", "parent")}),
        (_("Head"), {"fields": ("head_name", "head_title")}),
        (_("Notes"), {"fields": ("notes",)}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("users", distinct=True))

    @admin.display(description=_("users"), ordering="user_count")
    def user_count(self, obj):
        return obj.user_count


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
class SourceAdmin(admin.ModelAdmin):
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
        return super().get_queryset(request).annotate(figure_count=Count("figures", distinct=True))

    @admin.display(description=_("reported figures"), ordering="figure_count")
    def figure_count(self, obj):
        return obj.figure_count


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "designated_year", "run_by", "designating_body_count", "source")
    list_filter = ("designated_year", "area")
    search_fields = ("name", "name_en", "code", "area", "run_by__name")
    list_select_related = ("run_by", "source")
    autocomplete_fields = ("run_by", "designated_by", "source")
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "area")}),
        (
            _("Designation"),
            {"fields": ("designated_year", "designated_by", "designating_body_count")},
        ),
        (_("How it is run"), {"fields": ("run_by", "special_group_approach", "description")}),
        PROVENANCE_FIELDSET,
        RECORD_FIELDSET,
    )


@admin.register(ReportedFigure)
class ReportedFigureAdmin(admin.ModelAdmin):
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


# --- Partner API access (issue 3) ---
