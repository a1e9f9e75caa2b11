"""A clerk's large import in real headless Chromium, against ``runserver`` and a real worker
(tests/live_jobs.py): the preview's progress bar advances while the rows are checked, the clerk
leaves the page and finds the preview again on the jobs page (任务), confirms, and the worker
writes every row.
"""

import time

from playwright.sync_api import Error as PlaywrightError

from tests.live_jobs import PASSWORD, people_csv, run_python, serve_admin

ROWS = 10000  # long enough (about 4 s here) for the bar, refreshed every second, to move twice


def progress_value(page):
    """The progress bar's value on the page (None while it has none)."""
    try:
        return page.evaluate(
            "() => { const bar = document.querySelector('.job-progress progress');"
            " return bar && bar.hasAttribute('value') ? bar.value : null; }"
        )
    except PlaywrightError:  # the page is reloading: the job has ended
        return None


def test_a_large_import_shows_progress_survives_leaving_the_page_and_confirms(page, processes, tmp_path):
    base, _session = serve_admin(processes)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/admin/entrepreneurs/entrepreneur/import/")
    page.set_input_files(
        "input[name=import_file]",
        files=[{"name": "返乡人员.csv", "mimeType": "text/csv", "buffer": people_csv(ROWS)}],
    )
    page.select_option("select[name=format]", label="csv")
    page.click("form[enctype='multipart/form-data'] [type=submit]")
    page.wait_for_url("**/entrepreneur/import/*/")
    preview_url = page.url

    # While the rows are checked, jining/jobs.js moves the bar every second.
    seen = []
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline
        and page.url == preview_url
        and page.locator(".import-confirm").count() == 0
    ):
        value = progress_value(page)
        if value is not None and (not seen or value != seen[-1]):
            seen.append(value)
        page.wait_for_timeout(100)
    partial = [value for value in seen if 0 < value < 100]
    assert len(partial) >= 2 and seen == sorted(seen), seen

    # The clerk leaves; the job goes on, and waits on the jobs page.
    page.goto(f"{base}/admin/")
    page.goto(f"{base}/admin/jining/job/")
    page.click("#result_list a:has-text('导入预览')")
    page.wait_for_load_state()
    page.locator(".job-preview-link").wait_for(timeout=120000)  # shown once the preview is ready
    page.click(".job-preview-link")
    page.wait_for_load_state()
    assert page.url == preview_url
    assert f"共 {ROWS:,} 行".replace(",", "") in page.locator(".import-counts").inner_text().replace(",", "")

    page.click("form.import-confirm [type=submit]")
    page.wait_for_url("**/admin/jining/job/*/change/")
    page.locator(".job-progress[data-finished='1']").wait_for(timeout=180000)  # reloaded when done
    assert "完成" in page.locator("#content").inner_text()
    people = run_python(
        processes.database_url,
        "from entrepreneurs.models import Entrepreneur\n"
        "print(json.dumps(Entrepreneur.objects.filter(name__startswith='测试').count()))",
    )
    assert people == ROWS
