"""Secure by default: production settings, login lockout, passwords, sessions, log redaction."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from jining.log_filters import RedactPersonalData, redact
from tests.factories import StaffUserFactory

PASSWORD = "a-long-test-password-42"
PRODUCTION_KEY = "prod-like-key-for-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz"
ID_CARD = "15090219850615007X"
OLD_ID_CARD = "150902850615007"
MOBILE = "13812345678"


def production_env(**extra):
    """A production-like environment: DJANGO_DEBUG off, no .env relaxations, nothing from pytest's env."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "jining.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": PRODUCTION_KEY,
        "DJANGO_ALLOWED_HOSTS": "jining.example.gov.cn",
    }
    env.update(extra)
    return env


def run_python(code, **extra):
    return subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(**extra),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- production settings -------------------------------------------------------------------------

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_PROXY_SSL_HEADER",
         "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SESSION_COOKIE_AGE",
         "SESSION_SAVE_EVERY_REQUEST", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_ENGINE",
         "SESSION_REFRESH_SECONDS", "MIDDLEWARE",
         "AXES_FAILURE_LIMIT", "AXES_LOCKOUT_PARAMETERS", "AXES_RESET_ON_SUCCESS", "AUTHENTICATION_BACKENDS",
         "SILENCED_SYSTEM_CHECKS"]
