"""Cursor (keyset) pagination of the large lists: entrepreneurs, enterprises, support measures, attendance.

Walking ``next`` with small pages must give exactly the rows of one big page, in the same order, for
every ordering (nullable columns, annotations, descending, ties); walking ``previous`` back must give
the same pages; bad cursors and page numbers are a 400 that says what is wrong.
"""

import base64
import datetime

import orjson
import pytest

from entrepreneurs.models import Enterprise, Entrepreneur
from events.models import Attendance
from tests.factories import (
    AttendanceFactory,
    EnterpriseFactory,
    EntrepreneurFactory,
    EventFactory,
    SupportMeasureFactory,
)


@pytest.fixture
def people(db):
    """13 people: shared names (ties), missing return years and decades (nulls), varied event counts."""
    names = [
        "张伟",
        "张伟",
        "李娜",
        "王芳",
        "张伟",
        "刘洋",
        "陈静",
        "李娜",
        "杨帆",
        "赵磊",
        "张伟",
        "周杰",
        "吴敏",
    ]
    event = EventFactory()
    people = []
    for n, name in enumerate(names):
        person = EntrepreneurFactory(
            name=name,
            return_year=None if n % 4 == 0 else 2010 + n % 5,
            birth_decade=None if n % 3 == 0 else 1970 + 10 * (n % 3),
        )
        for _ in range(n % 3):
            AttendanceFactory(entrepreneur=person, event=EventFactory() if _ else event)
        people.append(person)
    for n, person in enumerate(people[:6]):
        EnterpriseFactory(registration_year=None if n % 2 else 2015 + n).founders.add(person)
    return people


