"""Returnee entrepreneurs, their enterprises, yearly figures, the support they receive and the
financing they raise.

Personal data (ID-card number, phone, exact birth date, disability details) lives here for staff;
partners only ever see fields that an API serializer lists on purpose.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from entrepreneurs.pinyin import pinyin_search_text, romanise
from events.models import Attendance
from jining.aggregates import count_of, sum_of
from jining.divisions import ULANQAB_COUNTIES
from jining.models import DatePrecision, Organisation, Qualifier, SourcedModel, TimeStampedModel
from jining.personal import PersonalData, mask_id_card, mask_phone, year_only
from jining.validators import (
    id_card_birth_date,
    id_card_gender,
    normalize_id_card,
    normalize_mobile,
    validate_credit_code,
    validate_id_card,
    validate_mobile,
)

YEAR_RANGE = Q(year__gte=1949) & Q(year__lte=2100)
#: The plausibility rules of a person (Entrepreneur.implausible): the youngest age recorded, and
#: the ages at which people first leave home to work.
MIN_AGE = 16
LEFT_HOME_AGES = (14, 70)
KNOWN_COUNTIES = {form for forms in ULANQAB_COUNTIES.values() for form in forms}


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class SpecialGroupQuerySet(models.QuerySet):
    def with_member_count(self):
        """``member_count``: the entrepreneurs in the group (rows of ``Entrepreneur.special_groups``)."""
        return self.annotate(member_count=count_of(Entrepreneur.special_groups.through, "specialgroup"))


class SpecialGroup(TimeStampedModel):
    """A group the program looks after specially (disabled, poverty-alleviation household, veteran...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sensitive = models.BooleanField(
        _("sensitive personal information"),
        default=False,
        help_text=_(
            "Membership reveals health or similar sensitive data: never shown per person to partners."
        ),
    )

    objects = SpecialGroupQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")

    def __str__(self):
        return self.name


class EntrepreneurQuerySet(models.QuerySet):
    def with_event_count(self):
        """``event_count``: the events the person attended (attendance records, one per event)."""
        return self.annotate(event_count=count_of(Attendance, "entrepreneur"))


class Entrepreneur(SourcedModel):
    """A person who came home to start a business."""

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")
        UNKNOWN = "U", _("unknown")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("primary school")
        JUNIOR = "junior", _("junior secondary")
        SENIOR = "senior", _("senior secondary")
        VOCATIONAL = "vocational", _("vocational school")
        ADULT_HIGHER = "adult_higher", _("adult higher education (成人大学)")
        COLLEGE = "college", _("junior college (大专)")
        BACHELOR = "bachelor", _("bachelor's degree")
        POSTGRADUATE = "postgraduate", _("postgraduate")
        UNKNOWN = "unknown", _("unknown")

    name = models.CharField(_("full name"), max_length=50, db_index=True)
    name_romanised = models.CharField(
        _("romanised name"),
        max_length=100,
        blank=True,
        help_text=_("Filled from the Chinese name when left empty."),
    )
    name_pinyin = models.CharField(
        _("pinyin of the name"),
        max_length=255,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Filled from the name on save, for searches such as “zzj” or “zhang zhijie”."),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_decade = models.PositiveSmallIntegerField(
        _("decade of birth"), null=True, blank=True, help_text=_("e.g. 1980 for 80后.")
    )
    id_card_number = models.CharField(
        _("ID-card number"), max_length=18, blank=True, validators=[validate_id_card]
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[validate_mobile])
    hometown_city = models.CharField(_("hometown city (盟市)"), max_length=50, blank=True)
    hometown_county = models.CharField(
        _("hometown banner/county/district"), max_length=50, blank=True, db_index=True
    )
    hometown_township = models.CharField(_("hometown township"), max_length=50, blank=True)
    left_home_age = models.PositiveSmallIntegerField(
        _("age when first leaving to work"), null=True, blank=True
    )
    prior_work_place = models.CharField(_("where they worked before returning"), max_length=100, blank=True)
    prior_trade = models.CharField(_("trade before returning"), max_length=100, blank=True)
    return_year = models.PositiveSmallIntegerField(_("year of return"), null=True, blank=True, db_index=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, default=Education.UNKNOWN
    )
    special_groups = models.ManyToManyField(
        SpecialGroup, verbose_name=_("special groups"), blank=True, related_name="entrepreneurs"
    )
    disability_category = models.CharField(
        _("disability category"), max_length=50, blank=True, help_text=_("Sensitive: staff only.")
    )
    disability_since_year = models.PositiveSmallIntegerField(
        _("disabled since (year)"), null=True, blank=True
    )
    health_notes = models.TextField(_("health notes"), blank=True, help_text=_("Sensitive: staff only."))
    story = models.TextField(_("story"), blank=True)
    coverage = models.ManyToManyField(
        "jining.Source",
        verbose_name=_("media coverage"),
        blank=True,
        related_name="featured_entrepreneurs",
    )

    objects = EntrepreneurQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["special_groups", "coverage"])

    #: The personal fields and how they are shown without ``view_personal_data`` (jining/personal.py).
    PERSONAL_DATA = PersonalData(
        masked={"id_card_number": mask_id_card, "phone": mask_phone, "birth_date": year_only},
        hidden=("disability_category", "disability_since_year", "health_notes", "story"),
        sensitive_related={"special_groups": "sensitive"},
        searched=("id_card_number", "phone"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("entrepreneur")
        verbose_name_plural = _("entrepreneurs")
        permissions = [("view_personal_data", _("Can view personal data"))]
        indexes = [
            # Staff find a person by the exact mobile number (entrepreneurs.search); the ID-card
            # number has the index of its unique constraint.
            models.Index(fields=["phone"], condition=~Q(phone=""), name="entrepreneur_phone"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_card_number"],
                condition=~Q(id_card_number=""),
                name="entrepreneur_unique_id_card",
                violation_error_code="unique_id_card",
                violation_error_message=_(
                    "An entrepreneur with this ID-card number is already recorded: search for the "
                    "number and open that record instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(birth_decade__isnull=True) | Q(birth_decade__gte=1900, birth_decade__lte=2090),
                name="entrepreneur_birth_decade_plausible",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="entrepreneur_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(return_year__isnull=True) | Q(return_year__gte=1949, return_year__lte=2100),
                name="entrepreneur_return_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(return_year__isnull=True)
                | Q(return_year__gte=F("birth_year")),
                name="entrepreneur_return_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(left_home_age__isnull=True) | Q(left_home_age__lte=100),
                name="entrepreneur_left_home_age_plausible",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.birth_decade is not None and self.birth_decade % 10:
            errors["birth_decade"] = _("A decade is a year ending in 0, e.g. 1980 for 80后.")
        born = None
        if self.id_card_number:
            self.id_card_number = normalize_id_card(self.id_card_number)
            born = id_card_birth_date(self.id_card_number)
            if born:
                if self.birth_date and self.birth_date != born:
                    errors["birth_date"] = _("The date of birth differs from the one in the ID-card number.")
                if self.gender not in (self.Gender.UNKNOWN, id_card_gender(self.id_card_number)):
                    errors["gender"] = _("The gender differs from the one in the ID-card number.")
        birth_date = self.birth_date or born
        birth_year = birth_date.year if birth_date else self.birth_year
        if birth_year and self.birth_year and birth_year != self.birth_year:
            errors["birth_year"] = _("The year of birth differs from the date of birth.")
        if birth_year and self.birth_decade and birth_year // 10 * 10 != self.birth_decade:
            errors["birth_decade"] = _("The decade of birth does not contain the year of birth.")
        if birth_year and self.return_year and self.return_year < birth_year:
            errors["return_year"] = _("The year of return cannot be before the year of birth.")
        for name, message in self.implausible(birth_date, birth_year).items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    def implausible(self, birth_date=None, birth_year=None) -> dict:
        """The values no real record has (the plausibility rules, for forms and imports alike):
        a birth in the future or less than ``MIN_AGE`` years ago, a return after this year or
        before the age of ``MIN_AGE``, a first departure to work outside ``LEFT_HOME_AGES``."""
        today = timezone.localdate()
        birth_date = birth_date or self.birth_date
        birth_year = birth_year or (birth_date.year if birth_date else self.birth_year)
        errors = {}
        if birth_date and birth_date > today:
            errors["birth_date"] = _("The date of birth is in the future.")
        elif birth_date and birth_date > _years_before(today, MIN_AGE):
            errors["birth_date"] = _("A person recorded here is at least %(age)d years old.") % {
                "age": MIN_AGE
            }
        elif birth_year and birth_year > today.year - MIN_AGE:
            errors["birth_year"] = _("A person recorded here is at least %(age)d years old.") % {
                "age": MIN_AGE
            }
        if self.return_year:
            if self.return_year > today.year:
                errors["return_year"] = _("The year of return is after this year (%(year)d).") % {
                    "year": today.year
                }
            elif birth_year and self.return_year < birth_year + MIN_AGE:
                errors["return_year"] = _(
                    "The year of return is before the person was %(age)d (born %(born)d)."
                ) % {"age": MIN_AGE, "born": birth_year}
        if self.left_home_age is not None and not (
            LEFT_HOME_AGES[0] <= self.left_home_age <= LEFT_HOME_AGES[1]
        ):
            errors["left_home_age"] = _(
                "The age when first leaving to work is between %(low)d and %(high)d."
            ) % {
                "low": LEFT_HOME_AGES[0],
                "high": LEFT_HOME_AGES[1],
            }
        return errors

    def county_warning(self):
        """A message when the hometown county is none of the known divisions (a typing mistake, or
        a person from another city: the clerk confirms), else None."""
        county = (self.hometown_county or "").strip()
        if not county or county in KNOWN_COUNTIES:
            return None
        return _(
            "“%(county)s” is not one of Ulanqab's banners, counties and districts (%(known)s): "
            "check the spelling; if the person's hometown is elsewhere, confirm it."
        ) % {"county": county, "known": "、".join(ULANQAB_COUNTIES)}

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self):
        """Derive the romanised name, birth data from the ID card and a normalised phone (by
        ``save()``, and by bulk imports, which write without it)."""
        if not self.name_romanised:
            self.name_romanised = romanise(self.name)
        self.name_pinyin = pinyin_search_text(self.name)
        if self.id_card_number:
            self.id_card_number = normalize_id_card(self.id_card_number)
            born = id_card_birth_date(self.id_card_number)
            if born and not self.birth_date:
                self.birth_date = born
            if self.gender == self.Gender.UNKNOWN and len(self.id_card_number) == 18:
                self.gender = id_card_gender(self.id_card_number)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        if self.birth_year:
            self.birth_decade = self.birth_year // 10 * 10
        if self.phone:
            self.phone = normalize_mobile(self.phone)


class EnterpriseQuerySet(models.QuerySet):
    """Enterprises with their financing counted and summed, one subquery each (no join of the rows)."""

    def with_financing_count(self):
        """``financing_count``: the enterprise's financing records."""
        return self.annotate(financing_count=count_of(Financing, "enterprise"))

    def with_financing_total(self):
        """``financing_total``: the sum of the enterprise's financing amounts in yuan (0 if none)."""
        return self.annotate(financing_total=sum_of(Financing, "enterprise", "amount"))


class Enterprise(SourcedModel):
    """A business founded by returnee entrepreneurs: company, individual business, cooperative or team."""

    class LegalForm(models.TextChoices):
        LIMITED_COMPANY = "limited_company", _("limited liability company (有限责任公司)")
        INDIVIDUAL_BUSINESS = "individual_business", _("individual business (个体工商户)")
        COOPERATIVE = "cooperative", _("farmers' cooperative")
        FAMILY_FARM = "family_farm", _("family farm")
        TEAM = "team", _("team without a licence")
        UNKNOWN = "unknown", _("unknown")

    class Industry(models.TextChoices):
        AGRICULTURE = "agriculture", _("agriculture")
        MANUFACTURING = "manufacturing", _("manufacturing")
        ELECTRONICS = "electronics", _("electronics and smart devices")
        LEATHER = "leather", _("leather and fur")
        MEDIA = "media", _("media and culture")
        ECOMMERCE = "ecommerce", _("e-commerce")
        RETAIL = "retail", _("wholesale and retail")
        CATERING = "catering", _("catering and lodging")
        SERVICES = "services", _("services")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPERATING = "operating", _("operating")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("enterprise name"), max_length=200, db_index=True)
    short_name = models.CharField(_("short name or brand"), max_length=100, blank=True)
    name_pinyin = models.CharField(
        _("pinyin of the name"),
        max_length=255,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Filled from the name on save, for searches in pinyin or by initials."),
    )
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    registration_year = models.PositiveSmallIntegerField(
        _("year registered or founded"), null=True, blank=True
    )
    legal_form = models.CharField(
        _("legal form"), max_length=30, choices=LegalForm.choices, default=LegalForm.UNKNOWN
    )
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPERATING)
    founders = models.ManyToManyField(
        Entrepreneur, verbose_name=_("founders"), blank=True, related_name="enterprises"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = EnterpriseQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["founders"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="enterprise_unique_credit_code",
                violation_error_code="unique_credit_code",
                violation_error_message=_(
                    "An enterprise with this unified social credit code is already recorded: search "
                    "for the code and open that record instead."
                ),
            ),
            models.UniqueConstraint(fields=["name", "registration_year"], name="enterprise_unique_name_year"),
            models.CheckConstraint(
                condition=Q(registration_year__isnull=True)
                | Q(registration_year__gte=1949, registration_year__lte=2100),
                name="enterprise_registration_year_plausible",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.credit_code = (self.credit_code or "").strip().upper()

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self):
        """The normalised credit code and the pinyin of the name (see ``Entrepreneur.fill_derived``)."""
        self.credit_code = (self.credit_code or "").strip().upper()
        self.name_pinyin = pinyin_search_text(self.name, person=False)


class Product(TimeStampedModel):
    """A product or service an enterprise makes."""

    class Stage(models.TextChoices):
        DEVELOPMENT = "development", _("in development")
        ON_MARKET = "on_market", _("on the market")
        DISCONTINUED = "discontinued", _("discontinued")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.ON_MARKET)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="product_unique_per_enterprise")
        ]

    def __str__(self):
        return self.name


