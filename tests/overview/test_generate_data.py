"""``manage.py generate_data``: proportions, valid rows, exact removal, refusal of a second run."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from entrepreneurs.models import (
    Employment,
    Enterprise,
    Entrepreneur,
    Financing,
    OperatingStatus,
    SupportMeasure,
)
from entrepreneurs.models import romanise as real_romanise
from entrepreneurs.pinyin import pinyin_search_text
from events.models import Attendance, Event
from incubators.models import Capacity, Incubator, Mentor, MentoringSession, Residency
from jining.models import Organisation, Source
from overview import synthetic
from overview.indicators import assess, year_period
from overview.models import IndicatorValue

SCALE = 0.05

pytestmark = pytest.mark.django_db


def all_counts():
    models = [Entrepreneur, Enterprise, Event, Attendance, Financing, SupportMeasure, Residency, Incubator]
    models += [Capacity, Mentor, MentoringSession, OperatingStatus, Employment, IndicatorValue]
    counts = {model._meta.label: model.objects.count() for model in models}
    counts["founders"] = Enterprise.founders.through.objects.count()
    counts["special groups"] = Entrepreneur.special_groups.through.objects.count()
    counts["organisations"] = Organisation.objects.count()
    counts["sources"] = Source.objects.count()
    return counts


@pytest.fixture
def article():
    call_command("load_article", verbosity=0)
    return all_counts()


@pytest.fixture
def generated(article):
    call_command("generate_data", scale=SCALE, seed=7, no_progress=True, verbosity=0)
    return Source.objects.get(code=synthetic.SOURCE_CODE)


def test_plan_is_in_proportion():
    one = synthetic.plan(1)
    assert one["entrepreneurs"] == one["enterprises"] == 6000
    assert one["events"] == 100 and one["attendances"] == 6300 and one["financing"] == 300
    hundred = synthetic.plan(100)
    assert hundred["entrepreneurs"] == 600_000
    assert 950_000 <= hundred["attendances"] <= 1_050_000


def test_counts_follow_the_scale(article, generated):
    plan = synthetic.plan(SCALE)
    mine = {
        Entrepreneur: plan["entrepreneurs"],
        Enterprise: plan["enterprises"],
        Event: plan["events"],
        Financing: plan["financing"],
        SupportMeasure: plan["support_measures"],
        Residency: plan["residencies"],
        Incubator: plan["incubators"],
    }
    for model, expected in mine.items():
        assert model.objects.filter(source=generated).count() == expected, model
    assert Attendance.objects.filter(event__source=generated).count() == plan["attendances"]
    founded = Enterprise.founders.through.objects.filter(enterprise__source=generated)
    assert founded.count() >= plan["enterprises"]
    assert not founded.exclude(entrepreneur__source=generated).exists()
    assert (
        not Attendance.objects.filter(event__source=generated)
        .exclude(entrepreneur__source=generated)
        .exists()
    )


def test_sample_passes_model_validation(generated):
    for model in (Entrepreneur, Enterprise, Event, Financing, SupportMeasure, Residency, Incubator):
        for obj in model.objects.filter(source=generated).order_by("id")[:40]:
            obj.full_clean()
    for attendance in Attendance.objects.filter(event__source=generated)[:40]:
        attendance.full_clean()
    for queryset in (
        Capacity.objects.filter(source=generated),
        OperatingStatus.objects.filter(source=generated),
        Mentor.objects.filter(incubator__source=generated),
        MentoringSession.objects.filter(enterprise__source=generated),
        Employment.objects.filter(enterprise__source=generated),
    ):
        sample = list(queryset.order_by("id")[:40])
        assert sample, queryset.model
        for obj in sample:
            obj.full_clean()


def test_review_records_at_plausible_rates(article):
    """What a base's review reads: agreements, exits of every kind (consistent with the agreement),
    dated statuses that change, rosters with some people counted twice, mentors for each base."""
    call_command("generate_data", scale=0.5, seed=7, no_progress=True, verbosity=0)
    generated = Source.objects.get(code=synthetic.SOURCE_CODE)
    residencies = Residency.objects.filter(source=generated)
    total = residencies.count()
    assert 0.75 * total <= residencies.exclude(agreement_end=None).count() <= 0.95 * total
    kinds = set(residencies.exclude(exit_kind="").values_list("exit_kind", flat=True))
    assert kinds == {"expired", "graduated", "early", "evicted"}
    assert not residencies.filter(exit_kind="").exclude(end_date=None).exists()
    early = residencies.filter(exit_kind__in=["early", "evicted"]).exclude(agreement_end=None)
    assert all(r.end_date <= r.agreement_end for r in early)
    statuses = OperatingStatus.objects.filter(source=generated)
    resident_firms = residencies.values("enterprise").distinct().count()
    assert statuses.values("enterprise").distinct().count() == resident_firms
    assert {"normal", "suspended", "deregistered"} <= set(statuses.values_list("status", flat=True))
    roster = Employment.objects.filter(enterprise__source=generated)
    assert roster.count() > resident_firms
    flagged = roster.counted_twice().count()
    assert 0 < flagged < 0.2 * roster.count()
    bases = Incubator.objects.filter(source=generated)
    assert set(Mentor.objects.filter(incubator__in=bases).values_list("incubator", flat=True)) == set(
        bases.values_list("id", flat=True)
    )
    assert set(Capacity.objects.filter(source=generated).values_list("incubator", flat=True)) == set(
        bases.values_list("id", flat=True)
    )


def test_derived_fields_match_what_save_computes(generated):
    for person in Entrepreneur.objects.filter(source=generated).order_by("id")[:200]:
        assert person.name_pinyin == pinyin_search_text(person.name), person.name
        assert person.name_romanised == real_romanise(person.name), person.name
        if person.birth_date:
            assert person.birth_year == person.birth_date.year
            assert person.birth_decade == person.birth_year // 10 * 10
    # Enterprise names are composed of parts whose readings are cached; the reading of a whole name
    # can differ where a phrase spans two parts (pypinyin reads 农家乐 as "nong jia yue" in some names).
    firms = Enterprise.objects.filter(source=generated).order_by("id")[:200]
    same = sum(firm.name_pinyin == pinyin_search_text(firm.name, person=False) for firm in firms)
    assert same >= 0.9 * len(firms)


def test_no_history_rows_for_generated_data(generated):
    assert not Entrepreneur.history.filter(source_id=generated.id).exists()


def test_same_seed_same_data(article):
    call_command("generate_data", scale=0.01, seed=3, no_progress=True, verbosity=0)
    first = list(
        Entrepreneur.objects.filter(source__code="synthetic").order_by("id").values_list("name", "phone")
    )
    call_command("generate_data", remove=True, verbosity=0)
    call_command("generate_data", scale=0.01, seed=3, no_progress=True, verbosity=0)
    again = list(
        Entrepreneur.objects.filter(source__code="synthetic").order_by("id").values_list("name", "phone")
    )
    assert first == again


def test_second_run_is_refused(generated):
    before = all_counts()
    with pytest.raises(CommandError, match="remove it first"):
        call_command("generate_data", scale=SCALE, no_progress=True, verbosity=0)
    assert all_counts() == before


def test_remove_deletes_only_generated_rows(article, generated):
    for base in Incubator.objects.filter(source=generated):
        assess(base, *year_period(2022))  # stored values of a generated base go with it
    assert IndicatorValue.objects.exists()
    assert all_counts() != article
    call_command("generate_data", remove=True, verbosity=0)
    assert all_counts() == article
    assert not Organisation.objects.filter(code__startswith=synthetic.ORG_CODE_PREFIX).exists()
    call_command("generate_data", remove=True, verbosity=0)  # nothing left: a no-op
    assert all_counts() == article


def test_remove_without_article_data(db):
    call_command("generate_data", scale=0.01, no_progress=True, verbosity=0)
    call_command("generate_data", remove=True, verbosity=0)
    assert Entrepreneur.objects.count() == 0 and Source.objects.count() == 0
