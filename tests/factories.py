"""factory_boy factories for every model; tests build their data here, never by hand-written SQL."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from entrepreneurs.models import (
    Employment,
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    OperatingStatus,
    Product,
    SpecialGroup,
    SupportMeasure,
)
from events.models import Attendance, Event, EventKind, EventSeries, Segment
from incubators.models import (
    Capacity,
    Designation,
    Facility,
    Incubator,
    Indicator,
    Mentor,
    MentoringSession,
    Residency,
    RuleSet,
    Service,
    Threshold,
)
from jining.models import (
    AccessLog,
    ApiToken,
    BinEntry,
    Job,
    JobFile,
    JobFileChunk,
    Organisation,
    Programme,
    Source,
)
from jining.validators import id_card_check_char, uscc_check_char
from overview.models import EventOutcome, IndicatorValue, ReportedFigure, StatsSnapshot


def make_id_card(n: int, birth: datetime.date = datetime.date(1985, 6, 15), male: bool = True) -> str:
    """A checksum-valid ID-card number for a person born on ``birth`` (region 150902 = 集宁区)."""
    seq = (n % 50) * 2 + (1 if male else 0)
    first17 = f"150902{birth:%Y%m%d}{seq:03d}"
    return first17 + id_card_check_char(first17)


def make_credit_code(n: int) -> str:
    """A checksum-valid unified social credit code."""
    first17 = f"91150902MA{n:07d}"
    return first17 + uscc_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("a-long-test-password-42")


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"机构{n}")
    kind = Organisation.Kind.GOVERNMENT


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    code = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"报道{n}")
    publisher = "中国改革报"
    published_on = datetime.date(2019, 9, 5)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"返乡创业试点{n}")
    area = "集宁区"
    designated_year = 2017
    run_by = factory.SubFactory(OrganisationFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"服务{n}")


class IncubatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incubator

    code = factory.Sequence(lambda n: f"incubator-{n}")
    name = factory.Sequence(lambda n: f"孵化基地{n}")
    kind = Incubator.Kind.INCUBATION_BASE
    township = "新体路街道"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    incubator = factory.SubFactory(IncubatorFactory)
    name = factory.Sequence(lambda n: f"会议室{n}")
    area_m2 = Decimal("50")


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    incubator = factory.SubFactory(IncubatorFactory)
    title = factory.Sequence(lambda n: f"创业孵化基地{n}")
    level = Designation.Level.NATIONAL
    year = 2018


class SpecialGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"群体{n}")


class EntrepreneurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrepreneur

    name = factory.Sequence(lambda n: f"王{'一二三四五六七八九十'[n % 10]}{n}")
    gender = Entrepreneur.Gender.MALE
    birth_year = 1985
    hometown_city = "乌兰察布市"
    hometown_county = "察右中旗"
    prior_work_place = "北京"
    prior_trade = "皮革"
    return_year = 2017


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"集宁区测试企业{n}有限公司")
    credit_code = factory.Sequence(make_credit_code)
    registration_year = 2017
    legal_form = Enterprise.LegalForm.LIMITED_COMPANY
    industry = Enterprise.Industry.MANUFACTURING

    @factory.post_generation
    def founders(self, create, extracted, **kwargs):
        if create and extracted:
            self.founders.add(*extracted)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"产品{n}")


class EnterpriseFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseFigure

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2018
    measure = EnterpriseFigure.Measure.PROFIT
    value = Decimal("1000000")


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residency

    incubator = factory.SubFactory(IncubatorFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    start_date = datetime.date(2017, 1, 1)


class SupportMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportMeasure

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    kind = SupportMeasure.Kind.RENT
    provider = factory.SubFactory(OrganisationFactory)
    description = "厂房租金"
    date = datetime.date(2018, 3, 1)
    value_yuan = Decimal("12000.00")


class FinancingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Financing

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Financing.Kind.GUARANTEED_LOAN
    amount = Decimal("100000.00")
    date = factory.Sequence(lambda n: datetime.date(2018, 1, 1) + datetime.timedelta(days=n))
    provider = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.BANK)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    code = factory.Sequence(lambda n: f"segment-{n}")
    name = factory.Sequence(lambda n: f"环节{n}")


class EventSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSeries

    code = factory.Sequence(lambda n: f"series-{n}")
    name = factory.Sequence(lambda n: f"创业活动系列{n}")
    kind = EventKind.LECTURE
    organiser = factory.SubFactory(OrganisationFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    series = factory.SubFactory(EventSeriesFactory)
    title = factory.Sequence(lambda n: f"创业讲座{n}")
    kind = EventKind.LECTURE
    organiser = factory.SubFactory(OrganisationFactory)
    start_date = factory.Sequence(lambda n: datetime.date(2019, 1, 1) + datetime.timedelta(days=n))
    township = "白海子镇"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    entrepreneur = factory.SubFactory(EntrepreneurFactory)


class ReportedFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedFigure

    key = factory.Sequence(lambda n: f"figure-{n}")
    measure = ReportedFigure.Measure.TRAINING_PARTICIPANTS
    label = "累计参加创业培训人数"
    value = Decimal("2360")
    unit = ReportedFigure.Unit.PERSON
    as_of = datetime.date(2019, 9, 5)
    scope = ReportedFigure.Scope.DISTRICT
    scope_name = "集宁区"
    source = factory.SubFactory(SourceFactory)
    source_quote = "截至目前，集宁区累计参加创业培训人数2360人"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row with a made-up hash; use jining.services.token_issue when a usable key is needed."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    label = "test"
    prefix = factory.Sequence(lambda n: f"jn_{n:08d}")
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=365))


class StatsSnapshotFactory(factory.django.DjangoModelFactory):
    """The one stats snapshot row (see overview.stats.stats_refresh for a computed one)."""

    class Meta:
        model = StatsSnapshot
        django_get_or_create = ("id",)

    id = StatsSnapshot.SINGLE_ROW
    computed_at = factory.LazyFunction(timezone.now)
    duration_ms = 1200
    trigger = "refresh_stats"


class JobFactory(factory.django.DjangoModelFactory):
    """A job as a worker leaves it: done, with a result."""

    class Meta:
        model = Job

    kind = "export"
    title = factory.Sequence(lambda n: f"导出 {n}")
    user = factory.SubFactory(StaffUserFactory)
    state = Job.State.DONE
    done = 3
    total = 3
    started = factory.LazyFunction(timezone.now)
    finished = factory.LazyFunction(timezone.now)
    result = factory.LazyFunction(lambda: {"rows": 3})


class JobFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFile

    job = factory.SubFactory(JobFactory)
    role = JobFile.Role.OUTPUT
    name = "导出.csv"
    content_type = "text/csv"
    complete = True


class JobFileChunkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFileChunk

    file = factory.SubFactory(JobFileFactory)
    seq = factory.Sequence(int)
    data = b"x"


class AccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLog

    username = "editor"
    channel = AccessLog.Channel.PAGE
    record_type = "entrepreneurs.entrepreneur"
    record = "张智杰"
    fields = ",id_card_number,"


class BinEntryFactory(factory.django.DjangoModelFactory):
    """A recycle bin entry as the constraints see it (a real one comes from jining.recycle_bin)."""

    class Meta:
        model = BinEntry

    record_type = "entrepreneurs.entrepreneur"
    record = "张智杰"
    record_count = 1
    reason = "重复录入"
    deleted_by_name = "editor"

    class Params:
        restored_by_someone = factory.Trait(restored_by=factory.SubFactory(UserFactory))


class CapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capacity

    incubator = factory.SubFactory(IncubatorFactory)
    as_of = datetime.date(2017, 1, 1)
    workstations = 10


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    incubator = factory.SubFactory(IncubatorFactory)
    name = factory.Sequence(lambda n: f"导师{n}")
    field = "财务管理"
    start_date = datetime.date(2017, 1, 1)


class OperatingStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperatingStatus

    enterprise = factory.SubFactory(EnterpriseFactory)
    observed_on = datetime.date(2018, 1, 1)
    status = OperatingStatus.Status.NORMAL
    method = OperatingStatus.Method.VISIT


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    id_card_number = factory.Sequence(lambda n: make_id_card(500_000 + n))
    start_date = datetime.date(2018, 1, 1)


class MentoringSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringSession

    mentor = factory.SubFactory(MentorFactory)
    date = datetime.date(2019, 4, 1)
    enterprise = factory.SubFactory(EnterpriseFactory)


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet

    code = factory.Sequence(lambda n: f"rule-set-{n}")
    name = factory.Sequence(lambda n: f"考核标准{n}")
    level = RuleSet.Level.MUNICIPAL
    effective_from = datetime.date(2020, 1, 1)


class ThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Threshold

    rule_set = factory.SubFactory(RuleSetFactory)
    indicator = Indicator.RESIDENTS
    value = Decimal("30")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    incubator = factory.SubFactory(IncubatorFactory)
    period_start = datetime.date(2019, 1, 1)
    period_end = datetime.date(2019, 12, 31)
    indicator = Indicator.RESIDENTS
    value = Decimal("3")
    computed_at = factory.LazyFunction(timezone.now)


class EventOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventOutcome

    scope = EventOutcome.Scope.KIND
    key = factory.Sequence(lambda n: f"kind-{n}")
    label = factory.Sequence(lambda n: f"培训{n}")
    months = 12
    attended = 10
    enterprise = 3
    residency = 2
    support = 4
    financing = 1
    computed_at = factory.LazyFunction(timezone.now)
