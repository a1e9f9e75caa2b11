"""The bulk import engine (jining.importing.bulk) and the import pages around it.

Validation and write make a fixed number of queries whatever the number of rows; each row is
validated once and the confirm writes what the preview validated, refusing when the records changed
since; duplicates inside one file are rejected; history rows and admin log entries are written in
bulk; the rejected rows download as an xlsx with a problems column; check constraints evaluated in
Python agree with the database.
"""

import datetime
import io
import itertools

import openpyxl
import pytest
import tablib
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepreneurs.models import Entrepreneur
from entrepreneurs.resources import EntrepreneurResource
from events.models import Attendance, Event
from jining.importing import bulk
from jining.models import Job, JobFile
from overview.models import StatsSnapshot
from tests import factories
from tests.admin_forms import confirm_import, confirmable, run_import_preview
from tests.conftest import AxesClient
from tests.test_import_export import CSV_FORMAT, HEADERS, csv_file, upload, user_with

URL = "admin:entrepreneurs_entrepreneur_import"


@pytest.fixture
def editor_client(client, db):
    perms = [
        f"{action}_{model}" for action in ("add", "change", "view") for model in ("entrepreneur", "event")
    ]
    client.force_login(user_with("editor", *perms))
    return client


def card(n):
    """A distinct valid ID-card number for each ``n`` (50 per birth date)."""
    return factories.make_id_card(n % 50, birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 50))


def person(n, **values):
    row = {
        "姓名": f"测试{n}",
        "性别": "男",
        "身份证号": card(n),
        "手机号": f"138{n:08d}",
        "户籍县区/旗": "集宁区",
        "出生年份": "",
        "返乡年份": "2018",
        "文化程度": "大专",
    }
    row.update(values)
    return [row[header] for header in HEADERS]


def dataset(rows, headers=HEADERS):
    return tablib.Dataset(*rows, headers=headers)


def preview(client, rows, headers=HEADERS, url=URL):
    return run_import_preview(
        client,
        reverse(url),
        {
            "import_file": upload(csv_file([headers, *rows]), "人员.csv"),
            "format": CSV_FORMAT,
            "resource": "0",
        },
    )


def page_user(client):
    from jining.models import User

    return User.objects.get(pk=client.session["_auth_user_id"])


# --- Queries do not grow with the rows ---


def queries_of(function):
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return len(queries), result


@pytest.mark.django_db
def test_validation_makes_the_same_queries_for_10_rows_and_for_300():
    factories.SpecialGroupFactory(code="disabled", name="残疾人")
    factories.SpecialGroupFactory(code="veteran", name="退役军人")
    existing = [factories.EntrepreneurFactory(id_card_number=card(n)) for n in range(1, 301)]
    headers = [*HEADERS, "特殊群体"]

    def rows(count):
        return [person(n, 姓名=existing[n - 1].name) + ["残疾人、退役军人"] for n in range(1, count + 1)]

    few, plan_few = queries_of(lambda: bulk.validate(EntrepreneurResource(), dataset(rows(10), headers)))
    many, plan_many = queries_of(lambda: bulk.validate(EntrepreneurResource(), dataset(rows(300), headers)))
    assert few == many <= 8, (few, many)
    assert plan_many.counts() == {"rows": 300, "new": 0, "updated": 300, "unchanged": 0, "errors": 0}


@pytest.mark.django_db
def test_the_write_makes_the_same_queries_for_10_rows_and_for_300(staff_user):
    group = factories.SpecialGroupFactory(code="disabled", name="残疾人")
    headers = [*HEADERS, "特殊群体"]

    def write(first, count):
        rows = [person(n) + ["残疾人"] for n in range(first, first + count)]
        plan = bulk.validate(EntrepreneurResource(), dataset(rows, headers))
        return queries_of(lambda: bulk.write(plan, EntrepreneurResource(), user=staff_user, reason="test"))

    few, counts_few = write(1, 10)
    many, counts_many = write(100, 300)
    assert few <= 12, few
    if connection.vendor == "postgresql":
        assert many == few
    else:  # SQLite allows 999 parameters a statement: Django splits the inserts of 300 wide rows
        assert many <= few + 300 // 10, (few, many)
    assert counts_many["new"] == 300
    assert group.entrepreneurs.count() == 310


