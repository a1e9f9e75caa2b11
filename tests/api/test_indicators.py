"""/api/v1/incubators/ID/indicators/: stored aggregates of a base for a period, no personal data."""

import datetime

from incubators.models import Indicator
from overview.indicators import assess, year_period
from tests import factories


def test_a_base_s_stored_indicators_for_a_year(db, partner_client, django_assert_max_num_queries):
    base = factories.IncubatorFactory()
    factories.ResidencyFactory(incubator=base, start_date=datetime.date(2019, 3, 1))
    factories.EmploymentFactory(enterprise=base.residencies.get().enterprise)
    assess(base, *year_period(2019))
    with django_assert_max_num_queries(5):  # token, its last use, incubator, stored values
        response = partner_client.get(f"/api/v1/incubators/{base.pk}/indicators/", {"year": 2019})
    assert response.status_code == 200
    data = response.json()
    assert (data["period_start"], data["period_end"]) == ("2019-01-01", "2019-12-31")
    assert data["incubator"]["id"] == base.pk
    rows = {row["indicator"]: row for row in data["indicators"]}
    assert list(rows) == [code for code, _label in Indicator.choices]
    assert rows["residents"]["value"] == "1.00" and rows["jobs"]["value"] == "1.00"
    assert set(rows["jobs"]) == {"indicator", "label", "value", "numerator", "denominator"}
    assert "id_card" not in response.content.decode()
    assess(base, *year_period(2018))
    latest = partner_client.get(f"/api/v1/incubators/{base.pk}/indicators/")  # without a year: 2019
    assert latest.json() == data
    assert (
        partner_client.get(f"/api/v1/incubators/{base.pk}/indicators/", {"year": 2018}).json()["period_start"]
        == "2018-01-01"
    )


def test_bad_periods_unknown_bases_and_uncomputed_periods(db, partner_client, anon_client):
    base = factories.IncubatorFactory()
    url = f"/api/v1/incubators/{base.pk}/indicators/"
    for params in ({"year": "abc"}, {"year": 1999}, {"year": 10**30}):
        response = partner_client.get(url, params)
        assert response.status_code == 400, params
        assert "year" in response.json()["errors"]
    assert partner_client.get(url, {"year": 2019}).status_code == 404  # nothing computed
    assert partner_client.get(url).status_code == 404
    assert partner_client.get("/api/v1/incubators/999999/indicators/", {"year": 2019}).status_code == 404
    assert anon_client.get(url, {"year": 2019}).status_code == 401
    assert partner_client.post(url, {"year": 2019}).status_code in (403, 405)
