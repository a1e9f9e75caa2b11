"""Incubators and platforms that host returnee entrepreneurs, and who resides in them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q
from django.db.models.functions import Now, TruncDate
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from events.models import Event
from jining.aggregates import SubqueryCount, count_of
from jining.models import DatePrecision, Organisation, SourcedModel, TimeStampedModel


class ServiceQuerySet(models.QuerySet):
    def with_incubator_count(self):
        """``incubator_count``: the incubators that offer the service."""
        return self.annotate(incubator_count=count_of(Incubator.services.through, "service"))


class Service(TimeStampedModel):
    """A kind of service an incubator offers (training, legal advice, IP/patents...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    objects = ServiceQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name


class IncubatorQuerySet(models.QuerySet):
    """Incubators with the counts that the admin and the API list, each under one name."""

    def with_resident_count(self):
        """``resident_count``: current residencies (see ``ResidencyQuerySet.current``), enterprises and
        individuals alike."""
        return self.annotate(
            resident_count=SubqueryCount(Residency.objects.current().filter(incubator=OuterRef("pk")))
        )

    def with_residency_count(self):
        """``residency_count``: residencies of all time, ended ones included."""
        return self.annotate(residency_count=count_of(Residency, "incubator"))

    def with_enterprise_count(self):
        """``enterprise_count``: the enterprises that reside or resided here, each counted once."""
        residents = Residency.objects.filter(incubator=OuterRef("pk"), enterprise__isnull=False)
        return self.annotate(enterprise_count=SubqueryCount(residents.values("enterprise").distinct()))

    def with_event_count(self):
        """``event_count``: the events hosted here."""
        return self.annotate(event_count=count_of(Event, "host_incubator"))


class Incubator(SourcedModel):
    """An incubator or platform: maker space, incubation base, park or market, service or guidance centre."""

    class Kind(models.TextChoices):
        MAKER_SPACE = "maker_space", _("maker space (众创空间)")
        INCUBATION_BASE = "incubation_base", _("incubation base (孵化基地)")
        PARK = "park", _("industrial park or market (园区)")
        ECOMMERCE_CENTRE = "ecommerce_centre", _("e-commerce service centre")
        GUIDANCE_CENTRE = "guidance_centre", _("entrepreneurship guidance centre")
        OTHER = "other", _("other")

    code = models.SlugField(
        _("code"), max_length=60, unique=True, help_text=_("Stable short key used by the API.")
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("e.g. the entrepreneurship base inside a market."),
    )
    host_building = models.CharField(_("host building"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area = models.CharField(
        _("area of the district"), max_length=100, blank=True, help_text=_("e.g. 商业核心区")
    )
    township = models.CharField(_("township or sub-district"), max_length=100, blank=True)
    land_area_mu = models.DecimalField(
        _("land area (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    building_area_m2 = models.DecimalField(
        _("building area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    free_area_m2 = models.DecimalField(
        _("free venue area for entrepreneurs (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    service_zone_area_m2 = models.DecimalField(
        _("supporting service zone (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    shop_count = models.PositiveIntegerField(_("shops"), null=True, blank=True)
    workstation_count = models.PositiveIntegerField(_("workstations"), null=True, blank=True)
    service_agency_count = models.PositiveIntegerField(_("resident service agencies"), null=True, blank=True)
    mentor_count = models.PositiveIntegerField(_("mentors and professionals"), null=True, blank=True)
    services = models.ManyToManyField(
        Service, verbose_name=_("services offered"), blank=True, related_name="incubators"
    )
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_incubators",
    )
    guiding_body = models.ForeignKey(
        Organisation,
        verbose_name=_("guiding body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guided_incubators",
    )
    established_year = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = IncubatorQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["services"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("incubator")
        verbose_name_plural = _("incubators")
        constraints = [
            models.CheckConstraint(condition=Q(land_area_mu__gte=0), name="incubator_land_area_not_negative"),
            models.CheckConstraint(
                condition=Q(building_area_m2__gte=0), name="incubator_building_area_not_negative"
            ),
            models.CheckConstraint(condition=Q(free_area_m2__gte=0), name="incubator_free_area_not_negative"),
            models.CheckConstraint(
                condition=Q(service_zone_area_m2__gte=0), name="incubator_service_zone_not_negative"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="incubator_not_own_parent"),
        ]

    def __str__(self):
        return self.name


class Facility(TimeStampedModel):
    """A room or function area of an incubator (meeting room, roadshow hall, photo studio...)."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.CASCADE, related_name="facilities"
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incubator", "id"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(fields=["incubator", "name"], name="facility_unique_per_incubator"),
            models.CheckConstraint(condition=Q(area_m2__gte=0), name="facility_area_not_negative"),
        ]

    def __str__(self):
        return f"{self.incubator} · {self.name}"


class Designation(SourcedModel):
    """A title awarded to an incubator, e.g. national-level entrepreneurship park (2018)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        REGIONAL = "regional", _("autonomous region / province")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.CASCADE, related_name="designations"
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    awarded_by = models.ForeignKey(
        Organisation,
        verbose_name=_("awarded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations_awarded",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["incubator", "-year", "id"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.UniqueConstraint(fields=["incubator", "title", "year"], name="designation_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2100), name="designation_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.incubator} · {self.title} ({self.year})"


def current_residency(today=None, prefix: str = "") -> Q:
    """Residencies that have not ended: no end date, or one that is still ahead.

    Without ``today`` the database's current date is used, so querysets built at import time stay right.
    Use ``Residency.objects.current()`` or ``Incubator.objects.with_resident_count()``; ``prefix``
    serves a filtered aggregate across a relation (``prefix="residencies__"``).
    """
    today = today or TruncDate(Now())
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})


class ExitKind(models.TextChoices):
    """How a resident left a base (出园方式)."""

    EXPIRED = "expired", _("agreement expired (到期出园)")
    EARLY = "early", _("left early (提前出园)")
    GRADUATED = "graduated", _("graduated (毕业)")
    EVICTED = "evicted", _("evicted (清退)")


class ResidencyQuerySet(models.QuerySet):
    def current(self, today=None):
        """Residencies that have not ended on ``today`` (by default the database's current date)."""
        return self.filter(current_residency(today))

    def ended(self, today=None):
        """Residencies that ended before ``today``: the complement of ``current()``."""
        return self.exclude(current_residency(today))


class Residency(SourcedModel):
    """An enterprise (or, before it registers, an entrepreneur) residing in an incubator."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="residencies"
    )
    enterprise = models.ForeignKey(
        "entrepreneurs.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residencies",
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("entrepreneur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residencies",
        help_text=_("Use when the resident is a person or team without a registered enterprise."),
    )
    start_date = models.DateField(_("start date"))
    start_precision = models.CharField(
        _("precision of start date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("The day the resident left (出园日期).")
    )
    unit = models.CharField(_("unit, shop or workstation"), max_length=100, blank=True)
    agreement_end = models.DateField(
        _("incubation agreement ends"),
        null=True,
        blank=True,
        help_text=_("The last day of the incubation agreement (孵化协议期); empty when none was signed."),
    )
    exit_kind = models.CharField(
        _("how the resident left"),
        max_length=12,
        choices=ExitKind.choices,
        blank=True,
        help_text=_("Set together with the end date."),
    )
    workstations = models.PositiveIntegerField(
        _("workstations used"), null=True, blank=True, help_text=_("For the space utilisation rate.")
    )
    area_m2 = models.DecimalField(_("area used (m²)"), max_digits=9, decimal_places=2, null=True, blank=True)

    objects = ResidencyQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["incubator", "-start_date", "id"]
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        indexes = [models.Index(fields=["incubator", "start_date"], name="residency_incubator_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="residency_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(entrepreneur__isnull=False),
                name="residency_has_resident",
            ),
            models.CheckConstraint(
                condition=Q(agreement_end__isnull=True) | Q(agreement_end__gte=F("start_date")),
                name="residency_agreement_after_start",
            ),
            models.CheckConstraint(
                condition=Q(exit_kind="") | Q(end_date__isnull=False), name="residency_exit_has_date"
            ),
            models.CheckConstraint(
                condition=Q(area_m2__isnull=True) | Q(area_m2__gt=0), name="residency_area_positive"
            ),
            models.UniqueConstraint(
                fields=["incubator", "enterprise", "start_date"], name="residency_unique_enterprise_start"
            ),
            models.UniqueConstraint(
                fields=["incubator", "entrepreneur", "start_date"], name="residency_unique_entrepreneur_start"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise or self.entrepreneur} @ {self.incubator}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if not self.enterprise_id and not self.entrepreneur_id:
            raise ValidationError(_("Choose the resident enterprise or entrepreneur."))
        if self.agreement_end and self.start_date and self.agreement_end < self.start_date:
            raise ValidationError(
                {"agreement_end": _("The agreement cannot end before the residency starts.")}
            )
        if self.exit_kind and not self.end_date:
            raise ValidationError({"end_date": _("Give the day the resident left, with how they left.")})


class Capacity(SourcedModel):
    """A base's capacity from a date on (workstations, area): it changes when a base grows."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.CASCADE, related_name="capacities"
    )
    as_of = models.DateField(
        _("from"), help_text=_("The capacity holds from this day until the next record.")
    )
    workstations = models.PositiveIntegerField(_("workstations"), null=True, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incubator", "-as_of"]
        verbose_name = _("base capacity")
        verbose_name_plural = _("base capacities")
        constraints = [
            models.UniqueConstraint(fields=["incubator", "as_of"], name="capacity_unique_date"),
            models.CheckConstraint(
                condition=Q(workstations__isnull=False) | Q(area_m2__isnull=False),
                name="capacity_has_measure",
            ),
        ]

    def __str__(self):
        return f"{self.incubator} @ {self.as_of}"

    def clean(self):
        if self.workstations is None and self.area_m2 is None:
            raise ValidationError(_("Give the workstations, the area, or both."))


class Mentor(TimeStampedModel):
    """A mentor on a base's roster (创业导师名册) for a period."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="mentors"
    )
    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(
        _("field"), max_length=200, blank=True, help_text=_("e.g. finance, e-commerce, law.")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incubator", "name", "id"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="mentor_end_after_start",
            ),
            models.UniqueConstraint(fields=["incubator", "name", "start_date"], name="mentor_unique_start"),
        ]

    def __str__(self):
        return self.name  # not the base's name too: an export would read every mentor's base

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class MentoringSession(TimeStampedModel):
    """A mentor's session with a resident (an enterprise, or a person before registering)."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"))
    enterprise = models.ForeignKey(
        "entrepreneurs.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring_sessions",
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("entrepreneur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring_sessions",
    )
    topic = models.CharField(_("topic"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(entrepreneur__isnull=False),
                name="mentoring_has_mentee",
            ),
        ]

    def __str__(self):
        return f"{self.mentor.name} → {self.enterprise or self.entrepreneur} ({self.date})"

    def clean(self):
        if not self.enterprise_id and not self.entrepreneur_id:
            raise ValidationError(_("Choose the enterprise or entrepreneur mentored."))


class Indicator(models.TextChoices):
    """The indicators a base is assessed by (domain-notes §2); each formula is in overview/indicators.py."""

    RESIDENTS = "residents", _("resident entities (在孵实体数)")
    NEW_RESIDENTS = "new_residents", _("new residents (新入驻数)")
    UTILISATION = "utilisation", _("space utilisation rate (场所利用率)")
    SUCCESS_RATE = "success_rate", _("incubation success rate (孵化成功率)")
    ON_TIME_EXIT_RATE = "on_time_exit_rate", _("on-time exit rate (到期出园率)")
    JOBS = "jobs", _("jobs created (带动就业人数)")
    JOBS_PER_FOUNDER = "jobs_per_founder", _("jobs per founder (人均带动)")
    MENTORS = "mentors", _("mentors (创业导师人数)")
    EVENTS = "events", _("events hosted (活动场次)")
    SUPPORTED = "supported", _("residents with support (享受政策实体数)")


class RuleSet(SourcedModel):
    """Published criteria a base is judged by (国家级创业孵化示范基地, a province's or a city's), in force
    from ``effective_from`` (until ``effective_to``); one threshold per indicator."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        MUNICIPAL = "municipal", _("municipal")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("e.g. 福建省; empty: nationwide.")
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="ruleset_effective_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("A rule set cannot end before it comes into force.")})


class Threshold(TimeStampedModel):
    """What a rule set asks of one indicator: at least (or at most) ``value``."""

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", _("at least (≥)")
        AT_MOST = "lte", _("at most (≤)")

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="thresholds"
    )
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices, default="gte")
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, help_text=_("A rate as a percentage: 90 for 90 %.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("e.g. over three years."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_set", "indicator"]
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "indicator"], name="threshold_one_per_indicator"),
            models.CheckConstraint(condition=Q(value__gte=0), name="threshold_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.get_comparison_display()} {self.value}"

    def met_by(self, value) -> bool | None:
        """Whether ``value`` meets the threshold (None: no value)."""
        if value is None:
            return None
        return value >= self.value if self.comparison == self.Comparison.AT_LEAST else value <= self.value
