"""What reads every app: the figures publications report about the program, and the stored
computation of what the records add up to beside them.

Reported figures are what publications say about the program as a whole (6,267 person-times,
16.51 million yuan...). No set of individual records reproduces them, so they are stored as they
were reported, with qualifier, period, scope and source, never as invented individual rows.

Both tables were created under the ``jining`` app and keep their names (``db_table``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incubators.models import Indicator
from jining.models import Qualifier, Source, TimeStampedModel


class ReportedFigure(TimeStampedModel):
    """A figure as a source reported it, with its qualifier, period, scope and provenance."""

    class Measure(models.TextChoices):
        DEEPLY_POOR_COUNTIES = "deeply_poor_counties", _("deeply poor counties")
        MIGRANT_WORKERS = "migrant_workers", _("migrant workers working away")
        TRAINING_PARTICIPANTS = "training_participants", _("entrepreneurship-training participants")
        PARKS_BUILT = "parks_built", _("parks and incubation bases built")
        ENTITIES_SETTLED = "entities_settled", _("entities settled")
        ENTITIES_SUPPORTED = "entities_supported", _("entities supported")
        JOBS_CREATED = "jobs_created", _("jobs created")
        EXPERT_TEAMS = "expert_teams", _("expert service teams")
        ECOMMERCE_RETURNEES = "ecommerce_returnees", _("e-commerce practitioners guided home")
        ECOMMERCE_TALENTS = "ecommerce_talents", _("rural e-commerce talents trained")
        SMES_SERVED = "smes_served", _("SMEs served")
        EVENTS_HELD = "events_held", _("events held")
        COACHING_PERSON_TIMES = "coaching_person_times", _("entrepreneurs coached (person-times)")
        PROJECTS_INCUBATED = "projects_incubated", _("projects incubated")
        FINANCING_PLANS_COACHED = "financing_plans_coached", _("enterprises coached on financing plans")
        FINANCING_AMOUNT = "financing_amount", _("financing raised")
        DIRECT_EMPLOYMENT = "direct_employment", _("direct employment")
        INDIRECT_EMPLOYMENT = "indirect_employment", _("upstream and downstream employment")
        RETURNEE_SHARE = "returnee_share", _("share of employment that is returnee entrepreneurs")
        ONLINE_SALES = "online_sales", _("online sales")
        SHOPS_ONLINE = "shops_online", _("shops that added live-streaming or online channels")
        SESSIONS_HELD = "sessions_held", _("sessions held")
        ONSITE_PARTICIPANTS = "onsite_participants", _("on-site participants")
        ONLINE_VIEWS = "online_views", _("online views")
        OTHER = "other", _("other")

    class Unit(models.TextChoices):
        COUNT = "count", _("count")
        PERSON = "person", _("people")
        PERSON_TIME = "person_time", _("person-times")
        HOUSEHOLD = "household", _("households")
        YUAN = "yuan", _("yuan")
        PERCENT = "percent", _("percent")
        M2 = "m2", _("square metres")
        MU = "mu", _("mu (亩)")

    class Scope(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district program")
        INCUBATOR = "incubator", _("incubator or platform")
        EVENT_SERIES = "event_series", _("event series")
        EVENT = "event", _("single event")

    key = models.SlugField(
        _("key"), max_length=80, unique=True, help_text=_("Stable key used by reports and the API.")
    )
    measure = models.CharField(_("measure"), max_length=40, choices=Measure.choices)
    label = models.CharField(
        _("label"), max_length=200, help_text=_("What is counted, in the source's words.")
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    period_start = models.DateField(
        _("period start"), null=True, blank=True, help_text=_("Empty for cumulative figures.")
    )
    as_of = models.DateField(
        _("as of"), help_text=_("The end of the period, or the date a cumulative figure was reported.")
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    scope_name = models.CharField(_("scope name"), max_length=200, help_text=_("e.g. 集宁区, 爱创空间."))
    incubator = models.ForeignKey(
        "incubators.Incubator",
        verbose_name=_("incubator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_figures",
    )
    event_series = models.ForeignKey(
        "events.EventSeries",
        verbose_name=_("event series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_figures",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_figures",
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="figures"
    )
    source_quote = models.TextField(_("source quote"), help_text=_("The sentence the figure comes from."))

    history = HistoricalRecords(table_name="jining_historicalreportedfigure")

    class Meta:
        db_table = "jining_reportedfigure"
        ordering = ["scope", "scope_name", "measure", "as_of", "id"]
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_start__lte=models.F("as_of")),
                name="figure_period_start_before_end",
            ),
            models.CheckConstraint(
                condition=~Q(unit="percent") | Q(value__lte=100), name="figure_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=(Q(scope="incubator") & Q(incubator__isnull=False))
                | (Q(scope="event_series") & Q(event_series__isnull=False))
                | (Q(scope="event") & Q(event__isnull=False))
                | Q(scope__in=["city", "district"]),
                name="figure_scope_has_its_object",
            ),
            models.UniqueConstraint(
                fields=["source", "measure", "scope", "scope_name", "as_of"], name="figure_unique_per_source"
            ),
        ]

    def __str__(self):
        return f"{self.scope_name} · {self.label}: {self.value:,} {self.get_unit_display()}"

    def clean(self):
        objects = {
            "incubator": self.incubator_id,
            "event_series": self.event_series_id,
            "event": self.event_id,
        }
        for scope, object_id in objects.items():
            if self.scope != scope and object_id:
                raise ValidationError(
                    {
                        scope: _("Only set this when the scope is “%(scope)s”.")
                        % {"scope": self.Scope(scope).label}
                    }
                )
        if self.scope in objects and not objects[self.scope]:
            raise ValidationError({self.scope: _("Choose the object this figure is about.")})


class StatsSnapshot(models.Model):
    """The last computation of the program stats (``/api/v1/stats/`` and the admin dashboard): one row.

    Computing ``tracked`` for every reported figure and the dashboard's series takes seconds at
    province scale, so they are stored here, shared by every worker, and read from here only (see
    ``overview/stats.py``). Each committed write to a record the stats count adds one to ``changes``
    and sets ``stale_since``; a computation stores the value of ``changes`` it started from in
    ``changes_seen``.
    """

    SINGLE_ROW = 1  # the primary key of the one row; overview.stats reads and writes only that

    computed_at = models.DateTimeField(
        _("computed at"), help_text=_("When the computation started: the records as of this moment.")
    )
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"))
    tracked = models.JSONField(
        _("tracked values"),
        default=dict,
        help_text=_(
            "What the records add up to, per reported figure id, as decimal strings (null: no record "
            "counts that measure)."
        ),
    )
    tracked_totals = models.JSONField(
        _("tracked totals"), default=dict, help_text=_("Overall totals of the records (decimals as strings).")
    )
    dashboard = models.JSONField(
        _("dashboard series"),
        null=True,
        blank=True,
        help_text=_(
            "The admin dashboard's headline counts and chart series (decimals as strings); empty until "
            "a computation stores them."
        ),
    )
    stale_since = models.DateTimeField(
        _("stale since"),
        null=True,
        blank=True,
        help_text=_("When records first changed after the computation; empty while the numbers are current."),
    )
    changes = models.PositiveBigIntegerField(
        _("changes"), default=0, help_text=_("Committed changes to counted records, ever.")
    )
    changes_seen = models.PositiveBigIntegerField(
        _("changes seen"), default=0, help_text=_("How many of those the computation includes.")
    )
    trigger = models.CharField(
        _("computed by"),
        max_length=150,
        blank=True,
        help_text=_("What started the computation: the API, the dashboard, refresh_stats or a staff member."),
    )

    class Meta:
        db_table = "jining_statssnapshot"
        ordering = ["id"]
        verbose_name = _("stats snapshot")
        verbose_name_plural = _("stats snapshots")

    def __str__(self):
        from django.utils import timezone

        when = timezone.localtime(self.computed_at).strftime("%Y-%m-%d %H:%M:%S")
        return str(_("Stats computed at %(time)s") % {"time": when})

    @property
    def is_stale(self) -> bool:
        return self.stale_since is not None


class IndicatorValue(models.Model):
    """A base's indicator for a period, as the last assessment job computed it
    (``overview.indicators``); pages and the API read these, never compute them."""

    incubator = models.ForeignKey(
        "incubators.Incubator", verbose_name=_("incubator"), on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(
        _("denominator"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["incubator", "-period_start", "indicator"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["incubator", "period_start", "period_end", "indicator"], name="indicatorvalue_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="indicatorvalue_period_order",
            ),
        ]

    def __str__(self):
        return f"{self.incubator_id} {self.period_start}–{self.period_end} {self.indicator}: {self.value}"


class EventOutcome(models.Model):
    """What came of the events of one kind, series or event within ``months``, as the outcomes job
    counted it (``overview.outcomes``); the dashboard and the export read these."""

    class Scope(models.TextChoices):
        KIND = "kind", _("event kind")
        SERIES = "series", _("event series")
        EVENT = "event", _("single event")

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    key = models.CharField(
        _("key"), max_length=40, help_text=_("The event kind's code, or the series' or event's number.")
    )
    label = models.CharField(_("name"), max_length=300)
    months = models.PositiveSmallIntegerField(_("within months"))
    attended = models.PositiveIntegerField(_("people who attended"))
    enterprise = models.PositiveIntegerField(_("registered an enterprise"))
    residency = models.PositiveIntegerField(_("entered a base"))
    support = models.PositiveIntegerField(_("received support"))
    financing = models.PositiveIntegerField(_("raised financing"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["months", "scope", "-attended", "key"]
        verbose_name = _("event outcome")
        verbose_name_plural = _("event outcomes")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "months"], name="eventoutcome_unique"),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="eventoutcome_months_positive"),
        ]

    def __str__(self):
        return f"{self.label} ({self.months})"