# --- Validated once, written as validated ---


@pytest.mark.django_db
def test_a_record_changed_after_the_preview_refuses_the_confirm_and_nothing_is_written(editor_client):
    zhang = factories.EntrepreneurFactory(name="张智杰", id_card_number=card(1))
    page = preview(editor_client, [person(1, 姓名="张智杰", 返乡年份="2016"), person(2)])
    assert page.context["job"].result["updated"] == 1 and page.context["job"].result["new"] == 1
    Entrepreneur.objects.filter(pk=zhang.pk).update(phone="13999999999")  # a colleague edits, bumping nothing
    zhang.refresh_from_db()
    zhang.prior_trade = "餐饮"
    zhang.save()  # ... and saves through the form: its updated time moves
    job = confirm_import(editor_client, page)
    assert job.state == Job.State.FAILED
    assert "预览" in job.error
    assert Entrepreneur.objects.count() == 1
    zhang.refresh_from_db()
    assert zhang.return_year == 2017


@pytest.mark.django_db
def test_a_person_added_after_the_preview_refuses_the_confirm(editor_client):
    page = preview(editor_client, [person(1)])
    factories.EntrepreneurFactory(name="测试1", id_card_number=card(1))
    job = confirm_import(editor_client, page)
    assert job.state == Job.State.FAILED and "预览" in job.error
    assert Entrepreneur.objects.count() == 1


@pytest.mark.django_db
def test_a_preview_is_confirmed_once(editor_client):
    page = preview(editor_client, [person(1)])
    assert confirm_import(editor_client, page).state == Job.State.DONE
    again = editor_client.get(page.wsgi_request.path)
    assert not confirmable(again)
    response = editor_client.post(
        reverse("admin:entrepreneurs_entrepreneur_process_import"), {"job": str(page.context["job"].pk)}
    )
    assert response.status_code == 302 and "/import/" in response["Location"]
    assert Job.objects.filter(kind="import").count() == 1
    assert Entrepreneur.objects.count() == 1


@pytest.mark.django_db
def test_another_users_preview_is_refused(editor_client):
    page = preview(editor_client, [person(1)])
    other_client = AxesClient()
    other_client.force_login(
        user_with("other", "add_entrepreneur", "change_entrepreneur", "view_entrepreneur")
    )
    assert other_client.get(page.wsgi_request.path).status_code == 403
    response = other_client.post(
        reverse("admin:entrepreneurs_entrepreneur_process_import"), {"job": str(page.context["job"].pk)}
    )
    assert response.status_code == 403
    assert (
        other_client.post(
            reverse("admin:entrepreneurs_entrepreneur_process_import"), {"job": "x"}
        ).status_code
        == 404
    )
    assert Entrepreneur.objects.count() == 0


# --- Duplicates inside one file ---


@pytest.mark.django_db
def test_two_rows_with_one_id_card_number_are_rejected_not_merged(editor_client):
    number = card(7)
    page = preview(editor_client, [person(1, 身份证号=number), person(2, 姓名="另一个人", 身份证号=number)])
    assert not confirmable(page)
    assert page.context["problems"] == [
        "第 3 行：这一行与第 2 行描述的是同一个返乡创业人员：请只保留其中一行。"
    ]


@pytest.mark.django_db
def test_two_rows_of_the_same_person_without_id_card_are_rejected(editor_client):
    row = person(1, 身份证号="", 出生年份="1990")
    page = preview(editor_client, [row, list(row)])
    assert not confirmable(page)
    assert "第 2 行" in page.context["problems"][0] and page.context["problems"][0].startswith("第 3 行")


# --- History, admin log, unchanged rows ---


