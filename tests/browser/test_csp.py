"""The Content-Security-Policy (django-csp, jining/settings.py) in real Chromium: the admin, the
dashboard and the API docs work under it, and no page breaks a rule of it (each violation the
browser reports is collected and must be none)."""

import io

import pytest
from django.core.management import call_command

from entrepreneurs.models import Entrepreneur
from tests.browser.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-browser-test-password"

#: Records every violation the browser reports, before any script of the page runs.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def csp_page(page):
    page.add_init_script(COLLECT_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.csp_console = console
    return page


def violations(page):
    reported = page.evaluate("() => window.__cspViolations")
    logged = [text for text in page.csp_console if "Content Security Policy" in text]
    return reported + logged


def test_the_admin_dashboard_and_api_docs_work_under_the_policy(csp_page, live_server):
    page = csp_page
    call_command("loaddata", "article", verbosity=0)
    call_command("refresh_stats", stdout=io.StringIO())
    UserFactory(username="admin", is_staff=True, is_superuser=True, password=PASSWORD)
    person = Entrepreneur.objects.get(name="张智杰")

    login(page, live_server, "admin", PASSWORD)
    assert page.locator("svg.dashboard-chart").count() >= 3  # the dashboard's charts drew
    assert violations(page) == []

    page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/")
    page.locator("#action-toggle").check()  # the changelist's script runs: it selects every row
    assert page.locator("#result_list tbody input.action-select:checked").count() >= 1
    assert violations(page) == []

    page.goto(f"{live_server.url}/admin/entrepreneurs/entrepreneur/{person.pk}/change/")
    page.locator(".add-row a").first.wait_for()  # inlines' "add another" links are made by script
    assert violations(page) == []

    for path in ("/admin/entrepreneurs/entrepreneur/import/", "/admin/jining/job/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("#content").is_visible()
        assert violations(page) == [], path

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()  # Swagger UI started and read the schema
    page.locator(".opblock").first.wait_for()
    assert violations(page) == []
