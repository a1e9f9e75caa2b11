"""The admin's assessment form (概览 › 考核指标值 › 增加) and the review dossier it makes."""

import datetime
import io

import openpyxl
from django.urls import reverse

from incubators.models import Indicator
from jining.jobs import read_file
from jining.models import AccessLog, Job, JobFile
from overview.models import IndicatorValue
from tests import factories
from tests.jining.test_roles import member_client

URL = reverse("admin:overview_indicatorvalue_add")
ID_CARD = factories.make_id_card(777)


def resident_base():
    base = factories.IncubatorFactory(name="爱创空间测试")
    residency = factories.ResidencyFactory(incubator=base, start_date=datetime.date(2019, 3, 1))
    factories.EmploymentFactory(enterprise=residency.enterprise, id_card_number=ID_CARD, name="王五")
    factories.MentorFactory(incubator=base, name="李导师")
    factories.EventFactory(host_incubator=base, start_date=datetime.date(2019, 5, 1), title="项目路演")
    return base


def test_the_form_computes_a_year_for_every_base(staff_client):
    base = resident_base()
    form_page = staff_client.get(URL)
    assert form_page.status_code == 200 and 'value="计算考核指标"' in form_page.text
    assert reverse("admin:overview_indicatorvalue_changelist") in form_page.text  # the breadcrumbs
    response = staff_client.post(URL, {"year": 2019})
    job = Job.objects.get(kind="assessment")
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:jining_job_change", args=[job.pk]
    )
    assert job.state == Job.State.DONE, job.error
    stored = IndicatorValue.objects.filter(incubator=base, period_start=datetime.date(2019, 1, 1))
    assert stored.count() == len(Indicator.choices)
    assert stored.get(indicator=Indicator.RESIDENTS).value == 1


def test_bad_periods_are_refused_with_a_message_and_queue_nothing(staff_client):
    base = resident_base()
    for data in (
        {},
        {"year": 2019, "start": "2019-01-01", "end": "2019-06-30"},
        {"start": "2019-06-30", "end": "2019-01-01"},
        {"year": 2019, "dossier": "on"},  # a dossier needs exactly one base
        {"year": 2019, "dossier": "on", "incubators": [base.pk, factories.IncubatorFactory().pk]},
    ):
        response = staff_client.post(URL, data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert not Job.objects.exists()


def dossier(client, base, rule_set=None):
    data = {"start": "2019-01-01", "end": "2019-12-31", "incubators": [base.pk], "dossier": "on"}
    if rule_set:
        data["rule_set"] = rule_set.pk
    client.post(URL, data)
    job = Job.objects.filter(kind="dossier").latest("pk")
    assert job.state == Job.State.DONE, job.error
    return openpyxl.load_workbook(io.BytesIO(read_file(job, JobFile.Role.OUTPUT)))


def test_the_dossier_holds_every_sheet_and_the_thresholds(staff_client):
    from incubators.models import RuleSet
    from incubators.rule_sets import seed_rule_sets

    seed_rule_sets()
    base = resident_base()
    book = dossier(staff_client, base, RuleSet.objects.get(code="national-demonstration-base"))
    assert book.sheetnames == [
        "考核指标",
        "入驻创业实体名单",
        "吸纳带动就业人员花名册",
        "创业导师名册",
        "基地活动",
    ]
    indicators = {row[0]: row for row in book["考核指标"].iter_rows(min_row=2, values_only=True)}
    residents = indicators[str(Indicator.RESIDENTS.label)]
    assert residents[1] == 1 and residents[4].endswith("30.00") and residents[5] == "未达标"
    roster = list(book["吸纳带动就业人员花名册"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[2]) for row in roster] == [("王五", ID_CARD)]  # a superuser sees it whole
    assert AccessLog.objects.filter(
        channel=AccessLog.Channel.EXPORT, record_type="entrepreneurs.employment"
    ).exists()
    assert [row[0] for row in book["创业导师名册"].iter_rows(min_row=2, values_only=True)] == ["李导师"]
    assert [row[1] for row in book["基地活动"].iter_rows(min_row=2, values_only=True)] == ["项目路演"]


def test_without_the_personal_data_permission_the_roster_is_masked(db):
    from jining.services import VIEWER_GROUP

    base = resident_base()
    client = member_client(VIEWER_GROUP, "viewer")
    assert client.get(URL).status_code == 403  # viewers may not compute
    editor = factories.UserFactory(username="no-personal", is_staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="change_incubator"))
    client.force_login(editor)
    book = dossier(client, base)
    (row,) = book["吸纳带动就业人员花名册"].iter_rows(min_row=2, values_only=True)
    assert row[2] != ID_CARD and row[2].startswith(ID_CARD[:4]) and "*" in row[2]
    assert not AccessLog.objects.exists()


