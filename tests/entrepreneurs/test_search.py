"""Entrepreneur and enterprise search (entrepreneurs/search.py): the same rows as a plain ``icontains``
search, on SQLite and PostgreSQL, for the partner API and the admin; personal data only for staff,
and only whole."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.filters import SearchFilter, search_smart_split
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

from entrepreneurs.admin import EntrepreneurAdmin
from entrepreneurs.api.views import EntrepreneurViewSet
from entrepreneurs.models import Enterprise, Entrepreneur
from entrepreneurs.search import (
    ENTERPRISE_TEXT_FIELDS,
    TEXT_FIELDS,
    EntrepreneurSearchFilter,
    enterprise_search,
    entrepreneur_search,
    split_terms,
)
from jining.services import partner_create
from tests import factories

pytestmark = pytest.mark.django_db

ID_CARD = factories.make_id_card(7)  # ends in a digit
ID_CARD_X = "15090219850615001X"  # the stored form of an ID-card number with the check character X
PHONE = "13912345678"

PEOPLE = [
    # name, hometown city, county, township, worked in, trade
    ("张伟", "乌兰察布市", "集宁区", "桥东街道", "北京", "电商运营"),
    ("张伟东", "呼和浩特市", "", "", "深圳", "电子厂流水线"),
    ("王张伟", "乌兰察布市", "丰镇市", "隆盛庄镇", "包头", "餐饮"),
    ("张智杰", "乌兰察布市", "察右中旗", "科布尔镇", "北京", "皮革"),
    ("赵少青", "乌兰察布市", "集宁区", "白海子镇", "张家口", "养殖"),
    ("刘芳", "张家口市", "", "", "天津", "100%纯手工"),
    ("李汇洲", "", "", "", "", "a_b"),
]

SEARCHES = [
    pytest.param("张", id="1-char Chinese"),
    pytest.param("伟", id="1-char Chinese, inside names"),
    pytest.param("q", id="1-char ASCII"),
    pytest.param("张伟", id="2-char Chinese name"),
    pytest.param("集宁", id="2-char place"),
    pytest.param("张智杰", id="3-char Chinese name"),
    pytest.param("科布尔镇", id="4-char township"),
    pytest.param("zhangwei", id="pinyin"),
    pytest.param("zzj", id="initials"),
    pytest.param("zw", id="2-letter initials"),
    pytest.param("ZhAnG", id="mixed-case ASCII"),
    pytest.param("Zhang Zhijie", id="two ASCII terms"),
    pytest.param("北京 张", id="two terms"),
    pytest.param('"zhang zhijie"', id="quoted phrase"),
    pytest.param("%", id="LIKE wildcard, 1 char"),
    pytest.param("0%", id="LIKE wildcard, 2 chars"),
    pytest.param("_", id="LIKE underscore"),
    pytest.param("无此人", id="no match"),
    pytest.param("鑫盛", id="only an enterprise's name"),
]


@pytest.fixture
def people(db):
    made = {}
    for name, city, county, township, place, trade in PEOPLE:
        made[name] = factories.EntrepreneurFactory(
            name=name,
            hometown_city=city,
            hometown_county=county,
            hometown_township=township,
            prior_work_place=place,
            prior_trade=trade,
        )
    made["张伟"].id_card_number = ID_CARD
    made["张伟"].phone = PHONE
    made["张伟"].save()
    made["刘芳"].id_card_number = ID_CARD_X
    made["刘芳"].save()
    factories.EnterpriseFactory(name="草原鑫盛商贸有限公司", founders=[made["刘芳"], made["李汇洲"]])
    factories.EnterpriseFactory(name="鑫盛农牧专业合作社", founders=[made["刘芳"]])
    return made


def matches(person, terms, *, for_staff=False):
    """The reference: every term in some searched column, ignoring case (plain Python)."""
    values = [getattr(person, field) for field in TEXT_FIELDS]
    if for_staff:
        values += [enterprise.name for enterprise in person.enterprises.all()]
    exact = {person.id_card_number, person.phone} - {""}
    return all(any(term.upper() in value.upper() for value in values) or term in exact for term in terms)


def expected(people, terms, *, for_staff=False):
    return sorted(p.name for p in people.values() if matches(p, terms, for_staff=for_staff))


def api_names(text, user=None):
    """Names that EntrepreneurViewSet, searched by EntrepreneurSearchFilter alone, lists for ``text``."""

    class SearchOnly(EntrepreneurViewSet):
        filter_backends = [EntrepreneurSearchFilter]

    cache.clear()  # throttling
    user = user or partner_create(username="search-partner")[0]
    request = APIRequestFactory().get("/api/v1/entrepreneurs/", {"search": text})
    force_authenticate(request, user=user)
    response = SearchOnly.as_view({"get": "list"})(request)
    assert response.status_code == 200, response.data
    return sorted(row["name"] for row in response.data["results"])


def admin_names(client, text):
    response = client.get(reverse("admin:entrepreneurs_entrepreneur_changelist"), {"q": text})
    assert response.status_code == 200
    names = [person.name for person in response.context["cl"].result_list]
    assert len(names) == len(set(names)), "a person listed twice"
    return sorted(names)


@pytest.mark.parametrize("text", SEARCHES)
def test_search_finds_what_icontains_finds(people, text):
    for for_staff in (False, True):
        terms = split_terms(text)
        found = entrepreneur_search(Entrepreneur.objects.all(), terms, for_staff=for_staff)
        assert sorted(found.values_list("name", flat=True)) == expected(people, terms, for_staff=for_staff)


@pytest.mark.parametrize("text", SEARCHES)
def test_api_search_finds_what_drf_search_finds(people, text):
    assert api_names(text) == expected(people, search_smart_split(text))


@pytest.mark.parametrize("text", SEARCHES)
def test_admin_search_finds_what_icontains_finds(people, staff_client, text):
    assert admin_names(staff_client, text) == expected(people, split_terms(text), for_staff=True)


def test_every_term_must_match_and_empty_terms_are_ignored(people):
    assert api_names("张伟 集宁") == ["张伟"]
    assert api_names('张伟 ""') == ["张伟", "张伟东", "王张伟"]
    assert api_names("") == sorted(people)


@pytest.mark.parametrize(
    "term", [ID_CARD, ID_CARD_X, ID_CARD_X.lower(), PHONE, "+86-139-1234-5678", ID_CARD[:14], PHONE[:7]]
)
def test_partners_never_search_personal_data(people, term):
    assert api_names(term) == []
    assert entrepreneur_search(Entrepreneur.objects.all(), [term]).count() == 0


@pytest.mark.parametrize(
    "term, name",
    [
        (ID_CARD, "张伟"),
        (ID_CARD_X, "刘芳"),
        (ID_CARD_X.lower(), "刘芳"),  # normalised as saved
        (PHONE, "张伟"),
        ("+86-139-1234-5678", "张伟"),
        ("草原鑫盛", "刘芳"),  # a founded enterprise's name
    ],
)
def test_staff_find_a_person_by_id_card_phone_or_enterprise(people, staff_client, term, name):
    assert admin_names(staff_client, term) == ([name, "李汇洲"] if term == "草原鑫盛" else [name])


@pytest.mark.parametrize("term", [ID_CARD[:14], ID_CARD[4:], PHONE[:7], PHONE[2:]])
def test_staff_match_id_card_and_phone_whole_only(people, staff_client, term):
    assert admin_names(staff_client, term) == []


def test_founder_of_two_matching_enterprises_is_listed_once(people, staff_client):
    assert admin_names(staff_client, "鑫盛") == ["刘芳", "李汇洲"]


def test_admin_autocomplete_uses_the_same_search(people, staff_client):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "attendance", "field_name": "entrepreneur", "term": "zw"},
    )
    assert response.status_code == 200
    found = {row["text"] for row in response.json()["results"]}
    assert found == {"张伟", "张伟东", "王张伟"}


def test_api_and_admin_search_the_same_columns():
    assert set(EntrepreneurViewSet.search_fields) == set(TEXT_FIELDS)
    admin_columns = {field.lstrip("=") for field in EntrepreneurAdmin.search_fields}
    assert admin_columns == {*TEXT_FIELDS, "id_card_number", "phone", "enterprises__name"}
    assert not {"id_card_number", "phone", "birth_date", "health_notes", "story"} & set(TEXT_FIELDS)


def test_filter_backend_keeps_drf_parameter_and_schema():
    backend, stock = EntrepreneurSearchFilter(), SearchFilter()
    view = EntrepreneurViewSet()
    assert backend.search_param == stock.search_param == "search"
    assert backend.get_schema_operation_parameters(view) == stock.get_schema_operation_parameters(view)


def test_backend_without_search_fields_filters_nothing(people):
    class NoSearch(EntrepreneurViewSet):
        search_fields = []

    request = Request(APIRequestFactory().get("/", {"search": "张伟"}))
    queryset = Entrepreneur.objects.all()
    assert EntrepreneurSearchFilter().filter_queryset(request, queryset, NoSearch()) is queryset


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # Tiny test tables: make any other way than the indexes' bitmaps look too dear to take.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("for_staff", [False, True])
def test_short_terms_use_the_gram_indexes_and_long_terms_the_trigram_indexes(people, for_staff):
    short = entrepreneur_search(Entrepreneur.objects.all(), ["张伟"], for_staff=for_staff)
    long = entrepreneur_search(Entrepreneur.objects.all(), ["zhangwei"], for_staff=for_staff)
    if connection.vendor != "postgresql":  # SQLite: a plain icontains, no function of migration 0007
        assert "LIKE" in str(short.query) and "jining_grams" not in str(short.query)
        assert short.count() == len(expected(people, ["张伟"])) == 3
        return
    short_plan, long_plan = plan(short), plan(long)
    for column in TEXT_FIELDS:
        assert f"entrepreneur_{column}_grams" in short_plan
        assert f"entrepreneur_{column}_trgm" in long_plan
    assert "Seq Scan" not in short_plan and "Seq Scan" not in long_plan
    assert ("enterprise_name_grams" in short_plan) is for_staff
    if for_staff:
        assert "entrepreneur_unique_id_card" in plan(
            entrepreneur_search(Entrepreneur.objects.all(), [ID_CARD], for_staff=True)
        )
        assert "entrepreneur_phone" in plan(
            entrepreneur_search(Entrepreneur.objects.all(), [PHONE], for_staff=True)
        )


def test_grams_function_lists_every_substring_of_one_and_two_characters():
    if connection.vendor != "postgresql":
        assert "jining_grams" not in str(Entrepreneur.objects.filter(name__icontains="张").query)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT jining_grams('张智杰'), jining_grams(''), jining_grams('a'), jining_grams(NULL)"
        )
        grams, empty, one, null = cursor.fetchone()
    assert sorted(grams) == sorted(["张", "智", "杰", "张智", "智杰"])
    assert (empty, one, null) == ([], ["a"], None)


# --- enterprises (the admin's search) ---

ENTERPRISES = [
    # name, short name, English name, address
    ("小树传媒", "小树传媒", "Xiaoshu Media", "众创大厦"),
    ("草原鑫盛商贸有限公司", "鑫盛", "", "集宁区新体路8号"),
    ("兴和县彩虹超市店", "", "", "乌兰察布市兴和县店子镇38号"),
    ("内蒙古创奇智能电子科技有限公司", "创奇", "Chuangqi Electronics", ""),
]

ENTERPRISE_SEARCHES = [
    pytest.param("鑫", id="1-char"),
    pytest.param("鑫盛", id="2-char short name"),
    pytest.param("集宁", id="2-char address"),
    pytest.param("xscm", id="initials"),
    pytest.param("MEDIA", id="upper-case English"),
    pytest.param("店 38", id="two terms"),
    pytest.param("张智", id="a founder's name"),
    pytest.param("无此企业", id="no match"),
]


@pytest.fixture
def enterprises(db):
    founder = factories.EntrepreneurFactory(name="张智杰")
    made = {}
    for name, short_name, name_en, address in ENTERPRISES:
        made[name] = factories.EnterpriseFactory(
            name=name, short_name=short_name, name_en=name_en, address=address
        )
    made["小树传媒"].founders.add(founder, factories.EntrepreneurFactory(name="张智勇"))
    return made


def enterprise_matches(enterprise, terms):
    values = [getattr(enterprise, field) for field in ENTERPRISE_TEXT_FIELDS]
    values += [founder.name for founder in enterprise.founders.all()]
    return all(
        any(term.upper() in value.upper() for value in values) or term.upper() == enterprise.credit_code
        for term in terms
    )


@pytest.mark.parametrize("text", ENTERPRISE_SEARCHES)
def test_enterprise_admin_search_finds_what_icontains_finds(enterprises, staff_client, text):
    response = staff_client.get(reverse("admin:entrepreneurs_enterprise_changelist"), {"q": text})
    found = [enterprise.name for enterprise in response.context["cl"].result_list]
    wanted = [e.name for e in enterprises.values() if enterprise_matches(e, split_terms(text))]
    assert sorted(found) == sorted(wanted)
    assert len(found) == len(set(found))


def test_enterprise_search_by_whole_credit_code_only(enterprises):
    code = enterprises["小树传媒"].credit_code
    found = enterprise_search(Enterprise.objects.all(), [code.lower()])
    assert list(found.values_list("name", flat=True)) == ["小树传媒"]
    assert not enterprise_search(Enterprise.objects.all(), [code[:10]]).exists()


def test_enterprise_search_uses_the_indexes(enterprises):
    short = enterprise_search(Enterprise.objects.all(), ["鑫盛"])
    long = enterprise_search(Enterprise.objects.all(), ["xscm"])
    if connection.vendor != "postgresql":
        assert "jining_grams" not in str(short.query)
        return
    short_plan, long_plan = plan(short), plan(long)
    for column in ENTERPRISE_TEXT_FIELDS:
        assert f"enterprise_{column}_grams" in short_plan
        assert f"enterprise_{column}_trgm" in long_plan
    assert "entrepreneur_name_grams" in short_plan and "entrepreneur_name_trgm" in long_plan
    assert "Seq Scan" not in short_plan and "Seq Scan" not in long_plan


PAGED_SEARCHES = ["张", "伟", "张伟", "集宁", "zhang", "北京 张", "张 北京", "乌兰察布市", "q", "无此人"]


@pytest.mark.parametrize(
    "short_walk_rows,dense,cap_rows,walk_rows",
    [
        (500, 5, 2000, 5000),
        (1, 5, 2000, 5000),
        (3, 1, 2000, 5000),
        (3, 1, 2000, 3),
        (1, 5, 1, 1),
        (1, 5, 1, 3),
        (1, 5, 1, 5000),
    ],
)
@pytest.mark.parametrize("ordering", ["", "-name"])
def test_a_search_read_page_by_page_lists_every_match_once_in_order(
    people, partner_client, monkeypatch, short_walk_rows, dense, cap_rows, walk_rows, ordering
):
    """The API reads only a page's candidates (entrepreneurs.search.bounded_ids): names starting with
    a short term from the name index, the other matches by a short walk of the list, from the
    indexes when they are few, else by a longer walk, else from the indexes. Every page, forwards
    and back, is still exactly the matches in the list's order: from a short walk that finds a page
    (500 rows), under the cap (2000: sorted from the cap), past a short walk dense enough to skip
    the cap (1 match in 3 rows) with a longer walk that finds a page or not, and over the cap (1 row)
    with walks that find a page (5000 rows) and walks that do not (1 and 3 rows)."""
    monkeypatch.setattr("entrepreneurs.search.SHORT_WALK_DENSE", dense)
    monkeypatch.setattr("entrepreneurs.search.SHORT_WALK_ROWS", short_walk_rows)
    monkeypatch.setattr("entrepreneurs.search.CAP_ROWS", cap_rows)
    monkeypatch.setattr("entrepreneurs.search.WALK_ROWS", walk_rows)
    for index in range(12):  # more matches than a page, with names that start with, or hold, 张
        factories.EntrepreneurFactory(name=f"张{'伟' if index % 3 else '一'}{index}", prior_work_place="北京")
        factories.EntrepreneurFactory(name=f"赵{index}张", hometown_city="乌兰察布市")
    everyone = list(Entrepreneur.objects.all())
    for text in PAGED_SEARCHES:
        terms = search_smart_split(text)
        wanted = sorted((p for p in everyone if matches(p, terms)), key=lambda p: (p.name, p.id))
        if ordering:
            wanted.reverse()  # -name, then -id (the cursor's tie-break follows the first column)
        query = {"search": text, "page_size": 2, "ordering": ordering}
        url, pages, listed = "/api/v1/entrepreneurs/", [], []
        while url:
            page = partner_client.get(url, query if not pages else None).json()
            assert "results" in page, page
            pages.append(page)
            listed += [row["id"] for row in page["results"]]
            url = page["next"]
        assert listed == [p.id for p in wanted], (text, walk_rows, ordering)
        back, url = [], pages[-1]["previous"]
        while url:
            page = partner_client.get(url).json()
            back = [row["id"] for row in page["results"]] + back
            url = page["previous"]
        assert back + [row["id"] for row in pages[-1]["results"]] == listed, text


@pytest.mark.parametrize(
    "short_walk_rows,dense,cap_rows,walk_rows",
    [(500, 5, 2000, 5000), (1, 5, 2000, 5000), (500, 0, 2000, 5000), (1, 0, 1, 1), (1, 0, 1, 5000)],
)
def test_an_admin_search_page_by_page_shows_every_match_and_counts_them_all(
    people, staff_client, monkeypatch, short_walk_rows, dense, cap_rows, walk_rows
):
    """The changelist reads only a page's candidates too (EntrepreneurAdmin.search_window), and still
    counts every match (EstimatedCountPaginator.counted); a rare term's few matches are read once
    for both (entrepreneur_few_ids: a short walk of 1 row finds too few to call it common), and a
    walk deemed dense (``dense`` 0) takes the page's own candidates instead."""
    monkeypatch.setattr("entrepreneurs.search.SHORT_WALK_DENSE", dense)
    monkeypatch.setattr("entrepreneurs.search.SHORT_WALK_ROWS", short_walk_rows)
    monkeypatch.setattr("entrepreneurs.search.CAP_ROWS", cap_rows)
    monkeypatch.setattr("entrepreneurs.search.WALK_ROWS", walk_rows)
    monkeypatch.setattr(EntrepreneurAdmin, "list_per_page", 2)
    for index in range(5):
        factories.EntrepreneurFactory(name=f"张{index}", prior_work_place="北京")
    everyone = list(Entrepreneur.objects.all())
    url = reverse("admin:entrepreneurs_entrepreneur_changelist")
    for text in ("张", "张伟", "北京 张", "鑫盛"):
        terms = split_terms(text)
        wanted = sorted(
            (p for p in everyone if matches(p, terms, for_staff=True)), key=lambda p: (p.name, p.id)
        )
        listed, page = [], 1
        while True:
            response = staff_client.get(url, {"q": text, "p": page})
            assert response.status_code == 200
            cl = response.context["cl"]
            assert cl.result_count == len(wanted), text
            listed += [person.id for person in cl.result_list]
            if page >= cl.paginator.num_pages:
                break
            page += 1
        assert listed == [p.id for p in wanted], text


