"""Bad query input gives a 4xx with a JSON body that says what is wrong (or a capped 200), never a 500."""

import pytest
from django.test import RequestFactory

from entrepreneurs.models import Entrepreneur
from jining.exceptions import handler500
from tests.factories import (
    EntrepreneurFactory,
    FinancingFactory,
    IncubatorFactory,
    SpecialGroupFactory,
)

HUGE = "9" * 30


@pytest.fixture
def records(db):
    IncubatorFactory.create_batch(5)
    EntrepreneurFactory()
    FinancingFactory()


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/v1/entrepreneurs/?return_year=abc", 400, "return_year"),
        ("/api/v1/entrepreneurs/?return_year=1.5", 400, "return_year"),
        (f"/api/v1/entrepreneurs/?return_year__gte={HUGE}", 400, "return_year__gte"),
        ("/api/v1/entrepreneurs/?ordering=birth_date", 400, "ordering"),
        ("/api/v1/entrepreneurs/?ordering=-id_card_number", 400, "ordering"),
        ("/api/v1/incubators/?ordering=no_such_field", 400, "ordering"),
        ("/api/v1/incubators/?ordering=name,nope", 400, "ordering"),
        ("/api/v1/financing/?amount__gte=1e999", 400, "amount__gte"),
        ("/api/v1/financing/?amount__gte=NaN", 400, "amount__gte"),
        ("/api/v1/financing/?amount__lte=Infinity", 400, "amount__lte"),
        ("/api/v1/financing/?amount=9999999999999.9", 400, "amount"),
        ("/api/v1/financing/?date__gte=2019-13-45", 400, "date__gte"),
        ("/api/v1/financing/?incubator_id=abc", 400, "incubator_id"),
        (f"/api/v1/financing/?incubator_id={HUGE}", 400, "incubator_id"),
        ("/api/v1/events/?kind=not-a-kind", 400, "kind"),
        ("/api/v1/incubators/?search=a%00b", 400, "search"),
        ("/api/v1/entrepreneurs/?return_year_min=2015", 400, "return_year_min"),
        ("/api/v1/entrepreneurs/1/?hometwon_county=x", 400, "hometwon_county"),
        ("/api/v1/stats/?year=2019", 400, "year"),
        ("/api/v1/incubators/?search=a&ordering=name&serach=b", 400, "serach"),
        ("/api/v1/incubators/?page=0", 404, None),
        ("/api/v1/incubators/?page=-1", 404, None),
        ("/api/v1/incubators/?page=999999", 404, None),
        ("/api/v1/incubators/?page=abc", 404, None),
        ("/api/v1/incubators/abc/", 404, None),
        (f"/api/v1/incubators/{HUGE}/", 404, None),
        ("/api/v1/no-such-resource/", 404, None),
    ],
)
def test_bad_input_is_a_4xx_with_a_json_message(records, partner_client, url, status, parameter):
    response = partner_client.get(url)
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["detail"]
    if parameter:
        assert parameter in body["errors"], body
        assert all(isinstance(message, str) for message in body["errors"][parameter])


def test_an_unknown_parameter_is_named_with_the_known_ones_after_authentication(
    records, partner_client, client
):
    """A misspelt filter is refused rather than ignored (which would answer the whole list as if it
    were filtered); the message lists what the endpoint reads. Without a token it is still a 401."""
    assert client.get("/api/v1/entrepreneurs/?return_year_min=2015").status_code == 401
    body = partner_client.get("/api/v1/entrepreneurs/?return_year_min=2015").json()
    (message,) = body["errors"]["return_year_min"]
    for known in ("return_year__gte", "return_year__lte", "search", "ordering", "cursor", "page_size"):
        assert known in message
    indicators = partner_client.get(f"/api/v1/incubators/{IncubatorFactory().pk}/indicators/?yaer=2019")
    assert indicators.status_code == 400 and "year" in indicators.json()["errors"]["yaer"][0]


@pytest.mark.parametrize("page_size", ["100000", "99999999999999999999", ""])
def test_page_size_is_capped_and_empty_is_the_default(records, partner_client, settings, page_size):
    settings.API_MAX_PAGE_SIZE = 3
    settings.API_PAGE_SIZE = 2
    response = partner_client.get(f"/api/v1/incubators/?page_size={page_size}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == (2 if page_size == "" else 3)


@pytest.mark.parametrize("page_size", ["0", "-5", "abc", "1.5", "null"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(records, partner_client, page_size):
    for path in ("/api/v1/incubators/", "/api/v1/entrepreneurs/"):  # page numbers, cursor
        response = partner_client.get(f"{path}?page_size={page_size}")
        assert response.status_code == 400 and "page_size" in response.json()["errors"], path


def test_a_5_mb_query_string_is_refused_with_json(records, partner_client):
    response = partner_client.get("/api/v1/incubators/?search=" + "a" * 5_000_000)
    assert response.status_code == 414
    assert response.json()["code"] == "query_too_long"


def test_too_many_parameters_is_a_400_with_json(records, partner_client, settings):
    settings.API_MAX_QUERY_STRING = 10**6
    query = "&".join(f"p{i}=1" for i in range(2000))
    response = partner_client.get(f"/api/v1/incubators/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_sensitive_special_group_cannot_be_filtered_on(records, partner_client):
    """Its code is taken like an unknown one: an empty page, whoever is in the group."""
    group = SpecialGroupFactory(code="disabled", sensitive=True)
    group.entrepreneurs.add(*Entrepreneur.objects.all())
    sensitive = partner_client.get("/api/v1/entrepreneurs/?special_group=disabled")
    unknown = partner_client.get("/api/v1/entrepreneurs/?special_group=no-such-group")
    assert sensitive.status_code == unknown.status_code == 200
    assert sensitive.json()["results"] == unknown.json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        "parent=no-such-code",
        "parent_id=0",
        "parent_id=-1",
        f"parent_id={2**63 - 1}",
        "guiding_body_id=999999",
    ],
)
def test_an_unknown_id_or_code_matches_nothing(records, partner_client, query):
    response = partner_client.get(f"/api/v1/incubators/?{query}")
    assert response.status_code == 200 and response.json()["results"] == []
    assert partner_client.get("/api/v1/incubators/").json()["results"]  # there are incubators


@pytest.mark.parametrize("query", ["parent_id=abc", f"parent_id={2**63}", "parent_id=1.5"])
def test_an_id_that_is_not_a_64_bit_integer_is_a_400(records, partner_client, query):
    response = partner_client.get(f"/api/v1/incubators/?{query}")
    assert response.status_code == 400 and "parent_id" in response.json()["errors"]


def test_unknown_accept_header_still_answers_json(records, partner_client):
    response = partner_client.get("/api/v1/incubators/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.json()["detail"]


def test_server_errors_under_api_are_json():
    request = RequestFactory().get("/api/v1/incubators/")
    response = handler500(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b'"detail"' in response.content
