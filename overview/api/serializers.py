"""Serializers of the reported figures and of ``/api/v1/stats/`` (figures beside the tracked values)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.models import Event, EventSeries
from incubators.models import Incubator
from jining.api.serializers import PartnerSerializer, brief
from jining.models import Source
from overview.models import ReportedFigure


class ReportedFigureSerializer(PartnerSerializer):
    incubator = brief(Incubator, null=True)
    event_series = brief(EventSeries, null=True)
    event = brief(Event, null=True)
    source = brief(Source)

    class Meta:
        model = ReportedFigure
        fields = [
            "id",
            "url",
            "key",
            "measure",
            "label",
            "value",
            "unit",
            "qualifier",
            "period_start",
            "as_of",
            "scope",
            "scope_name",
            "incubator",
            "event_series",
            "event",
            "source",
            "source_quote",
            "created",
            "updated",
        ]


class StatsFigureSerializer(ReportedFigureSerializer):
    """A reported figure beside what the tracked records add up to for the same measure and scope."""

    tracked = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_(
            "What the records in the system add up to for this measure and scope; null if none count it."
        ),
    )
    tracked_basis = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Which records `tracked` adds up.")
    )

    class Meta(ReportedFigureSerializer.Meta):
        fields = [*ReportedFigureSerializer.Meta.fields, "tracked", "tracked_basis"]


class TrackedTotalsSerializer(serializers.Serializer):
    """Overall totals of the records in the system."""

    incubators = serializers.IntegerField()
    entrepreneurs = serializers.IntegerField()
    enterprises = serializers.IntegerField()
    residencies = serializers.IntegerField()
    events = serializers.IntegerField()
    attendance_person_times = serializers.IntegerField()
    support_measures = serializers.IntegerField()
    financing_count = serializers.IntegerField()
    financing_total = serializers.DecimalField(max_digits=18, decimal_places=2)


class StatsSerializer(serializers.Serializer):
    figures = StatsFigureSerializer(many=True, read_only=True)
    tracked_totals = TrackedTotalsSerializer(read_only=True)
    computed_at = serializers.DateTimeField(
        read_only=True,
        help_text=_("When `tracked` and `tracked_totals` were computed: they count the records as of then."),
    )
    stale = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "True if records have changed since `computed_at`; a background job then recomputes the "
            "numbers (queued after writes and every `STATS_REFRESH_SECONDS`, 300 by default)."
        ),
    )


class IndicatorValueSerializer(serializers.Serializer):
    """One stored indicator of a base for the period (docs/indicators.md gives each formula)."""

    indicator = serializers.CharField(help_text=_("The indicator's code, e.g. `success_rate`."))
    label = serializers.CharField(help_text=_("The indicator's name, e.g. 孵化成功率."))
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    numerator = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    denominator = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class IncubatorIndicatorsSerializer(serializers.Serializer):
    """A base's indicators for a period, as the last assessment job stored them: aggregates only."""

    incubator = brief(Incubator)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    computed_at = serializers.DateTimeField()
    indicators = IndicatorValueSerializer(many=True)


class IndicatorsQuerySerializer(serializers.Serializer):
    """The query of ``/api/v1/incubators/ID/indicators/``."""

    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("A calendar year; without it, the latest period computed for the base."),
    )