# --- the assessment page of a base and the drill-down behind its figures ---


def assessment_url(base, **query):
    from django.utils.http import urlencode

    url = reverse("admin:overview_indicatorvalue_assessment", args=[base.pk])
    return f"{url}?{urlencode(query)}" if query else url


def stored(base, year, indicator, value, **extra):
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return factories.IndicatorValueFactory(
        incubator=base, period_start=start, period_end=end, indicator=indicator, value=value, **extra
    )


def test_the_page_shows_each_year_beside_the_threshold_met_or_how_far(staff_client):
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    base = factories.IncubatorFactory(name="爱创空间测试")
    rules = factories.RuleSetFactory(name="国家级标准测试", level="national")
    factories.ThresholdFactory(rule_set=rules, indicator=Indicator.RESIDENTS, value=Decimal(30))
    factories.ThresholdFactory(rule_set=rules, indicator=Indicator.SUCCESS_RATE, value=Decimal(60))
    stored(base, 2018, Indicator.RESIDENTS, Decimal(24))
    stored(base, 2019, Indicator.RESIDENTS, Decimal(31))
    stored(
        base, 2019, Indicator.SUCCESS_RATE, Decimal("50.00"), numerator=Decimal(5), denominator=Decimal(10)
    )
    with CaptureQueriesContext(connection) as few:
        response = staff_client.get(assessment_url(base, rule_set=rules.pk))
    assert response.status_code == 200
    rows = {row.indicator: row for row in response.context["rows"]}
    assert [(c.value, c.met, c.gap) for c in rows[Indicator.RESIDENTS].cells] == [
        (Decimal(24), False, Decimal(6)),
        (Decimal(31), True, None),
    ]
    assert rows[Indicator.SUCCESS_RATE].cells[0] is None  # nothing stored for 2018
    assert rows[Indicator.SUCCESS_RATE].cells[1].gap == Decimal(10)
    html = response.content.decode()
    assert "2018" in html and "2019" in html and "5 / 10" in html
    rows_url = reverse("admin:overview_indicatorvalue_rows", args=[base.pk, Indicator.RESIDENTS])
    assert f"{rows_url}?start=2019-01-01&amp;end=2019-12-31" in html
    # ten stored years read as fast as one: the query count does not grow with the periods
    for year in range(2008, 2018):
        stored(base, year, Indicator.RESIDENTS, Decimal(year - 2000))
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(assessment_url(base, rule_set=rules.pk))
    assert len(many) <= len(few) <= 16  # the first request also warms caches
    assert len(response.context["periods"]) == 6  # the latest six, oldest first
    assert response.context["periods"][-1][0].year == 2019


def test_the_articles_figures_stand_beside_the_computed_ones(staff_client):
    from django.core.management import call_command

    from incubators.models import Incubator

    call_command("load_article", verbosity=0)
    aichuang = Incubator.objects.get(reported_figures__key="aichuang-projects-incubated")
    response = staff_client.get(assessment_url(aichuang))
    assert response.status_code == 200
    rows = {row.indicator: row for row in response.context["rows"]}
    assert {f.key for f in rows[Indicator.RESIDENTS].reported} >= {"aichuang-projects-incubated"}
    assert {f.key for f in rows[Indicator.EVENTS].reported} == {"aichuang-events-held"}
    assert "aichuang-financing-amount" in {f.key for f in response.context["other_figures"]}
    assert response.context["rule_set"] is not None  # the national set load_article seeds
    assert "152" in response.content.decode()


