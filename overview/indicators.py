"""A base's statutory indicators for a period, computed from the records (issue 15).

Every formula is written here once, and in docs/indicators.md for staff. A base is the incubator with
its parts (incubators whose parent it is: the floors of 爱创空间). The period is ``start`` to ``end``,
both days included. A resident is an enterprise, or a person before registering one; a residency is
in the period when it started on or before ``end`` and had not ended before ``start``.

* 在孵实体数 ``residents``: the distinct residents with a residency in the period.
* 新入驻数 ``new_residents``: the distinct residents with a residency that started in the period.
* 场所利用率 ``utilisation``: occupied workstation-days ÷ available workstation-days × 100, over the
  period. A residency occupies its ``workstations`` (1 when not recorded) on each of its days in the
  period; a base has on each day the workstations of its latest capacity record (``Capacity``) on or
  before that day. When some day of the period has no capacity in workstations, the same is done by
  area (m²; a residency without an area then counts as none). No capacity: no value.
* 孵化成功率 ``success_rate``: of the residencies that ended on or before ``end`` (this period's exits
  and earlier cohorts), the percentage whose enterprise operated normally for 12 months or more
  ("入孵实体正常经营一年以上为孵化成功"): a run of at least 365 days from a 正常经营 observation
  (``OperatingStatus``) to the next observation of another status, or to ``end`` when none came. A
  resident without an enterprise did not succeed.
* 到期出园率 ``on_time_exit_rate``: of the residencies whose agreement ended in the period while the
  resident was still in (not gone before the agreement's end), the percentage that had left by
  ``EXIT_GRACE_DAYS`` after it. Residencies without an agreement end are not counted.
* 带动就业人数 ``jobs``: the people on the employee rosters (``Employment``) of the period's resident
  enterprises with a job in the period, each person once (by ID card; a row without one counts once).
* 人均带动 ``jobs_per_founder``: ``jobs`` ÷ the distinct founders of those enterprises.
* 创业导师人数 ``mentors``: the base's mentors active on some day of the period.
* 活动场次 ``events``: the events the base hosted that started in the period.
* 享受政策实体数 ``supported``: the period's residents that received a support measure or financing
  dated in the period (an enterprise's, or its founders' as persons).

The database selects and counts; the day-weighted sums of the utilisation rate and the runs of
normal operation are added up from the rows it returns.

``indicators(base, start, end)`` gives each as an ``IndicatorFigure`` (value, numerator, denominator);
``rows_behind(base, indicator, start, end)`` the records behind one, for the drill-down, and
``counted`` which of a rate's rows count toward its numerator.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, F, Q

from entrepreneurs.models import (
    Employment,
    Enterprise,
    Entrepreneur,
    Financing,
    OperatingStatus,
    SupportMeasure,
)
from events.models import Event
from incubators.models import Capacity, Incubator, Indicator, Mentor, Residency

#: Days after the agreement's end by which leaving still counts as leaving on time (moving out).
EXIT_GRACE_DAYS = 30
#: A success: this many days of normal operation in one run.
SUCCESS_DAYS = 365
HUNDRED = Decimal(100)


@dataclasses.dataclass(frozen=True)
class IndicatorFigure:
    indicator: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def base_ids(base: Incubator) -> list[int]:
    """The base and its parts."""
    return [base.pk, *Incubator.objects.filter(parent=base).values_list("pk", flat=True)]


def in_period(start, end, *, prefix="") -> Q:
    """Rows with a ``start_date`` on or before ``end`` and no ``end_date`` before ``start``."""
    return Q(**{f"{prefix}start_date__lte": end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": start})
    )


def residencies_in(base, start, end):
    return Residency.objects.filter(incubator__in=base_ids(base)).filter(in_period(start, end))


def resident_count(residencies) -> int:
    """Distinct residents, counted by the database: enterprises, and persons resident without one."""
    counts = residencies.aggregate(
        enterprises=Count("enterprise", distinct=True),
        persons=Count("entrepreneur", distinct=True, filter=Q(enterprise__isnull=True)),
    )
    return counts["enterprises"] + counts["persons"]


def resident_keys(residencies) -> set:
    """Distinct residents: ("e", enterprise id) or ("p", person id)."""
    return {
        ("e", enterprise) if enterprise else ("p", person)
        for enterprise, person in residencies.values_list("enterprise_id", "entrepreneur_id")
    }


def percentage(indicator, numerator, denominator) -> IndicatorFigure:
    value = (
        None
        if not denominator
        else (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.01"))
    )
    return IndicatorFigure(indicator, value, Decimal(numerator), Decimal(denominator))


def days(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days + 1 if end >= start else 0


def utilisation(base, start, end) -> IndicatorFigure:
    capacities = list(
        Capacity.objects.filter(incubator__in=base_ids(base), as_of__lte=end)
        .order_by("as_of")
        .values_list("incubator_id", "as_of", "workstations", "area_m2")
    )
    residencies = list(
        residencies_in(base, start, end).values_list("start_date", "end_date", "workstations", "area_m2")
    )
    for measure in ("workstations", "area"):
        available = available_days(capacities, start, end, measure)
        if available is None:
            continue
        occupied = Decimal(0)
        for begins, ends, workstations, area in residencies:
            span = days(max(begins, start), min(ends or end, end))
            size = (
                (workstations if workstations is not None else 1)
                if measure == "workstations"
                else (area or 0)
            )
            occupied += Decimal(size) * span
        return percentage(Indicator.UTILISATION, occupied, available)
    return IndicatorFigure(Indicator.UTILISATION, None)


def available_days(capacities, start, end, measure) -> Decimal | None:
    """Capacity-days of the base (its parts summed) over the period, or None if some day has none."""
    total = Decimal(0)
    by_part: dict[int, list] = {}
    for part, as_of, workstations, area in capacities:
        by_part.setdefault(part, []).append((as_of, workstations if measure == "workstations" else area))
    if not by_part:
        return None
    for rows in by_part.values():
        if rows[0][0] > start:
            return None  # the first days of the period have no capacity record
        for index, (as_of, size) in enumerate(rows):
            until = rows[index + 1][0] - datetime.timedelta(days=1) if index + 1 < len(rows) else end
            span = days(max(as_of, start), min(until, end))
            if span and size is None:
                return None
            total += Decimal(size or 0) * span
    return total or None


def normal_run_days(observations, until: datetime.date) -> int:
    """The longest run of normal operation in ``observations`` ((day, status) in date order) up to
    ``until``."""
    longest, began = 0, None
    for day, status in observations:
        if day > until:
            break
        if status == OperatingStatus.Status.NORMAL:
            began = began or day
        elif began is not None:
            longest, began = max(longest, (day - began).days), None
    if began is not None:
        longest = max(longest, (until - began).days + 1)
    return longest


def succeeded(enterprises, end) -> set[int]:
    """Of ``enterprises`` (ids), those that operated normally for ``SUCCESS_DAYS`` in one run up to
    ``end``."""
    statuses: dict[int, list] = {}
    for enterprise, day, status in (
        OperatingStatus.objects.filter(enterprise__in=enterprises, observed_on__lte=end)
        .order_by("enterprise", "observed_on", "id")
        .values_list("enterprise_id", "observed_on", "status")
    ):
        statuses.setdefault(enterprise, []).append((day, status))
    return {enterprise for enterprise, seen in statuses.items() if normal_run_days(seen, end) >= SUCCESS_DAYS}


def ended_by(base, end):
    """The residencies the success rate is over: ended on or before ``end``."""
    return Residency.objects.filter(incubator__in=base_ids(base), end_date__lte=end)


def success_rate(base, end) -> IndicatorFigure:
    ended = list(ended_by(base, end).values_list("pk", "enterprise_id"))
    good = succeeded({enterprise for _pk, enterprise in ended if enterprise}, end)
    return percentage(Indicator.SUCCESS_RATE, sum(1 for _pk, e in ended if e in good), len(ended))


def expiring(base, start, end):
    """The residencies the on-time exit rate is over: the agreement ended in the period while the
    resident was still in."""
    return Residency.objects.filter(
        incubator__in=base_ids(base), agreement_end__gte=start, agreement_end__lte=end
    ).exclude(end_date__lt=F("agreement_end"))


def left_on_time(agreed: datetime.date, left: datetime.date | None) -> bool:
    return left is not None and left <= agreed + datetime.timedelta(days=EXIT_GRACE_DAYS)


def on_time_exit_rate(base, start, end) -> IndicatorFigure:
    rows = list(expiring(base, start, end).values_list("agreement_end", "end_date"))
    on_time = sum(1 for agreed, left in rows if left_on_time(agreed, left))
    return percentage(Indicator.ON_TIME_EXIT_RATE, on_time, len(rows))


def resident_enterprises(base, start, end):
    return residencies_in(base, start, end).filter(enterprise__isnull=False).values("enterprise_id")


def roster(base, start, end):
    """The roster rows of the period's resident enterprises with a job in the period."""
    return Employment.objects.filter(enterprise__in=resident_enterprises(base, start, end)).filter(
        in_period(start, end)
    )


