"""Event series, single events (lectures, matchmaking, roadshows, training...) and who attended.

Person-times are counted from Attendance rows; what a source reported in aggregate (e.g. nearly
600 on-site participants across twelve sessions) is a ReportedFigure scoped to the series.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jining.aggregates import count_of
from jining.models import DatePrecision, Organisation, SourcedModel, TimeStampedModel


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("lecture")
    MATCHMAKING = "matchmaking", _("project matchmaking")
    RECEPTION_DAY = "reception_day", _("reception day")
    ROADSHOW = "roadshow", _("roadshow")
    SALON = "salon", _("salon")
    TRAINING = "training", _("training course")
    SEMINAR = "seminar", _("seminar")
    LIVESTREAM = "livestream", _("live-stream")
    OTHER = "other", _("other")


class Segment(TimeStampedModel):
    """A part of an event's programme: policy briefing, mentor guidance, private matchmaking, replay..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("programme segment")
        verbose_name_plural = _("programme segments")

    def __str__(self):
        return self.name


class EventSeriesQuerySet(models.QuerySet):
    """Series with the counts that the admin and the API list, each under one name."""

    def with_event_count(self):
        """``event_count``: the events recorded in the series."""
        return self.annotate(event_count=count_of(Event, "series"))

    def with_attendance_count(self):
        """``attendance_count``: attendance records (person-times) over the series' events."""
        return self.annotate(attendance_count=count_of(Attendance, "event__series"))


class EventSeries(SourcedModel):
    """A recurring event format, e.g. 创新创业走基层大讲堂."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="event_series"
    )
    host_incubator = models.ForeignKey(
        "incubators.Incubator",
        verbose_name=_("host incubator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_series",
    )
    segments = models.ManyToManyField(
        Segment, verbose_name=_("programme segments"), blank=True, related_name="series"
    )
    description = models.TextField(_("description"), blank=True)

    objects = EventSeriesQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["segments"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self):
        return self.name


class EventQuerySet(models.QuerySet):
    """Events with the counts that the admin and the API list."""

    def with_attendee_count(self):
        """``attendee_count``: the event's attendance records (tracked attendees, person-times)."""
        return self.annotate(attendee_count=count_of(Attendance, "event"))


class Event(SourcedModel):
    """A single event: where and when it happened, how, and how many took part."""

    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    title = models.CharField(_("event title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    kind = models.CharField(_("event kind"), max_length=20, choices=EventKind.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="events"
    )
    host_incubator = models.ForeignKey(
        "incubators.Incubator",
        verbose_name=_("host incubator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    start_date = models.DateField(_("date"), null=True, blank=True, help_text=_("Leave empty if not known."))
    date_precision = models.CharField(
        _("precision of date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    township = models.CharField(_("township or sub-district"), max_length=100, blank=True, db_index=True)
    on_site = models.BooleanField(_("on site"), default=True)
    live_streamed = models.BooleanField(_("live-streamed"), default=False)
    replay_available = models.BooleanField(_("replay available"), default=False)
    segments = models.ManyToManyField(
        Segment, verbose_name=_("programme segments"), blank=True, related_name="events"
    )
    onsite_participants = models.PositiveIntegerField(_("on-site participants"), null=True, blank=True)
    online_views = models.PositiveIntegerField(_("online views"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    attendees = models.ManyToManyField(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("attendees"),
        through="Attendance",
        blank=True,
        related_name="events",
    )

    objects = EventQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["segments"])

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["start_date"], name="event_start_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False) & Q(end_date__gte=F("start_date")),
                name="event_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(on_site=True) | Q(live_streamed=True) | Q(replay_available=True),
                name="event_has_a_format",
            ),
            models.UniqueConstraint(fields=["title", "start_date"], name="event_unique_title_date"),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date:%Y-%m-%d})" if self.start_date else self.title

    def clean(self):
        if self.end_date and not self.start_date:
            raise ValidationError({"start_date": _("Give the start date when there is an end date.")})
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if not (self.on_site or self.live_streamed or self.replay_available):
            raise ValidationError(_("Tick at least one format: on site, live-streamed or replay."))


class Attendance(TimeStampedModel):
    """An entrepreneur taking part in an event; person-times are counted from these rows."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker or sharer")
        MENTOR = "mentor", _("mentor")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attendances"
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("entrepreneur"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["event", "entrepreneur"], name="attendance_unique_per_event"),
        ]

    def __str__(self):
        return f"{self.entrepreneur} @ {self.event}"
