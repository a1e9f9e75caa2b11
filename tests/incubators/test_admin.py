"""The incubator admin: resident counts, the residency status filter, inlines and query counts."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from incubators.models import Designation, Facility, Incubator, Residency, Service
from jining.concurrency import VERSION_FIELD, version_of
from tests import factories


def add_residents(incubator, *, current=0, ending_soon=0, ended=0):
    """Residencies without an end date, ending next month (still current) and ended in 2019."""
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    for end_date, n in ((None, current), (next_month, ending_soon), (datetime.date(2019, 6, 30), ended)):
        for _ in range(n):
            factories.ResidencyFactory(
                incubator=incubator, start_date=datetime.date(2018, 1, 1), end_date=end_date
            )


def test_incubator_resident_counts(admin_request):
    incubator = factories.IncubatorFactory()
    empty = factories.IncubatorFactory()
    add_residents(incubator, current=2, ending_soon=1, ended=3)
    model_admin = admin.site._registry[Incubator]
    rows = {row.pk: row for row in model_admin.get_queryset(admin_request)}
    assert model_admin.resident_count(rows[incubator.pk]) == 3
    assert model_admin.residency_count(rows[incubator.pk]) == 6
    assert model_admin.resident_count(rows[empty.pk]) == 0
    assert model_admin.residency_count(rows[empty.pk]) == 0


def test_incubator_changelist_orders_by_current_residents(staff_client):
    busy = factories.IncubatorFactory()
    factories.IncubatorFactory()
    add_residents(busy, current=1)
    response = staff_client.get(reverse("admin:incubators_incubator_changelist"), {"o": "-7"})
    assert response.status_code == 200
    assert response.context["cl"].result_list[0] == busy


def test_incubator_changelist_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    url = reverse("admin:incubators_incubator_changelist")

    def populate(n):
        for _ in range(n):
            incubator = factories.IncubatorFactory(
                parent=factories.IncubatorFactory(), operator=factories.OrganisationFactory()
            )
            incubator.services.add(factories.ServiceFactory())
            add_residents(incubator, current=1, ended=1)

    populate(1)
    # 15: the page, its filters and counts, plus the sliding session save (SAVEPOINT, UPDATE, RELEASE).
    with django_assert_max_num_queries(15) as baseline:
        staff_client.get(url)
    populate(15)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = staff_client.get(url)
    assert response.context["cl"].result_count == 32


def test_incubator_change_page_has_its_inlines(staff_client):
    residency = factories.ResidencyFactory()
    factories.FacilityFactory(incubator=residency.incubator)
    factories.DesignationFactory(incubator=residency.incubator)
    response = staff_client.get(reverse("admin:incubators_incubator_change", args=[residency.incubator.pk]))
    assert response.status_code == 200
    inlines = {
        formset.formset.model: len(formset.formset.forms)
        for formset in response.context["inline_admin_formsets"]
    }
    assert inlines == {
        Facility: 1,
        Designation: 1,
        Residency: 1,
    }


def test_incubator_can_be_saved_with_an_inline_row(staff_client):
    incubator = factories.IncubatorFactory()
    enterprise = factories.EnterpriseFactory()
    prefixes = {"facilities": 0, "designations": 0, "residencies": 1}
    data = {
        "code": incubator.code,
        "name": incubator.name,
        "kind": incubator.kind,
        "residencies-0-enterprise": enterprise.pk,
        "residencies-0-start_date": "2019-03-01",
        "residencies-0-start_precision": "month",
        VERSION_FIELD: version_of(incubator),  # the version the change page was opened with
    }
    for prefix, total in prefixes.items():
        data |= {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0}
    response = staff_client.post(reverse("admin:incubators_incubator_change", args=[incubator.pk]), data)
    assert response.status_code == 302, response.context["errors"]
    assert incubator.residencies.get().enterprise == enterprise


@pytest.mark.parametrize(
    "status, expected", [("yes", {"current"}), ("no", {"ended"}), (None, {"current", "ended"})]
)
def test_residency_status_filter(staff_client, status, expected):
    incubator = factories.IncubatorFactory()
    factories.ResidencyFactory(incubator=incubator, unit="current")
    factories.ResidencyFactory(
        incubator=incubator,
        unit="ended",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2018, 1, 1),
    )
    params = {"current": status} if status else {}
    response = staff_client.get(reverse("admin:incubators_residency_changelist"), params)
    assert {residency.unit for residency in response.context["cl"].result_list} == expected


def test_residency_display_methods(db):
    model_admin = admin.site._registry[Residency]
    residency = factories.ResidencyFactory(entrepreneur=factories.EntrepreneurFactory(), enterprise=None)
    assert model_admin.resident(residency) == residency.entrepreneur
    assert model_admin.is_current(residency) is True
    residency.end_date = datetime.date(2018, 1, 1)
    assert model_admin.is_current(residency) is False


def test_service_incubator_count(admin_request):
    training, legal = factories.ServiceFactory.create_batch(2)
    for incubator in factories.IncubatorFactory.create_batch(2):
        incubator.services.add(training)
    rows = {row.pk: row for row in admin.site._registry[Service].get_queryset(admin_request)}
    assert rows[training.pk].incubator_count == 2
    assert rows[legal.pk].incubator_count == 0
