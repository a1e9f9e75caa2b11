"""One contract test over every endpoint of the partner API (NetBox style, declarative).

For each resource: anonymous 401 with a JSON body; a bad token 401; a partner's list and detail 200;
every write method refused (403 or 405) with the database unchanged; the exact field set of a result;
and the same number of SQL queries for a list page of one world of records as for many.
"""

import json

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.api.conftest import make_world


def partner_count(model):
    """How many records of ``model`` partners see: all, but those a model withholds from them
    (``partner_visible``: support revealing a sensitive group, coverage of one person)."""
    if hasattr(model, "partner_visible"):
        return model.objects.filter(model.partner_visible()).count()
    return model.objects.count()


def fields(names):
    return set(names.split())


#: Lists paged by cursor (they grow to hundreds of thousands of rows): no count.
CURSOR_PAGED = {"entrepreneur", "enterprise", "supportmeasure", "attendance"}

#: basename -> (model label, path, exact field set of a result, SQL queries for a list page).
#: Queries: savepoint + token (with the user's permissions) + count + page + release = 5, plus one per
#: prefetched to-many relation the serializer renders; 4 for the lists read by the lean path
#: (jining/api/lean.py: the page in one query, its count with it).
ENDPOINTS = {
    "incubator": (
        "incubators.Incubator",
        "/api/v1/incubators/",
        fields(
            "id url address area building_area_m2 code description designations enterprise_count "
            "established_year event_count facilities free_area_m2 guiding_body host_building kind "
            "land_area_mu mentor_count name name_en operator parent resident_count service_agency_count "
            "service_zone_area_m2 services shop_count source source_quote township workstation_count "
            "created updated"
        ),
        8,
    ),
    "residency": (
        "incubators.Residency",
        "/api/v1/residencies/",
        fields(
            "id url end_date enterprise entrepreneur incubator source start_date "
            "start_precision unit created updated"
        ),
        5,
    ),
    "entrepreneur": (
        "entrepreneurs.Entrepreneur",
        "/api/v1/entrepreneurs/",
        fields(
            "id url birth_decade education enterprises event_count gender hometown_city "
            "hometown_county hometown_township left_home_age name name_romanised prior_trade "
            "prior_work_place return_year source special_groups created updated"
        ),
        4,
    ),
    "enterprise": (
        "entrepreneurs.Enterprise",
        "/api/v1/enterprises/",
        fields(
            "id url address credit_code description figures financing_count financing_total founders "
            "industry legal_form name name_en products registration_year residencies short_name source "
            "status created updated"
        ),
        4,
    ),
    "financing": (
        "entrepreneurs.Financing",
        "/api/v1/financing/",
        fields(
            "id url amount borrower date enterprise guarantor kind provider source term_months created "
            "updated"
        ),
        4,
    ),
    "supportmeasure": (
        "entrepreneurs.SupportMeasure",
        "/api/v1/support-measures/",
        fields(
            "id url date date_precision description enterprise entrepreneur incubator kind partly_free "
            "period_end period_start provider source value_yuan created updated"
        ),
        4,
    ),
    "eventseries": (
        "events.EventSeries",
        "/api/v1/event-series/",
        fields(
            "id url attendance_count code description event_count host_incubator kind name name_en "
            "organiser segments source source_quote created updated"
        ),
        6,
    ),
    "event": (
        "events.Event",
        "/api/v1/events/",
        fields(
            "id url attendee_count date_precision description end_date host_incubator kind "
            "live_streamed on_site online_views onsite_participants organiser replay_available segments "
            "series source source_quote start_date title title_en topic township venue created updated"
        ),
        6,
    ),
    "attendance": (
        "events.Attendance",
        "/api/v1/attendance/",
        fields("id url entrepreneur event role created updated"),
        4,
    ),
    "reportedfigure": (
        "overview.ReportedFigure",
        "/api/v1/figures/",
        fields(
            "id url as_of event event_series incubator key label measure period_start qualifier scope "
            "scope_name source source_quote unit value created updated"
        ),
        5,
    ),
    "organisation": (
        "jining.Organisation",
        "/api/v1/organisations/",
        fields("id url code head_name head_title kind name name_en parent created updated"),
        5,
    ),
    "source": (
        "jining.Source",
        "/api/v1/sources/",
        fields(
            "id url authors cited_in code kind published_on published_precision publisher title "
            "web_address created updated"
        ),
        5,
    ),
}


def snapshot(model):
    return sorted((obj.pk, json.dumps(model_to_dict(obj), default=str)) for obj in model.objects.all())


