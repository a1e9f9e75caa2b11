"""Jobs through the real queue: ``manage.py run_worker`` processes and the admin served by
``runserver``, against a database of their own (a SQLite file, or a PostgreSQL database when the
tests run on PostgreSQL), as in production.

A clerk's export end to end; a killed worker's job failed by the next worker's recovery; a worker
that is told to stop (SIGTERM) finishes its job first; a worker that loses the database carries on.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext, override

from tests.other_database import ROOT, manage, run_python
from tests.test_start_script import free_port

STALE_SECONDS = 3


#: Jobs go to the database queue (not run at once as in the other tests).
QUEUE = {
    "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "JOB_STALE_SECONDS": str(STALE_SECONDS),
    "JOB_HOUSEKEEPING_SECONDS": "1",
}


def environment(database_url):
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1", **QUEUE}


class Processes:
    """Workers and servers started by a test, stopped (killed if need be) when it ends."""

    def __init__(self, database_url, tmp_path):
        self.database_url, self.tmp_path, self.started = database_url, tmp_path, []

    def start(self, *args, name):
        log = open(self.tmp_path / f"{name}.log", "w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment(self.database_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = Path(log.name)
        self.started.append(process)
        return process

    def worker(self, name="worker"):
        return self.start("run_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay", name=name)

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def processes(empty_database, tmp_path):
    manage(empty_database, "migrate", "--noinput", "-v0")
    started = Processes(empty_database, tmp_path)
    yield started
    started.stop_all()


def job_state(database_url, job_id):
    return run_python(
        database_url,
        "from jining.models import Job\n"
        f"job = Job.objects.get(pk={job_id})\n"
        "print(json.dumps({'state': job.state, 'done': job.done, 'error': job.error}))",
    )


def start_count_job(database_url, n, pause):
    return run_python(
        database_url,
        "from jining.jobs import job_start\nfrom tests.jobs_for_tests import count_task\n"
        f"job = job_start(count_task, user=None, kind='test', title='count', args=({n},), "
        f"kwargs={{'pause': {pause}}})\n"
        "print(json.dumps(job.pk))",
        env=QUEUE,
    )


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_clerk_exports_through_the_admin_and_a_worker_writes_the_file(processes):
    url = processes.database_url
    manage(url, "loaddata", "article", "-v0")
    run_python(
        url,
        "from jining.models import User\n"
        "User.objects.create_superuser('clerk', password='a-long-test-password-123')\n"
        "print(json.dumps(1))",
    )
    port = free_port()
    server = processes.start("runserver", "--noreload", f"127.0.0.1:{port}", name="web")
    processes.worker()
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    wait_for(lambda: _reachable(session, f"{base}/admin/login/"), what="the server")

    login = session.get(f"{base}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    response = session.post(
        f"{base}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": "clerk", "password": "a-long-test-password-123"},
        headers={"Referer": f"{base}/admin/login/"},
    )
    logged_in = response.status_code == 200 and response.url == f"{base}/admin/"
    assert logged_in, server.log_path.read_text()[-2000:]

    export_url = f"{base}/admin/entrepreneurs/entrepreneur/export/"
    page = session.get(export_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    checkboxes = set(re.findall(r'type="checkbox" name="([^"]+)"', page.text))
    assert checkboxes
    started = time.monotonic()
    response = session.post(
        export_url,
        data={
            "csrfmiddlewaretoken": token,
            "format": "1",
            "resource": "0",
            **dict.fromkeys(checkboxes, "on"),
        },
        headers={"Referer": export_url},
        allow_redirects=False,
    )
    assert response.status_code == 302 and time.monotonic() - started < 5  # queued, not written
    job_page = response.headers["Location"]
    job_id = int(re.search(r"/job/(\d+)/", job_page).group(1))

    status_url = f"{base}/admin/jining/job/{job_id}/status/"
    status = wait_for(
        lambda: (data := session.get(status_url).json())["finished"] and data, what="the export job"
    )
    assert status["state"] == "done", job_state(url, job_id)
    page = session.get(f"{base}{job_page}")
    download = f"/admin/jining/job/{job_id}/download/output/"
    assert download in page.text
    content = session.get(f"{base}{download}").content
    assert content.startswith(b"\xef\xbb\xbf") and "张智杰" in content.decode("utf-8-sig")


def _reachable(session, url):
    try:
        return session.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_a_killed_workers_job_is_failed_by_the_next_worker(processes):
    url = processes.database_url
    first = processes.worker("first")
    job_id = start_count_job(url, 400, 0.05)
    wait_for(lambda: job_state(url, job_id)["done"] > 0, what="the job to start")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    processes.worker("second")
    state = wait_for(
        lambda: (data := job_state(url, job_id))["state"] != "running" and data,
        timeout=STALE_SECONDS + 30,
        what="the recovery",
    )
    assert state["state"] == "failed"
    with override(settings.LANGUAGE_CODE):  # the worker's language
        assert state["error"] == gettext(
            "The worker running this job stopped (it was killed or lost the database). Nothing was "
            "half-written: start the job again."
        )
    # The second worker runs new jobs as usual.
    new_job = start_count_job(url, 3, 0)
    assert wait_for(lambda: job_state(url, new_job)["state"] == "done", what="a new job")


def test_a_worker_told_to_stop_finishes_its_job_first(processes):
    url = processes.database_url
    worker = processes.worker()
    job_id = start_count_job(url, 40, 0.05)
    wait_for(lambda: job_state(url, job_id)["done"] > 0, what="the job to start")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0, worker.log_path.read_text()[-2000:]
    assert job_state(url, job_id) == {"state": "done", "done": 40, "error": ""}


def test_a_worker_that_loses_the_database_carries_on(processes, tmp_path):
    url = processes.database_url
    worker = processes.worker()
    assert wait_for(lambda: job_state(url, start_count_job(url, 2, 0))["state"] == "done", what="a job")
    if connection.vendor == "postgresql":
        name = url.rsplit("/", 1)[1]
        run_python(
            url,
            "from django.db import connection\nwith connection.cursor() as c:\n"
            '    c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s '
            'AND pid <> pg_backend_pid()", [' + repr(name) + "])\nprint(json.dumps(1))",
        )
    else:  # the database file disappears for a while, then comes back
        path = Path(url.removeprefix("sqlite:///"))
        shutil.move(path, tmp_path / "away.sqlite3")
        time.sleep(2)
        shutil.move(tmp_path / "away.sqlite3", path)
    job_id = start_count_job(url, 2, 0)
    assert wait_for(
        lambda: job_state(url, job_id)["state"] == "done", timeout=60, what="a job after the drop"
    )
    assert worker.poll() is None, worker.log_path.read_text()[-2000:]
