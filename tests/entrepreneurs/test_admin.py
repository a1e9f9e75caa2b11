"""The entrepreneur and enterprise admin: computed columns, inlines, saving and query counts."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from entrepreneurs.admin import (
    ULANQAB_COUNTIES,
    BirthDecadeFilter,
    HometownCountyFilter,
    RegistrationYearFilter,
    ReturnYearFilter,
)
from entrepreneurs.models import (
    Enterprise,
    EnterpriseFigure,
    Entrepreneur,
    Financing,
    OperatingStatus,
    Product,
    SpecialGroup,
    SupportMeasure,
)
from entrepreneurs.search import entrepreneur_search
from incubators.models import Residency
from jining.changelist import Estimate, EstimatedCountPaginator, read_ids_if_few
from tests import factories


def rows(model, request):
    return {row.pk: row for row in admin.site._registry[model].get_queryset(request)}


def test_enterprise_financing_total_is_not_multiplied_by_founders(admin_request):
    founders = factories.EntrepreneurFactory.create_batch(3)
    enterprise = factories.EnterpriseFactory(founders=founders)
    unfunded = factories.EnterpriseFactory()
    factories.FinancingFactory(enterprise=enterprise, amount=Decimal("100000.00"))
    factories.FinancingFactory(enterprise=enterprise, amount=Decimal("50000.50"))
    model_admin = admin.site._registry[Enterprise]
    enterprises = rows(Enterprise, admin_request)
    assert enterprises[enterprise.pk].financing_total == Decimal("150000.50")
    assert model_admin.financing_total(enterprises[enterprise.pk]) == "150,000.50"
    assert model_admin.financing_total(enterprises[unfunded.pk]) == "0"
    assert set(model_admin.founder_list(enterprises[enterprise.pk]).split("、")) == {f.name for f in founders}
    assert model_admin.founder_list(enterprises[unfunded.pk]) == "-"


def test_entrepreneur_columns(admin_request):
    entrepreneur = factories.EntrepreneurFactory()
    loner = factories.EntrepreneurFactory()
    factories.EnterpriseFactory(name="B乙公司", founders=[entrepreneur])
    factories.EnterpriseFactory(name="A甲公司", founders=[entrepreneur])
    factories.AttendanceFactory.create_batch(2, entrepreneur=entrepreneur)
    model_admin = admin.site._registry[Entrepreneur]
    entrepreneurs = rows(Entrepreneur, admin_request)
    assert model_admin.event_count(entrepreneurs[entrepreneur.pk]) == 2
    assert model_admin.event_count(entrepreneurs[loner.pk]) == 0
    assert model_admin.enterprise_list(entrepreneurs[entrepreneur.pk]) == "A甲公司、B乙公司"
    assert model_admin.enterprise_list(entrepreneurs[loner.pk]) == "-"


def test_special_group_member_count(admin_request):
    group, other = factories.SpecialGroupFactory.create_batch(2)
    for entrepreneur in factories.EntrepreneurFactory.create_batch(3):
        entrepreneur.special_groups.add(group)
    groups = rows(SpecialGroup, admin_request)
    assert groups[group.pk].member_count == 3
    assert groups[other.pk].member_count == 0


def test_support_measure_recipient():
    model_admin = admin.site._registry[SupportMeasure]
    entrepreneur = Entrepreneur(name="张智杰")
    enterprise = Enterprise(name="智杰皮革")
    assert model_admin.recipient(SupportMeasure(entrepreneur=entrepreneur)) == entrepreneur
    assert model_admin.recipient(SupportMeasure(enterprise=enterprise)) == enterprise
    both = SupportMeasure(entrepreneur=entrepreneur, enterprise=enterprise)
    assert model_admin.recipient(both) == "张智杰（智杰皮革）"
    assert model_admin.value(SupportMeasure(value_yuan=Decimal("12000.00"))) == "12,000"
    assert model_admin.value(SupportMeasure()) == "-"


def test_enterprise_figure_and_financing_displays():
    figure = EnterpriseFigure(value=Decimal("1000000"), qualifier="exact")
    assert admin.site._registry[EnterpriseFigure].figure(figure) == "1,000,000"
    assert (
        admin.site._registry[Financing].amount_display(Financing(amount=Decimal("16510000"))) == "16,510,000"
    )


@pytest.mark.parametrize("model, url_name", [(Entrepreneur, "entrepreneur"), (Enterprise, "enterprise")])
def test_changelist_query_count_does_not_grow(staff_client, django_assert_max_num_queries, model, url_name):
    url = reverse(f"admin:entrepreneurs_{url_name}_changelist")

    def populate(n):
        for _ in range(n):
            entrepreneur = factories.EntrepreneurFactory()
            entrepreneur.special_groups.add(factories.SpecialGroupFactory())
            enterprise = factories.EnterpriseFactory(founders=[entrepreneur, factories.EntrepreneurFactory()])
            factories.FinancingFactory(enterprise=enterprise)
            factories.AttendanceFactory(entrepreneur=entrepreneur)

    populate(1)
    # 15: the page, its filters and counts, plus the sliding session save (SAVEPOINT, UPDATE, RELEASE).
    with django_assert_max_num_queries(15) as baseline:
        staff_client.get(url)
    populate(15)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = staff_client.get(url)
    assert response.context["cl"].result_count == (32 if model is Entrepreneur else 16)


def test_entrepreneur_change_page_has_its_inlines(staff_client):
    entrepreneur = factories.EntrepreneurFactory()
    factories.EnterpriseFactory(founders=[entrepreneur])
    factories.SupportMeasureFactory(entrepreneur=entrepreneur)
    response = staff_client.get(reverse("admin:entrepreneurs_entrepreneur_change", args=[entrepreneur.pk]))
    inlines = {f.formset.model: len(f.formset.forms) for f in response.context["inline_admin_formsets"]}
    assert inlines == {Enterprise.founders.through: 1, SupportMeasure: 1}
    fieldsets = [name for name, _ in admin.site._registry[Entrepreneur].fieldsets]
    assert len(fieldsets) == 5


def inline_prefixes(client, url):
    """{inline model: form prefix} of an admin add/change page."""
    response = client.get(url)
    return {f.formset.model: f.formset.prefix for f in response.context["inline_admin_formsets"]}


def empty_inlines(prefixes):
    return {
        key: 0 for prefix in prefixes.values() for key in (f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS")
    }


def test_entrepreneur_add_form_saves_founded_enterprise_and_fills_romanised_name(staff_client):
    url = reverse("admin:entrepreneurs_entrepreneur_add")
    enterprise = factories.EnterpriseFactory()
    prefixes = inline_prefixes(staff_client, url)
    founded = prefixes[Enterprise.founders.through]
    data = {
        "name": "张智杰",
        "gender": "U",
        "education": "unknown",
        "id_card_number": factories.make_id_card(1),
        **empty_inlines(prefixes),
        f"{founded}-TOTAL_FORMS": 1,
        f"{founded}-0-enterprise": enterprise.pk,
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    entrepreneur = Entrepreneur.objects.get(name="张智杰")
    assert entrepreneur.name_romanised == "Zhang Zhijie"
    assert entrepreneur.birth_year == 1985
    assert list(entrepreneur.enterprises.all()) == [enterprise]


def test_entrepreneur_admin_shows_validation_errors_in_chinese(staff_client):
    url = reverse("admin:entrepreneurs_entrepreneur_add")
    data = {
        "name": "王某",
        "gender": "U",
        "education": "unknown",
        "id_card_number": "150902198506150000",
        **empty_inlines(inline_prefixes(staff_client, url)),
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "校验" in str(response.context["adminform"].form.errors["id_card_number"])


def test_enterprise_change_page_has_its_inlines(staff_client):
    enterprise = factories.EnterpriseFactory()
    factories.ProductFactory(enterprise=enterprise)
    factories.EnterpriseFigureFactory(enterprise=enterprise)
    factories.FinancingFactory(enterprise=enterprise)
    factories.SupportMeasureFactory(enterprise=enterprise, entrepreneur=None)
    factories.ResidencyFactory(enterprise=enterprise)
    response = staff_client.get(reverse("admin:entrepreneurs_enterprise_change", args=[enterprise.pk]))
    inlines = {f.formset.model: len(f.formset.forms) for f in response.context["inline_admin_formsets"]}
    assert inlines == {
        Product: 1,
        EnterpriseFigure: 1,
        Financing: 1,
        SupportMeasure: 1,
        Residency: 1,
        OperatingStatus: 0,
    }


# --- the changelists' fixed-choice filters and query budget ---

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def changelist_names(client, url_name, **params):
    response = client.get(reverse(f"admin:entrepreneurs_{url_name}_changelist"), params)
    assert response.status_code == 200, response.get("Location")
    return sorted(str(obj) for obj in response.context["cl"].result_list)


def choices(filter_class, model, request):
    return list(filter_class(request, {}, model, admin.site._registry[model]).lookup_choices)


def in_year_choice(year, value):
    """The meaning of a year filter's value, stated independently of the filter."""
    if value == "none":
        return year is None
    if year is None:
        return False
    start, _dash, end = value.partition("-")
    if not _dash:
        return year == int(value)
    return (not start or year >= int(start)) and (not end or year <= int(end))


