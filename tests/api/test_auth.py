"""Token access: hashed storage, expiry, revocation, inactive partners, last use, several tokens,
the create_partner command, view permissions and throttling."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from jining.models import ApiToken, User
from jining.services import PARTNER_GROUP, partner_create, token_issue, token_revoke, token_rotate
from tests.factories import IncubatorFactory, StaffUserFactory, UserFactory

URL = "/api/v1/incubators/"


def client_for(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_key_is_stored_hashed_never_in_plain_text(partner):
    token, key = token_issue(user=partner)
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in [str(value) for value in row.values()]
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(row["prefix"]) and len(row["prefix"]) < len(key) // 3
    assert len(key) >= 40  # 256 random bits
    assert client_for(key).get(URL).status_code == 200


def test_token_expires(partner):
    _token, key = token_issue(user=partner, expires=timezone.now() - datetime.timedelta(seconds=1))
    response = client_for(key).get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_default_lifetime_comes_from_settings(partner, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    token, _key = token_issue(user=partner)
    assert token.expires - timezone.now() == pytest.approx(
        datetime.timedelta(days=30), abs=datetime.timedelta(minutes=1)
    )


def test_revoked_token_is_refused(partner):
    token, key = token_issue(user=partner)
    token_revoke(token=token)
    response = client_for(key).get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "token_revoked"


def test_disabling_the_partner_disables_all_its_tokens(partner):
    keys = [token_issue(user=partner)[1] for _ in range(2)]
    partner.is_active = False
    partner.save()
    for key in keys:
        response = client_for(key).get(URL)
        assert response.status_code == 401
        assert response.json()["code"] == "account_disabled"


def test_a_partner_holds_several_tokens_and_rotation_replaces_one(partner):
    first, first_key = token_issue(user=partner, label="core banking")
    _second, second_key = token_issue(user=partner, label="reporting")
    new, new_key = token_rotate(token=first)
    assert new.label == "core banking" and new.user == partner and new_key != first_key
    assert client_for(first_key).get(URL).status_code == 401
    assert client_for(second_key).get(URL).status_code == 200
    assert client_for(new_key).get(URL).status_code == 200


def test_last_used_is_recorded_at_most_once_a_minute(partner, django_assert_num_queries):
    token, key = token_issue(user=partner)
    assert token.last_used is None
    client = client_for(key)
    client.get(URL)
    token.refresh_from_db()
    first_use = token.last_used
    assert first_use is not None
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used == first_use  # no write within the interval
    ApiToken.objects.filter(pk=token.pk).update(last_used=first_use - datetime.timedelta(minutes=2))
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used > first_use - datetime.timedelta(minutes=2)


@pytest.mark.parametrize(
    "header",
    ["Token", "Token two parts", "Token not-a-real-key", "Token ключ"],
)
def test_malformed_or_unknown_keys_are_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_create_partner_prints_the_token_alone_on_the_last_line(db):
    out = StringIO()
    call_command("create_partner", "nongshang-bank", stdout=out)
    key = out.getvalue().splitlines()[-1]
    assert key.strip() == key and " " not in key
    user = User.objects.get(username="nongshang-bank")
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert user.groups.filter(name=PARTNER_GROUP).exists()
    IncubatorFactory()
    assert client_for(key).get(URL).status_code == 200
    assert client_for(key).post(URL, {"name": "x"}).status_code == 403

    # A second run finds the same account and issues another token; the first one keeps working.
    out = StringIO()
    call_command("create_partner", "nongshang-bank", stdout=out)
    second_key = out.getvalue().splitlines()[-1]
    assert second_key != key
    assert User.objects.filter(username="nongshang-bank").count() == 1
    assert ApiToken.objects.filter(user=user).count() == 2
    assert client_for(second_key).get(URL).status_code == 200
    assert client_for(key).get(URL).status_code == 200


def test_create_partner_refuses_a_staff_account(db):
    StaffUserFactory(username="director")
    with pytest.raises(CommandError):
        call_command("create_partner", "director", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_partner_cannot_log_in_to_the_admin(partner, client):
    assert not client.login(username=partner.username, password="")
    client.force_login(partner)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_partner_group_has_only_view_permissions(partner):
    codenames = set(Group.objects.get(name=PARTNER_GROUP).permissions.values_list("codename", flat=True))
    assert codenames and all(code.startswith("view_") for code in codenames)
    assert "view_user" not in codenames and "view_apitoken" not in codenames


def test_logged_in_user_without_view_permission_gets_403(db, client):
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    "account",
    [{"is_staff": True}, {"is_superuser": True}, {"is_active": False}, {}],
    ids=["staff", "superuser", "inactive", "outside-the-partners-group"],
)
def test_a_token_is_issued_to_partner_accounts_only(db, account):
    user = UserFactory(**account)
    with pytest.raises(ValidationError) as refused:
        token_issue(user=user)
    assert "user" in refused.value.message_dict and not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"is_staff": True}, {"is_superuser": True}],
    ids=["made-staff", "made-superuser"],
)
def test_a_partners_token_stops_working_once_the_account_is_made_staff(partner, change):
    _token, key = token_issue(user=partner)
    assert client_for(key).get(URL).status_code == 200
    User.objects.filter(pk=partner.pk).update(**change)
    response = client_for(key).get(URL)
    assert response.status_code == 401 and response.json()["code"] == "account_not_partner"
    assert partner.username in response.json()["detail"]


def test_a_token_stops_working_once_the_account_leaves_the_partners_group(partner):
    _token, key = token_issue(user=partner)
    partner.groups.clear()
    response = client_for(key).get(URL)
    assert response.status_code == 401 and response.json()["code"] == "account_not_partner"


def test_partner_create_finds_the_existing_partner(db):
    first, created = partner_create(username="agency")
    again, created_again = partner_create(username="agency")
    assert created and not created_again and first == again


def test_throttling_per_token_gives_429_with_retry_after(partner, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    _token, key = token_issue(user=partner)
    _other, other_key = token_issue(user=partner)
    client = client_for(key)
    for _ in range(3):
        assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"
    # Another token has its own allowance.
    assert client_for(other_key).get(URL).status_code == 200
