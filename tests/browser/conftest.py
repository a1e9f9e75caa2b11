"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server.

Screenshots go to $STAFF_GUIDE_SCREENSHOTS when set (``make screenshots`` refreshes the ones in
docs/images/staff-guide/), otherwise to the test's tmp_path.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (see .ci/run).")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the same
    # test are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def shots(tmp_path):
    """shots("name") -> path of a PNG to write."""
    folder = Path(os.environ.get("STAFF_GUIDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return lambda name: str(folder / f"{name}.png")


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def article(db):
    """The article's records (fixtures/article.json) and the staff roles."""
    call_command("loaddata", "article", verbosity=0)
    call_command("setup_roles", verbosity=0)


@pytest.fixture
def page_at(browser):
    """page_at(width) -> a fresh zh-CN page in a window ``width`` px wide, clock on Asia/Shanghai."""
    contexts = []

    def open_page(width, height=900):
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": height}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield open_page
    for context in contexts:
        context.close()