out = {name: getattr(s, name) for name in names}
out["AXES_COOLOFF_MINUTES"] = s.AXES_COOLOFF_TIME.total_seconds() / 60
print(json.dumps(out))
"""


def test_production_settings_are_secure_by_default():
    result = run_python(PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    produced = json.loads(result.stdout.strip().splitlines()[-1])
    assert produced["DEBUG"] is False
    assert produced["SECURE_SSL_REDIRECT"] is True
    assert produced["SECURE_HSTS_SECONDS"] >= 31536000
    assert produced["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert produced["SESSION_COOKIE_SECURE"] is True
    assert produced["CSRF_COOKIE_SECURE"] is True
    assert produced["SESSION_COOKIE_HTTPONLY"] is True
    assert produced["SECURE_PROXY_SSL_HEADER"] is None  # trusted only when configured
    assert produced["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert produced["X_FRAME_OPTIONS"] == "DENY"
    assert produced["SECURE_REFERRER_POLICY"] == "same-origin"
    assert produced["SESSION_COOKIE_AGE"] == 30 * 60
    assert produced["SESSION_SAVE_EVERY_REQUEST"] is False  # IdleSessionMiddleware refreshes instead
    assert produced["SESSION_REFRESH_SECONDS"] == 60
    assert "jining.sessions.IdleSessionMiddleware" in produced["MIDDLEWARE"]
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in produced["MIDDLEWARE"]
    assert produced["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert produced["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert produced["AXES_FAILURE_LIMIT"] == 5
    assert produced["AXES_COOLOFF_MINUTES"] == 30
    assert produced["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert produced["AXES_RESET_ON_SUCCESS"] is True
    assert produced["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert produced["SILENCED_SYSTEM_CHECKS"] == []


def test_settings_follow_the_environment():
    result = run_python(
        PRINT_SETTINGS,
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        DJANGO_SESSION_COOKIE_AGE="600",
        DJANGO_AXES_COOLOFF_MINUTES="5",
    )
    assert result.returncode == 0, result.stderr
    produced = json.loads(result.stdout.strip().splitlines()[-1])
    assert produced["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert produced["SESSION_COOKIE_AGE"] == 600
    assert produced["AXES_COOLOFF_MINUTES"] == 5


def test_debug_relaxes_https_for_local_development():
    result = run_python(PRINT_SETTINGS, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="")
    assert result.returncode == 0, result.stderr
    produced = json.loads(result.stdout.strip().splitlines()[-1])
    assert produced["SECURE_SSL_REDIRECT"] is False
    assert produced["SESSION_COOKIE_SECURE"] is False
    assert produced["SECURE_HSTS_SECONDS"] == 0


def test_check_deploy_passes_with_nothing_silenced(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}"),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "key",
    ["short-key", "django-insecure-" + "x1y2z3" * 10, "ab" * 40],
    ids=["short", "django-insecure", "few-characters"],
)
def test_weak_secret_key_fails_start_up_with_clear_message(key):
    result = run_python("import django; django.setup()", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr


def test_missing_secret_key_fails_start_up():
    result = run_python("import django; django.setup()", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_when_ssl_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/admin/login/"
    secure = client.get("/admin/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure["X-Frame-Options"] == "DENY"
    assert secure["X-Content-Type-Options"] == "nosniff"
    assert secure["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_cookies_carry_the_secure_and_httponly_flags(client):
    # The pytest environment keeps the production cookie defaults (only the redirect is off).
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    StaffUserFactory(username="lin")
    client.get("/admin/login/")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "lin", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["max-age"] == ""  # ends with the browser
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True


# --- passwords -----------------------------------------------------------------------------------


def test_password_shorter_than_12_characters_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_password("xq7#Lm2!vR9")  # 11 characters, not common
    assert [e.code for e in error.value.error_list] == ["password_too_short"]
    validate_password("xq7#Lm2!vR9k")  # 12 characters


def test_common_password_is_refused_even_when_long():
    with pytest.raises(ValidationError) as error:
        validate_password("password1234")
    assert "password_too_common" in [e.code for e in error.value.error_list]


# --- login lockout (django-axes) -----------------------------------------------------------------


def admin_login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def lin(db):
    return StaffUserFactory(username="lin")


@pytest.fixture
def other(db):
    return StaffUserFactory(username="zhao")


def fail_five_times(client, username="lin", ip="10.0.0.1"):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = admin_login(client, username, f"wrong-password-{attempt}", ip=ip)
    return response


def test_five_wrong_passwords_lock_the_username_and_ip_pair(client, lin):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "lin", "wrong-password").status_code == 200  # the form again
    response = admin_login(client, "lin", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "密码已连续输错 5 次，登录已被暂时锁定。" in page
    assert "在接下来的 30 分钟内不能从这台电脑登录" in page
    # Even the right password is refused now.
    response = admin_login(client, "lin", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_recorded_and_logged_without_the_password(client, lin, caplog):
    caplog.set_level(logging.INFO, logger="axes")
    fail_five_times(client)
    attempt = AccessAttempt.objects.get(username="lin", ip_address="10.0.0.1")
    assert attempt.failures_since_start == 5
    assert "wrong-password" not in attempt.post_data
    lockouts = [r for r in caplog.records if r.name.startswith("axes") and "Locking out" in r.getMessage()]
    assert lockouts, [r.getMessage() for r in caplog.records]
    assert all("wrong-password" not in r.getMessage() for r in caplog.records)


def test_other_usernames_and_other_addresses_are_not_locked(client, lin, other):
    fail_five_times(client, "lin", "10.0.0.1")
    assert admin_login(client, "zhao", PASSWORD, ip="10.0.0.1").status_code == 302
    client.logout()
    assert admin_login(client, "lin", PASSWORD, ip="10.0.0.2").status_code == 302


def test_lockout_expires_after_the_cool_off_time(client, lin):
    fail_five_times(client)
    assert admin_login(client, "lin", PASSWORD).status_code == 429
    # The cool-off counts from the last failure: move it back past DJANGO_AXES_COOLOFF_MINUTES.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert admin_login(client, "lin", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()  # AXES_RESET_ON_SUCCESS


def test_a_successful_login_resets_the_failure_count(client, lin):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "lin", "wrong-password")
    assert admin_login(client, "lin", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "lin", "wrong-password")
    assert admin_login(client, "lin", PASSWORD).status_code == 302


def test_api_token_authentication_is_not_affected_by_a_lockout(client, lin):
    fail_five_times(client, "lin", "127.0.0.1")
    response = client.get("/api/v1/", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 401  # the API's own answer, not the lockout page


# --- sessions ------------------------------------------------------------------------------------


def test_session_expires_after_inactivity_and_slides_with_activity(client, lin, monkeypatch):
    from jining import sessions

    assert admin_login(client, "lin", PASSWORD).status_code == 302
    session = Session.objects.get()
    # A request pushes the expiry SESSION_COOKIE_AGE ahead (sliding) once the last push is
    # SESSION_REFRESH_SECONDS old (tests/jining/test_sessions.py: not within the interval).
    later = sessions.now() + settings.SESSION_REFRESH_SECONDS
    monkeypatch.setattr(sessions, "now", lambda: later)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/admin/").status_code == 200
    session.refresh_from_db()
    remaining = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < remaining
    assert remaining <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # Idle past the age: the next request is sent back to the login page.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- no personal data in logs --------------------------------------------------------------------


def test_redact_replaces_id_card_and_mobile_numbers_keeping_at_most_four_digits():
    text = redact(f"身份证 {ID_CARD}, 旧证 {OLD_ID_CARD}, 手机 {MOBILE}, +86 139-1234-5678, 第 12 页")
    assert ID_CARD not in text and OLD_ID_CARD not in text and MOBILE not in text
    assert "13912345678" not in text.replace("-", "")
    assert "[ID-card redacted …007X]" in text
    assert "[mobile redacted …5678]" in text
    assert "第 12 页" in text
    assert (
        redact("order 20240615123456789012, ts 1732550000000")
        == "order 20240615123456789012, ts 1732550000000"
    )


def test_every_configured_handler_carries_the_redaction_filter():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_personal_data" in handler.get("filters", []), name
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    configured = [h for h in handlers if any(isinstance(f, RedactPersonalData) for f in h.filters)]
    assert configured, "the root logger has no redacting handler"
    assert logging.getLogger("django").handlers == []  # Django's own handlers replaced: it propagates


@pytest.fixture
def console():
    """What the configured root console handler writes, in a buffer."""
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactPersonalData) for f in h.filters)
    )
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_a_log_record_with_an_id_card_and_a_phone_comes_out_redacted(console, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("jining.test").warning("Entrepreneur %s, phone %s", ID_CARD, MOBILE)
    logging.getLogger("jining.test").error(f"inline {OLD_ID_CARD} and {{'phone': '{MOBILE}'}}")
    try:
        raise ValueError(f"bad row: {ID_CARD}")
    except ValueError:
        logging.getLogger("jining.test").exception("import failed")
    assert len([r for r in caplog.records if r.name == "jining.test"]) == 3
    output = console.getvalue()
    assert "Entrepreneur [ID-card redacted …007X], phone [mobile redacted …5678]" in output
    assert "bad row: [ID-card redacted …007X]" in output
    for secret in (ID_CARD, OLD_ID_CARD, MOBILE):
        assert secret not in output
    for record in caplog.records:  # the records themselves, as any later handler sees them
        assert ID_CARD not in record.getMessage() and MOBILE not in record.getMessage()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, status",
    [
        (f"/api/v1/entrepreneurs/?search={ID_CARD}&page=abc&phone={MOBILE}", 400),
        (f"/api/v1/no-such-thing/{ID_CARD}/?search={ID_CARD}", 404),
        (f"/admin/no-such-page/{MOBILE}/?q={ID_CARD}", 404),
    ],
)
def test_request_logs_with_personal_data_in_the_url_come_out_redacted(
    staff_client, console, caplog, url, status
):
    caplog.set_level(logging.INFO)
    response = staff_client.get(url)
    assert response.status_code == status
    assert any(r.name == "django.request" for r in caplog.records)
    output = console.getvalue()
    assert output, "nothing was logged"
    assert ID_CARD not in output and MOBILE not in output


def explode(request):
    raise RuntimeError(f"failed for {ID_CARD} / {MOBILE}")


urlpatterns = [path("explode/", explode)]  # ROOT_URLCONF of the test below


@pytest.mark.django_db
def test_server_error_log_is_redacted(console, caplog, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get(f"/explode/?search={ID_CARD}&tel={MOBILE}")
    assert response.status_code == 500
    output = console.getvalue()
    assert "Internal Server Error: /explode/" in output
    assert "RuntimeError: failed for [ID-card redacted …007X]" in output  # the traceback, redacted
    assert ID_CARD not in output and MOBILE not in output


@pytest.mark.parametrize("url", ["/admin/login/", "/api/v1/", "/api/v1/docs/"])
def test_every_response_carries_the_content_security_policy(db, client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # no inline script, no other origin
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