@pytest.mark.parametrize(
    "filter_class, model",
    [
        (ReturnYearFilter, Entrepreneur),
        (BirthDecadeFilter, Entrepreneur),
        (HometownCountyFilter, Entrepreneur),
        (RegistrationYearFilter, Enterprise),
    ],
)
def test_fixed_filters_list_their_choices_without_a_query(
    admin_request, django_assert_num_queries, filter_class, model
):
    with django_assert_num_queries(0):
        listed = choices(filter_class, model, admin_request)
    assert len(listed) >= 7
    assert all(str(label) for _value, label in listed)


def test_year_choices_cover_every_year_once(admin_request):
    listed = [value for value, _label in choices(ReturnYearFilter, Entrepreneur, admin_request)]
    this_year = timezone.localdate().year
    assert listed[0] == str(this_year) and listed[-2:] == ["-2004", "none"]
    for year in [None, *range(1949, this_year + 1)]:
        assert sum(in_year_choice(year, value) for value in listed) == 1, year


def test_return_year_filter(staff_client, admin_request):
    this_year = timezone.localdate().year
    years = [None, 1990, 2009, 2010, 2014, 2015, 2019, 2020, this_year - 1, this_year]
    people = {
        factories.EntrepreneurFactory(name=f"返乡{year}", return_year=year).name: year for year in years
    }
    for value, _label in choices(ReturnYearFilter, Entrepreneur, admin_request):
        found = changelist_names(staff_client, "entrepreneur", return_year=value)
        assert found == sorted(name for name, year in people.items() if in_year_choice(year, value)), value
    # A plain year, as in links made before these filters, still filters.
    assert changelist_names(staff_client, "entrepreneur", return_year=2015) == ["返乡2015"]


