"""No personal data ever reaches a partner: ID-card number, phone, exact birth date, disability and
health details, sensitive special groups, or free text about a person that may mention them; nor
what lets a reader infer a sensitive group: support given to a person by an organisation that
serves one (残联), media coverage of that one person.

Plants recognisable values in every sensitive field, then scans the JSON of every endpoint (lists,
every detail, stats, root) for them. The serializers' explicit field lists are what keep them out.
"""

import datetime

import pytest

from entrepreneurs.models import SupportMeasure
from tests.api.conftest import make_world
from tests.api.test_contract import ENDPOINTS
from tests.factories import (
    EntrepreneurFactory,
    OrganisationFactory,
    ResidencyFactory,
    SourceFactory,
    SpecialGroupFactory,
    SupportMeasureFactory,
    make_id_card,
)

BIRTH = datetime.date(1983, 7, 29)
ID_CARD = make_id_card(7, birth=BIRTH)
PHONE = "13912345678"
PLANTED = {
    "id_card_number": ID_CARD,
    "phone": PHONE,
    "birth_date": BIRTH.isoformat(),
    "birth_date_compact": BIRTH.strftime("%Y%m%d"),
    "disability_category": "PLANTED-DISABILITY-肢体一级",
    "health_notes": "PLANTED-HEALTH-高位截瘫",
    "story": "PLANTED-STORY-车祸",
    "source_quote": "PLANTED-QUOTE-截瘫",
    "sensitive_group_name": "PLANTED-SENSITIVE-残疾人",
    "sensitive_group_code": "planted-sensitive",
    "coverage_title": "PLANTED-COVERAGE-摇着轮椅",
    "sensitive_support": "PLANTED-SUPPORT-残联帮助打开销路",
    "sensitive_provider_support": "PLANTED-SUPPORT-残联",
}
HIDDEN_KEYS = {
    "id_card_number",
    "phone",
    "birth_date",
    "birth_year",
    "disability_category",
    "disability_since_year",
    "health_notes",
    "story",
}


@pytest.fixture
def person(db, monkeypatch):
    world = make_world()
    person = EntrepreneurFactory(
        id_card_number=ID_CARD,
        phone=PHONE,
        disability_category=PLANTED["disability_category"],
        disability_since_year=2008,
        health_notes=PLANTED["health_notes"],
        story=PLANTED["story"],
        source_quote=PLANTED["source_quote"],
    )
    person.special_groups.add(
        SpecialGroupFactory(
            code=PLANTED["sensitive_group_code"], name=PLANTED["sensitive_group_name"], sensitive=True
        ),
        SpecialGroupFactory(code="returnee-youth", name="返乡青年"),
    )
    person.coverage.add(SourceFactory(title=PLANTED["coverage_title"]))
    federation = OrganisationFactory(name="某残联", kind="federation", serves_sensitive_group=True)
    SupportMeasureFactory(entrepreneur=person, provider=federation, description=PLANTED["sensitive_support"])
    SupportMeasureFactory(
        entrepreneur=person,
        provider=OrganisationFactory(name="某机构"),
        kind=SupportMeasure.Kind.OTHER,
        description=PLANTED["sensitive_provider_support"],
    )
    # Support of a sensitive kind (none today; a disability subsidy would be one) is withheld too.
    monkeypatch.setattr(SupportMeasure, "SENSITIVE_KINDS", frozenset({SupportMeasure.Kind.OTHER}))
    world["enterprise"].founders.add(person)
    ResidencyFactory(incubator=world["incubator"], enterprise=None, entrepreneur=person)
    person.refresh_from_db()
    assert person.birth_date == BIRTH  # derived from the ID card: it is there to leak
    return person


def keys_of(data):
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from keys_of(value)
    elif isinstance(data, list):
        for item in data:
            yield from keys_of(item)


def every_partner_response(client):
    root = client.get("/api/v1/")
    yield "/api/v1/", root
    yield "/api/v1/stats/", client.get("/api/v1/stats/")
    for _label, path, _fields, _queries in ENDPOINTS.values():
        page = client.get(f"{path}?page_size=500")
        yield path, page
        for result in page.json()["results"]:
            yield result["url"], client.get(result["url"])


def test_no_personal_data_in_any_partner_response(person, partner_client):
    scanned = 0
    for url, response in every_partner_response(partner_client):
        assert response.status_code == 200, url
        text = response.content.decode()
        for name, value in PLANTED.items():
            assert value not in text, f"{name} leaked in {url}"
        leaked_keys = HIDDEN_KEYS & set(keys_of(response.json()))
        assert not leaked_keys, f"{leaked_keys} in {url}"
        scanned += 1
    assert scanned > 2 * len(ENDPOINTS)
    # The person is visible, with the groups that are not sensitive.
    data = partner_client.get(f"/api/v1/entrepreneurs/{person.pk}/").json()
    assert data["name"] == person.name
    assert data["birth_decade"] == 1980
    assert [group["code"] for group in data["special_groups"]] == ["returnee-youth"]


@pytest.mark.parametrize("value", [ID_CARD, PHONE, "PLANTED", "高位截瘫", "车祸"])
def test_search_does_not_look_into_hidden_fields(person, partner_client, value):
    response = partner_client.get("/api/v1/entrepreneurs/", {"search": value})
    assert response.json()["results"] == []


def test_hidden_fields_cannot_be_filtered_or_sorted_on(person, partner_client):
    assert partner_client.get("/api/v1/entrepreneurs/", {"ordering": "birth_date"}).status_code == 400
    sensitive = partner_client.get(
        "/api/v1/entrepreneurs/", {"special_group": PLANTED["sensitive_group_code"]}
    )
    assert sensitive.status_code == 200 and sensitive.json()["results"] == []  # as for an unknown code
    # A filter on a hidden field does not exist: refused as any unknown name is, the same answer
    # whether the value is the person's or not, so it cannot narrow the list down to a person.
    for name, value in [("id_card_number", ID_CARD), ("phone", PHONE), ("disability_category", "x")]:
        answers = [partner_client.get("/api/v1/entrepreneurs/", {name: v}) for v in (value, "0")]
        assert [answer.status_code for answer in answers] == [400, 400], name
        assert answers[0].json() == answers[1].json() and name in answers[0].json()["errors"]


def test_support_of_a_sensitive_provider_to_an_enterprise_and_shared_coverage_stay_listed(
    person, partner_client
):
    """Only what links a person to a sensitive group is withheld: the federation's support to an
    enterprise, and coverage of several people, are public."""
    federation = person.support_measures.get(provider__serves_sensitive_group=True).provider
    enterprise = person.enterprises.first()
    SupportMeasureFactory(
        entrepreneur=None, enterprise=enterprise, provider=federation, description="企业展销"
    )
    shared = SourceFactory(title="集宁区返乡创业综述")
    shared.featured_entrepreneurs.add(person, EntrepreneurFactory())
    measures = partner_client.get("/api/v1/support-measures/", {"page_size": 500}).json()["results"]
    assert "企业展销" in {measure["description"] for measure in measures}
    sources = partner_client.get("/api/v1/sources/", {"page_size": 500}).json()["results"]
    titles = {source["title"] for source in sources}
    assert "集宁区返乡创业综述" in titles and PLANTED["coverage_title"] not in titles
