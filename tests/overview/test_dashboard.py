import datetime
from decimal import Decimal

import pytest

from entrepreneurs.models import Financing
from overview import charts, dashboard
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
    assert dashboard.returnees_by_year() == [("2015", 1), ("2017", 2)]


def test_financing_by_year_and_kind_sums_amounts():
    FinancingFactory(date=datetime.date(2018, 3, 1), amount=Decimal("100"), kind=Financing.Kind.BANK_LOAN)
    FinancingFactory(date=datetime.date(2018, 5, 1), amount=Decimal("50"), kind=Financing.Kind.BANK_LOAN)
    FinancingFactory(date=datetime.date(2019, 1, 1), amount=Decimal("70"), kind=Financing.Kind.GRANT)
    years, stacks = dashboard.financing_by_year_and_kind()
    assert years == ["2018", "2019"]
    assert dict(stacks) == {
        Financing.Kind.BANK_LOAN.label: [Decimal("150"), 0],
        Financing.Kind.GRANT.label: [0, Decimal("70")],
    }


def test_events_and_attendance_by_month():
    event = EventFactory(start_date=datetime.date(2019, 3, 10))
    EventFactory(start_date=datetime.date(2019, 3, 20))
    AttendanceFactory.create_batch(3, event=event)
    months, stacks = dashboard.events_and_attendance_by_month()
    assert months == ["2019-03"]
    assert [values for _, values in stacks] == [[2], [3]]


def test_enterprises_per_incubator_counts_only_current_residents():
    incubator = IncubatorFactory(name="爱创空间测试")
    ResidencyFactory.create_batch(2, incubator=incubator)
    ResidencyFactory(incubator=incubator, end_date=datetime.date(2018, 1, 1))
    assert dashboard.enterprises_per_incubator() == [("爱创空间测试", 2)]


def test_special_group_shares_are_percentages_of_all_entrepreneurs():
    group = SpecialGroupFactory(name="残疾人测试")
    member = EntrepreneurFactory()
    member.special_groups.add(group)
    EntrepreneurFactory.create_batch(3)
    assert ("残疾人测试", 25.0) in dashboard.special_group_shares()


def test_reported_figures_show_qualifier_and_tracked_total():
    ReportedFigureFactory(label="累计参加创业培训人数", value=Decimal("2360"), qualifier="over")
    (row,) = dashboard.reported_figures()
    assert row["label"] == "累计参加创业培训人数"
    assert "2,360" in row["reported"]
    assert row["tracked"] is not None


def test_dashboard_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    for _ in range(5):
        FinancingFactory()
        AttendanceFactory()
        ReportedFigureFactory()
    # 13 for the tiles and charts; the figures and the stats snapshot 2, and 12 more to compute the
    # snapshot, which does not exist yet here (see tests/overview/test_stats_snapshot.py)
    with django_assert_max_num_queries(27):
        context = dashboard.dashboard_context()
    assert len(context["charts"]) == 5


def test_admin_index_shows_figures_and_charts(staff_client):
    EntrepreneurFactory(return_year=2017)
    ReportedFigureFactory(label="入驻实体")
    response = staff_client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") >= 5
    assert "入驻实体" in html


def test_chart_labels_are_escaped():
    svg = str(charts.horizontal_bars([("<script>alert(1)</script>", 3)]))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_empty_chart_says_so():
    assert "No data" in str(charts.horizontal_bars([], empty_text="No data"))
