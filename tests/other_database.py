"""A second database beside the test database, driven through manage.py in another process: for
backups restored into an empty database and migrations run from an earlier version.

The ``empty_database`` fixture (tests/conftest.py) gives its URL: a new SQLite file, or a throwaway
PostgreSQL database when the tests run on PostgreSQL.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def manage(database_url, *args):
    """Run manage.py in a separate process against ``database_url``; returns its stdout."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def run_python(database_url, code, env=None):
    """Run ``code`` after ``django.setup()`` against ``database_url``; returns what its last line
    prints, as JSON."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "jining.settings",
        **(env or {}),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def digests_of(database_url):
    """``jining.backup.table_digests()`` of the database at ``database_url``."""
    return run_python(
        database_url, "from jining.backup import table_digests; print(json.dumps(table_digests()))"
    )


def empty_database_url(tmp_path):
    """The URL of a new, empty database on the same kind of server as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    assert connection.vendor == "postgresql"
    import psycopg2

    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    params = {"host": host, "port": port, "user": settings["USER"], "password": settings["PASSWORD"] or None}

    def run(sql):
        server = psycopg2.connect(dbname="postgres", **params)
        server.autocommit = True
        try:
            with server.cursor() as cursor:
                cursor.execute(sql)
        finally:
            server.close()

    run(f'CREATE DATABASE "{name}"')
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    try:
        yield f"postgres://{auth}@{host}:{port}/{name}"
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
