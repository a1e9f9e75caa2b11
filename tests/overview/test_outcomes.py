"""What came of the events (overview/outcomes.py) on hand-built records."""

import datetime

from events.models import Attendance, EventKind
from overview.outcomes import event_outcomes, outcomes_by_kind
from tests import factories

D = datetime.date


def test_the_funnel_counts_what_followed_within_the_window(db):
    training = factories.EventFactory(kind=EventKind.TRAINING, start_date=D(2018, 3, 1))
    later = factories.EventFactory(kind=EventKind.TRAINING, start_date=D(2018, 9, 1))
    founder, resident, helped, loaned, late, idle = (factories.EntrepreneurFactory() for _ in range(6))
    for person in (founder, resident, helped, loaned, late, idle):
        factories.AttendanceFactory(event=training, entrepreneur=person)
    factories.AttendanceFactory(event=later, entrepreneur=founder)  # the first attendance counts
    factories.EnterpriseFactory(founders=[founder], registration_year=2018)
    factories.EnterpriseFactory(founders=[idle], registration_year=2016)  # before: not an outcome
    firm = factories.EnterpriseFactory(founders=[resident], registration_year=2015)
    factories.ResidencyFactory(enterprise=firm, start_date=D(2018, 6, 1))  # its enterprise entered a base
    factories.SupportMeasureFactory(entrepreneur=helped, date=D(2018, 12, 1))
    factories.FinancingFactory(enterprise=factories.EnterpriseFactory(founders=[loaned]), date=D(2019, 2, 1))
    factories.SupportMeasureFactory(entrepreneur=late, date=D(2019, 6, 1))  # after 12 months
    funnel = event_outcomes(Attendance.objects.filter(event__kind=EventKind.TRAINING), months=12)
    assert funnel == {"attended": 6, "enterprise": 1, "residency": 1, "support": 1, "financing": 1}
    assert (
        event_outcomes(Attendance.objects.filter(event__kind=EventKind.TRAINING), months=18)["support"] == 2
    )
    rows = outcomes_by_kind(12)
    assert [row["kind"] for row in rows] == [EventKind.TRAINING]  # kinds nobody attended are left out


def test_undated_events_count_nobody(db):
    event = factories.EventFactory(start_date=None)
    factories.AttendanceFactory(event=event)
    assert event_outcomes(Attendance.objects.all())["attended"] == 0


# --- the set-based count of every kind, series and event, stored by the outcomes job ---


def mixed_records():
    """Attendance of two kinds, a series and undated events, with outcomes of every step, some
    inside and some outside the window."""
    series = factories.EventSeriesFactory(name="创业大讲堂测试")
    training = factories.EventFactory(kind=EventKind.TRAINING, start_date=D(2018, 3, 1), series=series)
    salon = factories.EventFactory(kind=EventKind.SALON, start_date=D(2019, 1, 10), series=series)
    undated = factories.EventFactory(kind=EventKind.SALON, start_date=None)
    people = [factories.EntrepreneurFactory() for _ in range(7)]
    for person in people[:5]:
        factories.AttendanceFactory(event=training, entrepreneur=person)
    for person in people[2:7]:
        factories.AttendanceFactory(event=salon, entrepreneur=person)
    factories.AttendanceFactory(event=undated, entrepreneur=people[0])
    factories.EnterpriseFactory(founders=[people[0]], registration_year=2018)
    firm = factories.EnterpriseFactory(founders=[people[1]], registration_year=2015)
    factories.ResidencyFactory(enterprise=firm, start_date=D(2018, 6, 1))
    factories.ResidencyFactory(enterprise=None, entrepreneur=people[5], start_date=D(2019, 5, 1))
    factories.SupportMeasureFactory(entrepreneur=people[2], date=D(2018, 12, 1))
    factories.SupportMeasureFactory(
        enterprise=factories.EnterpriseFactory(founders=[people[6]]), date=D(2019, 3, 1)
    )
    factories.FinancingFactory(
        enterprise=factories.EnterpriseFactory(founders=[people[3]]), date=D(2019, 2, 1)
    )
    factories.FinancingFactory(borrower=people[4], date=D(2020, 2, 1))  # late for 12 months
    return series, training, salon


