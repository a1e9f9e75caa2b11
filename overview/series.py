"""The dashboard's headline counts and series, computed with the stats (``stats_refresh``) from the
records' tallies plus two counts of their own, and stored in the snapshot: JSON-safe, decimals as
strings, kinds as codes (``overview.dashboard`` labels and draws them)."""

from entrepreneurs.models import Financing, SpecialGroup
from incubators.models import Incubator


def headline_counts(tallies):
    return {
        "entrepreneurs": sum(tallies.returnees.values()),
        "enterprises": tallies.enterprises,
        "current_residents": sum(row["current"] for row in tallies.residencies),
        "events": len(tallies.events),
        "attendance": sum(tallies.attendance.values()),
        "financing_total": str(sum(row["total"] for row in tallies.financing)),
    }


def returnees_by_year(tallies):
    """``[[year, entrepreneurs]]`` by year of return, known years only."""
    years = sorted(year for year in tallies.returnees if year is not None)
    return [[str(year), tallies.returnees[year]] for year in years]


def financing_by_year_and_kind(tallies):
    """``{"years": [...], "kinds": [[kind, [amount per year]]]}``, kinds in their declared order."""
    table = {}
    for row in tallies.financing:
        cell = (row["date"].year, row["kind"])
        table[cell] = table.get(cell, 0) + row["total"]
    years = sorted({year for year, _kind in table})
    kinds = [kind for kind in Financing.Kind.values if any(k == kind for _year, k in table)]
    return {
        "years": [str(year) for year in years],
        "kinds": [[kind, [str(table.get((year, kind), 0)) for year in years]] for kind in kinds],
    }


def events_and_attendance_by_month(tallies, limit=12):
    """Events and attendance per month, for the last ``limit`` months with a dated event."""
    events, attendance = {}, {}
    for event in tallies.events:
        if event.day is not None:
            month = (event.day.year, event.day.month)
            events[month] = events.get(month, 0) + 1
            attendance[month] = attendance.get(month, 0) + tallies.attendance.get(event.id, 0)
    months = sorted(events)[-limit:]
    return {
        "months": [f"{year:04d}-{month:02d}" for year, month in months],
        "events": [events[month] for month in months],
        "attendance": [attendance[month] for month in months],
    }


def residents_per_incubator(limit=15):
    """``[[incubator, current residents]]``, the ``limit`` incubators with most (one query)."""
    rows = Incubator.objects.with_resident_count().order_by("-resident_count", "name")
    # those without residents sort last: dropped here, not by a WHERE that would count twice
    return [[name, n] for name, n in rows.values_list("name", "resident_count")[:limit] if n]


def special_group_shares(entrepreneurs):
    """``[[group, % of all entrepreneurs]]`` (one query)."""
    rows = SpecialGroup.objects.with_member_count().order_by("id").values_list("name", "member_count")
    return [[name, round(100 * n / entrepreneurs, 1) if entrepreneurs else 0] for name, n in rows]


def dashboard_series(tallies):
    headline = headline_counts(tallies)
    return {
        "headline": headline,
        "returnees_by_year": returnees_by_year(tallies),
        "financing_by_year_and_kind": financing_by_year_and_kind(tallies),
        "events_and_attendance_by_month": events_and_attendance_by_month(tallies),
        "residents_per_incubator": residents_per_incubator(),
        "special_group_shares": special_group_shares(headline["entrepreneurs"]),
    }
