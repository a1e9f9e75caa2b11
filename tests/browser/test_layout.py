"""No admin page is wider than the window, at a 1,366 px desk screen and on a 375 px phone
(jining/static/jining/layout.css, overview/static/overview/dashboard.css): every changelist and
change page of a registered model, with the article's records and inline rows, and the dashboard,
whose table header keeps its words on one line and whose chart labels stay inside their charts.
"""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from entrepreneurs.models import Enterprise, Entrepreneur
from events.models import Event
from tests.browser.conftest import login
from tests.factories import AttendanceFactory, FinancingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-browser-test-password"
DESK, PHONE = 1366, 375

#: [page width, window width] and, when wider, the elements that stick out furthest.
MEASURE = """() => {
  const inner = window.innerWidth, width = document.documentElement.scrollWidth;
  const out = width <= inner ? [] : [...document.querySelectorAll("body *")]
    .map((e) => [e.tagName.toLowerCase() + (e.id ? "#" + e.id : ""), e.getBoundingClientRect().right])
    .filter(([, right]) => right > inner).slice(-3);
  return [width, inner, out];
}"""

#: The figures table's header cells: [text, height, font size] each.
HEADER_CELLS = """() => [...document.querySelectorAll("#dashboard .dashboard-figures th")].map((th) => {
  const style = getComputedStyle(th);
  const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  return [th.textContent.trim(), th.getBoundingClientRect().height - padding, parseFloat(style.fontSize)];
})"""

#: Each chart text that reaches outside its SVG, or an SVG outside its box.
CLIPPED_LABELS = """() => [...document.querySelectorAll("svg.dashboard-chart")].flatMap((svg) => {
  const box = svg.getBoundingClientRect(), section = svg.parentElement.getBoundingClientRect();
  const out = [...svg.querySelectorAll("text")].filter((t) => {
    const r = t.getBoundingClientRect();
    return r.width && (r.left < box.left - 1 || r.right > box.right + 1
      || r.top < box.top - 1 || r.bottom > box.bottom + 1);
  }).map((t) => t.textContent);
  if (box.left < section.left || box.right > section.right) out.push("svg outside its box");
  return out;
})"""

#: The dashboard's numbers (tiles and the figures' two number columns) that are not in the window.
NUMBERS_OFF_SCREEN = """() => [...document.querySelectorAll(
  "#dashboard .dashboard-tile .value, #dashboard .dashboard-figures td.num")].filter((e) => {
  const r = e.getBoundingClientRect();
  return !r.width || r.left < 0 || r.right > window.innerWidth;
}).map((e) => e.textContent)"""


@pytest.fixture
def records(article):
    """The article's records, financing and attendance rows besides, the stats computed, a superuser."""
    enterprise = Enterprise.objects.get(name="内蒙古创奇智能电子科技有限公司")
    FinancingFactory.create_batch(3, enterprise=enterprise)
    AttendanceFactory(
        event=Event.objects.order_by("pk").first(), entrepreneur=Entrepreneur.objects.get(name="张智杰")
    )
    call_command("refresh_stats", stdout=io.StringIO())
    return UserFactory(username="clerk", password=PASSWORD, is_staff=True, is_superuser=True)


def admin_pages(user):
    """The index, then each registered model's changelist and the change page of its first record."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    return pages


def too_wide(page, live_server, paths):
    """Each of ``paths`` that is wider than the window, with what sticks out."""
    wide = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok and page.url.endswith(path), path
        width, inner, out = page.evaluate(MEASURE)
        if width > inner:
            wide.append((path, width, out))
    return wide


@pytest.mark.parametrize("width", [DESK, PHONE])
def test_no_admin_page_is_wider_than_the_window(page_at, live_server, records, width, shots):
    pages = admin_pages(records)
    person = Entrepreneur.objects.get(name="张智杰")
    enterprise = Enterprise.objects.get(name="内蒙古创奇智能电子科技有限公司")
    with_inlines = [
        reverse("admin:entrepreneurs_entrepreneur_change", args=[person.pk]),
        reverse("admin:entrepreneurs_enterprise_change", args=[enterprise.pk]),
    ]
    main = [
        f"/admin/{name}/"
        for name in (
            "entrepreneurs/entrepreneur",
            "entrepreneurs/enterprise",
            "entrepreneurs/financing",
            "entrepreneurs/supportmeasure",
            "events/event",
            "incubators/incubator",
        )
    ]
    assert set(main + with_inlines) <= set(pages)
    page = page_at(width)
    login(page, live_server, "clerk", PASSWORD)
    for path in with_inlines:  # the pages the test is about have the inline rows that widened them
        page.goto(f"{live_server.url}{path}")
        assert page.locator(".inline-group .has_original").count() >= 2, path
    if width == DESK:  # the enterprise's financing rows scroll inside their own box
        page.evaluate("document.querySelector('#financings-group').scrollIntoView()")
        page.screenshot(path=shots("09-change-page-inlines"))
    assert too_wide(page, live_server, pages) == []


@pytest.mark.parametrize("width", [DESK, PHONE])
def test_the_dashboard_fits_with_its_numbers_headers_and_chart_labels(
    page_at, live_server, records, width, shots
):
    page = page_at(width, height=812 if width == PHONE else 900)
    login(page, live_server, "clerk", PASSWORD)
    assert too_wide(page, live_server, ["/admin/"]) == []
    assert page.evaluate(NUMBERS_OFF_SCREEN) == []
    assert page.locator("svg.dashboard-chart").count() >= 3
    assert page.evaluate(CLIPPED_LABELS) == []
    if width == DESK:  # on a phone each row is a card and the header is for screen readers only
        headers = page.evaluate(HEADER_CELLS)
        assert "系统登记数" in [text for text, _, _ in headers]
        for text, height, font_size in headers:
            assert height <= 2.5 * 1.5 * font_size, text  # at most two lines of text
    else:
        page.screenshot(path=shots("10-dashboard-phone"))
