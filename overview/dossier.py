"""The review dossier (复评材料) of a base for a period: one .xlsx, written by a job.

Sheets: 考核指标 (every stored indicator beside the chosen rule set's threshold, met or not), 入驻创业实体名单
(the period's residencies), 吸纳带动就业人员花名册 (the rosters of the period's resident enterprises; the
ID-card number and disability masked unless the user may see personal data, and then the access is
logged), 创业导师名册 (the mentors active in the period) and 基地活动 (the events the base hosted, with
their attendance).
"""

import io

from django.db.models import Count
from django.utils.translation import gettext as _

from entrepreneurs.models import Employment
from events.models import Event
from incubators.models import ExitKind, Indicator, Mentor, RuleSet
from jining.models import AccessLog
from jining.personal import access_record, may_view_personal_data, personal_data
from overview.indicators import base_ids, in_period, residencies_in
from overview.models import IndicatorValue


def day(value) -> str:
    return value.isoformat() if value else ""


def indicator_rows(base, start, end, rule_set: RuleSet | None):
    thresholds = {t.indicator: t for t in rule_set.thresholds.all()} if rule_set else {}
    labels = dict(Indicator.choices)
    stored = {
        v.indicator: v
        for v in IndicatorValue.objects.filter(incubator=base, period_start=start, period_end=end)
    }
    for code, label in labels.items():
        value = stored.get(code)
        threshold = thresholds.get(code)
        met = threshold.met_by(value.value) if threshold and value else None
        yield [
            str(label),
            None if value is None or value.value is None else float(value.value),
            None if value is None or value.numerator is None else float(value.numerator),
            None if value is None or value.denominator is None else float(value.denominator),
            str(threshold) if threshold else "",
            "" if met is None else (_("met") if met else _("not met")),
        ]


def write_dossier(stream, *, base, start, end, user, rule_set=None) -> dict:
    """Write the dossier to ``stream``; returns the row count of each sheet."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    counts = {}

    def sheet(title, header, rows):
        ws = book.create_sheet(title)
        ws.append(header)
        n = 0
        for row in rows:
            ws.append(row)
            n += 1
        counts[title] = n

    period = f"{start:%Y-%m-%d}–{end:%Y-%m-%d}"
    sheet(
        "考核指标",
        [
            f"{base.name} {period}",
            "数值",
            "分子",
            "分母",
            f"门槛（{rule_set.name if rule_set else '未选考核标准'}）",
            "是否达标",
        ],
        indicator_rows(base, start, end, rule_set),
    )
    exits = dict(ExitKind.choices)
    sheet(
        "入驻创业实体名单",
        ["入驻主体", "所在载体", "入驻日期", "孵化协议期至", "出园日期", "出园方式", "工位数", "面积（㎡）"],
        (
            [
                str(r.enterprise or r.entrepreneur),
                r.incubator.name,
                day(r.start_date),
                day(r.agreement_end),
                day(r.end_date),
                str(exits.get(r.exit_kind, "")),
                r.workstations,
                None if r.area_m2 is None else float(r.area_m2),
            ]
            for r in residencies_in(base, start, end).select_related(
                "incubator", "enterprise", "entrepreneur"
            )
        ),
    )
    unmasked = may_view_personal_data(user)
    declared = personal_data(Employment)
    enterprises = residencies_in(base, start, end).filter(enterprise__isnull=False).values("enterprise_id")
    roster = (
        Employment.objects.filter(enterprise__in=enterprises)
        .filter(in_period(start, end))
        .select_related("enterprise")
    )

    def shown(row, name):
        value = getattr(row, name)
        return value if unmasked else declared.shown(name, value)

    sheet(
        "吸纳带动就业人员花名册",
        ["企业", "姓名", "身份证号", "入职日期", "离职日期", "残疾人", "参加社会保险"],
        (
            [
                row.enterprise.name,
                row.name,
                shown(row, "id_card_number"),
                day(row.start_date),
                day(row.end_date),
                str(shown(row, "disabled")) if not unmasked else ("是" if row.disabled else "否"),
                "是" if row.social_insurance else "否",
            ]
            for row in roster.iterator()
        ),
    )
    if unmasked and counts["吸纳带动就业人员花名册"]:
        access_record(
            user=user,
            channel=AccessLog.Channel.EXPORT,
            model=Employment,
            fields=declared.fields,
            rows=counts["吸纳带动就业人员花名册"],
            path=f"dossier {base.pk} {period}",
        )
    sheet(
        "创业导师名册",
        ["姓名", "领域", "单位", "聘任起", "聘任止"],
        (
            [m.name, m.field, m.organisation, day(m.start_date), day(m.end_date)]
            for m in Mentor.objects.filter(incubator__in=base_ids(base)).filter(in_period(start, end))
        ),
    )
    events = (
        Event.objects.filter(host_incubator__in=base_ids(base), start_date__gte=start, start_date__lte=end)
        .annotate(people=Count("attendances"))
        .order_by("start_date", "id")
    )
    sheet(
        "基地活动",
        ["日期", "活动名称", "类型", "参加人次（登记）"],
        ([day(e.start_date), e.title, e.get_kind_display(), e.people] for e in events),
    )
    buffer = io.BytesIO()  # a zip: written whole, then copied to the job's file
    book.save(buffer)
    stream.write(buffer.getvalue())
    return counts