def jobs(base, start, end) -> int:
    """People on the rosters of the period's resident enterprises with a job in the period, counted
    by the database: distinct ID cards, and each row without one."""
    counts = roster(base, start, end).aggregate(
        people=Count("id_card_number", distinct=True, filter=~Q(id_card_number="")),
        unnamed=Count("pk", filter=Q(id_card_number="")),
    )
    return counts["people"] + counts["unnamed"]


def founder_count(base, start, end) -> int:
    founders = Enterprise.founders.through.objects.filter(
        enterprise__in=resident_enterprises(base, start, end)
    )
    return founders.aggregate(n=Count("entrepreneur", distinct=True))["n"]


def supported(base, start, end) -> int:
    residents = resident_keys(residencies_in(base, start, end))
    enterprises = {key for kind, key in residents if kind == "e"}
    persons = {key for kind, key in residents if kind == "p"}
    founders = dict(
        Enterprise.founders.through.objects.filter(enterprise__in=enterprises).values_list(
            "entrepreneur_id", "enterprise_id"
        )
    )
    dated = Q(date__gte=start, date__lte=end)
    got = set()
    for enterprise, person in (
        SupportMeasure.objects.filter(dated)
        .filter(Q(enterprise__in=enterprises) | Q(entrepreneur__in=persons | set(founders)))
        .values_list("enterprise_id", "entrepreneur_id")
    ):
        got |= resident_of(enterprise, person, enterprises, persons, founders)
    for enterprise, person in (
        Financing.objects.filter(dated)
        .filter(Q(enterprise__in=enterprises) | Q(borrower__in=persons | set(founders)))
        .values_list("enterprise_id", "borrower_id")
    ):
        got |= resident_of(enterprise, person, enterprises, persons, founders)
    return len(got)


