"""FilterSets for incubators and residencies (recipe: jining/filtersets.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Enterprise, Entrepreneur
from incubators.models import Incubator, Residency, Service
from jining.filtersets import (
    DATE_LOOKUPS,
    NUMBER_LOOKUPS,
    BaseFilterSet,
    MultiValueCharFilter,
    StrictBooleanFilter,
    by_code,
    by_id,
)
from jining.models import Organisation


class IncubatorFilterSet(BaseFilterSet):
    code = MultiValueCharFilter(label=_("Code"))
    kind = django_filters.MultipleChoiceFilter(choices=Incubator.Kind.choices, label=_("Kind"))
    township = MultiValueCharFilter(label=_("Township or sub-district"))
    area = MultiValueCharFilter(label=_("Area of the district"))
    parent_id = by_id("parent", Incubator, _("Part of (incubator ID)"), distinct=False)
    parent = by_code("parent", Incubator, _("Part of (incubator code)"), distinct=False)
    operator_id = by_id("operator", Organisation, _("Operator (ID)"), distinct=False)
    operator = by_code("operator", Organisation, _("Operator (code)"), distinct=False)
    guiding_body_id = by_id("guiding_body", Organisation, _("Guiding body (ID)"), distinct=False)
    guiding_body = by_code("guiding_body", Organisation, _("Guiding body (code)"), distinct=False)
    service = by_code("services", Service, _("Offers this service (code)"))

    class Meta:
        model = Incubator
        fields = {"established_year": NUMBER_LOOKUPS}


class ResidencyFilterSet(BaseFilterSet):
    incubator_id = by_id("incubator", Incubator, _("Incubator (ID)"), distinct=False)
    incubator = by_code("incubator", Incubator, _("Incubator (code)"), distinct=False)
    enterprise_id = by_id("enterprise", Enterprise, _("Enterprise (ID)"), distinct=False)
    entrepreneur_id = by_id("entrepreneur", Entrepreneur, _("Entrepreneur (ID)"), distinct=False)
    current = StrictBooleanFilter(
        field_name="end_date", lookup_expr="isnull", label=_("Current (no end date)")
    )

    class Meta:
        model = Residency
        fields = {"start_date": DATE_LOOKUPS, "end_date": DATE_LOOKUPS}
