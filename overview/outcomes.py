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

``outcomes(scope, months)`` counts the same funnel for every event kind, series or event at once,
set-based (one statement: the first attendance per person grouped first, then an indexed EXISTS per
person and outcome), for the outcomes job (``overview.tasks.outcomes_task``), which stores them as
``EventOutcome`` rows for the dashboard and the export. Tests hold both to the same answers.
"""

import datetime

from django.db import connection
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


#: What groups the attendances of each scope (the expression over the event ``e``) and which
#: events it takes.
SCOPES = {
    "kind": ("e.kind", "1 = 1"),
    "series": ("e.series_id", "e.series_id IS NOT NULL"),
    "event": ("e.id", "1 = 1"),
}


def outcomes(scope: str, months: int = 12) -> list[tuple]:
    """``(key, attended, enterprise, residency, support, financing)`` for every kind, series or
    event (``scope``) with attendance, as ``event_outcomes`` counts one (see the module)."""
    key, where = SCOPES[scope]
    table = {
        "attendance": Attendance._meta.db_table,
        "event": Attendance._meta.get_field("event").related_model._meta.db_table,
        "founders": Enterprise.founders.through._meta.db_table,
        "enterprise": Enterprise._meta.db_table,
        "residency": Residency._meta.db_table,
        "support": SupportMeasure._meta.db_table,
        "financing": Financing._meta.db_table,
    }
    q = {name: connection.ops.quote_name(value) for name, value in table.items()}
    days = window(months).days
    if connection.vendor == "postgresql":
        until, year = f"(p.first + {days})", "CAST(EXTRACT(YEAR FROM p.first) AS integer)"
    else:  # SQLite keeps dates as ISO text; no parameters, so % is literal
        until, year = f"date(p.first, '+{days} days')", "CAST(strftime('%Y', p.first) AS integer)"
    years = -(-months // 12)
    during = f"BETWEEN p.first AND {until}"

    def reached(table_name, person_column, day_column):
        """A row of the person's own, or of an enterprise they founded, dated in the window."""
        return (
            f"(EXISTS (SELECT 1 FROM {q[table_name]} x WHERE x.{person_column} = p.pid "
            f"AND x.{day_column} {during}) OR EXISTS (SELECT 1 FROM {q['founders']} f "
            f"JOIN {q[table_name]} x ON x.enterprise_id = f.enterprise_id WHERE f.entrepreneur_id = p.pid "
            f"AND x.{day_column} {during}))"
        )

    registered = (
        f"EXISTS (SELECT 1 FROM {q['founders']} f JOIN {q['enterprise']} n ON n.id = f.enterprise_id "
        f"WHERE f.entrepreneur_id = p.pid AND n.registration_year BETWEEN {year} AND {year} + {years})"
    )
    sql = f"""
        WITH p AS (
            SELECT {key} AS scope_key, a.entrepreneur_id AS pid, MIN(e.start_date) AS first
            FROM {q["attendance"]} a JOIN {q["event"]} e ON e.id = a.event_id
            WHERE e.start_date IS NOT NULL AND {where}
            GROUP BY {key}, a.entrepreneur_id
        )
        SELECT p.scope_key, COUNT(*),
            SUM(CASE WHEN {registered} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {reached("residency", "entrepreneur_id", "start_date")} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {reached("support", "entrepreneur_id", "date")} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {reached("financing", "borrower_id", "date")} THEN 1 ELSE 0 END)
        FROM p GROUP BY p.scope_key ORDER BY p.scope_key
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(str(row[0]), *(int(n or 0) for n in row[1:])) for row in cursor.fetchall()]


def store_outcomes(months: int = 12, progress=None) -> int:
    """Count every kind's, series' and event's funnel over ``months`` and store them as
    ``EventOutcome`` rows, replacing the earlier ones of the same ``months`` in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from events.models import Event, EventSeries
    from overview.models import EventOutcome

    computed_at = timezone.now()
    kinds = dict(EventKind.choices)
    rows = []
    for step, scope in enumerate(SCOPES):
        found = outcomes(scope, months)
        if scope == "kind":
            names = {key: str(kinds.get(key, key)) for key, *_counts in found}
        else:
            model = EventSeries if scope == "series" else Event
            field = "name" if scope == "series" else "title"
            names = {
                str(pk): name
                for pk, name in model.objects.filter(pk__in=[int(k) for k, *_c in found]).values_list(
                    "pk", field
                )
            }
        for key, attended, enterprise, residency, support, financing in found:
            rows.append(
                EventOutcome(
                    scope=scope,
                    key=key,
                    label=names.get(key, key)[:300],
                    months=months,
                    attended=attended,
                    enterprise=enterprise,
                    residency=residency,
                    support=support,
                    financing=financing,
                    computed_at=computed_at,
                )
            )
        if progress:
            progress(step + 1, len(SCOPES))
    with transaction.atomic():
        EventOutcome.objects.filter(months=months).delete()
        EventOutcome.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