def resident_of(enterprise, person, enterprises, persons, founders) -> set:
    """Which residents a support record or loan went to."""
    found = set()
    if enterprise in enterprises:
        found.add(("e", enterprise))
    if person in persons:
        found.add(("p", person))
    if person in founders:
        found.add(("e", founders[person]))
    return found


def rows_behind(base: Incubator, indicator: str, start: datetime.date, end: datetime.date) -> list:
    """The records behind one indicator of ``base`` for the period, one queryset per model, for the
    drill-down: what the figure counts (or, for a rate, its denominator)."""
    residencies = Residency.objects.select_related("incubator", "enterprise", "entrepreneur")
    in_base = Residency.objects.filter(incubator__in=base_ids(base))
    dated = Q(date__gte=start, date__lte=end)
    if indicator in (Indicator.RESIDENTS, Indicator.UTILISATION):
        return [residencies.filter(pk__in=residencies_in(base, start, end).values("pk"))]
    if indicator == Indicator.NEW_RESIDENTS:
        new = residencies_in(base, start, end).filter(start_date__gte=start)
        return [residencies.filter(pk__in=new.values("pk"))]
    if indicator == Indicator.SUCCESS_RATE:
        return [residencies.filter(pk__in=ended_by(base, end).values("pk"))]
    if indicator == Indicator.ON_TIME_EXIT_RATE:
        return [residencies.filter(pk__in=expiring(base, start, end).values("pk"))]
    if indicator in (Indicator.JOBS, Indicator.JOBS_PER_FOUNDER):
        found = [roster(base, start, end).select_related("enterprise")]
        if indicator == Indicator.JOBS_PER_FOUNDER:
            enterprises = resident_enterprises(base, start, end)
            found.append(Entrepreneur.objects.filter(enterprises__in=enterprises).distinct())
        return found
    if indicator == Indicator.MENTORS:
        return [Mentor.objects.filter(incubator__in=base_ids(base)).filter(in_period(start, end))]
    if indicator == Indicator.EVENTS:
        return [
            Event.objects.filter(
                host_incubator__in=base_ids(base), start_date__gte=start, start_date__lte=end
            )
        ]
    if indicator == Indicator.SUPPORTED:
        period = in_base.filter(in_period(start, end))
        enterprises = period.filter(enterprise__isnull=False).values("enterprise_id")
        persons = period.filter(enterprise__isnull=True).values("entrepreneur_id")
        founders = Enterprise.founders.through.objects.filter(enterprise__in=enterprises).values(
            "entrepreneur_id"
        )
        support = SupportMeasure.objects.filter(dated).filter(
            Q(enterprise__in=enterprises) | Q(entrepreneur__in=persons) | Q(entrepreneur__in=founders)
        )
        financing = Financing.objects.filter(dated).filter(
            Q(enterprise__in=enterprises) | Q(borrower__in=persons) | Q(borrower__in=founders)
        )
        return [
            support.select_related("enterprise", "entrepreneur"),
            financing.select_related("enterprise", "borrower"),
        ]
    raise ValueError(f"unknown indicator {indicator!r}")


