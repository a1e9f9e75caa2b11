"""The raw baseline: the same rows as the partner endpoints, read with a raw SQL cursor, dumped with orjson.

This is the limit of the stack (Python + the database driver + a JSON encoder) that the endpoints are
measured against. Each function returns the response body as bytes; ``raw_view`` serves them over
HTTP for the gunicorn run (mounted by ``bench.urls`` only). No authentication, no DRF, no ORM.
"""

from functools import cache

import orjson
from django.db import connection
from django.http import Http404, HttpResponse
from django.utils.module_loading import import_string

from entrepreneurs.models import Enterprise, Entrepreneur, SpecialGroup
from events.models import Attendance
from jining.models import Source
from overview.models import ReportedFigure, StatsSnapshot

PAGE = 50
BASE = "http://testserver/api/v1"

E = Entrepreneur._meta.db_table
S = Source._meta.db_table
A = Attendance._meta.db_table
EN = Enterprise._meta.db_table
F = Enterprise.founders.through._meta.db_table
G = SpecialGroup._meta.db_table
M = Entrepreneur.special_groups.through._meta.db_table

COLUMNS = (
    "id name name_romanised gender birth_decade hometown_city hometown_county hometown_township "
    "left_home_age prior_work_place prior_trade return_year education created updated"
).split()
SELECT = (
    ", ".join(f"e.{c}" for c in COLUMNS)
    + ", s.id, s.title, s.publisher, s.published_on"
    + f", (SELECT COUNT(*) FROM {A} a WHERE a.entrepreneur_id = e.id)"
    + f" FROM {E} e LEFT JOIN {S} s ON s.id = e.source_id"
)
SEARCH_FIELDS = (
    "name name_pinyin name_romanised hometown_city hometown_county hometown_township "
    "prior_work_place prior_trade"
).split()


def entrepreneur_rows(where: str = "", params=(), limit: int = PAGE) -> list[dict]:
    """Entrepreneurs as the API renders them (brief source, enterprises, public special groups, count)."""
    ids = f"SELECT e.id FROM {E} e {where} ORDER BY e.name, e.id LIMIT {int(limit)}"
    sql = f"SELECT {SELECT} WHERE e.id IN ({ids}) ORDER BY e.name, e.id"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        enterprises, groups = {}, {}
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"SELECT f.entrepreneur_id, en.id, en.name "
                f"FROM {F} f JOIN {EN} en ON en.id = f.enterprise_id "
                f"WHERE f.entrepreneur_id IN ({marks}) ORDER BY en.name, en.id",
                ids,
            )
            for owner, eid, name in cursor.fetchall():
                enterprises.setdefault(owner, []).append(
                    {"id": eid, "name": name, "url": f"{BASE}/enterprises/{eid}/"}
                )
            cursor.execute(
                f"SELECT m.entrepreneur_id, g.id, g.code, g.name "
                f"FROM {M} m JOIN {G} g ON g.id = m.specialgroup_id "
                f"WHERE g.sensitive = %s AND m.entrepreneur_id IN ({marks}) ORDER BY g.id",
                [False, *ids],
            )
            for owner, gid, code, name in cursor.fetchall():
                groups.setdefault(owner, []).append({"id": gid, "code": code, "name": name})
    results = []
    n = len(COLUMNS)
    for row in rows:
        item = dict(zip(COLUMNS, row[:n], strict=True))
        sid, title, publisher, published_on, event_count = row[n:]
        item["url"] = f"{BASE}/entrepreneurs/{item['id']}/"
        item["special_groups"] = groups.get(item["id"], [])
        item["enterprises"] = enterprises.get(item["id"], [])
        item["event_count"] = event_count
        item["source"] = (
            {
                "id": sid,
                "title": title,
                "publisher": publisher,
                "published_on": published_on,
                "url": f"{BASE}/sources/{sid}/",
            }
            if sid
            else None
        )
        results.append(item)
    return results


def page(results, next_url=None) -> bytes:
    return orjson.dumps({"next": next_url, "previous": None, "results": results})


def raw_list(after_name: str | None = None, after_id: int = 0) -> bytes:
    """A page of the list; after a position (name, id) like a keyset page, read through the index."""
    if after_name is None:
        return page(entrepreneur_rows(), f"{BASE}/entrepreneurs/?cursor=…")
    where = "WHERE (e.name, e.id) > (%s, %s)"
    return page(entrepreneur_rows(where, [after_name, after_id]), f"{BASE}/entrepreneurs/?cursor=…")


def raw_filtered(county: str, year_min: int, year_max: int) -> bytes:
    where = "WHERE e.hometown_county = %s AND e.return_year >= %s AND e.return_year <= %s"
    return page(entrepreneur_rows(where, [county, year_min, year_max]))