def test_a_bad_rule_set_gets_a_message_and_the_default(staff_client):
    base = factories.IncubatorFactory()
    response = staff_client.get(assessment_url(base, rule_set="999999"), follow=True)
    assert response.status_code == 200
    assert "rule set" in " ".join(str(m) for m in response.context["messages"]).lower() or any(
        "规则" in str(m) or "标准" in str(m) for m in response.context["messages"]
    )
    assert (
        staff_client.get(reverse("admin:overview_indicatorvalue_assessment", args=[999999])).status_code
        == 404
    )


def test_the_drill_down_lists_the_rows_and_marks_a_rates_numerator(staff_client):
    base = factories.IncubatorFactory()
    gone = factories.ResidencyFactory(
        incubator=base,
        start_date=datetime.date(2016, 1, 1),
        end_date=datetime.date(2019, 1, 31),
        agreement_end=datetime.date(2019, 1, 31),
        exit_kind="expired",
    )
    late = factories.ResidencyFactory(
        incubator=base, start_date=datetime.date(2017, 1, 1), agreement_end=datetime.date(2019, 3, 31)
    )
    url = reverse("admin:overview_indicatorvalue_rows", args=[base.pk, Indicator.ON_TIME_EXIT_RATE])
    response = staff_client.get(url, {"start": "2019-01-01", "end": "2019-12-31"})
    assert response.status_code == 200
    (section,) = response.context["sections"]
    assert {(row.pk, mark) for row, _url, mark in section["rows"]} == {(gone.pk, True), (late.pk, False)}
    html = response.content.decode()
    assert reverse("admin:incubators_residency_change", args=[gone.pk]) in html
    # bad input: a clear message and back to the page; an unknown indicator is not found
    for query in ({}, {"start": "2019-12-31", "end": "2019-01-01"}, {"start": "x", "end": "2019-01-01"}):
        response = staff_client.get(url, query)
        assert response.status_code == 302, query
        assert response["Location"] == reverse("admin:overview_indicatorvalue_assessment", args=[base.pk])
    bad = reverse("admin:overview_indicatorvalue_rows", args=[base.pk, "nonsense"])
    assert staff_client.get(bad, {"start": "2019-01-01", "end": "2019-12-31"}).status_code == 404


def perm_client(perms):
    from django.contrib.auth.models import Permission
    from django.test import Client

    user = factories.UserFactory(is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = Client()
    client.force_login(user)
    return client


def test_the_drill_down_keeps_rows_from_who_may_not_see_them(db):
    base = factories.IncubatorFactory()
    residency = factories.ResidencyFactory(incubator=base, start_date=datetime.date(2019, 2, 1))
    factories.EmploymentFactory(
        enterprise=residency.enterprise, name="王五", start_date=datetime.date(2019, 3, 1)
    )
    url = reverse("admin:overview_indicatorvalue_rows", args=[base.pk, Indicator.JOBS])
    query = {"start": "2019-01-01", "end": "2019-12-31"}
    viewer = perm_client(["incubators.view_incubator"])
    response = viewer.get(url, query)
    assert response.status_code == 200
    assert response.context["sections"][0]["allowed"] is False and "王五" not in response.content.decode()
    outsider = perm_client([])
    assert outsider.get(url, query).status_code == 403
    assert (
        outsider.get(reverse("admin:overview_indicatorvalue_assessment", args=[base.pk])).status_code == 403
    )


def test_a_bases_change_page_links_to_its_assessment(staff_client):
    base = factories.IncubatorFactory()
    response = staff_client.get(reverse("admin:incubators_incubator_change", args=[base.pk]))
    assert reverse("admin:overview_indicatorvalue_assessment", args=[base.pk]) in response.content.decode()
