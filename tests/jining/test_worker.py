"""Jobs through the real queue: ``manage.py run_worker`` processes and the admin served by
``runserver``, against a database of their own (a SQLite file, or a PostgreSQL database when the
tests run on PostgreSQL), as in production.

A clerk's export end to end and an import's preview and confirm; a killed worker's job failed by
the next worker's recovery; a worker that is told to stop (SIGTERM) finishes its job first; a
worker that loses the database carries on.
"""

import re
import shutil
import signal
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext, override

from tests.live_jobs import (
    STALE_SECONDS,
    csrf_token,
    job_done,
    job_state,
    people_csv,
    queue_job,
    run_python,
    serve_admin,
    start_count_job,
    wait_for,
)


def test_a_clerk_exports_through_the_admin_and_a_worker_writes_the_file(processes):
    url = processes.database_url
    base, session = serve_admin(processes)
    export_url = f"{base}/admin/entrepreneurs/entrepreneur/export/"
    page = session.get(export_url)
    token = csrf_token(page)
    every_field = dict.fromkeys(re.findall(r'type="checkbox" name="([^"]+)"', page.text), "on")
    assert every_field
    job_page, job_id = queue_job(
        session,
        export_url,
        location=r"/admin/jining/job/(\d+)/change/",
        data={
            "csrfmiddlewaretoken": token,
            "format": "1",
            "resource": "0",
            **every_field,
        },
    )
    job_done(session, base, url, job_id, "the export job")
    page = session.get(f"{base}{job_page}")
    download = f"/admin/jining/job/{job_id}/download/output/"
    assert download in page.text
    content = session.get(f"{base}{download}").content
    assert content.startswith(b"\xef\xbb\xbf") and "张智杰" in content.decode("utf-8-sig")


def test_a_clerk_imports_through_the_admin_and_a_worker_checks_then_writes(processes):
    url = processes.database_url
    base, session = serve_admin(processes)
    import_url = f"{base}/admin/entrepreneurs/entrepreneur/import/"
    page = session.get(import_url)
    preview_page, preview_id = queue_job(
        session,
        import_url,
        location=r"/admin/entrepreneurs/entrepreneur/import/(\d+)/",
        data={"csrfmiddlewaretoken": csrf_token(page), "format": "1", "resource": "0"},
        files={"import_file": ("返乡人员.csv", people_csv(300), "text/csv")},
    )
    job_done(session, base, url, preview_id, "the preview job")
    page = session.get(f"{base}{preview_page}")
    assert 'class="import-confirm"' in page.text and "测试99" in page.text
    assert "完成" in page.text and "共 300 行：新增 300 行" in page.text
    assert (
        run_python(
            url,
            "from entrepreneurs.models import Entrepreneur\n"
            "print(json.dumps(Entrepreneur.objects.filter(name__startswith='测试').count()))",
        )
        == 0
    )

    _path, confirm_id = queue_job(
        session,
        f"{base}/admin/entrepreneurs/entrepreneur/process_import/",
        location=r"/admin/jining/job/(\d+)/change/",
        data={"csrfmiddlewaretoken": csrf_token(page), "job": str(preview_id), "confirm": "1"},
    )
    job_done(session, base, url, confirm_id, "the import job")
    written = run_python(
        url,
        "from entrepreneurs.models import Entrepreneur\n"
        "from jining.models import Job\n"
        "people = Entrepreneur.objects.filter(name__startswith='测试')\n"
        f"job = Job.objects.get(pk={confirm_id})\n"
        "created = Entrepreneur.history.filter(name__startswith='测试', history_type='+')\n"
        "print(json.dumps({'people': people.count(), 'history': created.count(), 'new': job.result['new']}))",
    )
    assert written == {"people": 300, "history": 300, "new": 300}


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
