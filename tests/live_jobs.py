"""Real worker processes (``manage.py run_worker``) and ``runserver`` on a database of their own
(tests/other_database.py), for the tests that run jobs through the real queue: tests/jining/test_worker.py
and the browser's tests/browser/test_import_job.py."""

import csv
import datetime
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.factories import make_id_card
from tests.other_database import ROOT, manage, run_python
from tests.test_start_script import free_port

PASSWORD = "a-long-test-password-123"

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


def serve_admin(processes):
    """The article's data, a superuser ``clerk`` (password ``PASSWORD``), ``runserver`` and one
    worker; returns (base URL, a session logged in as the clerk)."""
    url = processes.database_url
    manage(url, "loaddata", "article", "-v0")
    run_python(
        url,
        "from jining.models import User\n"
        "User.objects.create_superuser('clerk', password='" + PASSWORD + "')\n"
        "print(json.dumps(1))",
    )
    port = free_port()
    server = processes.start("runserver", "--noreload", f"127.0.0.1:{port}", name="web")
    processes.worker()
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    wait_for(lambda: _reachable(session, f"{base}/admin/login/"), what="the server")

    login = session.get(f"{base}/admin/login/")
    response = session.post(
        f"{base}/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": csrf_token(login),
            "username": "clerk",
            "password": PASSWORD,
        },
        headers={"Referer": f"{base}/admin/login/"},
    )
    logged_in = response.status_code == 200 and response.url == f"{base}/admin/"
    assert logged_in, server.log_path.read_text()[-2000:]
    return base, session


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def wait_for_job(session, base, job_id, what):
    status_url = f"{base}/admin/jining/job/{job_id}/status/"
    return wait_for(lambda: (data := session.get(status_url).json())["finished"] and data, what=what)


def queue_job(session, url, *, location, data, files=None):
    """POST a form that queues a job, as the clerk's browser does: it must redirect within 5 s
    (queued, not done) to a path matching ``location``, whose group is the job's id.
    Returns (that path, the job id)."""
    started = time.monotonic()
    response = session.post(url, data=data, files=files, headers={"Referer": url}, allow_redirects=False)
    assert response.status_code == 302 and time.monotonic() - started < 5, response.status_code
    path = response.headers["Location"]
    return path, int(re.fullmatch(location, path).group(1))


def job_done(session, base, database_url, job_id, what):
    """Wait for the job to finish, through the jobs page's status URL; it must have succeeded."""
    status = wait_for_job(session, base, job_id, what)
    assert status["state"] == "done", job_state(database_url, job_id)


def _reachable(session, url):
    try:
        return session.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def people_csv(rows):
    """A CSV of ``rows`` new people with valid, distinct ID-card numbers, as a clerk's spreadsheet."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["姓名", "性别", "身份证号", "手机号", "户籍县区/旗", "出生年份", "返乡年份", "文化程度"])
    for n in range(rows):
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 50)
        writer.writerow([f"测试{n}", "", make_id_card(n, birth=birth), "", "集宁区", "", "2018", ""])
    return text.getvalue().encode("utf-8")