def test_birth_decade_filter(staff_client, admin_request):
    people = {
        factories.EntrepreneurFactory(name=f"出生{year}", birth_year=year).name: year
        for year in (None, 1958, 1960, 1985, 1989, 2001)
    }
    for language, wanted in (("en", "50s 60s 70s 80s 90s 00s"), ("zh-hans", "50后 60后 70后 80后 90后 00后")):
        with translation.override(language):  # labels are made per request, in its language
            labels = dict(choices(BirthDecadeFilter, Entrepreneur, admin_request))
            shown = [str(labels[str(decade)]) for decade in range(1950, 2010, 10)]
        assert shown == wanted.split()
    for value in labels:
        found = changelist_names(staff_client, "entrepreneur", birth_decade=value)
        wanted = [
            name
            for name, year in people.items()
            if (year is None if value == "none" else year is not None and year // 10 * 10 == int(value))
        ]
        assert found == sorted(wanted), value


def test_hometown_county_filter(staff_client, admin_request):
    homes = {
        "集宁甲": ("乌兰察布市", "集宁区"),
        "中旗甲": ("乌兰察布市", "察右中旗"),  # the short form, as in the article fixture
        "中旗乙": ("乌兰察布市", "察哈尔右翼中旗"),
        "后旗甲": ("", "察右后旗"),
        "呼市甲": ("呼和浩特市", ""),  # only the city: outside Ulanqab
        "外地甲": ("", "东河区"),  # a county outside the list
        "不详甲": ("乌兰察布市", ""),
        "不详乙": ("", ""),
    }
    for name, (city, county) in homes.items():
        factories.EntrepreneurFactory(name=name, hometown_city=city, hometown_county=county)
    values = [value for value, _label in choices(HometownCountyFilter, Entrepreneur, admin_request)]
    assert values[:11] == list(ULANQAB_COUNTIES) and values[11:] == ["other", "none"]
    expected = {
        "集宁区": ["集宁甲"],
        "察哈尔右翼中旗": ["中旗乙", "中旗甲"],
        "察哈尔右翼后旗": ["后旗甲"],
        "丰镇市": [],
        "other": ["呼市甲", "外地甲"],
        "none": ["不详乙", "不详甲"],
    }
    for value, names in expected.items():
        assert changelist_names(staff_client, "entrepreneur", hometown_county=value) == sorted(names), value
    everyone = [changelist_names(staff_client, "entrepreneur", hometown_county=value) for value in values]
    assert sorted(name for names in everyone for name in names) == sorted(homes)  # each in exactly one
    # A value outside the list filters on exactly that value.
    assert changelist_names(staff_client, "entrepreneur", hometown_county="东河区") == ["外地甲"]


def test_registration_year_filter(staff_client):
    for year in (None, 2005, 2016, 2021):
        factories.EnterpriseFactory(name=f"企业{year}", registration_year=year)
    assert changelist_names(staff_client, "enterprise", registration_year="2015-2019") == ["企业2016"]
    assert changelist_names(staff_client, "enterprise", registration_year="-2009") == ["企业2005"]
    assert changelist_names(staff_client, "enterprise", registration_year="none") == ["企业None"]


def test_the_return_year_filter_offers_every_year_back_to_2005(staff_client, admin_request):
    for year in (2004, 2019, 2020):
        factories.EntrepreneurFactory(name=f"返乡{year}", return_year=year)
    values = [value for value, _label in choices(ReturnYearFilter, Entrepreneur, admin_request)]
    this_year = timezone.localdate().year
    assert values == [*(str(year) for year in range(this_year, 2004, -1)), "-2004", "none"]
    assert changelist_names(staff_client, "entrepreneur", return_year="2019") == ["返乡2019"]
    assert changelist_names(staff_client, "entrepreneur", return_year="-2004") == ["返乡2004"]


@pytest.mark.parametrize("params", [{"return_year": "abc"}, {"birth_decade": "1980s"}])
def test_a_bad_filter_value_is_an_error_page_not_a_crash(staff_client, params):
    response = staff_client.get(reverse("admin:entrepreneurs_entrepreneur_changelist"), params)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_entrepreneur_changelist_query_budget(staff_client, django_assert_num_queries):
    """Session, user, special groups' names (the one filter that lists rows), count (on PostgreSQL:
    one query, an estimate for large tables), the page with its enterprises and event counts, and
    no session save (jining/sessions.py: at most once a minute): 5 statements, plus savepoints. No
    DISTINCT, no prefetch query."""
    for _n in range(3):
        person = factories.EntrepreneurFactory()
        person.special_groups.add(factories.SpecialGroupFactory())
        factories.EnterpriseFactory(founders=[person])
        factories.EnterpriseFactory(founders=[person, factories.EntrepreneurFactory()])
        factories.AttendanceFactory(entrepreneur=person)
    url = reverse("admin:entrepreneurs_entrepreneur_changelist")
    staff_client.get(url)
    with django_assert_num_queries(7) as captured:
        response = staff_client.get(url)
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(CONTROL)]
    assert len(statements) == 5, statements
    assert not any("DISTINCT" in sql.upper() for sql in statements)
    changelist = response.context["cl"]
    assert changelist.result_count == 6 and changelist.full_result_count is None
    model_admin = admin.site._registry[Entrepreneur]
    enterprises = sorted(model_admin.enterprise_list(row).count("、") + 1 for row in changelist.result_list)
    assert enterprises == [1, 1, 1, 2, 2, 2]  # from the page's own query


