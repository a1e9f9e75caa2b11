"""Synthetic program data at any scale, kept apart from the real (article) data and removable at once.

``generate(scale=1)`` writes about one district's worth of records (6,000 entrepreneurs, 6,000
enterprises, 100 events, 6,300 attendances, 300 financing records, 3,300 support measures, 600
residencies); ``scale=100`` about a province (600,000 entrepreneurs and enterprises, a million
attendances). ``remove()`` deletes exactly those rows.

What a base's annual review reads comes with them (issue 15): residencies carry an agreement end
(85%), an exit date and kind, and the space used; each generated base has its capacity (some grown
later) and a mentor roster, and about half its residents mentoring sessions; every resident
enterprise has dated operating-status observations (over a quarter suspended later, most of those
deregistered) and an employee roster of 0-8 people, some of them returnees founding elsewhere or on
two rosters at once (so ``Employment.objects.counted_twice()`` finds some).

How generated rows are marked (no schema change):

* every generated ``SourcedModel`` row (entrepreneurs, enterprises, events, incubators, residencies,
  support measures, financing, capacities, operating statuses) has ``source`` = the one Source
  with code ``synthetic``;
* generated organisations (banks, guarantee agency, operators) have codes starting ``synthetic-`` and
  names ending ``（合成数据）``;
* attendance, many-to-many rows (founders, special groups), mentors, mentoring sessions and rosters are
  only ever created between generated rows, and removal deletes every such row that touches a
  generated event, entrepreneur, enterprise or base.

Rows are written with PostgreSQL ``COPY`` (plain batched ``executemany`` on SQLite) in batches, not
through ``save()``: no signals, so no audit-history rows for synthetic data. What ``save()`` would
derive (``name_romanised``, ``name_pinyin``, ``birth_year``, ``birth_decade``) is computed here, the
pinyin from cached per-part readings (the same functions the models use). The same ``seed`` gives the
same records. A second run while synthetic data exists is refused: remove it first.
"""

import datetime
import io
import math
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider
from pypinyin import Style, lazy_pinyin

from entrepreneurs.models import (
    Employment,
    Enterprise,
    Entrepreneur,
    Financing,
    OperatingStatus,
    SpecialGroup,
    SupportMeasure,
)
from entrepreneurs.pinyin import romanised_of, search_text_of
from events.models import Attendance, Event, EventKind, EventSeries
from incubators.models import Capacity, Incubator, Mentor, MentoringSession, Residency
from jining.divisions import COUNTY_CODES, TOWNSHIPS
from jining.models import Organisation, Source
from jining.validators import ID_CARD_CHECK_CHARS, ID_CARD_WEIGHTS, USCC_CHARSET, uscc_check_char

SOURCE_CODE = "synthetic"
SOURCE_TITLE = "合成测试数据 / synthetic data"
ORG_CODE_PREFIX = "synthetic-"
ORG_NAME_SUFFIX = "（合成数据）"
BATCH_SIZE = 20_000

#: Records per unit of scale (scale 1 ≈ Jining District). Attendance grows a little faster than
#: linearly (scale ** 1.1: larger areas hold more events per person), so scale 100 gives ~1,000,000.
PER_SCALE = {
    "incubators": 3,
    "entrepreneurs": 6000,
    "enterprises": 6000,
    "events": 100,
    "attendances": 6300,
    "financing": 300,
    "support_measures": 3300,
    "residencies": 600,
}

# --- places: Ulanqab's county-level divisions (jining/divisions.py) ---

