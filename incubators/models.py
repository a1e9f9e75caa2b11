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
    end_date = models.DateField(_("end date"), null=True, blank=True)
    unit = models.CharField(_("unit, shop or workstation"), max_length=100, blank=True)

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