def counted(indicator: str, rows: list, end: datetime.date) -> dict[int, bool] | None:
    """For a rate's drill-down: which of ``rows`` (residencies) count toward its numerator."""
    if indicator == Indicator.SUCCESS_RATE:
        good = succeeded({row.enterprise_id for row in rows if row.enterprise_id}, end)
        return {row.pk: row.enterprise_id in good for row in rows}
    if indicator == Indicator.ON_TIME_EXIT_RATE:
        return {row.pk: left_on_time(row.agreement_end, row.end_date) for row in rows}
    return None


def indicators(base: Incubator, start: datetime.date, end: datetime.date) -> list[IndicatorFigure]:
    """Every indicator of ``base`` for the period (see the module's docstring)."""
    residencies = residencies_in(base, start, end)
    job_count, founders = jobs(base, start, end), founder_count(base, start, end)
    parts = base_ids(base)
    return [
        IndicatorFigure(Indicator.RESIDENTS, Decimal(resident_count(residencies))),
        IndicatorFigure(
            Indicator.NEW_RESIDENTS, Decimal(resident_count(residencies.filter(start_date__gte=start)))
        ),
        utilisation(base, start, end),
        success_rate(base, end),
        on_time_exit_rate(base, start, end),
        IndicatorFigure(Indicator.JOBS, Decimal(job_count)),
        IndicatorFigure(
            Indicator.JOBS_PER_FOUNDER,
            (Decimal(job_count) / founders).quantize(Decimal("0.01")) if founders else None,
            Decimal(job_count),
            Decimal(founders),
        ),
        IndicatorFigure(
            Indicator.MENTORS,
            Decimal(Mentor.objects.filter(incubator__in=parts).filter(in_period(start, end)).count()),
        ),
        IndicatorFigure(
            Indicator.EVENTS,
            Decimal(
                Event.objects.filter(
                    host_incubator__in=parts, start_date__gte=start, start_date__lte=end
                ).count()
            ),
        ),
        IndicatorFigure(Indicator.SUPPORTED, Decimal(supported(base, start, end))),
    ]


def assess(base: Incubator, start: datetime.date, end: datetime.date, *, computed_at=None) -> list:
    """Compute ``base``'s indicators for the period and store them (replacing the period's earlier
    values in one transaction); returns the stored rows."""
    from django.db import transaction
    from django.utils import timezone

    from overview.models import IndicatorValue

    computed_at = computed_at or timezone.now()
    rows = [
        IndicatorValue(
            incubator=base,
            period_start=start,
            period_end=end,
            indicator=figure.indicator,
            value=figure.value,
            numerator=figure.numerator,
            denominator=figure.denominator,
            computed_at=computed_at,
        )
        for figure in indicators(base, start, end)
    ]
    with transaction.atomic():
        IndicatorValue.objects.filter(incubator=base, period_start=start, period_end=end).delete()
        IndicatorValue.objects.bulk_create(rows)
    return rows


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