@pytest.mark.parametrize("text", ["鑫盛", "汇洲", "北京 张", ID_CARD])
def test_an_admin_search_counts_text_and_enterprise_matches_once_each(people, staff_client, text):
    """The count of a one-term search is the text matches plus those matched only by a founded
    enterprise's name (entrepreneur_search_beyond): someone matching both ways counts once."""
    factories.EnterpriseFactory(name="鑫盛物流", founders=[factories.EntrepreneurFactory(name="王鑫盛")])
    factories.EntrepreneurFactory(name="赵汇洲")  # 汇洲 in the name only
    url = reverse("admin:entrepreneurs_entrepreneur_changelist")
    response = staff_client.get(url, {"q": text})
    terms = split_terms(text)
    wanted = [p for p in Entrepreneur.objects.all() if matches(p, terms, for_staff=True)]
    assert response.context["cl"].result_count == len(wanted) > 0
    assert sorted(person.id for person in response.context["cl"].result_list) == sorted(p.id for p in wanted)


@pytest.mark.parametrize("text", ["张", "张伟", "zzj"])
def test_an_admin_search_runs_at_most_six_statements(people, staff_client, text):
    """Session, user, the special groups' names, the counts (on PostgreSQL one statement; an
    estimate above 10,000 text matches adds the planner's), and the page with its candidates
    read inside it; the session is not written on every page (jining/sessions.py)."""
    from django.test.utils import CaptureQueriesContext

    from tests.entrepreneurs.test_admin import CONTROL

    url = reverse("admin:entrepreneurs_entrepreneur_changelist")
    staff_client.get(url, {"q": text})
    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(url, {"q": text})
    assert response.status_code == 200
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(CONTROL)]
    assert len(statements) <= 6, statements
    counts = [sql for sql in statements if sql.startswith(("SELECT COUNT(", "SELECT quick.n", "WITH short"))]
    # On PostgreSQL a rare term's ids are read once for the count and the page (WITH short …), or
    # that statement counts the text matches and one more counts every match; SQLite: the full count.
    assert 1 <= len(counts) <= (2 if connection.vendor == "postgresql" else 1), counts
    wanted = [p for p in Entrepreneur.objects.all() if matches(p, split_terms(text), for_staff=True)]
    assert response.context["cl"].result_count == len(wanted)