#: How many of the synthetic people come from each division (relative weights).
COUNTY_WEIGHTS = {
    "集宁区": 40,
    "卓资县": 6,
    "化德县": 5,
    "商都县": 7,
    "兴和县": 6,
    "凉城县": 6,
    "察哈尔右翼前旗": 8,
    "察哈尔右翼中旗": 4,
    "察哈尔右翼后旗": 4,
    "四子王旗": 4,
    "丰镇市": 10,
}
COUNTIES = {name: (COUNTY_CODES[name], weight, TOWNSHIPS[name]) for name, weight in COUNTY_WEIGHTS.items()}
OTHER_CITIES = [("呼和浩特市", "150102"), ("包头市", "150203"), ("大同市", "140202"), ("张家口市", "130702")]
WORK_PLACES = [
    ("北京", 18),
    ("呼和浩特", 14),
    ("包头", 10),
    ("天津", 6),
    ("鄂尔多斯", 8),
    ("石家庄", 3),
    ("大同", 3),
    ("张家口", 3),
    ("上海", 4),
    ("深圳", 5),
    ("广州", 4),
    ("杭州", 3),
    ("苏州", 3),
    ("东莞", 2),
    ("义乌", 2),
    ("海拉尔", 1),
    ("锡林浩特", 2),
    ("二连浩特", 2),
    ("太原", 2),
    ("西安", 2),
]
TRADES = {
    "agriculture": ["养殖", "种植", "农产品加工"],
    "manufacturing": ["机械加工", "建材生产", "服装加工", "食品加工"],
    "electronics": ["电子厂流水线", "手机维修", "智能设备装配"],
    "leather": ["皮革加工", "皮草销售", "制鞋"],
    "media": ["广告设计", "摄影摄像", "文化传媒"],
    "ecommerce": ["电商运营", "网店客服", "直播带货"],
    "retail": ["销售", "批发零售", "超市管理"],
    "catering": ["餐饮", "厨师", "酒店服务"],
    "services": ["物流", "装修", "汽车修理", "家政服务", "美容美发", "建筑"],
    "other": ["建筑", "保安", "司机"],
}
INDUSTRY_WEIGHTS = {
    "agriculture": 20,
    "manufacturing": 8,
    "electronics": 3,
    "leather": 7,
    "media": 3,
    "ecommerce": 12,
    "retail": 18,
    "catering": 15,
    "services": 12,
    "other": 2,
}
INDUSTRY_WORDS = {
    "agriculture": ["农牧", "养殖", "种植", "生态农业", "马铃薯", "燕麦", "肉羊", "蔬菜"],
    "manufacturing": ["机械", "建材", "服装", "食品", "包装", "五金"],
    "electronics": ["电子", "智能科技", "通信设备"],
    "leather": ["皮革", "皮草", "皮具", "毛绒制品"],
    "media": ["文化传媒", "广告", "影视"],
    "ecommerce": ["电子商务", "网络科技", "直播电商"],
    "retail": ["商贸", "百货", "超市", "农资"],
    "catering": ["餐饮", "火锅", "小吃", "农家乐", "宾馆"],
    "services": ["物流", "装饰", "汽车服务", "家政", "美容美发", "劳务"],
    "other": ["综合服务", "实业"],
}
LEGAL_FORMS = {
    # legal form: (weight, name suffix, credit-code prefix or None, share with a credit code)
    "individual_business": (55, "店", "92", 0.5),
    "limited_company": (25, "有限公司", "91", 1.0),
    "cooperative": (8, "专业合作社", "93", 1.0),
    "family_farm": (5, "家庭农场", "92", 0.8),
    "team": (5, "团队", None, 0.0),
    "unknown": (2, "", None, 0.0),
}
BRAND_CHARS = "瑞丰鑫盛华兴隆泰和祥福源鼎宏昌恒旺达通顺利康佳美嘉金银正诚信德宝安永乐天宇新辉明亮晨阳光草原"
EDUCATION_WEIGHTS = {
    "primary": 6,
    "junior": 30,
    "senior": 25,
    "vocational": 12,
    "adult_higher": 3,
    "college": 14,
    "bachelor": 8,
    "postgraduate": 0.5,
    "unknown": 1.5,
}
#: Special groups by code: the share of entrepreneurs in each (disabled about 5%).
SPECIAL_GROUP_SHARES = {
    "disabled": 0.05,
    "poverty-household": 0.08,
    "veteran": 0.04,
    "college-graduate": 0.12,
    "migrant-worker": 0.55,
    "rural-youth": 0.18,
}
DISABILITY_CATEGORIES = ["肢体残疾", "肢体残疾", "肢体残疾", "听力残疾", "视力残疾", "言语残疾", "智力残疾"]
#: Return years 2008-2024, rising to the pilot years (2016-2019), then levelling off.
RETURN_YEAR_WEIGHTS = {
    2008: 2,
    2009: 3,
    2010: 3,
    2011: 4,
    2012: 4,
    2013: 5,
    2014: 6,
    2015: 8,
    2016: 10,
    2017: 11,
    2018: 11,
    2019: 10,
    2020: 9,
    2021: 8,
    2022: 7,
    2023: 7,
    2024: 6,
}
ORGANISATIONS = [
    # (code suffix, name, kind)
    ("abc", "中国农业银行乌兰察布分行", "bank"),
    ("psbc", "中国邮政储蓄银行乌兰察布市分行", "bank"),
    ("rcc", "集宁区农村信用合作联社", "bank"),
    ("guarantee", "乌兰察布市创业担保贷款担保中心", "guarantor"),
    ("operator", "乌兰察布市众创孵化运营有限公司", "operator"),
    ("bureau", "乌兰察布市就业服务局", "government"),
]
INCUBATOR_KINDS = [
    ("incubation_base", "返乡创业孵化基地"),
    ("maker_space", "众创空间"),
    ("park", "返乡创业园"),
    ("ecommerce_centre", "电子商务服务站"),
]
EVENT_TOPICS = [
    "创业政策解读",
    "创业担保贷款申请",
    "电商直播带货",
    "农产品品牌打造",
    "小微企业财税",
    "市场营销",
    "项目路演",
]
KIND_WORDS = {
    EventKind.LECTURE: "讲座",
    EventKind.MATCHMAKING: "项目对接会",
    EventKind.RECEPTION_DAY: "接待日",
    EventKind.ROADSHOW: "路演",
    EventKind.SALON: "沙龙",
    EventKind.TRAINING: "培训班",
    EventKind.SEMINAR: "研讨会",
    EventKind.LIVESTREAM: "直播",
}
#: How residents left when their agreement had expired (relative weights).
EXIT_KINDS = {"expired": 55, "graduated": 25, "early": 12, "evicted": 8}
MENTOR_FIELDS = [
    ("金融", "中国农业银行乌兰察布分行"),
    ("财税", "乌兰察布市税务局"),
    ("电子商务", "集宁区电子商务服务中心"),
    ("法律", "内蒙古律师事务所"),
    ("市场营销", "乌兰察布职业学院"),
    ("农牧业技术", "乌兰察布市农牧科学研究院"),
    ("企业管理", "集宁区企业家协会"),
]
SUPPORT = {
    # kind: (weight, description, value range in yuan or None)
    "rent": (20, "减免场地租金", (2000, 30000)),
    "office": (10, "免费提供办公工位", None),
    "equipment": (5, "免费提供直播设备", (3000, 20000)),
    "training": (25, "参加创业培训", None),
    "mentoring": (15, "创业导师一对一指导", None),
    "sales_channels": (8, "对接线上线下销售渠道", None),
    "policy": (7, "落实就业创业扶持政策", None),
    "subsidy": (10, "发放一次性创业补贴", (5000, 10000)),
}


# --- sizes ---


def plan(scale: float) -> dict[str, int]:
    """How many records of each kind ``scale`` means."""
    counts = {}
    for key, per in PER_SCALE.items():
        exact = per * scale**1.1 if key == "attendances" else per * scale
        counts[key] = max(1, round(exact))
    counts["attendances"] = min(counts["attendances"], counts["events"] * counts["entrepreneurs"])
    return counts


# --- pinyin (entrepreneurs/pinyin.py), composed from cached readings of the parts ---


@cache
def syllables(text: str) -> tuple[str, ...]:
    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s)


def person_pinyin(surname: str, given: str) -> tuple[str, str]:
    """``(name_romanised, name_pinyin)`` as ``Entrepreneur.save()`` derives them, from cached parts."""
    every = syllables(surname) + syllables(given)
    return romanised_of(every), search_text_of(every, person=True)


def enterprise_pinyin(parts: Iterable[str]) -> str:
    """``name_pinyin`` of an enterprise whose name is the concatenation of ``parts``."""
    return search_text_of(tuple(s for part in parts for s in syllables(part)), person=False)