@pytest.mark.django_db
def test_history_and_admin_log_are_written_for_new_and_changed_rows_only(editor_client):
    group = factories.SpecialGroupFactory(code="disabled", name="残疾人")
    kept = factories.EntrepreneurFactory(
        name="测试1",
        id_card_number=card(1),
        phone="13800000001",
        hometown_county="集宁区",
        return_year=2018,
        education=Entrepreneur.Education.COLLEGE,
    )
    same = person(1)
    Entrepreneur.history.all().delete()
    headers = [*HEADERS, "特殊群体"]
    page = preview(
        editor_client, [same + [""], person(2) + ["残疾人"], person(3, 返乡年份="2020") + [""]], headers
    )
    result = page.context["job"].result
    assert (result["new"], result["unchanged"], result["updated"]) == (2, 1, 0), result
    job = confirm_import(editor_client, page)
    assert job.state == Job.State.DONE, job.error
    assert job.result["new"] == 2
    user = job.user
    history = Entrepreneur.history.order_by("name")
    assert [(h.name, h.history_type, h.history_user_id) for h in history] == [
        ("测试2", "+", user.pk),
        ("测试3", "+", user.pk),
    ]
    assert not kept.history.exists()  # the unchanged row wrote nothing
    assert str(job.pk) in history[0].history_change_reason
    person2 = Entrepreneur.objects.get(name="测试2")
    assert list(person2.special_groups.all()) == [group]
    assert [g.specialgroup_id for g in history[0].special_groups.all()] == [group.pk]  # m2m history
    assert person2.gender == "M" and person2.birth_date == datetime.date(1970, 1, 1)  # derived as save() does
    assert person2.name_pinyin
    logged = LogEntry.objects.filter(user=user).values_list("object_id", "action_flag")
    assert sorted(logged) == sorted(
        [(str(person2.pk), ADDITION), (str(Entrepreneur.objects.get(name="测试3").pk), ADDITION)]
    )

    page = preview(editor_client, [person(1, 返乡年份="2019") + ["残疾人"]], headers)
    assert page.context["job"].result["preview"][0]["changed"] == ["返乡年份", "特殊群体"]
    assert confirm_import(editor_client, page).state == Job.State.DONE
    kept.refresh_from_db()
    assert kept.return_year == 2019 and list(kept.special_groups.all()) == [group]
    change = kept.history.get()
    assert change.history_type == "~" and change.return_year == 2019
    assert LogEntry.objects.filter(object_id=str(kept.pk), action_flag=CHANGE).count() == 1


@pytest.mark.django_db
def test_an_event_import_sets_the_attendance_by_difference_keeping_roles(editor_client):
    people = [
        factories.EntrepreneurFactory(name=name, id_card_number=card(n))
        for n, name in enumerate(["甲", "乙", "丙"], 1)
    ]
    event = factories.EventFactory(title="电商培训", start_date=datetime.date(2019, 5, 1), on_site=True)
    speaker = Attendance.objects.create(event=event, entrepreneur=people[0], role=Attendance.Role.SPEAKER)
    Attendance.objects.create(event=event, entrepreneur=people[1])
    headers = ["活动名称", "日期", "现场举办", "参加人员"]
    page = preview(
        editor_client, [["电商培训", "2019-05-01", "是", "甲、丙"]], headers, url="admin:events_event_import"
    )
    assert page.context["job"].result["updated"] == 1
    assert confirm_import(editor_client, page).state == Job.State.DONE
    roles = dict(Attendance.objects.filter(event=event).values_list("entrepreneur__name", "role"))
    assert roles == {"甲": "speaker", "丙": "participant"}
    assert Attendance.objects.get(pk=speaker.pk)  # kept, not recreated
    kinds = sorted(
        Attendance.history.filter(history_user__isnull=False).values_list(
            "history_type", "entrepreneur__name"
        )
    )
    assert kinds == [("+", "丙"), ("-", "乙")]
    assert Event.objects.count() == 1


# --- What the clerk sees ---