def test_the_set_based_count_agrees_with_the_funnel_of_each_set(db):
    from overview.outcomes import outcomes

    series, training, salon = mixed_records()
    steps = ("attended", "enterprise", "residency", "support", "financing")
    for months in (6, 12, 18, 30):
        sets = {
            ("kind", kind): Attendance.objects.filter(event__kind=kind)
            for kind in (EventKind.TRAINING, EventKind.SALON)
        }
        sets[("series", str(series.pk))] = Attendance.objects.filter(event__series=series)
        for event in (training, salon):
            sets[("event", str(event.pk))] = Attendance.objects.filter(event=event)
        counted = {
            (scope, key): dict(zip(steps, counts, strict=True))
            for scope in ("kind", "series", "event")
            for key, *counts in outcomes(scope, months)
        }
        for (scope, key), attendances in sets.items():
            assert counted[(scope, key)] == event_outcomes(attendances, months), (scope, key, months)
    twelve = {key: counts for key, *counts in outcomes("kind", 12)}
    assert twelve[EventKind.TRAINING] == [5, 1, 1, 1, 1]


def test_the_job_stores_them_and_the_dashboard_shows_each_kind(staff_client):
    from django.urls import reverse

    from jining.models import Job
    from overview.models import EventOutcome

    mixed_records()
    url = reverse("admin:overview_eventoutcome_add")
    form_page = staff_client.get(url)
    assert form_page.status_code == 200
    assert 'value="立即统计"' in form_page.text and "首次参加后所选月数内" in form_page.text
    for bad in ({}, {"months": 0}, {"months": "x"}, {"months": 121}):
        assert staff_client.post(url, bad).context["form"].errors, bad
    assert not Job.objects.filter(kind="event_outcomes").exists()
    response = staff_client.post(url, {"months": 12})
    job = Job.objects.get(kind="event_outcomes")
    assert response.status_code == 302 and job.state == Job.State.DONE, job.error
    stored = EventOutcome.objects.filter(months=12)
    assert set(stored.values_list("scope", flat=True)) == {"kind", "series", "event"}
    assert stored.get(scope="kind", key=EventKind.TRAINING).attended == 5
    assert stored.get(scope="series").label == "创业大讲堂测试"
    staff_client.post(url, {"months": 12})  # counted again: replaced, not added
    assert EventOutcome.objects.filter(months=12).count() == stored.count()
    page = staff_client.get(reverse("admin:index"))
    outcomes = page.context["outcomes"]
    assert [o.key for o in outcomes] == [EventKind.SALON, EventKind.TRAINING]  # 5 each, then by code
    assert page.context["outcome_months"] == 12
    changelist = staff_client.get(reverse("admin:overview_eventoutcome_changelist"), {"months": 12})
    assert changelist.status_code == 200 and "创业大讲堂测试" in changelist.content.decode()
    export = staff_client.get(reverse("admin:overview_eventoutcome_export"))
    assert export.status_code == 200


def test_outcomes_are_read_by_who_may_view_events_and_counted_by_who_may_change_them(db):
    from django.contrib.auth.models import Permission
    from django.test import Client
    from django.urls import reverse

    def client_with(*codenames):
        user = factories.UserFactory(is_staff=True)
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
        )
        client = Client()
        client.force_login(user)
        return client

    changelist, add = (
        reverse("admin:overview_eventoutcome_changelist"),
        reverse("admin:overview_eventoutcome_add"),
    )
    nobody, viewer = client_with(), client_with("view_event")
    assert nobody.get(changelist).status_code == 403
    assert viewer.get(changelist).status_code == 200
    assert viewer.get(add).status_code == 403 and viewer.post(add, {"months": 12}).status_code == 403
    assert client_with("view_event", "change_event").get(add).status_code == 200