# --- writing rows fast ---


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class Writer:
    """Inserts plain tuples into a model's table: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

    Columns the caller does not give get the field's default (``""`` for blank text, ``created`` and
    ``updated`` = now), so adding a field with a default to a model needs no change here.
    """

    def __init__(self, progress: Callable[[str, int], None] | None = None):
        self.now = timezone.now()
        self.progress = progress or (lambda label, n: None)
        self.postgres = connection.vendor == "postgresql"

    def constants(self, model, columns):
        names, values = [], []
        for field in model._meta.concrete_fields:
            if field.attname in columns or field.primary_key:
                continue
            if field.name in ("created", "updated"):
                value = self.now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and isinstance(field, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            names.append(field.column)
            values.append(value)
        return names, tuple(values)

    def reserve_ids(self, model, count: int) -> int:
        """The first of ``count`` fresh primary keys, which nothing else will be given."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
                start = max(cursor.fetchone()[0], 0) + 1
                cursor.execute("SELECT last_value, is_called FROM " + sequence)
                last, called = cursor.fetchone()
                start = max(start, last + 1 if called else last)
                cursor.execute("SELECT setval(%s, %s)", [sequence, start + count - 1])
                return start
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            return cursor.fetchone()[0] + 1

    def write(self, model, columns: list[str], rows: Iterable[tuple], label: str | None = None) -> int:
        """Insert ``rows`` (tuples in the order of ``columns``, attnames) into ``model``'s table."""
        meta = model._meta
        db_columns = [meta.get_field(c).column if c != "id" else "id" for c in columns]
        const_names, const_values = self.constants(model, columns)
        all_columns = db_columns + const_names
        table = connection.ops.quote_name(meta.db_table)
        label = label or meta.verbose_name_plural
        total = 0
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                total += self._flush(table, all_columns, batch, const_values)
                self.progress(str(label), len(batch))
                batch = []
        if batch:
            total += self._flush(table, all_columns, batch, const_values)
            self.progress(str(label), len(batch))
        return total

    def _flush(self, table, columns, batch, const_values) -> int:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                const_text = "\t".join(_copy_text(v) for v in const_values)
                buffer = io.StringIO()
                for row in batch:
                    buffer.write("\t".join(map(_copy_text, row)))
                    if const_text:
                        buffer.write("\t")
                        buffer.write(const_text)
                    buffer.write("\n")
                buffer.seek(0)
                cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                consts = tuple(adapt(v) if isinstance(v, datetime.datetime) else v for v in const_values)
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",
                    [tuple(_sqlite(v) for v in row) + consts for row in batch],
                )
        return len(batch)


