"""The lean read path of /api/v1/entrepreneurs/ gives exactly what EntrepreneurSerializer gives."""

import json

from rest_framework.test import APIRequestFactory

from entrepreneurs.api.serializers import EntrepreneurSerializer
from entrepreneurs.api.views import EntrepreneurViewSet
from entrepreneurs.models import Entrepreneur
from tests.api.conftest import make_world
from tests.factories import EnterpriseFactory, EntrepreneurFactory


def serializer_output(ids, request):
    queryset = EntrepreneurViewSet.queryset.filter(pk__in=ids).order_by("name", "id")
    data = EntrepreneurSerializer(queryset, many=True, context={"request": request}).data
    return json.loads(json.dumps(data, default=str))


def test_list_and_detail_match_the_serializer(world, partner_client):
    make_world()
    person = EntrepreneurFactory(source=None)  # no source, no enterprises, no groups
    EnterpriseFactory().founders.add(Entrepreneur.objects.exclude(pk=person.pk).first())
    response = partner_client.get("/api/v1/entrepreneurs/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    page = response.json()
    ids = [item["id"] for item in page["results"]]
    request = APIRequestFactory().get("/api/v1/entrepreneurs/")
    assert page["results"] == serializer_output(ids, request)
    assert any(item["enterprises"] for item in page["results"])
    assert any(item["special_groups"] for item in page["results"])
    assert any(item["source"] is None for item in page["results"])
    for item in page["results"]:
        assert partner_client.get(f"/api/v1/entrepreneurs/{item['id']}/").json() == item


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
