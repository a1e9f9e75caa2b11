"""A bureau staff member's day in real headless Chromium: dashboard, pinyin search, a spreadsheet
import with one bad row then the corrected file, and a viewer who is refused an edit.

The screenshots these tests take illustrate docs/staff-guide.md (refresh with `make screenshots`).
"""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from entrepreneurs.models import Entrepreneur
from tests.browser.conftest import login
from tests.factories import UserFactory, make_id_card

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-browser-test-password"
HEADERS = ["姓名", "性别", "身份证号", "手机号", "户籍县区/旗", "出生年份", "返乡年份", "文化程度"]


@pytest.fixture
def editor(article):
    user = UserFactory(username="editor", is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name="bureau_editors"))
    return user


@pytest.fixture
def viewer(article):
    user = UserFactory(username="viewer", is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name="bureau_viewers"))
    return user


def people_csv(bad_row: bool) -> bytes:
    good_id = make_id_card(7, male=False)
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    rows = [
        HEADERS,
        ["王小明", "男", make_id_card(5), "13800000005", "卓资县", "", "2018", "大专"],
        [
            "刘芳",
            "女",
            bad_id if bad_row else good_id,
            "13800000007",
            "集宁区",
            "",
            "2019",
            "",
        ],
    ]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("gb18030")


def upload_people(page, live_server, content):
    page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/import/")
    page.set_input_files(
        "input[name=import_file]", files=[{"name": "返乡人员.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.select_option("select[name=format]", label="csv")
    page.click("form[enctype='multipart/form-data'] [type=submit]")
    page.wait_for_load_state()


def test_dashboard_shows_figures_and_charts(page, live_server, editor, shots):
    call_command("refresh_stats", stdout=io.StringIO())  # what cron does: a read computes nothing
    login(page, live_server, "editor", PASSWORD)
    assert page.locator("#dashboard").is_visible()
    assert page.locator("svg.dashboard-chart").count() >= 3
    figures = page.locator(".dashboard-figures").inner_text()
    assert "6,267" in figures and "16,510,000" in figures
    page.screenshot(path=shots("01-dashboard"), full_page=True)


def test_find_zhang_zhijie_by_pinyin_initials(page, live_server, editor, shots):
    login(page, live_server, "editor", PASSWORD)
    page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/")
    page.fill("#searchbar", "zzj")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    results = page.locator("#result_list tbody tr")
    assert results.count() == 1
    assert "张智杰" in results.first.inner_text()
    page.screenshot(path=shots("02-pinyin-search"))


def test_import_with_a_bad_row_writes_nothing_then_the_corrected_file_imports(
    page, live_server, editor, shots
):
    before = Entrepreneur.objects.count()
    login(page, live_server, "editor", PASSWORD)

    upload_people(page, live_server, people_csv(bad_row=True))
    problems = page.locator(".import-problems").inner_text()
    assert "第 3 行" in problems and "身份证号" in problems
    assert page.locator("form[action$='process_import/']").count() == 0
    page.screenshot(path=shots("03-import-problem"), full_page=True)
    assert Entrepreneur.objects.count() == before

    upload_people(page, live_server, people_csv(bad_row=False))
    page.screenshot(path=shots("04-import-preview"), full_page=True)
    page.click("form[action$='process_import/'] [type=submit]")
    page.wait_for_load_state()
    assert "/admin/jining/job/" in page.url  # the confirm is a job: its page shows how it went
    assert "完成" in page.locator("#content").inner_text()
    assert Entrepreneur.objects.count() == before + 2
    page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/")
    changelist = page.locator("#result_list").inner_text()
    assert "王小明" in changelist and "刘芳" in changelist
    page.screenshot(path=shots("05-import-done"))


def test_viewer_is_refused_an_edit(page, live_server, viewer, shots):
    person = Entrepreneur.objects.get(name="赵少青")
    login(page, live_server, "viewer", PASSWORD)
    page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/{person.pk}/change/")
    assert page.locator("input[name=_save]").count() == 0
    page.screenshot(path=shots("06-viewer-read-only"))
    response = page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/add/")
    assert response.status == 403
    person.refresh_from_db()
    assert person.name == "赵少青"


def test_a_viewer_sees_zhang_zhijies_personal_data_masked_an_editor_in_full_and_the_log_shows_it(
    page, live_server, viewer, editor, shots
):
    person = Entrepreneur.objects.get(name="张智杰")
    card = make_id_card(3, birth=datetime.date(1984, 3, 2))
    person.id_card_number, person.phone, person.health_notes = card, "13912345678", "术后复查"
    person.save()
    url = f"{live_server.url}/admin/entrepreneurs/entrepreneur/{person.pk}/change/"

    login(page, live_server, "viewer", PASSWORD)
    page.goto(url)
    content = page.locator("#content").inner_text()
    assert card[:4] + "*" * 10 + card[-4:] in content and "139****5678" in content
    assert card not in page.content() and "13912345678" not in page.content() and "术后复查" not in content
    page.screenshot(path=shots("07-viewer-masked"), full_page=True)

    page.context.clear_cookies()
    login(page, live_server, "editor", PASSWORD)
    page.goto(url)
    assert page.input_value("#id_id_card_number") == card and page.input_value("#id_phone") == "13912345678"
    assert page.input_value("#id_health_notes") == "术后复查"

    # The editor's view is in the access log, which a superuser reads.
    UserFactory(username="root", is_staff=True, is_superuser=True, password=PASSWORD)
    page.context.clear_cookies()
    login(page, live_server, "root", PASSWORD)
    page.goto(f"{live_server.url}/admin/jining/accesslog/?q=张智杰&field=id_card_number")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "editor" in rows.first.inner_text() and "身份证号" in rows.first.inner_text()
    page.screenshot(path=shots("08-access-log"))