def test_a_few_search_results_are_read_by_id_once(db, django_assert_num_queries):
    people = [factories.EntrepreneurFactory(name=name) for name in ("张伟", "张伟东", "李娜")]
    base = Entrepreneur.objects.all()
    found = entrepreneur_search(base, ["张伟"], for_staff=True)
    with django_assert_num_queries(1):
        by_id = read_ids_if_few(base, found, up_to=2)
    assert list(by_id) == list(found) == people[:2]  # in the model's order: 张伟, 张伟东
    assert f"IN ({people[0].pk}, {people[1].pk})" in str(by_id.query)
    assert read_ids_if_few(base, found, up_to=1) is found  # too many: searched where they are used
    assert read_ids_if_few(base, base) is base  # no search


@pytest.mark.parametrize("bulk", [False, True], ids=["one", "bulk"])
def test_deleting_a_person_who_has_records_says_what_to_do_instead(staff_client, bulk):
    person = factories.EntrepreneurFactory(name="王重复")
    factories.SupportMeasureFactory(entrepreneur=person)
    if bulk:
        response = staff_client.post(
            reverse("admin:entrepreneurs_entrepreneur_changelist"),
            {"action": "delete_selected", "_selected_action": [str(person.pk)]},
        )
    else:
        response = staff_client.get(reverse("admin:entrepreneurs_entrepreneur_delete", args=[person.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'class="errornote protected-help"' in html
    assert "不能删除" in html and "合并所选的两条记录" in html  # in the staff's language: merge instead
    # The delete itself is still refused: the person and the support stay.
    staff_client.post(
        reverse("admin:entrepreneurs_entrepreneur_delete", args=[person.pk]),
        {"post": "yes", "bin_reason": "重复"},
    )
    assert Entrepreneur.objects.filter(pk=person.pk).exists()


# --- Counts of large filtered changelists: exact up to 10,000 rows, an estimate beyond ---


@pytest.mark.parametrize("url_name", ["entrepreneur", "enterprise"])
def test_a_filtered_changelist_counts_exactly_up_to_the_limit(
    staff_client, django_assert_max_num_queries, monkeypatch, url_name
):
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_from", 5)
    for n in range(4):
        person = factories.EntrepreneurFactory(name=f"集宁{n}", hometown_county="集宁区", return_year=2019)
        factories.EnterpriseFactory(name=f"集宁企业{n}", registration_year=2019, founders=[person])
    factories.EntrepreneurFactory(name="卓资甲", hometown_county="卓资县")
    url = reverse(f"admin:entrepreneurs_{url_name}_changelist")
    params = {"return_year": "2019"} if url_name == "entrepreneur" else {"registration_year": "2019"}
    staff_client.get(url, params)
    # session, user, the filters' lists, (on PostgreSQL: the plan, then) the capped count, the page,
    # the session's save, and savepoints
    with django_assert_max_num_queries(11) as captured:
        response = staff_client.get(url, params)
    count = response.context["cl"].result_count
    assert count == 4 and not isinstance(count, Estimate)
    if connection.vendor == "postgresql":
        counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        assert len(counts) == 1 and "LIMIT 6" in counts[0]


def test_a_large_filtered_changelist_shows_an_estimate_on_postgresql(
    staff_client, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_from", 5)
    for n in range(8):
        factories.EntrepreneurFactory(name=f"集宁{n}", hometown_county="集宁区", return_year=2019)
    url = reverse("admin:entrepreneurs_entrepreneur_changelist")
    params = {"return_year": "2019"}
    staff_client.get(url, params)
    with django_assert_max_num_queries(12) as captured:
        response = staff_client.get(url, params)
    count = response.context["cl"].result_count
    if connection.vendor != "postgresql":
        assert count == 8 and not isinstance(count, Estimate)  # SQLite counts exactly
        return
    assert isinstance(count, Estimate) and count >= 6  # more than the limit
    sql = [query["sql"] for query in captured.captured_queries]
    assert any(statement.startswith("EXPLAIN") for statement in sql)
    counts = [statement for statement in sql if statement.startswith("SELECT COUNT(*)")]
    assert all("LIMIT 6" in statement for statement in counts)  # never more than the limit + 1 rows
    assert f"约 {int(count):,}" in response.text


def test_a_large_estimate_is_the_count_without_counting(db, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("jining.changelist.connection", SimpleNamespace(vendor="postgresql"))
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_from", 5)
    monkeypatch.setattr(EstimatedCountPaginator, "planned_rows", staticmethod(lambda queryset: 216_000))
    paginator = EstimatedCountPaginator(Entrepreneur.objects.filter(return_year=2019), 50)
    with django_assert_num_queries(0):
        count = paginator.count
    assert isinstance(count, Estimate) and count == 216_000 and paginator.num_pages == 4320


def test_an_estimate_reads_as_about():
    with translation.override("zh-hans"):
        assert str(Estimate(216000)) == "约 216,000"
    with translation.override("en"):
        assert str(Estimate(216000)) == "about 216,000"
    assert Estimate(216000) + 1 == 216001  # still a number for the paginator
