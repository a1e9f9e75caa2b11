"""The staff's language in real Chromium (jining/language.py): a browser set to English gets the
Chinese admin; the 中文 / English switch in the header changes it, remembers it, and changes back."""

import pytest

from tests.browser.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-browser-test-password"


@pytest.fixture
def english_page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_an_english_browser_gets_chinese_and_the_switch_goes_to_english_and_back(
    english_page, live_server, shots
):
    page = english_page
    UserFactory(username="clerk", password=PASSWORD, is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.locator(".language-switch button[value=en]").is_visible()
    login(page, live_server, "clerk", PASSWORD)
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.locator("#site-name").inner_text() == "集宁区返乡创业服务管理系统"

    page.click(".language-switch button[value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Jining returnee-entrepreneurship tracker" in page.locator("#site-name").inner_text()
    page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/")  # remembered on the next page
    assert page.get_attribute("html", "lang") == "en"
    page.screenshot(path=shots("11-language-switch-english"))

    page.click(".language-switch button[value=zh-hans]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.url.endswith("/admin/entrepreneurs/entrepreneur/")  # back on the same page