@pytest.mark.django_db
def test_the_rejected_rows_download_as_xlsx_with_a_problems_column(editor_client):
    page = preview(editor_client, [person(1), person(2, 性别="男性"), person(3, 身份证号="123")])
    assert not confirmable(page)
    job = page.context["job"]
    url = reverse("admin:jining_job_download", args=[job.pk, JobFile.Role.REJECTED])
    assert url in page.content.decode()
    download = editor_client.get(url)
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", *HEADERS, "问题")
    assert [row[0] for row in rows[1:]] == [3, 4]
    assert rows[1][1] == "测试2" and "性别" in rows[1][-1]
    assert "身份证号" in rows[2][-1]


@pytest.mark.django_db
def test_the_preview_page_shows_progress_while_the_rows_are_checked(editor_client):
    job = Job.objects.create(
        kind="import-preview",
        title="导入预览",
        user=page_user(editor_client),
        state=Job.State.RUNNING,
        done=1200,
        total=5000,
        started=datetime.datetime.now(datetime.UTC),
        params={"model": "entrepreneurs.Entrepreneur", "file_name": "人员.csv"},
    )
    page = editor_client.get(reverse("admin:entrepreneurs_entrepreneur_import_preview", args=[job.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="24"' in text and reverse("admin:jining_job_status", args=[job.pk]) in text
    assert "jining/jobs.js" in text and not confirmable(page)
    assert "1,200" in text and "5,000" in text


@pytest.mark.django_db
def test_the_jobs_page_leads_back_to_the_preview_to_confirm(editor_client):
    page = preview(editor_client, [person(1)])
    job = page.context["job"]
    job_page = editor_client.get(reverse("admin:jining_job_change", args=[job.pk]))
    preview_url = reverse("admin:entrepreneurs_entrepreneur_import_preview", args=[job.pk])
    assert preview_url in job_page.content.decode()
    assert confirmable(editor_client.get(preview_url))


@pytest.mark.django_db
def test_an_import_marks_the_stats_stale(editor_client, django_capture_on_commit_callbacks):
    factories.StatsSnapshotFactory(changes=0, stale_since=None)
    with django_capture_on_commit_callbacks(execute=True):
        page = preview(editor_client, [person(1)])
    assert StatsSnapshot.objects.get().changes == 0  # the preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(editor_client, page)
    snapshot = StatsSnapshot.objects.get()
    assert snapshot.changes == 1 and snapshot.stale_since is not None


def test_the_default_limit_is_100000_rows(settings):
    from jining.importing.formats import max_rows

    assert max_rows() == 100_000


# --- Check constraints in Python agree with the database ---


@pytest.mark.django_db
def test_check_constraints_evaluated_in_python_agree_with_the_database():
    years = [None, 1899, 1900, 1985, 2100, 2101]
    for birth_year, return_year, left_home_age in itertools.product(
        years, [None, 1948, 1980, 2020], [None, 16, 101]
    ):
        record = Entrepreneur(
            name="甲", birth_year=birth_year, return_year=return_year, left_home_age=left_home_age
        )
        for constraint in Entrepreneur._meta.constraints:
            if not hasattr(constraint, "condition") or constraint.__class__.__name__ != "CheckConstraint":
                continue
            python = bulk.q_holds(constraint.condition, record) is not False
            try:
                constraint.validate(Entrepreneur, record)
                database = True
            except Exception:
                database = False
            assert python == database, (constraint.name, birth_year, return_year, left_home_age)
    for on_site, live, replay in itertools.product([True, False], repeat=3):
        for end in [None, datetime.date(2019, 1, 1), datetime.date(2019, 2, 1)]:
            record = Event(
                title="x",
                start_date=datetime.date(2019, 1, 15),
                end_date=end,
                on_site=on_site,
                live_streamed=live,
                replay_available=replay,
            )
            for constraint in Event._meta.constraints:
                if constraint.__class__.__name__ != "CheckConstraint":
                    continue
                python = bulk.q_holds(constraint.condition, record) is not False
                try:
                    constraint.validate(Event, record)
                    database = True
                except Exception:
                    database = False
                assert python == database, (constraint.name, on_site, live, replay, end)
