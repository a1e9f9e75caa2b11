"""What came of the events: of the people who attended, how many went on, within ``months`` of their
first attendance, to register an enterprise, enter a base, receive support or raise financing.

``event_outcomes(attendances, months)`` takes any set of attendance records (one event, a series, an
event kind) and returns the funnel, counted by the database:

* ``attended``: distinct people with an attendance of a dated event in the set;
* ``enterprise``: of them, founders of an enterprise registered in the year of their first attendance
  or in the ⌈``months`` / 12⌉ years after it (enterprises carry a registration year only);
* ``residency``: with a residency (their own, or their enterprise's) that started in the window;
* ``support``: with a support measure (their own, or their enterprise's) dated in the window;
* ``financing``: with financing (as borrower, or their enterprise's) dated in the window.

The window is from the first attendance to ``months`` × 30.44 days after it.
"""

import datetime

from django.db.models import Count, DateField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear

from entrepreneurs.models import Enterprise, Entrepreneur, Financing, SupportMeasure
from events.models import Attendance, EventKind
from incubators.models import Residency

STEPS = ("attended", "enterprise", "residency", "support", "financing")


def window(months: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(months * 30.4375))


def event_outcomes(attendances, months: int = 12) -> dict:
    """The funnel of ``attendances`` (an Attendance queryset) over ``months`` (see the module)."""
    dated = attendances.filter(event__start_date__isnull=False)
    first = Subquery(
        dated.filter(entrepreneur=OuterRef("pk"))
        .order_by("event__start_date")
        .values("event__start_date")[:1]
    )
    people = Entrepreneur.objects.filter(pk__in=dated.values("entrepreneur")).annotate(first=first)
    outer_start = OuterRef("first")
    outer_end = ExpressionWrapper(OuterRef("first") + window(months), output_field=DateField())
    person_or_enterprise = Q(entrepreneur=OuterRef("pk")) | Q(enterprise__founders=OuterRef("pk"))
    people = people.annotate(
        registered=Exists(
            Enterprise.founders.through.objects.filter(
                entrepreneur=OuterRef("pk"),
                enterprise__registration_year__gte=ExtractYear(outer_start),
                enterprise__registration_year__lte=ExtractYear(outer_start) + -(-months // 12),
            )
        ),
        resided=Exists(
            Residency.objects.filter(
                person_or_enterprise, start_date__gte=outer_start, start_date__lte=outer_end
            )
        ),
        supported=Exists(
            SupportMeasure.objects.filter(person_or_enterprise, date__gte=outer_start, date__lte=outer_end)
        ),
        financed=Exists(
            Financing.objects.filter(
                Q(borrower=OuterRef("pk")) | Q(enterprise__founders=OuterRef("pk")),
                date__gte=outer_start,
                date__lte=outer_end,
            )
        ),
    )
    return people.aggregate(
        attended=Count("pk"),
        enterprise=Count("pk", filter=Q(registered=True)),
        residency=Count("pk", filter=Q(resided=True)),
        support=Count("pk", filter=Q(supported=True)),
        financing=Count("pk", filter=Q(financed=True)),
    )


def outcomes_by_kind(months: int = 12) -> list[dict]:
    """The funnel of each event kind that has attendance: ``{"kind", "label", **funnel}``."""
    rows = []
    for kind, label in EventKind.choices:
        funnel = event_outcomes(Attendance.objects.filter(event__kind=kind), months)
        if funnel["attended"]:
            rows.append({"kind": kind, "label": str(label), **funnel})
    return rows
