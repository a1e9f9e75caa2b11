"""The `ensure_local_staff` command that `make run` calls on a developer's machine."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD_ENV = "DJANGO_LOCAL_ADMIN_PASSWORD"


def run(*args):
    """Run the command and return its output and the password it printed."""
    out = io.StringIO()
    call_command("ensure_local_staff", *args, stdout=out)
    output = out.getvalue()
    match = re.search(r"^\s*password: (\S+)$", output, re.MULTILINE)
    assert match, output
    return output, match.group(1)


@pytest.fixture
def debug(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def test_refuses_without_debug(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv(PASSWORD_ENV, "a-chosen-local-password")
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("ensure_local_staff", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_creates_a_staff_superuser_whose_printed_password_works(debug, client):
    output, password = run()
    user = get_user_model().objects.get()
    assert user.username == "admin"
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, True, True)
    assert output.startswith("Created")
    assert "username: admin" in output
    assert len(password) >= 12
    assert client.login(username="admin", password=password)


def test_second_run_resets_the_password_and_the_flags(debug, client):
    _, first_password = run()
    get_user_model().objects.update(is_staff=False, is_superuser=False, is_active=False)
    output, second_password = run()
    assert output.startswith("Reset")
    assert second_password != first_password
    user = get_user_model().objects.get()
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, True, True)
    assert not client.login(username="admin", password=first_password)
    assert client.login(username="admin", password=second_password)


def test_honours_the_password_from_the_environment(debug, client, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "a-chosen-local-password")
    _, password = run()
    assert password == "a-chosen-local-password"
    assert client.login(username="admin", password="a-chosen-local-password")


def test_username_option(debug, client):
    _, password = run("--username", "lin")
    assert get_user_model().objects.get().username == "lin"
    assert client.login(username="lin", password=password)
