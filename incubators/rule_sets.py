"""The published criteria bases are judged by, seeded with their sources (domain-notes §2).

``seed_rule_sets()`` creates the national set (国家级创业孵化示范基地, 人力资源社会保障部) and one
provincial set (福建省省级创业孵化示范基地) with their thresholds, unless a rule set with the same code
exists: what staff have since corrected is left as it is. ``load_article`` (``make run``) calls it.
Rates are percentages (90 for 90 %).
"""

import datetime
from decimal import Decimal

from django.db import transaction

from incubators.models import Indicator, RuleSet, Threshold
from jining.models import Source

RULE_SETS = [
    {
        "code": "national-demonstration-base",
        "name": "国家级创业孵化示范基地",
        "level": RuleSet.Level.NATIONAL,
        "region": "",
        "effective_from": datetime.date(2017, 1, 14),
        "source": {
            "code": "gov-cn-20170114-chuangye-fuhua-jidi",
            "kind": Source.Kind.DOCUMENT,
            "title": "人力资源社会保障部：国家级创业孵化示范基地评估认定（复评：人社部发〔2019〕28号）",
            "publisher": "中华人民共和国中央人民政府网站",
            "published_on": datetime.date(2017, 1, 14),
            "url": "http://big5.www.gov.cn/gate/big5/www.gov.cn/xinwen/2017-01-14/content_5159739.htm",
        },
        "source_quote": "场所利用率 ≥90%，在孵创业实体 ≥30 户，带动就业 ≥300 个岗位（3 年），"
        "孵化成功率 ≥60%，到期出园率 ≥95%",
        "thresholds": [
            (Indicator.UTILISATION, "90", "over three years"),
            (Indicator.RESIDENTS, "30", "over three years"),
            (Indicator.JOBS, "300", "jobs, over three years"),
            (Indicator.SUCCESS_RATE, "60", ""),
            (Indicator.ON_TIME_EXIT_RATE, "95", ""),
        ],
    },
    {
        "code": "fujian-provincial-base",
        "name": "福建省省级创业孵化示范基地",
        "level": RuleSet.Level.PROVINCIAL,
        "region": "福建省",
        "effective_from": datetime.date(2021, 10, 25),
        "source": {
            "code": "fujian-20211025-chuangye-fuhua-jidi",
            "kind": Source.Kind.DOCUMENT,
            "title": "福建省省级创业孵化示范基地认定条件",
            "publisher": "福建省人力资源和社会保障厅（转载）",
            "published_on": datetime.date(2021, 10, 25),
            "url": "http://k988k.com/2021-10/25/content_30872184.htm",
        },
        "source_quote": "在孵创业实体每年不少于 30 户，新入驻不少于 10 户，带动就业每年不少于 300 人，"
        "孵化成功率 ≥60%，到期出园率 ≥90%",
        "thresholds": [
            (Indicator.RESIDENTS, "30", "per year"),
            (Indicator.NEW_RESIDENTS, "10", "per year"),
            (Indicator.JOBS, "300", "per year"),
            (Indicator.SUCCESS_RATE, "60", ""),
            (Indicator.ON_TIME_EXIT_RATE, "90", ""),
        ],
    },
]


def seed_rule_sets() -> int:
    """Create the seeded rule sets that are missing; returns how many were created."""
    created = 0
    with transaction.atomic():
        for spec in RULE_SETS:
            if RuleSet.objects.filter(code=spec["code"]).exists():
                continue
            source_fields = dict(spec["source"])
            source, _new = Source.objects.get_or_create(
                code=source_fields.pop("code"), defaults=source_fields
            )
            rule_set = RuleSet.objects.create(
                code=spec["code"],
                name=spec["name"],
                level=spec["level"],
                region=spec["region"],
                effective_from=spec["effective_from"],
                source=source,
                source_quote=spec["source_quote"],
            )
            for indicator, value, note in spec["thresholds"]:  # one by one: each gets its history
                Threshold.objects.create(
                    rule_set=rule_set, indicator=indicator, value=Decimal(value), note=note
                )
            created += 1
    return created
