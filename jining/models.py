"""Models shared by every app: the abstract bases, the user and partner accounts, API tokens,
organisations, sources and the programme. They refer to no record app."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Adds creation and last-change times to every concrete model."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: '2017' is stored as 2017-01-01 with precision YEAR."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Qualifier(models.TextChoices):
    """How a Chinese figure qualifies its number: 余/多/超过/以上 = over, 近 = nearly."""

    EXACT = "exact", _("exact")
    OVER = "over", _("over (余/多/超过)")
    NEARLY = "nearly", _("nearly (近)")
    ABOUT = "about", _("about (约)")
    ORDER = "order", _("order of magnitude (数以…计)")


class SourcedModel(TimeStampedModel):
    """A record that keeps where its facts came from."""

    source = models.ForeignKey(
        "jining.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The publication or document this record is based on."),
    )
    source_quote = models.TextField(
        _("source quote"), blank=True, help_text=_("The sentence(s) of the source this record comes from.")
    )

    class Meta:
        abstract = True


class User(AbstractUser):
    """A staff member or a partner account (partners never log in to the admin)."""

    organisation = models.ForeignKey(
        "jining.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Organisation(TimeStampedModel):
    """A body that runs, guides, funds or reports on the program: the bureau, 残联, a bank, a ministry."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government department")
        MINISTRY = "ministry", _("national ministry or commission")
        FEDERATION = "federation", _("people's organisation (e.g. 残联)")
        BANK = "bank", _("bank")
        GUARANTOR = "guarantor", _("guarantee agency")
        OPERATOR = "operator", _("incubator operator")
        ENTERPRISE = "enterprise", _("enterprise")
        MEDIA = "media", _("media")
        EDUCATION = "education", _("school or university")
        OTHER = "other", _("other")

    code = models.SlugField(
        _("code"), max_length=60, unique=True, help_text=_("Stable short key, e.g. jnq-ldjyj.")
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    head_name = models.CharField(
        _("head"), max_length=50, blank=True, help_text=_("e.g. the bureau director.")
    )
    head_title = models.CharField(_("head's title"), max_length=50, blank=True)
    serves_sensitive_group = models.BooleanField(
        _("serves a sensitive group"),
        default=False,
        help_text=_(
            "e.g. 残联: support it gives a person reveals a sensitive fact (a disability), so partners "
            "never see such support linked to a person."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Source(TimeStampedModel):
    """A publication, document or media item that facts are taken from."""

    class Kind(models.TextChoices):
        NEWS = "news", _("news article")
        VIDEO = "video", _("video")
        WECHAT = "wechat", _("WeChat article")
        DOCUMENT = "document", _("government document")
        STATISTICS = "statistics", _("statistical report")
        RECORD = "record", _("bureau record")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(
        _("publisher"), max_length=200, blank=True, help_text=_("Newspaper or channel.")
    )
    authors = models.CharField(_("authors"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_precision = models.CharField(
        _("precision of publication date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    url = models.URLField(_("web address"), blank=True)
    cited_in = models.ForeignKey(
        "self",
        verbose_name=_("cited in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        help_text=_("Where we learnt of this item, if we have not seen it ourselves."),
    )
    text = models.TextField(_("full text"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "publisher", "published_on"], name="source_unique_publication"
            ),
        ]

    def __str__(self):
        return f"{self.publisher}《{self.title}》" if self.publisher else f"《{self.title}》"

    @classmethod
    def partner_visible(cls) -> models.Q:
        """What partners may see: every source but media coverage of exactly one person (a profile
        such as 《摇着轮椅的创业梦》 is about that person, and may tell a sensitive fact). The people
        a source features are ``Entrepreneur.coverage`` (its reverse name ``featured_entrepreneurs``)."""
        one_person = (
            cls.objects.annotate(people=models.Count("featured_entrepreneurs")).filter(people=1).values("pk")
        )
        return ~models.Q(pk__in=one_person)


class Programme(SourcedModel):
    """The returnee-entrepreneurship pilot itself: who designated it, when, who runs it and how."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    area = models.CharField(_("pilot area"), max_length=100, help_text=_("e.g. 集宁区"))
    designated_year = models.PositiveSmallIntegerField(_("year designated"), null=True, blank=True)
    designated_by = models.ManyToManyField(
        Organisation, verbose_name=_("designated by"), blank=True, related_name="designated_programmes"
    )
    designating_body_count = models.PositiveSmallIntegerField(
        _("number of designating bodies"),
        null=True,
        blank=True,
        help_text=_("e.g. ten ministries, of which some are named."),
    )
    run_by = models.ForeignKey(
        Organisation, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="programmes_run"
    )
    special_group_approach = models.TextField(
        _("approach for special groups"),
        blank=True,
        help_text=_("e.g. 送岗位、送技术、送政策 plus follow-up."),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(m2m_fields=["designated_by"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class ApiToken(TimeStampedModel):
    """A partner's API key, stored as a SHA-256 hash: the key itself is shown once, when issued.

    A user may hold several tokens (one per system that calls the API). A token works while it is
    enabled, not expired and its user is active: deactivating the user disables all its tokens at once.
    Tokens are issued, revoked and rotated through ``jining.services``, from the admin and from
    ``manage.py create_partner``.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("What the token is for, e.g. the calling system.")
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=16,
        editable=False,
        help_text=_("The first characters of the key, to recognise it; not enough to use it."),
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    expires = models.DateTimeField(_("expires"))
    enabled = models.BooleanField(_("enabled"), default=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.label or self.user})"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires <= timezone.now()

    @property
    def is_usable(self) -> bool:
        """Whether a request carrying this token is let in."""
        return self.enabled and not self.is_expired and self.user.is_active


class PartnerAccount(User):
    """A partner's API account, as the admin lists it: a user in the partners group."""

    class Meta:
        proxy = True
        verbose_name = _("partner account")
        verbose_name_plural = _("partner accounts")


class Job(models.Model):
    """A piece of long work (an import, an export, a recomputation) run by a background worker.

    The user who started it follows its progress on the jobs page (任务); the worker writes the
    progress, the result and any files (``JobFile``). Run through ``jining.jobs``.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    FINISHED = (State.DONE, State.FAILED, State.CANCELLED)

    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["user", "-created"], name="jining_job_user_created"),
            models.Index(fields=["state", "heartbeat"], name="jining_job_state_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="jining_job_done_within_total",
            ),
            # A system job (no user: a recomputation) waits at most once: jobs.job_start_unique.
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(state="queued", user__isnull=True),
                name="jining_job_one_waiting_system_job",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED


class JobFile(models.Model):
    """A file a job reads (an uploaded spreadsheet) or writes (an export, the rejected rows), kept in
    the database in chunks so that any web server and any worker can reach it."""

    class Role(models.TextChoices):
        INPUT = "input", _("uploaded file")
        OUTPUT = "output", _("result file")
        REJECTED = "rejected", _("rejected rows")
        PLAN = "plan", _("validated rows")

    job = models.ForeignKey(Job, verbose_name=_("job"), on_delete=models.CASCADE, related_name="files")
    role = models.CharField(_("role"), max_length=10, choices=Role)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    complete = models.BooleanField(_("complete"), default=False)

    class Meta:
        ordering = ["job", "role"]
        verbose_name = _("job file")
        verbose_name_plural = _("job files")
        constraints = [
            models.UniqueConstraint(fields=["job", "role"], name="jining_jobfile_one_per_role"),
        ]

    def __str__(self):
        return self.name


class JobFileChunk(models.Model):
    """One piece (up to ``jining.jobs.CHUNK_BYTES``) of a job file, in order."""

    file = models.ForeignKey(JobFile, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["file", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["file", "seq"], name="jining_jobfilechunk_seq"),
        ]

    def __str__(self):
        return f"{self.file_id}#{self.seq}"


class AccessLog(models.Model):
    """One view of unmasked personal data (jining/personal.py): who saw which fields of whose record,
    when and from where (a page, a history page, an export with its row count). Written by the code
    that shows the data, never changed afterwards; superusers read it in the admin."""

    class Channel(models.TextChoices):
        PAGE = "page", _("record page")
        HISTORY = "history", _("history page")
        EXPORT = "export", _("export")

    when = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("user name"), max_length=150)
    channel = models.CharField(_("seen on"), max_length=10, choices=Channel)
    record_type = models.CharField(_("kind of record"), max_length=100)
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    record = models.CharField(_("record"), max_length=200, blank=True)
    #: The personal fields seen, as ``,name,name,`` (so that one field is found with ``contains``).
    fields = models.CharField(_("fields"), max_length=500)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    path = models.CharField(_("address of the page"), max_length=500, blank=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-when", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        indexes = [
            models.Index(fields=["record_type", "record_id", "-when"], name="jining_accesslog_record"),
            models.Index(fields=["user", "-when"], name="jining_accesslog_user"),
        ]

    def __str__(self):
        return f"{self.username} · {self.record or self.record_type} · {self.when:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("An access log entry is never changed.")
        super().save(*args, **kwargs)


class BinEntry(models.Model):
    """One delete or merge in the recycle bin (回收站): the rows it removed, with everything they
    carried, kept so that they can be put back exactly (jining/recycle_bin.py). Who, when and why are
    recorded; an entry that has been restored stays as the record of it, without the rows."""

    class Kind(models.TextChoices):
        DELETE = "delete", _("deleted")
        MERGE = "merge", _("merged into another record")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.DELETE)
    record_type = models.CharField(_("kind of record"), max_length=100)
    record = models.CharField(_("record"), max_length=500)
    record_count = models.PositiveIntegerField(_("records"))
    #: ``{model verbose name (plural): count}`` of every row the entry holds, for the staff.
    contents = models.JSONField(_("contents"), default=dict)
    reason = models.TextField(_("reason"))
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True, db_index=True)
    deleted_by = models.ForeignKey(
        User, verbose_name=_("deleted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_by_name = models.CharField(_("deleted by (user name)"), max_length=150)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    restored_by = models.ForeignKey(
        User,
        verbose_name=_("restored by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: What a restore needs: the rows (Django's serialization), the foreign keys the delete set to
    #: null, and for a merge what it moved and what the surviving record held before. Emptied once
    #: restored.
    payload = models.JSONField(_("stored rows"), default=dict, editable=False)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("recycle bin entry")
        verbose_name_plural = _("recycle bin")
        permissions = [("restore_binentry", _("Can restore from the recycle bin"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(restored_at__isnull=True, restored_by__isnull=True)
                | models.Q(restored_at__isnull=False),
                name="jining_binentry_restored_by_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.record} · {self.deleted_at:%Y-%m-%d %H:%M}" if self.deleted_at else self.record

    @property
    def restored(self) -> bool:
        return self.restored_at is not None
