"""Staff manage partner API access in the admin: create partner accounts, issue, revoke and rotate
tokens (the key shown once in a message), see prefix, expiry, status and last use, never the hash."""

import re

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from jining.models import ApiToken, User
from jining.services import PARTNER_GROUP, token_issue

KEY_RE = re.compile(r"jn_[A-Za-z0-9_-]{40,}")


def keys_in_messages(response):
    return [m for message in get_messages(response.wsgi_request) for m in KEY_RE.findall(str(message))]


def api_status(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/incubators/").status_code


@pytest.fixture
def staff(staff_client):
    return staff_client


def test_staff_create_a_partner_account_and_get_its_first_token(staff):
    response = staff.post(
        "/admin/jining/partneraccount/add/", {"username": "agri-bank", "email": "it@example.org"}
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="agri-bank")
    assert not user.is_staff and not user.has_usable_password()
    assert user.groups.filter(name=PARTNER_GROUP).exists()
    (key,) = keys_in_messages(response)
    assert api_status(key) == 200


def test_changelists_and_change_pages_never_show_the_hash(staff, partner):
    token, key = token_issue(user=partner, label="core banking")
    pages = {  # url -> whether the page shows the token's prefix
        "/admin/jining/apitoken/": True,
        "/admin/jining/apitoken/?status=usable": True,
        f"/admin/jining/apitoken/{token.pk}/change/": True,
        f"/admin/jining/partneraccount/{partner.pk}/change/": True,
        "/admin/jining/partneraccount/": False,
    }
    for url, shows_prefix in pages.items():
        response = staff.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert token.key_hash not in html and key not in html, url
        assert (token.prefix in html) == shows_prefix, url


def test_staff_issue_a_token_from_the_token_add_form(staff, partner):
    response = staff.post(
        "/admin/jining/apitoken/add/", {"user": partner.pk, "label": "reporting", "expires": ""}
    )
    assert response.status_code == 302, response.content[:2000]
    token = ApiToken.objects.get(label="reporting")
    (key,) = keys_in_messages(response)
    assert key.startswith(token.prefix) and api_status(key) == 200


def test_revoke_action(staff, partner):
    token, key = token_issue(user=partner)
    staff.post("/admin/jining/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert not token.enabled and api_status(key) == 401


def test_rotate_action_shows_the_new_key_once(staff, partner):
    token, key = token_issue(user=partner, label="core banking")
    response = staff.post(
        "/admin/jining/apitoken/", {"action": "rotate_tokens", "_selected_action": [token.pk]}
    )
    (new_key,) = keys_in_messages(response)
    assert api_status(key) == 401 and api_status(new_key) == 200
    assert ApiToken.objects.filter(user=partner, label="core banking", enabled=True).count() == 1


def test_issue_and_deactivate_actions_on_partners(staff, partner):
    response = staff.post(
        "/admin/jining/partneraccount/", {"action": "issue_tokens", "_selected_action": [partner.pk]}
    )
    (key,) = keys_in_messages(response)
    assert api_status(key) == 200
    staff.post(
        "/admin/jining/partneraccount/", {"action": "deactivate_partners", "_selected_action": [partner.pk]}
    )
    assert api_status(key) == 401
    staff.post(
        "/admin/jining/partneraccount/", {"action": "activate_partners", "_selected_action": [partner.pk]}
    )
    assert api_status(key) == 200


def test_the_token_form_refuses_a_staff_account(staff):
    clerk = User.objects.create_user("clerk", password="a-long-test-password-42", is_staff=True)
    response = staff.post("/admin/jining/apitoken/add/", {"user": str(clerk.pk), "label": "x"})
    assert response.status_code == 200 and "user" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_issuing_a_token_to_a_disabled_partner_says_why_and_issues_nothing(staff, partner):
    partner.is_active = False
    partner.save()
    response = staff.post(
        "/admin/jining/partneraccount/",
        {"action": "issue_tokens", "_selected_action": [str(partner.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(partner.username in text for text in texts), texts
    assert not ApiToken.objects.filter(user=partner).exists()
