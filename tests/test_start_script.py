"""bin/start, the container's start script, run for real: migrate, load, collectstatic, gunicorn.

Docker cannot run in CI, so this runs exactly the script the image runs, against the database the
test session uses: a fresh throwaway PostgreSQL database when DATABASE_URL is PostgreSQL (created
and dropped here), otherwise a temporary SQLite file. It serves on a free loopback port in
production mode (DJANGO_DEBUG=0), is checked over real HTTP, then stopped.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 120  # seconds: migrations on an empty database plus collectstatic
STOP_TIMEOUT = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_admin(url):
    """A psycopg2 connection to the server's `postgres` database, in autocommit."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    return connection


@pytest.fixture
def database_url(tmp_path):
    """DATABASE_URL for the started app: its own database, never the pytest test database."""
    session_url = os.environ.get("DATABASE_URL", "")
    if not session_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'start.sqlite3'}"
        return
    base = urlsplit(session_url).path.lstrip("/") or "jining"
    name = f"{base}_start_{secrets.token_hex(4)}"
    assert re.fullmatch(r"\w+", name)
    admin = postgres_admin(session_url)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()
    try:
        yield urlunsplit(urlsplit(session_url)._replace(path=f"/{name}"))
    finally:
        admin = postgres_admin(session_url)
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()


def get(url):
    """(status, headers, body) of a GET, 4xx/5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def token_lookup(base):
    """The status of an API request with an unknown token: 401 when the database answered the lookup."""
    request = urllib.request.Request(
        base + "/api/v1/incubators/", headers={"Authorization": "Token jn_unknown"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(process, base, output):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bin/start exited with {process.returncode}:\n{output.read_text()}")
        try:
            get(base + "/admin/login/")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"bin/start did not answer within {START_TIMEOUT}s:\n{output.read_text()}")


def stop(process):
    """SIGTERM to the whole process group (gunicorn and its workers), SIGKILL if it hangs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
            pytest.fail("gunicorn did not stop on SIGTERM")


def test_start_script_serves_admin_static_files_and_api(database_url, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHON": str(VENV_BIN / "python"),
        "GUNICORN": str(VENV_BIN / "gunicorn"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "DB_WAIT_TRIES": "5",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain http on loopback; everything else as in production
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_CONN_MAX_AGE": "60",  # connections kept between requests, as docs/deploy.md suggests
    }
    output = tmp_path / "start.log"
    with output.open("wb") as log:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "start")],
            cwd=tmp_path,  # the script finds the project itself
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(process, base, output)

        status, headers, body = get(base + "/admin/login/")
        assert status == 200, body[:500]
        assert headers["Content-Type"].startswith("text/html")
        page = body.decode()
        assert "集宁" in page  # the Chinese admin
        stylesheet = re.search(r'href="(/static/admin/css/[^"]+\.css)"', page)
        assert stylesheet, "no admin stylesheet linked"
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1)), "not the hashed (manifest) name"
        status, headers, css = get(base + stylesheet.group(1))
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert "immutable" in headers.get("Cache-Control", "")  # served by whitenoise
        assert len(css) > 100

        status, headers, body = get(base + "/api/v1/")
        assert status == 401
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["code"] == "not_authenticated"

        status, _, _ = get(base + "/api/v1/entrepreneurs/?search=15090219850615007X")
        assert status == 401

        # A request line past gunicorn's default limit (4,094 bytes) gets the API's JSON 414.
        status, headers, body = get(base + "/api/v1/incubators/?search=" + "a" * 9000)
        assert status == 414 and json.loads(body)["code"] == "query_too_long"

        # The server names no version, and every page carries the Content-Security-Policy.
        assert headers["Server"] == "gunicorn"
        assert "script-src 'self'" in headers["Content-Security-Policy"]

        # The database drops every connection (a restart, a failover): the kept connections are
        # checked before reuse, so no request fails. A token lookup reads the database.
        for _ in range(4):  # each gunicorn worker keeps a connection
            assert token_lookup(base) == 401
        if database_url.startswith("postgres"):
            name = urlsplit(database_url).path.lstrip("/")
            admin = postgres_admin(database_url)
            try:
                with admin.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        [name],
                    )
                    assert cursor.fetchone()[0] >= 1  # there were kept connections to drop
            finally:
                admin.close()
        assert [token_lookup(base) for _ in range(6)] == [401] * 6
    finally:
        stop(process)
    log_text = output.read_text()
    assert "Installed" in log_text  # the article data was loaded
    assert '"GET /api/v1/entrepreneurs/ HTTP/1.1" 401' in log_text  # access log without the query
    assert "15090219850615007X" not in log_text