@pytest.mark.parametrize("basename", ENDPOINTS)
def test_endpoint_contract(basename, world, anon_client, partner_client, client, django_assert_num_queries):
    label, path, fields, queries = ENDPOINTS[basename]
    model = apps.get_model(label)
    visible = (
        model.objects.filter(model.partner_visible()) if hasattr(model, "partner_visible") else model.objects
    )
    obj = visible.order_by("pk").last()
    detail = f"{path}{obj.pk}/"

    # The promised paths are the router's.
    assert reverse(f"api:{basename}-list") == path
    assert reverse(f"api:{basename}-detail", args=[obj.pk]) == detail

    # Anonymous and bad credentials: 401, JSON body, WWW-Authenticate: Token.
    for url in (path, detail):
        response = anon_client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"
        response = anon_client.get(url, HTTP_AUTHORIZATION="Token not-a-real-key")
        assert response.status_code == 401
        assert response.json()["detail"]

    # Partner reads: list and detail, exact field set.
    response = partner_client.get(path)
    assert response.status_code == 200, response.content
    page = response.json()
    if basename in CURSOR_PAGED:
        assert set(page) == {"next", "previous", "results"}
        assert len(page["results"]) == partner_count(model)
    else:
        assert set(page) == {"count", "next", "previous", "results"}
        assert page["count"] == partner_count(model)
    assert set(page["results"][0]) == fields
    response = partner_client.get(detail)
    assert response.status_code == 200
    assert set(response.json()) == fields
    assert response.json()["id"] == obj.pk

    # A parameter the endpoint does not read is refused, naming it (never ignored).
    for url in (path, detail):
        response = partner_client.get(url, {"no_such_filter": "1"})
        assert response.status_code == 400 and "no_such_filter" in response.json()["errors"], url

    # Writes are refused and change nothing.
    before = snapshot(model)
    for method, url in (("post", path), ("put", detail), ("patch", detail), ("delete", detail)):
        response = getattr(partner_client, method)(url, {"name": "changed"}, format="json")
        assert response.status_code in (403, 405), (method, response.status_code)
        assert "detail" in response.json()
    assert snapshot(model) == before

    # A constant number of queries, one world of records or many.
    with django_assert_num_queries(queries):
        partner_client.get(path)
    for _ in range(4):
        make_world()
    with django_assert_num_queries(queries):
        response = partner_client.get(path)
    listed = len(response.json()["results"]) if basename in CURSOR_PAGED else response.json()["count"]
    assert listed == partner_count(model) > 1


def test_related_objects_are_brief(world, partner_client):
    incubator = partner_client.get(f"/api/v1/incubators/{world['incubator'].pk}/").json()
    assert set(incubator["parent"]) == {"id", "name", "url"}
    assert incubator["parent"]["url"].endswith(f"/api/v1/incubators/{world['incubator'].parent_id}/")
    assert set(incubator["operator"]) == {"id", "name", "url"}
    assert set(incubator["services"][0]) == {"id", "code", "name"}
    assert set(incubator["source"]) == {"id", "title", "publisher", "published_on", "url"}
    event = partner_client.get(f"/api/v1/events/{world['event'].pk}/").json()
    assert set(event["series"]) == {"id", "name", "url"}
    attendance = partner_client.get("/api/v1/attendance/").json()["results"][0]
    assert set(attendance["event"]) == {"id", "title", "start_date", "url"}


def test_counts_come_from_annotations_and_do_not_multiply(world, partner_client):
    incubator = world["incubator"]
    data = partner_client.get(f"/api/v1/incubators/{incubator.pk}/").json()
    assert data["enterprise_count"] == 1  # one enterprise, whatever its other relations
    assert data["resident_count"] == 2  # the enterprise and the individual entrepreneur
    assert data["event_count"] == 1
    enterprise = partner_client.get(f"/api/v1/enterprises/{world['enterprise'].pk}/").json()
    assert enterprise["financing_count"] == 1
    assert enterprise["financing_total"] == "100000.00"
    event = partner_client.get(f"/api/v1/events/{world['event'].pk}/").json()
    assert event["attendee_count"] == 1


def test_root_lists_the_resources_and_needs_a_token(partner_client, anon_client):
    response = anon_client.get("/api/v1/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    root = partner_client.get("/api/v1/").json()
    for name in ENDPOINTS.values():
        assert any(url.endswith(name[1]) for url in root.values())
    for name in ("stats", "schema", "docs"):
        assert root[name].endswith(f"/api/v1/{name}/")


def test_staff_browse_the_api_with_their_session(world, staff_client):
    response = staff_client.get("/api/v1/incubators/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content.lower()


def test_filters_search_and_ordering_over_http(world, partner_client):
    incubator = world["incubator"]
    found = partner_client.get("/api/v1/incubators/", {"code": incubator.code}).json()
    assert [row["id"] for row in found["results"]] == [incubator.pk]
    found = partner_client.get("/api/v1/incubators/", {"search": incubator.name}).json()
    assert [row["id"] for row in found["results"]] == [incubator.pk]
    names = [
        row["name"] for row in partner_client.get("/api/v1/incubators/?ordering=-name").json()["results"]
    ]
    assert names == sorted(names, reverse=True)
    financing = partner_client.get(
        "/api/v1/financing/", {"incubator": incubator.code, "amount__gte": "1"}
    ).json()
    assert financing["count"] == 1


def test_query_counts_are_pinned_at_one_row_and_at_fifty(db, partner_client, django_assert_num_queries):
    """Every list: a page of 1 row and a page of 50 rows cost the same, the number in ENDPOINTS."""
    for _ in range(50):
        make_world()
    for basename, (label, path, _fields, queries) in ENDPOINTS.items():
        assert partner_count(apps.get_model(label)) >= 50, basename
        for size in (1, 50):
            with django_assert_num_queries(queries):
                response = partner_client.get(f"{path}?page_size={size}")
            assert len(response.json()["results"]) == size, (basename, size)