class EnterpriseFigure(SourcedModel):
    """One yearly figure of an enterprise (profit, revenue, online sales, employees), kept per year."""

    class Measure(models.TextChoices):
        EMPLOYEES = "employees", _("employees")
        DISABLED_EMPLOYEES = "disabled_employees", _("employees with disabilities")
        REVENUE = "revenue", _("revenue (yuan)")
        PROFIT = "profit", _("profit (yuan)")
        ONLINE_SALES = "online_sales", _("online sales (yuan)")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "-year", "measure", "id"]
        verbose_name = _("yearly figure")
        verbose_name_plural = _("yearly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "measure"], name="enterprise_figure_unique"
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="enterprise_figure_year_plausible"),
            models.CheckConstraint(
                condition=Q(value__gte=0) | Q(measure="profit"), name="enterprise_figure_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year} {self.get_measure_display()}: {self.value:,}"

    def clean(self):
        """Employees with disabilities can never outnumber the employees of the same year."""
        pairs = {
            self.Measure.DISABLED_EMPLOYEES: self.Measure.EMPLOYEES,
            self.Measure.EMPLOYEES: self.Measure.DISABLED_EMPLOYEES,
        }
        if self.measure not in pairs or not self.enterprise_id or not self.year or self.value is None:
            return
        other = (
            EnterpriseFigure.objects.filter(
                enterprise_id=self.enterprise_id, year=self.year, measure=pairs[self.measure]
            )
            .exclude(pk=self.pk)
            .values_list("value", flat=True)
            .first()
        )
        if other is None:
            return
        if self.measure == self.Measure.DISABLED_EMPLOYEES:
            disabled, employees = self.value, other
        else:
            disabled, employees = other, self.value
        if disabled > employees:
            raise ValidationError(
                {"value": _("More employees with disabilities than employees in that year.")}
            )


class SupportMeasure(SourcedModel):
    """Support an entrepreneur or enterprise received: rent paid, free office, training, sales channels..."""

    class Kind(models.TextChoices):
        RENT = "rent", _("rent paid or reduced")
        OFFICE = "office", _("free office space")
        EQUIPMENT = "equipment", _("free equipment")
        TRAINING = "training", _("training")
        MENTORING = "mentoring", _("mentoring and experience sharing")
        SALES_CHANNELS = "sales_channels", _("sales channels opened")
        POLICY = "policy", _("employment and support policies")
        SUBSIDY = "subsidy", _("subsidy")
        OTHER = "other", _("other")

    entrepreneur = models.ForeignKey(
        Entrepreneur,
        verbose_name=_("entrepreneur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_measures",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_measures",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_measures",
    )
    incubator = models.ForeignKey(
        "incubators.Incubator",
        verbose_name=_("delivered at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_measures",
    )
    description = models.CharField(_("description"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("precision of date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    value_yuan = models.DecimalField(
        _("value (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    partly_free = models.BooleanField(
        _("partly free"), default=False, help_text=_("Only part of the cost is covered.")
    )
    period_start = models.DateField(
        _("period from"),
        null=True,
        blank=True,
        help_text=_("For support that lasts: the first day it covers (e.g. a one-year rent subsidy)."),
    )
    period_end = models.DateField(
        _("period to"), null=True, blank=True, help_text=_("The last day it covers.")
    )

    history = HistoricalRecords()

    #: Kinds that exist for a sensitive group only (none of today's kinds; a disability subsidy
    #: would be one): like support from an organisation that serves a sensitive group, such support
    #: is never shown to partners linked to a person (``partner_visible``).
    SENSITIVE_KINDS: frozenset[str] = frozenset()

    @classmethod
    def reveals_sensitive_group(cls) -> Q:
        """The measures whose provider or kind exists for a sensitive group (残联's support)."""
        return Q(provider__serves_sensitive_group=True) | Q(kind__in=cls.SENSITIVE_KINDS)

    @classmethod
    def partner_visible(cls) -> Q:
        """What partners may see: every measure but those that, linked to a person, would tell a
        reader that the person belongs to a sensitive group."""
        return ~(cls.reveals_sensitive_group() & Q(entrepreneur__isnull=False))

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("support measure")
        verbose_name_plural = _("support measures")
        # The list's order (API and admin): a page is read from the index, not a sort of every row.
        indexes = [models.Index(fields=["-date", "id"], name="supportmeasure_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(entrepreneur__isnull=False) | Q(enterprise__isnull=False),
                name="support_has_recipient",
            ),
            models.CheckConstraint(condition=Q(value_yuan__gte=0), name="support_value_not_negative"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="support_period_ends_after_it_starts",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise or self.entrepreneur} · {self.get_kind_display()}"

    def clean(self):
        if not self.entrepreneur_id and not self.enterprise_id:
            raise ValidationError(
                _("Choose who received the support: an entrepreneur, an enterprise or both.")
            )
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})


class Financing(SourcedModel):
    """Money an enterprise raised: a guaranteed entrepreneurship loan, a bank loan, equity, a grant."""

    class Kind(models.TextChoices):
        GUARANTEED_LOAN = "guaranteed_loan", _("guaranteed entrepreneurship loan (创业担保贷款)")
        BANK_LOAN = "bank_loan", _("bank loan")
        EQUITY = "equity", _("equity investment")
        GRANT = "grant", _("grant or subsidy")
        OTHER = "other", _("other")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("financed enterprise"), on_delete=models.PROTECT, related_name="financings"
    )
    borrower = models.ForeignKey(
        Entrepreneur,
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="financings",
        help_text=_("The person who took a guaranteed loan, if any."),
    )
    kind = models.CharField(_("financing kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="financings",
        help_text=_("Bank, investor or granting body."),
    )
    guarantor = models.ForeignKey(
        Organisation,
        verbose_name=_("guarantor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guaranteed_financings",
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("financing")
        verbose_name_plural = _("financing")
        # The list's order, and date ranges: a page is read from the index, not a sort of a day's rows.
        indexes = [models.Index(fields=["-date", "id"], name="financing_list_order")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="financing_amount_positive"),
            models.UniqueConstraint(
                fields=["enterprise", "kind", "date", "amount"], name="financing_unique_per_enterprise"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()} · {self.amount:,} 元"


class OperatingStatus(SourcedModel):
    """What an enterprise was seen doing on a day (正常经营, 停业, 注销), and how it was seen: dated
    observations, never one field overwritten. The status holds from ``observed_on`` until the next
    observation."""

    class Status(models.TextChoices):
        NORMAL = "normal", _("operating normally (正常经营)")
        SUSPENDED = "suspended", _("suspended (停业)")
        DEREGISTERED = "deregistered", _("deregistered (注销)")

    class Method(models.TextChoices):
        VISIT = "visit", _("visit (走访)")
        TAX = "tax", _("tax record (纳税记录)")
        REGISTRY = "registry", _("business registry (登记信息)")
        REPORT = "report", _("reported by the enterprise (自报)")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="statuses"
    )
    observed_on = models.DateField(_("observed on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    method = models.CharField(_("observed by"), max_length=10, choices=Method.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "-observed_on", "id"]
        verbose_name = _("operating status")
        verbose_name_plural = _("operating statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "observed_on", "method"], name="operatingstatus_unique_observation"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise}: {self.get_status_display()} ({self.observed_on})"


class EmploymentQuerySet(models.QuerySet):
    def counted_twice(self):
        """Roster rows whose person (the same ID card) is on another roster row over an overlapping
        period, or founded another enterprise: one person counts once at a time."""
        outer_end, outer_start = OuterRef("end_date"), OuterRef("start_date")
        overlapping = (
            Employment.objects.filter(id_card_number=OuterRef("id_card_number"))
            .exclude(pk=OuterRef("pk"))
            .filter(Q(IsNull(outer_end, True)) | Q(start_date__lte=outer_end))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=outer_start))
        )
        founder_elsewhere = Enterprise.founders.through.objects.filter(
            entrepreneur__id_card_number=OuterRef("id_card_number")
        ).exclude(enterprise=OuterRef("enterprise"))
        return self.exclude(id_card_number="").filter(Exists(overlapping) | Exists(founder_elsewhere))


class Employment(TimeStampedModel):
    """A person on an enterprise's employee roster (带动就业花名册) for a period: the jobs a base's
    residents create. The ID-card number is personal data, masked without the permission; it is what
    tells that two rows are the same person."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="employments"
    )
    name = models.CharField(_("full name"), max_length=100)
    id_card_number = models.CharField(
        _("ID-card number"), max_length=18, blank=True, validators=[validate_id_card]
    )
    entrepreneur = models.ForeignKey(
        Entrepreneur,
        verbose_name=_("returnee entrepreneur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employments",
        help_text=_("When the employee is a returnee in the system."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    disabled = models.BooleanField(_("person with a disability"), default=False)
    social_insurance = models.BooleanField(_("social insurance enrolled"), default=False)

    PERSONAL_DATA = PersonalData(
        masked={"id_card_number": mask_id_card}, hidden=("disabled",), searched=("id_card_number",)
    )

    objects = EmploymentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "start_date", "id"]
        verbose_name = _("employee")
        verbose_name_plural = _("employee roster")
        indexes = [models.Index(fields=["id_card_number"], name="employment_id_card")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="employment_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "id_card_number", "start_date"],
                condition=~Q(id_card_number=""),
                name="employment_unique_person_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} @ {self.enterprise}"

    def fill_derived(self):
        """The ID-card number normalised (what tells two rows apart); the import calls this too."""
        if self.id_card_number:
            self.id_card_number = normalize_id_card(self.id_card_number)

    def clean(self):
        self.fill_derived()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
