import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.test.client import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from jining.services import partner_create, token_issue
from tests.factories import StaffUserFactory
from tests.other_database import empty_database_url, manage


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    """Every test starts with no requests counted against any token's rate (the API throttle's
    counters live in the cache, per process: tests on one worker would add up)."""
    cache.clear()
    yield
    cache.clear()


def pytest_configure(config):
    # whitenoise warns on every request when STATIC_ROOT does not exist (before any collectstatic).
    os.makedirs(str(settings.STATIC_ROOT), exist_ok=True)


class AxesClient(Client):
    """The test client, whose ``login()`` goes through django-axes like the admin login form does.

    axes (first in AUTHENTICATION_BACKENDS) refuses an ``authenticate()`` without a request, and
    Django's ``Client.login`` passes none; give it one from 127.0.0.1. ``force_login`` is unchanged.
    """

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/admin/login/"))
        return super().login(**credentials)


@pytest.fixture
def client():
    return AxesClient()


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="staff")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_request(staff_user):
    """A GET request in the admin by ``staff_user``, for calling ModelAdmin methods directly."""
    request = RequestFactory().get("/admin/")
    request.user = staff_user
    return request


# Partners of the API ---------------------------------------------------------------------------


@pytest.fixture
def partner(db):
    user, _created = partner_create(username="bank-of-jining")
    return user


@pytest.fixture
def partner_token(partner):
    token, key = token_issue(user=partner, label="tests")
    # Freshly used: the request under test does not write last_used (keeps query counts stable).
    token.last_used = timezone.now()
    token.save(update_fields=["last_used"])
    return token, key


@pytest.fixture
def partner_client(partner_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {partner_token[1]}")
    return client


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database beside the test database (tests/other_database.py)."""
    yield from empty_database_url(tmp_path)


@pytest.fixture
def processes(empty_database, tmp_path):
    """Worker and server processes on a new migrated database (tests/live_jobs.py), stopped at the end."""
    from tests.live_jobs import Processes

    manage(empty_database, "migrate", "--noinput", "-v0")
    started = Processes(empty_database, tmp_path)
    yield started
    started.stop_all()
