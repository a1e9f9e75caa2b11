"""FilterSet of the reported figures (the recipe is in ``jining/filtersets.py``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventSeries
from incubators.models import Incubator
from jining.filtersets import (
    DATE_LOOKUPS,
    NUMBER_LOOKUPS,
    BaseFilterSet,
    MultiValueCharFilter,
    by_code,
    by_id,
)
from jining.models import Source
from overview.models import ReportedFigure


class ReportedFigureFilterSet(BaseFilterSet):
    key = MultiValueCharFilter(label=_("Key"))
    measure = django_filters.MultipleChoiceFilter(choices=ReportedFigure.Measure.choices, label=_("Measure"))
    unit = django_filters.MultipleChoiceFilter(choices=ReportedFigure.Unit.choices, label=_("Unit"))
    qualifier = django_filters.MultipleChoiceFilter(
        choices=ReportedFigure._meta.get_field("qualifier").choices, label=_("Qualifier")
    )
    scope = django_filters.MultipleChoiceFilter(choices=ReportedFigure.Scope.choices, label=_("Scope"))
    incubator_id = by_id("incubator", Incubator, _("Incubator (ID)"), distinct=False)
    incubator = by_code("incubator", Incubator, _("Incubator (code)"), distinct=False)
    event_series_id = by_id("event_series", EventSeries, _("Event series (ID)"), distinct=False)
    event_series = by_code("event_series", EventSeries, _("Event series (code)"), distinct=False)
    event_id = by_id("event", Event, _("Event (ID)"), distinct=False)
    source_id = by_id("source", Source, _("Source (ID)"), distinct=False)
    source = by_code("source", Source, _("Source (code)"), distinct=False)

    class Meta:
        model = ReportedFigure
        fields = {
            "value": NUMBER_LOOKUPS,
            "as_of": DATE_LOOKUPS,
            "period_start": DATE_LOOKUPS,
        }