def _sqlite(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- the generator ---


@dataclass
class Person:
    id: int
    return_year: int
    county: str
    township: str
    trade_industry: str
    name: str
    id_card: str


class Generator:
    def __init__(self, *, scale: float, seed: int, progress=None):
        self.scale = scale
        self.counts = plan(scale)
        self.rng = random.Random(seed)
        self.writer = Writer(progress)
        self.today = datetime.date.today()
        self.surnames = list(PersonProvider.last_names)
        self.surname_weights = list(PersonProvider.last_names.values())
        self.given_male = list(dict.fromkeys(PersonProvider.first_names_male))
        self.given_female = list(dict.fromkeys(PersonProvider.first_names_female))
        self.brands = list(
            dict.fromkeys(p for p in CompanyProvider.company_prefixes if len(p) == 2 and not p[-1].isascii())
        )
        self.county_names = list(COUNTIES)
        self.county_weights = [COUNTIES[c][1] for c in self.county_names]

    # helpers
    def weighted(self, mapping: dict):
        return self.rng.choices(list(mapping), weights=list(mapping.values()))[0]

    def sample_weighted(self, mapping: dict, k: int) -> list:
        return self.rng.choices(list(mapping), weights=list(mapping.values()), k=k)

    def date_in(self, year: int, *, not_after: datetime.date | None = None) -> datetime.date:
        start = datetime.date(year, 1, 1)
        day = start + datetime.timedelta(days=self.rng.randrange(365))
        limit = not_after or self.today
        return min(day, limit)

    def run(self) -> dict[str, int]:
        self.source = self.make_source()
        self.organisations = self.make_organisations()
        self.bureau = Organisation.objects.filter(code="jnq-ldjyj").first() or self.organisations["bureau"]
        done = {}
        done["incubators"] = self.make_incubators()
        done["entrepreneurs"], done["special_group_memberships"] = self.make_entrepreneurs()
        done["enterprises"], done["founders"] = self.make_enterprises()
        done["events"], done["attendances"] = self.make_events()
        done["financing"] = self.make_financing()
        done["support_measures"] = self.make_support()
        self.residents = []  # (incubator id, enterprise id, start, end) of each residency
        done["residencies"] = self.make_residencies()
        done["capacities"] = self.make_capacities()
        done["mentors"], done["mentoring_sessions"] = self.make_mentors()
        done["operating_statuses"] = self.make_statuses()
        done["employments"] = self.make_rosters()
        return done

    def make_source(self) -> Source:
        (source,) = Source.objects.bulk_create(
            [
                Source(
                    code=SOURCE_CODE,
                    kind=Source.Kind.RECORD,
                    title=SOURCE_TITLE,
                    publisher="jining generate_data",
                    text="Generated by `manage.py generate_data`; removed by `generate_data --remove`.",
                )
            ]
        )
        return source

    def make_organisations(self) -> dict[str, Organisation]:
        orgs = {}
        for suffix, name, kind in ORGANISATIONS:
            orgs[suffix] = Organisation(
                code=f"{ORG_CODE_PREFIX}{suffix}",
                name=f"{name}{ORG_NAME_SUFFIX}",
                kind=kind,
                notes=SOURCE_TITLE,
            )
        Organisation.objects.bulk_create(orgs.values())
        return {
            o.code.removeprefix(ORG_CODE_PREFIX): o
            for o in Organisation.objects.filter(code__startswith=ORG_CODE_PREFIX)
        }

    def make_incubators(self) -> int:
        count = self.counts["incubators"]
        start = self.writer.reserve_ids(Incubator, count)
        seen = set(Incubator.objects.values_list("name", flat=True))
        rows = []
        for i in range(count):
            county = self.rng.choices(self.county_names, weights=self.county_weights)[0]
            township = self.rng.choice(COUNTIES[county][2])
            kind, word = self.rng.choice(INCUBATOR_KINDS)
            name, n = f"{county}{township}{word}", 1
            while name in seen:
                n += 1
                name = f"{county}{township}{word}（{n}号）"
            seen.add(name)
            rows.append(
                (
                    start + i,
                    f"{ORG_CODE_PREFIX}inc-{start + i}",
                    name,
                    kind,
                    county,
                    township,
                    f"乌兰察布市{county}{township}",
                    self.rng.randrange(20, 400),
                    self.rng.randrange(2, 30),
                    self.organisations["operator"].id,
                    self.bureau.id,
                    self.rng.randrange(2012, 2024),
                    self.source.id,
                )
            )
        columns = [
            "id",
            "code",
            "name",
            "kind",
            "area",
            "township",
            "address",
            "workstation_count",
            "mentor_count",
            "operator_id",
            "guiding_body_id",
            "established_year",
            "source_id",
        ]
        self.writer.write(Incubator, columns, rows)
        self.incubator_ids = list(Incubator.objects.values_list("id", flat=True).order_by("id"))
        # (id, year established, workstations, mentors) of the generated bases
        self.new_incubators = [(row[0], row[11], row[7], row[8]) for row in rows]
        return count

    def person_row(self, pid: int, seen_cards: set) -> tuple:
        rng = self.rng
        gender = "M" if rng.random() < 0.62 else "F"
        surname = rng.choices(self.surnames, weights=self.surname_weights)[0]
        pool = self.given_male if gender == "M" else self.given_female
        given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
        name = surname + given
        romanised, pinyin = person_pinyin(surname, given)
        return_year = self.weighted(RETURN_YEAR_WEIGHTS)
        age = int(rng.triangular(20, 52, 31))
        birth_date = self.date_in(return_year - age)
        if rng.random() < 0.9:
            county = rng.choices(self.county_names, weights=self.county_weights)[0]
            region, _weight, townships = COUNTIES[county]
            city, township = "乌兰察布市", rng.choice(townships)
        else:
            city, region = rng.choice(OTHER_CITIES)
            county, township = "", ""
        id_card = self.id_card(region, birth_date, gender, seen_cards) if rng.random() < 0.75 else ""
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else ""
        industry = self.weighted(INDUSTRY_WEIGHTS)
        trade = rng.choice(TRADES[industry])
        work_place = self.weighted(dict(WORK_PLACES))
        left_age = rng.randrange(16, 26) if rng.random() < 0.8 else None
        education = self.weighted(EDUCATION_WEIGHTS)
        story = ""
        if rng.random() < 0.2:
            story = (
                f"{work_place}务工{max(1, age - (left_age or 18))}年，从事{trade}，{return_year}年返乡创业。"
            )
        self.people.append(Person(pid, return_year, county, township, industry, name, id_card))
        return (
            pid,
            name,
            romanised,
            pinyin,
            gender,
            birth_date,
            birth_date.year,
            birth_date.year // 10 * 10,
            id_card,
            phone,
            city,
            county,
            township,
            left_age,
            work_place,
            trade,
            return_year,
            education,
            story,
            self.source.id,
        )

    def id_card(self, region: str, birth_date: datetime.date, gender: str, seen_cards: set) -> str:
        """A valid ID-card number not in ``seen_cards`` (first 17 digits), or "" after 20 tries."""
        for _attempt in range(20):
            seq = self.rng.randrange(0, 1000)
            seq = seq - seq % 2 + (1 if gender == "M" else 0)
            first17 = f"{region}{birth_date:%Y%m%d}{seq % 1000:03d}"
            if first17 not in seen_cards:
                seen_cards.add(first17)
                total = sum(int(d) * w for d, w in zip(first17, ID_CARD_WEIGHTS, strict=True))
                return first17 + ID_CARD_CHECK_CHARS[total % 11]
        return ""

    def make_entrepreneurs(self) -> tuple[int, int]:
        count = self.counts["entrepreneurs"]
        start = self.writer.reserve_ids(Entrepreneur, count)
        self.people: list[Person] = []
        seen_cards = set(
            n[:17]
            for n in Entrepreneur.objects.exclude(id_card_number="").values_list("id_card_number", flat=True)
        )
        self.seen_cards = seen_cards
        columns = [
            "id",
            "name",
            "name_romanised",
            "name_pinyin",
            "gender",
            "birth_date",
            "birth_year",
            "birth_decade",
            "id_card_number",
            "phone",
            "hometown_city",
            "hometown_county",
            "hometown_township",
            "left_home_age",
            "prior_work_place",
            "prior_trade",
            "return_year",
            "education",
            "story",
            "source_id",
        ]
        self.writer.write(
            Entrepreneur, columns, (self.person_row(start + i, seen_cards) for i in range(count))
        )
        # disability details go with membership of the (sensitive) disabled group
        groups = dict(SpecialGroup.objects.filter(code__in=SPECIAL_GROUP_SHARES).values_list("code", "id"))
        memberships, disabled = [], []
        for person in self.people:
            for code, share in SPECIAL_GROUP_SHARES.items():
                if code in groups and self.rng.random() < share:
                    memberships.append((person.id, groups[code]))
                    if code == "disabled":
                        disabled.append(person.id)
        through = Entrepreneur.special_groups.through
        self.writer.write(
            through, ["entrepreneur_id", "specialgroup_id"], memberships, label="special groups"
        )
        by_category = {}
        for pid in disabled:
            by_category.setdefault(self.rng.choice(DISABILITY_CATEGORIES), []).append(pid)
        with connection.cursor() as cursor:
            for category, ids in sorted(by_category.items()):
                for chunk in range(0, len(ids), 5000):
                    part = ids[chunk : chunk + 5000]
                    ids_sql = ", ".join(["%s"] * len(part))
                    cursor.execute(
                        f"UPDATE {Entrepreneur._meta.db_table} SET disability_category = %s, "
                        f"disability_since_year = birth_year + %s WHERE id IN ({ids_sql})",
                        [category, self.rng.randrange(0, 15), *part],
                    )
        return count, len(memberships)

    def credit_code(self, prefix: str, region: str, seen: set) -> str:
        while True:
            body = "".join(self.rng.choices(USCC_CHARSET, k=9))
            first17 = f"{prefix}{region}{body}"
            if first17 not in seen:
                seen.add(first17)
                return first17 + uscc_check_char(first17)

    def make_enterprises(self) -> tuple[int, int]:
        rng = self.rng
        count = self.counts["enterprises"]
        start = self.writer.reserve_ids(Enterprise, count)
        seen_names = set(Enterprise.objects.values_list("name", "registration_year"))
        seen_codes = set(Enterprise.objects.exclude(credit_code="").values_list("credit_code", flat=True))
        seen_codes = {c[:17] for c in seen_codes}
        people = self.people
        order = list(range(len(people)))
        rng.shuffle(order)
        forms = {k: v[0] for k, v in LEGAL_FORMS.items()}
        founders = []
        self.enterprises = []  # (id, registration_year, primary founder id)

        def rows():
            for i in range(count):
                eid = start + i
                founder = people[order[i % len(order)]]
                legal_form = self.weighted(forms)
                _w, suffix, code_prefix, code_share = LEGAL_FORMS[legal_form]
                industry = founder.trade_industry if rng.random() < 0.6 else self.weighted(INDUSTRY_WEIGHTS)
                year = min(founder.return_year + rng.choice((0, 0, 1, 1, 2, 3)), self.today.year)
                place = founder.county or "集宁区"
                for _attempt in range(50):
                    brand = (
                        rng.choice(self.brands) if rng.random() < 0.3 else "".join(rng.sample(BRAND_CHARS, 2))
                    )
                    word = rng.choice(INDUSTRY_WORDS[industry])
                    prefix = f"乌兰察布市{place}" if legal_form == "limited_company" else place
                    parts = (prefix, brand, word, suffix)
                    name = "".join(parts)
                    if (name, year) not in seen_names:
                        break
                seen_names.add((name, year))
                region = COUNTIES.get(place, ("150902",))[0]
                code = ""
                if code_prefix and rng.random() < code_share:
                    code = self.credit_code(code_prefix, region, seen_codes)
                status = self.weighted({"operating": 85, "suspended": 5, "closed": 10})
                township = founder.township or rng.choice(COUNTIES["集宁区"][2])
                address = f"乌兰察布市{place}{township}{rng.randrange(1, 300)}号"
                founders.append((eid, founder.id))
                extra = rng.random()
                if extra < 0.15:
                    for other in rng.sample(range(len(people)), 2 if extra < 0.03 else 1):
                        if people[other].id != founder.id:
                            founders.append((eid, people[other].id))
                self.enterprises.append((eid, year, founder.id))
                yield (
                    eid,
                    name,
                    enterprise_pinyin(parts),
                    code,
                    year,
                    legal_form,
                    industry,
                    status,
                    address,
                    brand if legal_form == "limited_company" else "",
                    self.source.id,
                )

        columns = [
            "id",
            "name",
            "name_pinyin",
            "credit_code",
            "registration_year",
            "legal_form",
            "industry",
            "status",
            "address",
            "short_name",
            "source_id",
        ]
        self.writer.write(Enterprise, columns, rows())
        founders = list(dict.fromkeys(founders))
        self.writer.write(
            Enterprise.founders.through, ["enterprise_id", "entrepreneur_id"], founders, label="founders"
        )
        return count, len(founders)

    def make_events(self) -> tuple[int, int]:
        rng = self.rng
        count = self.counts["events"]
        start = self.writer.reserve_ids(Event, count)
        series = list(EventSeries.objects.values_list("id", "name", "kind", "host_incubator_id"))
        seen = set(Event.objects.values_list("title", "start_date"))
        kinds = list(KIND_WORDS)
        events = []
        for i in range(count):
            county = rng.choices(self.county_names, weights=self.county_weights)[0]
            township = rng.choice(COUNTIES[county][2])
            topic = rng.choice(EVENT_TOPICS)
            if series and rng.random() < 0.7:
                series_id, series_name, kind, host = rng.choice(series)
                title = f"{series_name}·{township}站（第{i + 1}期）"
            else:
                series_id, kind, host = None, rng.choice(kinds), None
                title = f"{county}{township}{topic}{KIND_WORDS[kind]}（第{i + 1}期）"
            host = host or (rng.choice(self.incubator_ids) if rng.random() < 0.5 else None)
            date = self.date_in(rng.randrange(2016, 2025))
            while (title, date) in seen:
                date += datetime.timedelta(days=1)
            seen.add((title, date))
            live = kind == "livestream" or rng.random() < 0.3
            events.append(
                [
                    start + i,
                    series_id,
                    title,
                    kind,
                    self.bureau.id,
                    host,
                    date,
                    f"{township}{rng.choice(['会议室', '创业园', '报告厅'])}",
                    township,
                    True,
                    live,
                    live and rng.random() < 0.5,
                    None,
                    rng.randrange(200, 5000) if live else None,
                    topic,
                    self.source.id,
                ]
            )
        # attendance: the person-times spread over events, distinct people per event
        total = self.counts["attendances"]
        n_people = len(self.people)
        sizes = [max(1, int(rng.gauss(1, 0.35) * total / count)) for _ in range(count)]
        scale = total / sum(sizes)
        sizes = [min(n_people, max(1, round(s * scale))) for s in sizes]
        drift = total - sum(sizes)
        i = 0
        while drift and i < 10 * count:
            j = i % count
            step = 1 if drift > 0 else -1
            if 1 <= sizes[j] + step <= n_people:
                sizes[j] += step
                drift -= step
            i += 1
        for event, size in zip(events, sizes, strict=True):
            event[12] = size if event[9] else None
        columns = [
            "id",
            "series_id",
            "title",
            "kind",
            "organiser_id",
            "host_incubator_id",
            "start_date",
            "venue",
            "township",
            "on_site",
            "live_streamed",
            "replay_available",
            "onsite_participants",
            "online_views",
            "topic",
            "source_id",
        ]
        self.writer.write(Event, columns, (tuple(e) for e in events))
        roles = {"participant": 92, "speaker": 5, "mentor": 3}
        role_names, role_weights = list(roles), list(roles.values())
        people = self.people

        def attendance():
            for event, size in zip(events, sizes, strict=True):
                chosen = rng.sample(range(n_people), size)
                picked = rng.choices(role_names, weights=role_weights, k=size)
                for index, role in zip(chosen, picked, strict=True):
                    yield (event[0], people[index].id, role)

        written = self.writer.write(Attendance, ["event_id", "entrepreneur_id", "role"], attendance())
        return count, written

    def make_financing(self) -> int:
        rng = self.rng
        count = min(self.counts["financing"], len(self.enterprises) * 4)
        kinds = {"guaranteed_loan": 60, "bank_loan": 20, "grant": 15, "equity": 5}
        seen = set()
        rows = []
        while len(rows) < count:
            eid, year, founder = rng.choice(self.enterprises)
            kind = self.weighted(kinds)
            date = self.date_in(rng.randrange(year, self.today.year + 1))
            if kind == "guaranteed_loan":
                amount, term = Decimal(rng.choice((5, 10, 10, 15, 20, 20, 30)) * 10000), rng.choice((24, 36))
                provider, guarantor, borrower = (
                    self.organisations[rng.choice(("abc", "psbc", "rcc"))].id,
                    self.organisations["guarantee"].id,
                    founder,
                )
            elif kind == "bank_loan":
                amount, term = Decimal(rng.randrange(5, 100) * 10000), rng.choice((12, 24, 36, 60))
                provider, guarantor, borrower = (
                    self.organisations[rng.choice(("abc", "psbc", "rcc"))].id,
                    None,
                    None,
                )
            elif kind == "grant":
                amount, term = Decimal(rng.randrange(5, 50) * 1000), None
                provider, guarantor, borrower = self.bureau.id, None, None
            else:
                amount, term = Decimal(rng.randrange(10, 300) * 10000), None
                provider, guarantor, borrower = None, None, None
            if (eid, kind, date, amount) in seen:
                continue
            seen.add((eid, kind, date, amount))
            rows.append((eid, borrower, kind, amount, date, provider, guarantor, term, self.source.id))
        columns = [
            "enterprise_id",
            "borrower_id",
            "kind",
            "amount",
            "date",
            "provider_id",
            "guarantor_id",
            "term_months",
            "source_id",
        ]
        return self.writer.write(Financing, columns, rows)

    def make_support(self) -> int:
        rng = self.rng
        count = self.counts["support_measures"]
        weights = {k: v[0] for k, v in SUPPORT.items()}

        def rows():
            for _i in range(count):
                eid, year, founder = rng.choice(self.enterprises)
                kind = self.weighted(weights)
                _w, description, value_range = SUPPORT[kind]
                value = Decimal(rng.randrange(*value_range) // 100 * 100) if value_range else None
                enterprise = eid if rng.random() < 0.85 else None
                incubator = rng.choice(self.incubator_ids) if rng.random() < 0.4 else None
                yield (
                    founder,
                    enterprise,
                    kind,
                    self.bureau.id,
                    incubator,
                    description,
                    self.date_in(rng.randrange(year, self.today.year + 1)),
                    value,
                    kind == "rent" and rng.random() < 0.5,
                    self.source.id,
                )

        columns = [
            "entrepreneur_id",
            "enterprise_id",
            "kind",
            "provider_id",
            "incubator_id",
            "description",
            "date",
            "value_yuan",
            "partly_free",
            "source_id",
        ]
        return self.writer.write(SupportMeasure, columns, rows())

    def make_residencies(self) -> int:
        rng = self.rng
        count = min(self.counts["residencies"], len(self.enterprises))
        chosen = rng.sample(self.enterprises, count)
        rows = []
        for eid, year, _founder in chosen:
            incubator = rng.choice(self.incubator_ids)
            start = self.date_in(rng.randrange(year, self.today.year + 1))
            agreement_end = None
            if rng.random() < 0.85:  # most residents sign an agreement of one to three years
                agreement_end = start + datetime.timedelta(days=365 * rng.choice((1, 2, 2, 3)) - 1)
            end, exit_kind = self.residency_exit(start, agreement_end)
            self.residents.append((incubator, eid, start, end))
            rows.append(
                (
                    incubator,
                    eid,
                    start,
                    end,
                    agreement_end,
                    exit_kind,
                    rng.choice((1, 1, 1, 2, 2, 3, 4)) if rng.random() < 0.8 else None,
                    Decimal(rng.randrange(10, 120)) if rng.random() < 0.4 else None,
                    f"{rng.randrange(1, 5)}0{rng.randrange(1, 40):02d}",
                    self.source.id,
                )
            )
        columns = [
            "incubator_id",
            "enterprise_id",
            "start_date",
            "end_date",
            "agreement_end",
            "exit_kind",
            "workstations",
            "area_m2",
            "unit",
            "source_id",
        ]
        return self.writer.write(Residency, columns, rows)

    def residency_exit(self, start, agreement_end) -> tuple[datetime.date | None, str]:
        """When and how a resident left (``(None, "")`` while still in): most leave when the
        agreement expires, some late, some early or evicted; without an agreement a third left."""
        rng, today = self.rng, self.today
        if agreement_end is not None and agreement_end < today and rng.random() < 0.85:
            kind = self.weighted(EXIT_KINDS)
        elif rng.random() < (0.3 if agreement_end is None else 0.08):
            kind = self.weighted({"graduated": 40, "early": 45, "evicted": 15})
        else:
            return None, ""
        if kind in ("early", "evicted") or agreement_end is None:
            limit = min(agreement_end or start + datetime.timedelta(days=1500), today)
            span = (limit - start).days
            end = start + datetime.timedelta(days=rng.randrange(span) if span > 0 else 0)
        elif rng.random() < 0.88:  # on time: moved out in the agreement's last fortnight
            end = max(start, agreement_end - datetime.timedelta(days=rng.randrange(15)))
        else:  # stayed on a month to half a year
            end = agreement_end + datetime.timedelta(days=rng.randrange(31, 180))
        return min(end, today), kind

    def make_capacities(self) -> int:
        """Each generated base's capacity from its founding year, and for some a later expansion."""
        rng = self.rng
        rows = []
        for incubator, established, workstations, _mentors in self.new_incubators:
            rows.append(
                (incubator, datetime.date(established, 1, 1), workstations, Decimal(workstations * 12))
            )
            if rng.random() < 0.4 and established < self.today.year - 1:
                grown = round(workstations * rng.uniform(1.2, 1.6))
                as_of = datetime.date(rng.randrange(established + 1, self.today.year), 1, 1)
                rows.append((incubator, as_of, grown, Decimal(grown * 12)))
        columns = ["incubator_id", "as_of", "workstations", "area_m2", "source_id"]
        return self.writer.write(Capacity, columns, (row + (self.source.id,) for row in rows))

    def make_mentors(self) -> tuple[int, int]:
        """Each generated base's mentor roster, and sessions with about half of its residents."""
        rng = self.rng
        mentors: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = {}
        total = sum(n for *_rest, n in self.new_incubators)
        next_id = self.writer.reserve_ids(Mentor, total)
        rows, seen = [], set()
        for incubator, established, _workstations, count in self.new_incubators:
            for _i in range(count):
                name = rng.choices(self.surnames, weights=self.surname_weights)[0] + rng.choice(
                    self.given_male + self.given_female
                )
                start = self.date_in(rng.randrange(established, self.today.year + 1))
                if (incubator, name, start) in seen:
                    continue
                seen.add((incubator, name, start))
                end = None
                if rng.random() < 0.3:
                    end = min(start + datetime.timedelta(days=rng.randrange(365, 1500)), self.today)
                mentors.setdefault(incubator, []).append((next_id, start, end))
                field, organisation = rng.choice(MENTOR_FIELDS)
                rows.append((next_id, incubator, name, field, organisation, start, end))
                next_id += 1
        columns = ["id", "incubator_id", "name", "field", "organisation", "start_date", "end_date"]
        written = self.writer.write(Mentor, columns, rows)

        def sessions():
            for incubator, enterprise, start, end in self.residents:
                if incubator not in mentors or rng.random() < 0.5:
                    continue
                last = end or self.today
                for _i in range(rng.randrange(1, 4)):
                    day = start + datetime.timedelta(days=rng.randrange((last - start).days + 1))
                    mentor = rng.choice(mentors[incubator])[0]
                    yield (mentor, day, enterprise, rng.choice(EVENT_TOPICS))

        held = self.writer.write(
            MentoringSession, ["mentor_id", "date", "enterprise_id", "topic"], sessions()
        )
        return written, held

    def make_statuses(self) -> int:
        """Dated operating-status observations of every resident enterprise: registered at entry,
        over a quarter later suspended, of those half deregistered and some operating again."""
        rng = self.rng
        normal, suspended, gone = (
            OperatingStatus.Status.NORMAL,
            OperatingStatus.Status.SUSPENDED,
            OperatingStatus.Status.DEREGISTERED,
        )

        def rows():
            for _incubator, enterprise, start, _end in self.residents:
                yield (enterprise, start, normal, "registry")
                day = start + datetime.timedelta(days=rng.randrange(60, 1200))
                if day >= self.today:
                    continue
                if rng.random() < 0.72:
                    yield (enterprise, day, normal, rng.choice(("visit", "tax")))
                    continue
                yield (enterprise, day, suspended, "visit")
                later = day + datetime.timedelta(days=rng.randrange(60, 600))
                if later < self.today and rng.random() < 0.7:
                    yield (enterprise, later, gone if rng.random() < 0.7 else normal, "registry")

        columns = ["enterprise_id", "observed_on", "status", "method", "source_id"]
        return self.writer.write(OperatingStatus, columns, (row + (self.source.id,) for row in rows()))

    def make_rosters(self) -> int:
        """Employee rosters of the resident enterprises (0-8 people each): about 4% are returnees in
        the system (founders elsewhere, so flagged as counted twice) and 1% were on another roster at
        the same time."""
        rng = self.rng
        people = self.people
        seen = set()
        earlier: list[tuple[str, str]] = []

        def rows():
            for _incubator, enterprise, start, end in self.residents:
                last = end or self.today
                for _i in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 6, 8))):
                    begins = start + datetime.timedelta(days=rng.randrange((last - start).days + 1))
                    ends = None
                    if rng.random() < 0.4:
                        ends = min(begins + datetime.timedelta(days=rng.randrange(90, 1000)), self.today)
                    returnee = None
                    chance = rng.random()
                    if chance < 0.04:
                        person = people[rng.randrange(len(people))]
                        name, card, returnee = person.name, person.id_card, person.id
                    elif chance < 0.05 and earlier:
                        name, card = earlier[rng.randrange(len(earlier))]
                    else:
                        gender = "M" if rng.random() < 0.55 else "F"
                        pool = self.given_male if gender == "M" else self.given_female
                        name = rng.choices(self.surnames, weights=self.surname_weights)[0] + rng.choice(pool)
                        card = ""
                        if rng.random() < 0.85:
                            born = self.date_in(begins.year - int(rng.triangular(18, 55, 30)))
                            region = COUNTIES[rng.choices(self.county_names, weights=self.county_weights)[0]][
                                0
                            ]
                            card = self.id_card(region, born, gender, self.seen_cards)
                        if card:
                            earlier.append((name, card))
                    if card and (enterprise, card, begins) in seen:
                        continue
                    seen.add((enterprise, card, begins))
                    yield (
                        enterprise,
                        name,
                        card,
                        returnee,
                        begins,
                        ends,
                        rng.random() < 0.03,
                        rng.random() < 0.6,
                    )

        columns = [
            "enterprise_id",
            "name",
            "id_card_number",
            "entrepreneur_id",
            "start_date",
            "end_date",
            "disabled",
            "social_insurance",
        ]
        return self.writer.write(Employment, columns, rows())


