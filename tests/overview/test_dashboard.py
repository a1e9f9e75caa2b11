import datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from entrepreneurs.models import Financing
from overview import charts, dashboard, series
from overview.stats import stats_refresh
from overview.tallies import tally
from tests.factories import (
    AttendanceFactory,
    EntrepreneurFactory,
    EventFactory,
    FinancingFactory,
    IncubatorFactory,
    ReportedFigureFactory,
    ResidencyFactory,
    SpecialGroupFactory,
)

pytestmark = pytest.mark.django_db


def test_returnees_by_year_counts_per_year():
    EntrepreneurFactory.create_batch(2, return_year=2017)
    EntrepreneurFactory(return_year=2015)
    EntrepreneurFactory(return_year=None)
    assert series.returnees_by_year(tally()) == [["2015", 1], ["2017", 2]]


def test_financing_by_year_and_kind_sums_amounts():
    FinancingFactory(date=datetime.date(2018, 3, 1), amount=Decimal("100"), kind=Financing.Kind.BANK_LOAN)
    FinancingFactory(date=datetime.date(2018, 5, 1), amount=Decimal("50"), kind=Financing.Kind.BANK_LOAN)
    FinancingFactory(date=datetime.date(2019, 1, 1), amount=Decimal("70"), kind=Financing.Kind.GRANT)
    stored = series.financing_by_year_and_kind(tally())
    assert stored["years"] == ["2018", "2019"]
    assert all(isinstance(value, str) for _kind, values in stored["kinds"] for value in values)
    assert dict(dashboard.financing_stacks(stored)) == {
        Financing.Kind.BANK_LOAN.label: [Decimal("150"), 0],
        Financing.Kind.GRANT.label: [0, Decimal("70")],
    }


def test_events_and_attendance_by_month():
    event = EventFactory(start_date=datetime.date(2019, 3, 10))
    EventFactory(start_date=datetime.date(2019, 3, 20))
    AttendanceFactory.create_batch(3, event=event)
    EventFactory(start_date=None)  # undated: in no month
    assert series.events_and_attendance_by_month(tally()) == {
        "months": ["2019-03"],
        "events": [2],
        "attendance": [3],
    }


def test_enterprises_per_incubator_counts_only_current_residents():
    incubator = IncubatorFactory(name="爱创空间测试")
    ResidencyFactory.create_batch(2, incubator=incubator)
    ResidencyFactory(incubator=incubator, end_date=datetime.date(2018, 1, 1))
    IncubatorFactory()  # no residents: not listed
    assert series.residents_per_incubator() == [["爱创空间测试", 2]]


def test_special_group_shares_are_percentages_of_all_entrepreneurs():
    group = SpecialGroupFactory(name="残疾人测试")
    member = EntrepreneurFactory()
    member.special_groups.add(group)
    EntrepreneurFactory.create_batch(3)
    assert ["残疾人测试", 25.0] in series.dashboard_series(tally())["special_group_shares"]


def test_reported_figures_show_qualifier_and_tracked_total():
    ReportedFigureFactory(label="累计参加创业培训人数", value=Decimal("2360"), qualifier="over")
    stats_refresh()
    (row,) = dashboard.reported_figures()
    assert row["label"] == "累计参加创业培训人数"
    assert "2,360" in row["reported"]
    assert row["tracked"] is not None


def test_the_dashboard_reads_the_snapshot_and_the_figures_only(django_assert_num_queries):
    for _ in range(5):
        FinancingFactory()
        AttendanceFactory()
        ReportedFigureFactory()
    stats_refresh()
    with django_assert_num_queries(3):  # the snapshot, the figures, the event outcomes
        context = dashboard.dashboard_context()
    assert len(context["charts"]) == 5
    tiles = {label: value for label, value, _unit in context["headline_counts"]}
    assert tiles[gettext("Attendance")] == 5


def test_admin_index_shows_figures_and_charts(staff_client):
    EntrepreneurFactory(return_year=2017)
    ReportedFigureFactory(label="入驻实体")
    stats_refresh()
    response = staff_client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<section><h3>") == 5 and '<svg class="dashboard-chart"' in html
    assert "入驻实体" in html


def test_chart_labels_are_escaped():
    svg = str(charts.horizontal_bars([("<script>alert(1)</script>", 3)]))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_empty_chart_says_so():
    assert "No data" in str(charts.horizontal_bars([], empty_text="No data"))
