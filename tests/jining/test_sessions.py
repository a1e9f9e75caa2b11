"""Staff sessions end after SESSION_COOKIE_AGE idle; the expiry moves forward at most once a
SESSION_REFRESH_SECONDS, not with a write on every page (jining/sessions.py)."""

from django.contrib.sessions.models import Session

from jining import sessions


def expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_the_expiry_moves_forward_once_per_interval(staff_client, monkeypatch, settings):
    now = [1_800_000_000]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    assert staff_client.get("/admin/").status_code == 200
    first = expiry(staff_client)
    now[0] += settings.SESSION_REFRESH_SECONDS - 1
    assert staff_client.get("/admin/").status_code == 200
    assert expiry(staff_client) == first  # within the interval: not written
    now[0] += 1
    assert staff_client.get("/admin/").status_code == 200
    assert expiry(staff_client) > first  # the interval passed: moved forward


def test_no_session_write_within_the_interval(staff_client, monkeypatch):
    monkeypatch.setattr(sessions, "now", lambda: 1_800_000_000)
    staff_client.get("/admin/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get("/admin/").status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')]
    assert writes == []


def test_an_idle_session_ends(staff_client, settings):
    assert staff_client.get("/admin/").status_code == 200
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")  # as if idle past SESSION_COOKIE_AGE
    response = staff_client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_request_without_a_session_stores_none(db, client):
    client.get("/api/v1/")
    assert Session.objects.count() == 0
