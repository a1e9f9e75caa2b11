"""The lean read path (jining/api/lean.py) gives exactly what each resource's serializer gives."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIRequestFactory

from entrepreneurs.api.views import (
    EnterpriseViewSet,
    EntrepreneurViewSet,
    FinancingViewSet,
    SupportMeasureViewSet,
)
from entrepreneurs.models import EnterpriseFigure, Entrepreneur, Financing
from events.api.views import AttendanceViewSet
from tests.api.conftest import make_world
from tests.factories import (
    AttendanceFactory,
    EnterpriseFactory,
    EnterpriseFigureFactory,
    EntrepreneurFactory,
    FinancingFactory,
    ProductFactory,
    ResidencyFactory,
    SupportMeasureFactory,
)

#: path -> viewset of every resource read by the lean path.
LEAN = {
    "/api/v1/entrepreneurs/": EntrepreneurViewSet,
    "/api/v1/enterprises/": EnterpriseViewSet,
    "/api/v1/support-measures/": SupportMeasureViewSet,
    "/api/v1/financing/": FinancingViewSet,
    "/api/v1/attendance/": AttendanceViewSet,
}


def serializer_output(viewset, ids, path):
    """What the stock serializer gives for the rows ``ids`` (with the viewset's prefetches), in that order."""
    request = APIRequestFactory().get(path)
    rows = {row.pk: row for row in viewset.queryset.filter(pk__in=ids)}
    data = viewset.serializer_class([rows[pk] for pk in ids], many=True, context={"request": request}).data
    return json.loads(json.dumps(data, default=str))


def varied_records():
    """Rows with every shape a field can take: null and present relations, empty and long nested
    lists, amounts with cents, several figures and residencies."""
    make_world()
    loner = EntrepreneurFactory(source=None)  # no source, no enterprises, no groups
    bare = EnterpriseFactory(source=None)  # no founders, residencies, products, figures, financing
    busy = EnterpriseFactory(founders=[loner, Entrepreneur.objects.exclude(pk=loner.pk).first()])
    for year, value in ((2019, Decimal("1234.50")), (2020, Decimal("0.07"))):
        EnterpriseFigureFactory(
            enterprise=busy, year=year, value=value, measure=EnterpriseFigure.Measure.REVENUE
        )
    ProductFactory(enterprise=busy)
    ProductFactory(enterprise=busy)
    ResidencyFactory(enterprise=busy, end_date=datetime.date(2020, 6, 30))
    ResidencyFactory(enterprise=busy)
    FinancingFactory(enterprise=busy, amount=Decimal("12345.67"), borrower=None, provider=None, source=None)
    FinancingFactory(enterprise=busy, amount=Decimal("0.01"), term_months=36)
    SupportMeasureFactory(entrepreneur=None, enterprise=bare, provider=None, value_yuan=None, source=None)
    AttendanceFactory(entrepreneur=loner)
    return bare, busy


@pytest.mark.parametrize("path", LEAN)
def test_list_and_detail_match_the_serializer(path, world, partner_client):
    varied_records()
    response = partner_client.get(f"{path}?page_size=500")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    page = response.json()
    ids = [item["id"] for item in page["results"]]
    assert len(ids) > 2
    assert page["results"] == serializer_output(LEAN[path], ids, path)
    for item in page["results"]:
        assert partner_client.get(f"{path}{item['id']}/").json() == item


def test_the_varied_shapes_are_there(world, partner_client):
    """The comparison above covers nulls, empty lists and several nested rows (it would pass
    vacuously without them)."""
    bare, busy = varied_records()
    enterprises = {item["id"]: item for item in partner_client.get("/api/v1/enterprises/").json()["results"]}
    assert enterprises[bare.pk]["source"] is None
    assert enterprises[bare.pk]["founders"] == enterprises[bare.pk]["figures"] == []
    assert enterprises[bare.pk]["financing_total"] == "0.00"
    assert [figure["value"] for figure in enterprises[busy.pk]["figures"]] == ["0.07", "1234.50"]
    assert len(enterprises[busy.pk]["residencies"]) == 2
    assert enterprises[busy.pk]["residencies"][0]["incubator"]["url"].startswith("http://testserver/")
    assert enterprises[busy.pk]["financing_total"] == "12345.68"
    financing = partner_client.get("/api/v1/financing/?page_size=500").json()["results"]
    assert any(item["borrower"] is None and item["amount"] == "12345.67" for item in financing)


def test_financing_pages_and_count_come_with_the_page(world, partner_client, django_assert_num_queries):
    for _ in range(4):
        FinancingFactory()
    total = Financing.objects.count()
    first = partner_client.get("/api/v1/financing/?page_size=2").json()
    assert first["count"] == total
    assert first["previous"] is None and "page=2" in first["next"]
    second = partner_client.get(first["next"]).json()
    assert second["count"] == total
    listed = [item["id"] for item in first["results"] + second["results"]]
    assert listed == list(Financing.objects.order_by("-date", "id").values_list("id", flat=True)[:4])
    last = partner_client.get("/api/v1/financing/?page_size=2&page=last").json()
    assert last["next"] is None and last["results"]
    for bad in ("999", "0", "abc", "-1"):
        response = partner_client.get(f"/api/v1/financing/?page={bad}")
        assert response.status_code == 404, bad
        assert response.json()["detail"]
    filtered = partner_client.get("/api/v1/financing/?amount__gte=100000000").json()
    assert filtered == {"count": 0, "next": None, "previous": None, "results": []}
    with django_assert_num_queries(4):  # savepoint, token, the page with its count, release
        partner_client.get("/api/v1/financing/?page_size=2&page=2")


def test_a_large_count_is_read_from_the_cache(world, partner_client, settings, django_assert_num_queries):
    settings.API_COUNT_CACHE_FROM = 2
    for _ in range(3):
        FinancingFactory()
    cache.clear()
    first = partner_client.get("/api/v1/financing/?page_size=1").json()
    FinancingFactory()  # not counted until the cached count expires
    with django_assert_num_queries(4):
        again = partner_client.get("/api/v1/financing/?page_size=1&page=2").json()
    assert again["count"] == first["count"] == Financing.objects.count() - 1


def test_filters_search_ordering_and_pages_still_apply(world, partner_client):
    for _ in range(3):
        make_world()
    everyone = partner_client.get("/api/v1/entrepreneurs/?ordering=-name").json()
    names = [item["name"] for item in everyone["results"]]
    assert names == sorted(names, reverse=True)
    first = Entrepreneur.objects.order_by("name", "id").first()
    found = partner_client.get(f"/api/v1/entrepreneurs/?search={first.name}").json()
    assert first.id in [item["id"] for item in found["results"]]
    one = partner_client.get("/api/v1/entrepreneurs/?page_size=1").json()
    two = partner_client.get(one["next"]).json()
    assert two["results"][0]["id"] == Entrepreneur.objects.order_by("name", "id")[1].id
    assert partner_client.get("/api/v1/entrepreneurs/?page=2").status_code == 400
    assert partner_client.get("/api/v1/entrepreneurs/999999/").status_code == 404
    assert partner_client.get("/api/v1/entrepreneurs/abc/").status_code == 404


def test_to_many_filter_gives_each_person_once(world, partner_client):
    person = Entrepreneur.objects.first()
    for _ in range(2):
        EnterpriseFactory(industry="leather").founders.add(person)
    page = partner_client.get("/api/v1/entrepreneurs/?industry=leather").json()
    assert [item["id"] for item in page["results"]].count(person.id) == 1
    assert (
        len(page["results"])
        == Entrepreneur.objects.filter(enterprises__industry="leather").distinct().count()
    )
    detail = partner_client.get(f"/api/v1/entrepreneurs/{person.id}/?industry=leather")
    assert detail.status_code == 200
