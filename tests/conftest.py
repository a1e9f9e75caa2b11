import os

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import RequestFactory

from tests.factories import StaffUserFactory


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
