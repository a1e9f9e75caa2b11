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
