"""/api/v1/stats/: every reported figure beside what the tracked records add up to, by the database
(computed by ``stats_refresh``: a read serves the snapshot it stored)."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from entrepreneurs.models import Enterprise, Entrepreneur, Financing
from events.models import Attendance, Event, EventKind
from incubators.models import Incubator, Residency
from overview.models import ReportedFigure
from overview.stats import stats_refresh
from tests.factories import (
    AttendanceFactory,
    EnterpriseFactory,
    EnterpriseFigureFactory,
    EntrepreneurFactory,
    EventFactory,
    EventSeriesFactory,
    FinancingFactory,
    IncubatorFactory,
    ReportedFigureFactory,
    ResidencyFactory,
    SupportMeasureFactory,
)

Measure, Scope = ReportedFigure.Measure, ReportedFigure.Scope
FIGURE_FIELDS = {
    "key",
    "label",
    "measure",
    "value",
    "unit",
    "qualifier",
    "period_start",
    "as_of",
    "scope",
    "scope_name",
    "incubator",
    "event_series",
    "event",
    "source",
    "source_quote",
    "tracked",
    "tracked_basis",
}


@pytest.fixture
def program(db):
    """Incubator A with a part B, and C; enterprises resident there; financing, events, attendance."""
    a = IncubatorFactory(code="a")
    b = IncubatorFactory(code="b", parent=a)
    c = IncubatorFactory(code="c")
    e1, e2, e3 = EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory()
    ResidencyFactory(incubator=a, enterprise=e1, start_date=datetime.date(2017, 1, 1))
    ResidencyFactory(incubator=a, enterprise=e1, start_date=datetime.date(2018, 6, 1))  # moved units
    ResidencyFactory(incubator=b, enterprise=e2)
    ResidencyFactory(incubator=c, enterprise=e3)
    FinancingFactory(enterprise=e1, amount=Decimal("100000"), date=datetime.date(2018, 3, 1))
    FinancingFactory(enterprise=e1, amount=Decimal("50000"), date=datetime.date(2019, 3, 1))
    FinancingFactory(enterprise=e2, amount=Decimal("30000"), date=datetime.date(2018, 5, 1))
    FinancingFactory(enterprise=e3, amount=Decimal("999000"), date=datetime.date(2018, 7, 1))
    p1, p2 = EntrepreneurFactory(), EntrepreneurFactory()
    series = EventSeriesFactory(host_incubator=a)
    training = EventFactory(series=None, host_incubator=a, kind=EventKind.TRAINING, online_views=100)
    lecture = EventFactory(series=series, host_incubator=None, online_views=50)
    elsewhere = EventFactory(series=None, host_incubator=c, kind=EventKind.TRAINING)
    for event, people in ((training, [p1, p2]), (lecture, [p1]), (elsewhere, [p1])):
        for person in people:
            AttendanceFactory(event=event, entrepreneur=person)
    SupportMeasureFactory(enterprise=e1, incubator=a)
    SupportMeasureFactory(enterprise=e1, incubator=a)
    SupportMeasureFactory(enterprise=e3, incubator=c)
    EnterpriseFigureFactory(enterprise=e2, measure="online_sales", year=2018, value=Decimal("7000"))
    EnterpriseFigureFactory(enterprise=e2, measure="online_sales", year=2019, value=Decimal("9000"))
    return {"a": a, "b": b, "c": c, "series": series}


def figure(measure, scope=Scope.DISTRICT, **kwargs):
    return ReportedFigureFactory(
        key=f"{measure}-{scope}-{kwargs.get('as_of', '')}", measure=measure, scope=scope, **kwargs
    )


def stats(client):
    """The stats as served after a refresh (reads never compute them)."""
    stats_refresh(trigger="test")
    response = client.get("/api/v1/stats/")
    assert response.status_code == 200
    return response.json()


def tracked(data, key):
    (row,) = [row for row in data["figures"] if row["key"] == key]
    return None if row["tracked"] is None else Decimal(row["tracked"])


def test_figures_come_with_their_fields_and_source(program, partner_client):
    f = figure(Measure.MIGRANT_WORKERS, qualifier="order")
    data = stats(partner_client)
    (row,) = data["figures"]
    assert set(row) >= FIGURE_FIELDS
    assert row["value"] == "2360.00" and row["qualifier"] == "order" and row["scope_name"] == "集宁区"
    assert set(row["source"]) == {"id", "title", "publisher", "published_on", "url"}
    assert row["source"]["title"] == f.source.title
    assert row["tracked"] is None and row["tracked_basis"] is None  # nothing tracks migrant workers


def test_financing_of_an_incubator_sums_its_residents_once(program, partner_client):
    a = program["a"]
    f = figure(Measure.FINANCING_AMOUNT, Scope.INCUBATOR, incubator=a, scope_name=a.name)
    figure(Measure.FINANCING_AMOUNT)
    data = stats(partner_client)
    residents = Residency.objects.filter(incubator__in=[a, program["b"]]).values("enterprise")
    expected = Financing.objects.filter(enterprise__in=residents).aggregate(total=Sum("amount"))["total"]
    assert (
        tracked(data, f.key) == expected == Decimal("180000")
    )  # e1 twice resident, counted once; b is part of a
    assert tracked(data, "financing_amount-district-") == Financing.objects.aggregate(t=Sum("amount"))["t"]


def test_a_period_figure_counts_only_records_in_its_period(program, partner_client):
    f = figure(
        Measure.FINANCING_AMOUNT,
        period_start=datetime.date(2018, 1, 1),
        as_of=datetime.date(2018, 12, 31),
    )
    sales = figure(
        Measure.ONLINE_SALES,
        Scope.INCUBATOR,
        incubator=program["a"],
        period_start=datetime.date(2018, 1, 1),
        as_of=datetime.date(2018, 12, 31),
    )
    data = stats(partner_client)
    in_2018 = Financing.objects.filter(date__year=2018).aggregate(t=Sum("amount"))["t"]
    assert tracked(data, f.key) == in_2018 == Decimal("1129000")
    assert tracked(data, sales.key) == Decimal("7000")


def test_attendance_events_and_residencies(program, partner_client):
    a, series = program["a"], program["series"]
    coaching = figure(Measure.COACHING_PERSON_TIMES, Scope.INCUBATOR, incubator=a)
    held = figure(Measure.EVENTS_HELD, Scope.INCUBATOR, incubator=a)
    sessions = figure(Measure.SESSIONS_HELD, Scope.EVENT_SERIES, event_series=series)
    onsite = figure(Measure.ONSITE_PARTICIPANTS, Scope.EVENT_SERIES, event_series=series)
    views = figure(Measure.ONLINE_VIEWS, Scope.EVENT_SERIES, event_series=series)
    training = figure(Measure.TRAINING_PARTICIPANTS)
    settled = figure(Measure.ENTITIES_SETTLED)
    incubated = figure(Measure.PROJECTS_INCUBATED, Scope.INCUBATOR, incubator=a)
    smes = figure(Measure.SMES_SERVED, Scope.INCUBATOR, incubator=a)
    parks = figure(Measure.PARKS_BUILT)
    data = stats(partner_client)
    at_a = Attendance.objects.filter(event__host_incubator=a) | Attendance.objects.filter(
        event__series=series
    )
    assert tracked(data, coaching.key) == at_a.count() == 3
    assert tracked(data, held.key) == 2  # hosted at a, or in a series hosted at a
    assert tracked(data, sessions.key) == Event.objects.filter(series=series).count() == 1
    assert tracked(data, onsite.key) == Attendance.objects.filter(event__series=series).count() == 1
    assert tracked(data, views.key) == 50
    distinct_trainees = (
        Attendance.objects.filter(event__kind=EventKind.TRAINING).values("entrepreneur").distinct()
    )
    assert tracked(data, training.key) == distinct_trainees.count() == 2
    assert tracked(data, settled.key) == Residency.objects.count() == 4
    assert tracked(data, incubated.key) == 3  # two in a, one in its part b
    assert tracked(data, smes.key) == 1  # e1, supported twice
    assert tracked(data, parks.key) == Incubator.objects.count() == 3


def test_tracked_totals_equal_the_database(program, partner_client):
    totals = stats(partner_client)["tracked_totals"]
    assert totals == {
        "incubators": Incubator.objects.count(),
        "entrepreneurs": Entrepreneur.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "residencies": Residency.objects.count(),
        "events": Event.objects.count(),
        "attendance_person_times": Attendance.objects.count(),
        "support_measures": 3,
        "financing_count": Financing.objects.count(),
        "financing_total": f"{Financing.objects.aggregate(t=Sum('amount'))['t']:.2f}",
    }


def test_a_fixed_number_of_queries_however_many_figures(program, partner_client, django_assert_num_queries):
    # the refresh: the snapshot, the figures, one grouped query per table (10), the dashboard's
    # residents per incubator and special groups, storing the snapshot
    refresh_queries = 15
    for measure in Measure.values:
        figure(measure)
    with django_assert_num_queries(refresh_queries):
        stats_refresh()
    for measure in Measure.values:
        for scope in (Scope.DISTRICT, Scope.CITY):
            figure(measure, scope, as_of=datetime.date(2019, 1, 2))
        figure(measure, Scope.INCUBATOR, incubator=program["a"], as_of=datetime.date(2019, 1, 3))
        figure(measure, Scope.INCUBATOR, incubator=program["c"], as_of=datetime.date(2019, 1, 4))
        figure(measure, Scope.EVENT_SERIES, event_series=program["series"], as_of=datetime.date(2019, 1, 5))
        period = {"period_start": datetime.date(2018, 1, 1), "as_of": datetime.date(2018, 12, 31)}
        figure(measure, Scope.INCUBATOR, incubator=program["b"], **period)
    with django_assert_num_queries(refresh_queries):
        stats_refresh()
    # the read: savepoint, token (with the user's permissions), snapshot, figures, release
    with django_assert_num_queries(5):
        response = partner_client.get("/api/v1/stats/")
    assert len(response.json()["figures"]) == ReportedFigure.objects.count() > 100


def test_stats_need_a_token_and_the_figures_permission(db, anon_client, client):
    assert anon_client.get("/api/v1/stats/").status_code == 401
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/api/v1/stats/").status_code == 403


def test_stats_over_the_article_data(db, partner_client):
    from django.core.management import call_command

    call_command("loaddata", "article", verbosity=0)
    data = stats(partner_client)
    rows = {row["key"]: row for row in data["figures"]}
    assert len(rows) == ReportedFigure.objects.count()
    aichuang = rows["aichuang-financing-amount"]
    assert aichuang["value"] == "16510000.00" and aichuang["incubator"]["name"] == "爱创空间"
    assert aichuang["tracked"] == "0.00"  # the article names no individual financing
    assert rows["ulanqab-migrant-workers"]["tracked"] is None
    assert Decimal(rows["jnq-entities-settled"]["tracked"]) == Residency.objects.count()


def test_the_lean_figures_are_what_the_serializer_gives(db, partner_client):
    """The view reads the figures by the lean path; the result is StatsSerializer's, field for field,
    over the article's figures (with and without an incubator, event or series; tracked or null)."""
    import json

    from django.core.management import call_command
    from rest_framework.test import APIRequestFactory

    from overview.api.serializers import StatsSerializer
    from overview.stats import current_stats

    call_command("loaddata", "article", verbosity=0)
    served = stats(partner_client)
    request = APIRequestFactory().get("/api/v1/stats/")
    expected = json.loads(
        json.dumps(StatsSerializer(current_stats(), context={"request": request}).data, default=str)
    )
    assert served == expected
    figures = served["figures"]
    assert any(row["incubator"] is None for row in figures) and any(row["incubator"] for row in figures)
    assert any(row["tracked"] is None for row in figures) and any(row["tracked"] for row in figures)