#: The other large lists: endpoint -> (viewset path, list path).
LISTS = {
    "enterprises": ("entrepreneurs.api.views.EnterpriseViewSet", "enterprises"),
    "support-measures": ("entrepreneurs.api.views.SupportMeasureViewSet", "support-measures"),
    "financing": ("entrepreneurs.api.views.FinancingViewSet", "financing"),
    "attendance": ("events.api.views.AttendanceViewSet", "attendance"),
}


@cache
def page_sql(endpoint: str) -> tuple[str, tuple]:
    """The SQL of the first page of ``endpoint``'s lean read (jining/api/lean.py), built once."""
    viewset = import_string(LISTS[endpoint][0])
    from jining.pagination import KeysetPagination

    view = viewset()
    # The list's order as the keyset pages read it (a foreign key by its column, ``event_id``, not by
    # the related model's own ordering, as ``order_by("event")`` would).
    keys, queryset = KeysetPagination().keys(view.get_queryset())
    ordered = queryset.order_by(*(key.order(False) for key in keys))
    rows = viewset.lean_plan().rows(ordered[: PAGE + 1])
    return rows.query.sql_with_params()


def raw_page(endpoint: str) -> bytes:
    """The first page of another large list: the same SQL as the endpoint's, run by a cursor, and
    the rows dumped as they come (no shaping: nested lists stay the JSON text the database built)."""
    sql, params = page_sql(endpoint)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()[:PAGE]]
    return orjson.dumps({"next": f"{BASE}/{LISTS[endpoint][1]}/?cursor=…", "results": rows}, default=str)


def raw_search(term: str) -> bytes:
    """The same conditions as the endpoint's search, on the same indexes: trigrams for three
    characters or more, the one- and two-character grams of migration entrepreneurs/0007 below."""
    if connection.vendor == "postgresql" and len(term) <= 2:
        condition, value = "jining_grams(UPPER(e.{})) @> ARRAY[UPPER(%s)]", term
    else:
        condition, value = "UPPER(e.{}) LIKE UPPER(%s)", f"%{term}%"
    matches = " OR ".join(condition.format(f) for f in SEARCH_FIELDS)
    if connection.vendor == "postgresql":  # the matches first, then their order (as the endpoint does)
        where = f"WHERE e.id = ANY(ARRAY(SELECT id FROM {E} WHERE {matches.replace('e.', '')}))"
    else:
        where = f"WHERE ({matches})"
    return page(entrepreneur_rows(where, [value] * len(SEARCH_FIELDS)))


def raw_detail(pk: int) -> bytes:
    rows = entrepreneur_rows("WHERE e.id = %s", [pk], limit=1)
    if not rows:
        raise Http404
    return orjson.dumps(rows[0])


def raw_stats() -> bytes:
    """What the stats endpoint reads and shows: the stored snapshot, and the reported figures with the
    serializer's columns and briefs (one query, as the lean plan of the figures selects them), each
    with its stored ``tracked`` value."""
    from overview.api.serializers import ReportedFigureSerializer

    figures_sql, params = stats_sql(ReportedFigureSerializer)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT computed_at, stale_since, tracked, tracked_totals FROM {StatsSnapshot._meta.db_table}"
        )
        computed_at, stale_since, tracked, totals = cursor.fetchone()
        cursor.execute(figures_sql, params)
        names = [col[0] for col in cursor.description]
        figures = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    tracked = orjson.loads(tracked) if isinstance(tracked, str) else tracked
    for figure in figures:
        figure["tracked"] = tracked.get(str(figure["id"]))
    body = {
        "computed_at": computed_at,
        "stale": stale_since is not None,
        "figures": figures,
        "tracked_totals": orjson.loads(totals) if isinstance(totals, str) else totals,
    }
    return orjson.dumps(body, default=str)


@cache
def stats_sql(serializer_class) -> tuple[str, tuple]:
    from jining.api.lean import plan_for

    return plan_for(serializer_class).rows(ReportedFigure.objects.all()).query.sql_with_params()


def body_for(endpoint: str, params) -> bytes:
    if endpoint == "list":
        return raw_list(params.get("after_name"), int(params.get("after_id", 0)))
    if endpoint == "filtered":
        return raw_filtered(params["county"], int(params["year_min"]), int(params["year_max"]))
    if endpoint in LISTS:
        return raw_page(endpoint)
    if endpoint == "search":
        return raw_search(params["q"])
    if endpoint == "detail":
        return raw_detail(int(params["id"]))
    if endpoint == "stats":
        return raw_stats()
    raise Http404


def raw_view(request, endpoint):
    return HttpResponse(body_for(endpoint, request.GET), content_type="application/json")
