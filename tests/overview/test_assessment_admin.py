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
    assert staff_client.get(URL).status_code == 200
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
