"""FilterSets for entrepreneurs, enterprises, support measures and financing (recipe: jining/filtersets.py).

No filter touches personal data (ID-card number, phone, birth date, disability, health): a filter on
a hidden field would reveal it one yes/no answer at a time. ``special_group`` only knows the groups
that are not sensitive; a sensitive group's code is refused like an unknown one.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SpecialGroup, SupportMeasure
from incubators.models import Incubator, Residency
from jining.filtersets import (
    DATE_LOOKUPS,
    NUMBER_LOOKUPS,
    BaseFilterSet,
    CodeMultipleChoiceFilter,
    MultiValueCharFilter,
    by_code,
    by_id,
)
from jining.models import Organisation


def resident_in(queryset, enterprise_path, incubators):
    """Rows whose enterprise (at ``enterprise_path``) resides or resided in one of ``incubators``."""
    residents = Residency.objects.filter(incubator__in=incubators, enterprise__isnull=False)
    return queryset.filter(**{f"{enterprise_path}__in": residents.values("enterprise")})


class EntrepreneurFilterSet(BaseFilterSet):
    gender = django_filters.MultipleChoiceFilter(choices=Entrepreneur.Gender.choices, label=_("Gender"))
    education = django_filters.MultipleChoiceFilter(
        choices=Entrepreneur.Education.choices, label=_("Education")
    )
    hometown = MultiValueCharFilter(
        label=_("Hometown at any level: city, banner/county/district or township"), method="filter_hometown"
    )
    hometown_city = MultiValueCharFilter(label=_("Hometown city (盟市)"))
    hometown_county = MultiValueCharFilter(label=_("Hometown banner/county/district"))
    special_group = CodeMultipleChoiceFilter(
        field_name="special_groups",
        queryset=SpecialGroup.objects.filter(sensitive=False),
        to_field_name="code",
        label=_("Special group (code; sensitive groups cannot be filtered on)"),
    )
    enterprise_id = by_id("enterprises", Enterprise, _("Founder of enterprise (ID)"))
    industry = django_filters.MultipleChoiceFilter(
        field_name="enterprises__industry",
        choices=Enterprise.Industry.choices,
        label=_("Industry of an enterprise they founded"),
    )
    incubator_id = by_id(
        "residencies__incubator",
        Incubator,
        _("Resident in incubator, or founder of a resident enterprise (ID)"),
        method="filter_incubator",
    )
    incubator = by_code(
        "residencies__incubator",
        Incubator,
        _("Resident in incubator, or founder of a resident enterprise (code)"),
        method="filter_incubator",
    )

    class Meta:
        model = Entrepreneur
        fields = {"return_year": NUMBER_LOOKUPS, "birth_decade": ["exact"]}

    def filter_hometown(self, queryset, name, value: list[str]):
        if not value:
            return queryset
        return queryset.filter(
            Q(hometown_city__in=value) | Q(hometown_county__in=value) | Q(hometown_township__in=value)
        )

    def filter_incubator(self, queryset, name, value):
        if not value:
            return queryset
        residencies = Residency.objects.filter(incubator__in=value)
        founders = Enterprise.founders.through.objects.filter(
            enterprise__in=residencies.filter(enterprise__isnull=False).values("enterprise")
        )
        return queryset.filter(
            Q(pk__in=residencies.filter(entrepreneur__isnull=False).values("entrepreneur"))
            | Q(pk__in=founders.values("entrepreneur"))
        )


class EnterpriseFilterSet(BaseFilterSet):
    incubator_id = by_id(
        "residencies__incubator",
        Incubator,
        _("Resident (now or before) in incubator (ID)"),
        method="filter_incubator",
    )
    incubator = by_code(
        "residencies__incubator",
        Incubator,
        _("Resident (now or before) in incubator (code)"),
        method="filter_incubator",
    )
    legal_form = django_filters.MultipleChoiceFilter(
        choices=Enterprise.LegalForm.choices, label=_("Legal form")
    )
    industry = django_filters.MultipleChoiceFilter(choices=Enterprise.Industry.choices, label=_("Industry"))
    status = django_filters.MultipleChoiceFilter(choices=Enterprise.Status.choices, label=_("Status"))
    credit_code = MultiValueCharFilter(label=_("Unified social credit code"))
    founder_id = by_id("founders", Entrepreneur, _("Founder (entrepreneur ID)"))

    class Meta:
        model = Enterprise
        fields = {"registration_year": NUMBER_LOOKUPS}

    def filter_incubator(self, queryset, name, value):
        return resident_in(queryset, "pk", value) if value else queryset


class SupportMeasureFilterSet(BaseFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SupportMeasure.Kind.choices, label=_("Kind"))
    entrepreneur_id = by_id("entrepreneur", Entrepreneur, _("Entrepreneur (ID)"), distinct=False)
    enterprise_id = by_id("enterprise", Enterprise, _("Enterprise (ID)"), distinct=False)
    provider_id = by_id("provider", Organisation, _("Provider (ID)"), distinct=False)
    provider = by_code("provider", Organisation, _("Provider (code)"), distinct=False)
    incubator_id = by_id("incubator", Incubator, _("Delivered at incubator (ID)"), distinct=False)
    incubator = by_code("incubator", Incubator, _("Delivered at incubator (code)"), distinct=False)

    class Meta:
        model = SupportMeasure
        fields = {
            "date": DATE_LOOKUPS,
            "value_yuan": NUMBER_LOOKUPS,
            "period_start": DATE_LOOKUPS,
            "period_end": DATE_LOOKUPS,
        }


class FinancingFilterSet(BaseFilterSet):
    incubator_id = by_id(
        "enterprise__residencies__incubator",
        Incubator,
        _("Enterprise resident (now or before) in incubator (ID)"),
        method="filter_incubator",
    )
    incubator = by_code(
        "enterprise__residencies__incubator",
        Incubator,
        _("Enterprise resident (now or before) in incubator (code)"),
        method="filter_incubator",
    )
    kind = django_filters.MultipleChoiceFilter(choices=Financing.Kind.choices, label=_("Kind"))
    enterprise_id = by_id("enterprise", Enterprise, _("Enterprise (ID)"), distinct=False)
    borrower_id = by_id("borrower", Entrepreneur, _("Borrower (entrepreneur ID)"), distinct=False)
    provider_id = by_id("provider", Organisation, _("Provider (ID)"), distinct=False)
    provider = by_code("provider", Organisation, _("Provider (code)"), distinct=False)
    guarantor_id = by_id("guarantor", Organisation, _("Guarantor (ID)"), distinct=False)
    guarantor = by_code("guarantor", Organisation, _("Guarantor (code)"), distinct=False)
    industry = django_filters.MultipleChoiceFilter(
        field_name="enterprise__industry",
        choices=Enterprise.Industry.choices,
        label=_("Industry of the enterprise"),
        distinct=False,
    )

    class Meta:
        model = Financing
        fields = {"amount": NUMBER_LOOKUPS, "date": DATE_LOOKUPS, "term_months": NUMBER_LOOKUPS}

    def filter_incubator(self, queryset, name, value):
        return resident_in(queryset, "enterprise", value) if value else queryset