# --- entry points ---


def synthetic_source() -> Source | None:
    return Source.objects.filter(code=SOURCE_CODE).first()


def generate(*, scale: float = 1.0, seed: int = 1, progress=None) -> dict[str, int]:
    """Write synthetic data at ``scale`` in one transaction; refuses while synthetic data exists."""
    if scale <= 0 or math.isnan(scale):
        raise ValueError("scale must be positive")
    if (
        synthetic_source() is not None
        or Organisation.objects.filter(code__startswith=ORG_CODE_PREFIX).exists()
    ):
        raise RuntimeError(
            "Synthetic data is already in this database: remove it first with "
            "`manage.py generate_data --remove`, then generate again."
        )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys are checked row by row as COPY goes, instead of queueing millions of
            # deferred checks until COMMIT (about 40% faster; the checks still all run).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        gin_indexes = set_aside_gin_indexes() if scale >= 10 else []
        done = Generator(scale=scale, seed=seed, progress=progress).run()
        if gin_indexes:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # as migration 0007 does
                for definition in gin_indexes:  # built once over all rows: faster than row by row
                    cursor.execute(definition)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from overview.stats import stats_mark_stale

    stats_mark_stale()  # COPY and bulk inserts send no signals
    return done


def set_aside_gin_indexes() -> list[str]:
    """Drop the GIN search indexes of the big tables; return the SQL that recreates them.

    These are every GIN index of the two tables: the trigram indexes (migration 0006) and the
    one-and-two-character ``jining_grams`` indexes (0007; the function itself stays). Called inside
    the generating transaction, so a failure leaves the indexes as they were.
    """
    if connection.vendor != "postgresql":
        return []
    tables = [Entrepreneur._meta.db_table, Enterprise._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [tables, "% USING gin %"],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def remove() -> dict[str, int]:
    """Delete every generated row and nothing else; returns the rows deleted per table."""
    from entrepreneurs.models import EnterpriseFigure, Product
    from incubators.models import Designation, Facility
    from overview.models import IndicatorValue

    source = synthetic_source()
    orgs = Organisation.objects.filter(code__startswith=ORG_CODE_PREFIX)
    if source is None and not orgs.exists():
        return {}
    deleted = {}

    def delete(label, queryset):
        deleted[label] = queryset._raw_delete(queryset.db)

    with transaction.atomic():
        sid = source.id if source else -1
        people = Entrepreneur.objects.filter(source_id=sid).values("id")
        firms = Enterprise.objects.filter(source_id=sid).values("id")
        events = Event.objects.filter(source_id=sid).values("id")
        incubators = Incubator.objects.filter(source_id=sid).values("id")
        delete("attendances", Attendance.objects.filter(event__in=events))
        delete("attendances of generated people", Attendance.objects.filter(entrepreneur__in=people))
        delete("event segments", Event.segments.through.objects.filter(event__in=events))
        delete("special groups", Entrepreneur.special_groups.through.objects.filter(entrepreneur__in=people))
        delete("coverage", Entrepreneur.coverage.through.objects.filter(entrepreneur__in=people))
        delete("founders", Enterprise.founders.through.objects.filter(enterprise__in=firms))
        delete(
            "founders of generated people",
            Enterprise.founders.through.objects.filter(entrepreneur__in=people),
        )
        delete("incubator services", Incubator.services.through.objects.filter(incubator__in=incubators))
        delete("indicator values", IndicatorValue.objects.filter(incubator__in=incubators))
        delete(
            "mentoring sessions",
            MentoringSession.objects.filter(
                Q(mentor__incubator__in=incubators) | Q(enterprise__in=firms) | Q(entrepreneur__in=people)
            ),
        )
        delete("mentors", Mentor.objects.filter(incubator__in=incubators))
        delete("employee roster", Employment.objects.filter(enterprise__in=firms))
        # a real enterprise's employee that staff linked to a generated returnee keeps the row
        Employment.objects.filter(entrepreneur__in=people).update(entrepreneur=None)
        delete(
            "operating statuses", OperatingStatus.objects.filter(Q(source_id=sid) | Q(enterprise__in=firms))
        )
        delete("capacities", Capacity.objects.filter(Q(source_id=sid) | Q(incubator__in=incubators)))
        for model in (Residency, SupportMeasure, Financing, EnterpriseFigure):
            delete(model._meta.model_name, model.objects.filter(source_id=sid))
        delete("products", Product.objects.filter(enterprise__in=firms))
        delete("facilities", Facility.objects.filter(incubator__in=incubators))
        delete("designations", Designation.objects.filter(incubator__in=incubators))
        for model in (Event, Enterprise, Entrepreneur, Incubator):
            delete(model._meta.model_name, model.objects.filter(source_id=sid))
        for model in (
            Residency,
            SupportMeasure,
            Financing,
            EnterpriseFigure,
            Event,
            Enterprise,
            Entrepreneur,
            Incubator,
        ):
            # audit history of generated rows that staff edited (bulk inserts themselves leave none)
            delete(f"{model._meta.model_name} history", model.history.filter(source_id=sid))
        for model, through in (
            (Capacity, {"incubator_id__in": incubators}),
            (OperatingStatus, {"enterprise_id__in": firms}),
            (Mentor, {"incubator_id__in": incubators}),
            (Employment, {"enterprise_id__in": firms}),
            (MentoringSession, {"enterprise_id__in": firms}),
        ):
            delete(f"{model._meta.model_name} history", model.history.filter(**through))
        delete("organisation", orgs)
        delete("source", Source.objects.filter(code=SOURCE_CODE))
    from overview.stats import stats_mark_stale

    stats_mark_stale()  # raw deletes send no signals
    return {k: v for k, v in deleted.items() if v}


class StderrProgress:
    """A one-line progress bar on stderr (tqdm when installed)."""

    def __init__(self, total: int, enabled: bool = True):
        self.bar = None
        self.enabled = enabled
        if not enabled:
            return
        try:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="rows", unit_scale=True, file=sys.stderr, dynamic_ncols=True)
        except ImportError:  # pragma: no cover - tqdm is optional
            self.done, self.total = 0, total

    def __call__(self, label: str, n: int):
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_description(label)
            self.bar.update(n)
        else:  # pragma: no cover
            self.done += n
            sys.stderr.write(f"\r{label}: {self.done:,}/{self.total:,} rows")

    def close(self):
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:  # pragma: no cover
            sys.stderr.write("\n")


def expected_rows(scale: float) -> int:
    """Roughly how many rows ``generate(scale)`` writes (for the progress bar)."""
    counts = plan(scale)
    # links and special groups; per residency about 1.4 statuses, 3.4 employees, 1 session; 16 mentors a base
    return (
        sum(counts.values())
        + int(counts["entrepreneurs"] * 1.1)
        + int(counts["enterprises"] * 1.2)
        + int(counts["residencies"] * 5.8)
        + counts["incubators"] * 17
    )