def walk(client, url, key="next"):
    """Every page reached from ``url`` by following ``key`` links: a list of (ids, page)."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        assert set(page) == {"next", "previous", "results"}
        pages.append(([item["id"] for item in page["results"]], page))
        url = page[key]
        assert len(pages) < 50, "the links loop"
    return pages


ORDERINGS = [
    "",
    "name",
    "-name",
    "return_year",
    "-return_year",
    "birth_decade,-return_year",
    "-birth_decade",
    "event_count",
    "-event_count,name",
    "created",
    "-updated",
]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_walking_next_and_back_gives_every_entrepreneur_once_in_order(people, partner_client, ordering):
    query = f"ordering={ordering}&" if ordering else ""
    everyone = partner_client.get(f"/api/v1/entrepreneurs/?{query}page_size=500").json()
    expected = [item["id"] for item in everyone["results"]]
    assert sorted(expected) == sorted(person.pk for person in people)
    assert everyone["next"] is None and everyone["previous"] is None

    forward = walk(partner_client, f"/api/v1/entrepreneurs/?{query}page_size=3")
    assert [len(ids) for ids, _page in forward] == [3, 3, 3, 3, 1]
    assert [pk for ids, _page in forward for pk in ids] == expected
    assert forward[0][1]["previous"] is None

    backward = walk(partner_client, forward[-1][1]["previous"], key="previous")
    assert [ids for ids, _page in backward] == [ids for ids, _page in reversed(forward[:-1])]
    assert backward[-1][1]["previous"] is None
    # A page reached backwards links forward to the page after it.
    assert partner_client.get(backward[0][1]["next"]).json()["results"] == forward[-1][1]["results"]


def test_nulls_come_last_ascending_and_first_descending(people, partner_client):
    years = [
        item["return_year"]
        for item in partner_client.get("/api/v1/entrepreneurs/?ordering=return_year&page_size=500").json()[
            "results"
        ]
    ]
    known = [year for year in years if year is not None]
    assert years == sorted(known) + [None] * (len(years) - len(known))
    down = [
        item["return_year"]
        for item in partner_client.get("/api/v1/entrepreneurs/?ordering=-return_year&page_size=500").json()[
            "results"
        ]
    ]
    assert down == [None] * (len(years) - len(known)) + sorted(known, reverse=True)


def test_ties_are_broken_by_id(people, partner_client):
    ids = [
        item["id"]
        for item in partner_client.get("/api/v1/entrepreneurs/?search=张伟&page_size=500").json()["results"]
    ]
    assert ids == sorted(person.pk for person in people if person.name == "张伟")


@pytest.mark.parametrize("ordering", ["", "-registration_year", "financing_total,name", "-name"])
def test_enterprises_walk_the_same_way(people, partner_client, ordering):
    query = f"ordering={ordering}&" if ordering else ""
    expected = [
        item["id"]
        for item in partner_client.get(f"/api/v1/enterprises/?{query}page_size=500").json()["results"]
    ]
    assert len(expected) == Enterprise.objects.count() == 6
    forward = walk(partner_client, f"/api/v1/enterprises/?{query}page_size=4")
    assert [pk for ids, _page in forward for pk in ids] == expected


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/attendance/?",
        "/api/v1/attendance/?ordering=-event__start_date&",
        "/api/v1/attendance/?ordering=role,event__start_date&",
        "/api/v1/support-measures/?",
        "/api/v1/support-measures/?ordering=value_yuan&",
    ],
)
def test_attendance_and_support_measures_walk_the_same_way(people, partner_client, path):
    for n, person in enumerate(people[:7]):
        SupportMeasureFactory(
            entrepreneur=person, date=None if n % 3 == 0 else datetime.date(2019, 1, 1 + n % 2)
        )
    expected = [item["id"] for item in partner_client.get(f"{path}page_size=500").json()["results"]]
    assert len(expected) >= 7 and len(set(expected)) == len(expected)
    forward = walk(partner_client, f"{path}page_size=3")
    assert [pk for ids, _page in forward for pk in ids] == expected
    if len(forward) > 1:
        backward = walk(partner_client, forward[-1][1]["previous"], key="previous")
        assert [ids for ids, _page in backward] == [ids for ids, _page in reversed(forward[:-1])]


def test_attendance_across_a_relation_orders_by_the_event_date(people, partner_client):
    pages = walk(partner_client, "/api/v1/attendance/?ordering=-event__start_date&page_size=2")
    ids = [pk for ids, _page in pages for pk in ids]
    dates = list(Attendance.objects.filter(pk__in=ids).values_list("pk", "event__start_date"))
    by_id = dict(dates)
    assert [by_id[pk] for pk in ids] == sorted(by_id.values(), reverse=True)


def test_a_to_many_filter_pages_each_person_once(people, partner_client):
    person = people[0]
    for _ in range(2):
        EnterpriseFactory(industry="leather").founders.add(person)
    for other in people[1:5]:
        EnterpriseFactory(industry="leather").founders.add(other)
    pages = walk(partner_client, "/api/v1/entrepreneurs/?industry=leather&page_size=2")
    ids = [pk for ids, _page in pages for pk in ids]
    assert sorted(ids) == sorted(p.pk for p in people[:5])
    expected = list(
        Entrepreneur.objects.filter(pk__in=ids).order_by("name", "id").values_list("pk", flat=True)
    )
    assert ids == expected


def test_filters_and_search_apply_on_every_page(people, partner_client):
    pages = walk(partner_client, "/api/v1/entrepreneurs/?return_year__gte=2012&page_size=2")
    years = [item["return_year"] for _ids, page in pages for item in page["results"]]
    assert years and all(year >= 2012 for year in years)
    assert len(years) == Entrepreneur.objects.filter(return_year__gte=2012).count()


def test_links_keep_the_query_and_drop_nothing_else(people, partner_client):
    page = partner_client.get("/api/v1/entrepreneurs/?ordering=-name&page_size=2&gender=M").json()
    assert "ordering=-name" in page["next"] and "page_size=2" in page["next"] and "gender=M" in page["next"]
    assert "cursor=" in page["next"]


def cursor(values, ordering, backwards=0):
    raw = orjson.dumps({"p": values, "r": backwards, "o": ordering})
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize(
    "value",
    [
        "not-base64!!",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        cursor(["张伟", 5], ["name"]),  # a cursor of another ordering
        cursor(["张伟"], ["name", "id"]),  # too few values
        cursor(["张伟", "five"], ["name", "id"]),  # not an id
        cursor([2019, 5], ["-return_year", "id"]),  # the request orders by name
        "%00",
    ],
)
def test_a_bad_cursor_is_a_400_that_says_so(people, partner_client, value):
    before = Entrepreneur.objects.count()
    response = partner_client.get("/api/v1/entrepreneurs/", {"cursor": value})
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["cursor"]
    assert Entrepreneur.objects.count() == before


def test_a_cursor_built_by_hand_is_still_just_a_position(people, partner_client):
    name = sorted(person.name for person in people)[5]
    response = partner_client.get("/api/v1/entrepreneurs/", {"cursor": cursor([name, 0], ["name", "id"])})
    assert response.status_code == 200
    assert all(item["name"] >= name for item in response.json()["results"])


def test_a_cursor_with_a_datetime_position(people, partner_client):
    first = partner_client.get("/api/v1/entrepreneurs/?ordering=created&page_size=1").json()
    moment = datetime.datetime.fromisoformat(first["results"][0]["created"].replace("Z", "+00:00"))
    second = partner_client.get(first["next"]).json()["results"][0]
    assert datetime.datetime.fromisoformat(second["created"].replace("Z", "+00:00")) >= moment


@pytest.mark.parametrize(
    "path",
    ["/api/v1/entrepreneurs/", "/api/v1/enterprises/", "/api/v1/attendance/", "/api/v1/support-measures/"],
)
@pytest.mark.parametrize("page", ["1", "2", "abc"])
def test_page_numbers_are_refused_with_a_message(people, partner_client, path, page):
    response = partner_client.get(path, {"page": page})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]["page"][0]


def test_page_size_is_capped_and_an_empty_one_or_cursor_is_the_default(people, partner_client, settings):
    settings.API_MAX_PAGE_SIZE = 4
    assert len(partner_client.get("/api/v1/entrepreneurs/?page_size=100").json()["results"]) == 4
    settings.API_PAGE_SIZE = 2
    page = partner_client.get("/api/v1/entrepreneurs/?page_size=&cursor=").json()
    assert len(page["results"]) == 2 and page["previous"] is None and page["next"]


def test_an_empty_list_has_no_links(db, partner_client):
    page = partner_client.get("/api/v1/entrepreneurs/?search=nobody-is-called-this").json()
    assert page == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize("depth", [0, 3])
def test_a_deep_page_runs_the_queries_of_the_first(people, partner_client, django_assert_num_queries, depth):
    url = "/api/v1/entrepreneurs/?page_size=2"
    for _ in range(depth):
        url = partner_client.get(url).json()["next"]
    with django_assert_num_queries(4):  # savepoint, the token, the page (no count), release
        assert partner_client.get(url).status_code == 200
