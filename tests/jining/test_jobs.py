"""Background jobs (jining/jobs.py) and the jobs page (任务), with tasks run at once when queued.

tests/jining/test_worker.py runs the same through real worker processes.
"""

import datetime
import json

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jining import jobs
from jining.models import Job, JobFile
from tests.factories import StaffUserFactory, UserFactory
from tests.jobs_for_tests import count_task, crash_task

pytestmark = pytest.mark.django_db


def test_a_job_runs_reports_progress_and_keeps_its_file(staff_user):
    job = jobs.job_start(count_task, user=staff_user, kind="test", title="数一数", args=(5,))
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.result) == (Job.State.DONE, 5, 5, {"rows": 5})
    assert job.started <= job.finished and job.task_id
    assert jobs.read_file(job, JobFile.Role.OUTPUT) == b"1\n2\n3\n4\n5"


def test_a_job_with_nothing_to_do_finishes(staff_user):
    """0 rows is a total: an export of an empty changelist reports 0 of 0 and finishes."""
    job = jobs.job_start(count_task, user=staff_user, kind="test", title="空", args=(0,))
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (Job.State.DONE, 0, 0), job.error


def test_a_finished_jobs_progress_reads_as_finished_not_as_its_last_stage(staff_user):
    job = Job.objects.create(kind="test", title="t", user=staff_user, state=Job.State.RUNNING)
    job.stage, job.done, job.started = "正在比对", 3, timezone.now()
    assert jobs.job_progress(job)["text"].startswith("正在比对 · 3")
    job.state, job.finished = Job.State.DONE, job.started
    text = jobs.job_progress(job)["text"]
    assert text.startswith(f"{job.get_state_display()} · 3") and "正在比对" not in text


def test_a_file_larger_than_a_chunk_is_stored_in_order(staff_user, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_BYTES", 7)
    job = Job.objects.create(kind="test", title="t", user=staff_user)
    data = bytes(range(256)) * 3
    jobs.store_file(job, JobFile.Role.INPUT, "in.bin", "application/octet-stream", data)
    job_file = JobFile.objects.get(job=job)
    assert job_file.chunks.count() == -(-len(data) // 7) and job_file.size == len(data)
    assert jobs.read_file(job) == data


def test_a_job_error_fails_the_job_with_its_message(staff_user):
    job = jobs.job_start(
        count_task, user=staff_user, kind="test", title="t", args=(5,), kwargs={"fail_at": 3}
    )
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "stopped at 3"
    assert job.done == 2 and not job.files.exists()


def test_an_unexpected_error_fails_the_job_without_a_traceback_for_the_user(staff_user):
    job = jobs.job_start(crash_task, user=staff_user, kind="test", title="t")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "ZeroDivisionError" in job.error and "boom" not in job.error


def test_a_waiting_job_cancelled_never_runs(staff_user, django_capture_on_commit_callbacks):
    job = Job.objects.create(kind="test", title="t", user=staff_user)
    jobs.job_cancel(job)
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.finished
    # The worker takes the task later: it finds the job cancelled and skips it.
    count_task.call(job.pk, 3)
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.done == 0


def test_a_running_job_stops_at_its_next_progress_report_once_cancelled(staff_user):
    job = Job.objects.create(kind="test", title="t", user=staff_user)
    original = jobs.JobRunner.progress

    def progress(self, done, total=None, stage=None):
        if done == 2:
            Job.objects.filter(pk=self.job.pk).update(cancel_requested=True)
            self._last_flush = 0  # report now
        return original(self, done, total, stage)

    jobs.JobRunner.progress = progress
    try:
        count_task.call(job.pk, 10)
    finally:
        jobs.JobRunner.progress = original
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert job.done < 10 and not job.files.exists()


def test_a_system_job_waits_at_most_once():
    first = jobs.job_start_unique(count_task, kind="recompute", title="t")
    assert first.state == Job.State.DONE  # run at once in tests: nothing waits any more
    waiting = Job.objects.create(kind="recompute", title="t", user=None)
    assert jobs.job_start_unique(count_task, kind="recompute", title="t") == waiting
    assert Job.objects.filter(kind="recompute", state=Job.State.QUEUED).count() == 1


@override_settings(JOB_STALE_SECONDS=60)
def test_a_job_whose_worker_stopped_is_failed_with_a_clear_message(staff_user):
    now = timezone.now()
    stale = Job.objects.create(
        kind="test",
        title="t",
        user=staff_user,
        state=Job.State.RUNNING,
        heartbeat=now - datetime.timedelta(seconds=61),
    )
    alive = Job.objects.create(
        kind="test",
        title="t",
        user=staff_user,
        state=Job.State.RUNNING,
        heartbeat=now - datetime.timedelta(seconds=5),
    )
    assert jobs.jobs_recover() == 1
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.state == Job.State.FAILED
    assert stale.error == gettext(
        "The worker running this job stopped (it was killed or lost the database). Nothing was "
        "half-written: start the job again."
    )
    assert alive.state == Job.State.RUNNING


@override_settings(JOB_FILE_RETENTION_DAYS=7, JOB_HISTORY_DAYS=90)
def test_files_expire_after_their_retention_and_jobs_after_theirs(staff_user):
    now = timezone.now()

    def finished(days):
        job = Job.objects.create(
            kind="test",
            title=f"{days}",
            user=staff_user,
            state=Job.State.DONE,
            finished=now - datetime.timedelta(days=days),
        )
        jobs.store_file(job, JobFile.Role.OUTPUT, "f.csv", "text/csv", b"x")
        return job

    recent, week_old, _ancient = finished(1), finished(8), finished(91)
    running = Job.objects.create(kind="test", title="r", user=staff_user, state=Job.State.RUNNING)
    jobs.store_file(running, JobFile.Role.INPUT, "in.csv", "text/csv", b"x")
    jobs.jobs_prune(now)
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, week_old.pk, running.pk}
    assert set(JobFile.objects.values_list("job", flat=True)) == {recent.pk, running.pk}


# --- The jobs page (任务) ---


@pytest.fixture
def two_clerks_jobs():
    mine = StaffUserFactory(username="clerk_a", is_superuser=False)
    theirs = StaffUserFactory(username="clerk_b", is_superuser=False)
    my_job = jobs.job_start(count_task, user=mine, kind="test", title="我的导出", args=(3,))
    their_job = jobs.job_start(count_task, user=theirs, kind="test", title="别人的导出", args=(3,))
    return mine, my_job, their_job


def test_staff_see_only_their_own_jobs_and_files(client, two_clerks_jobs):
    mine, my_job, their_job = two_clerks_jobs
    client.force_login(mine)
    page = client.get(reverse("admin:jining_job_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "我的导出" in text and "别人的导出" not in text
    download = client.get(reverse("admin:jining_job_download", args=[my_job.pk, "output"]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"1\n2\n3"
    assert "numbers.txt" in download["Content-Disposition"]
    assert (
        client.get(reverse("admin:jining_job_change", args=[their_job.pk])).status_code == 302
    )  # to the list
    assert client.get(reverse("admin:jining_job_status", args=[their_job.pk])).status_code == 403
    assert client.get(reverse("admin:jining_job_download", args=[their_job.pk, "output"])).status_code == 403
    assert client.post(reverse("admin:jining_job_cancel", args=[their_job.pk])).status_code == 403
    assert client.get(reverse("admin:jining_job_download", args=[my_job.pk, "input"])).status_code == 404


def test_a_superuser_sees_every_job(client, two_clerks_jobs):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    text = client.get(reverse("admin:jining_job_changelist")).content.decode()
    assert "我的导出" in text and "别人的导出" in text


def test_the_status_of_a_running_job_says_how_far_it_is(client, staff_user):
    job = Job.objects.create(
        kind="test",
        title="t",
        user=staff_user,
        state=Job.State.RUNNING,
        done=250,
        total=1000,
        started=timezone.now() - datetime.timedelta(seconds=10),
    )
    client.force_login(staff_user)
    status = json.loads(client.get(reverse("admin:jining_job_status", args=[job.pk])).content)
    assert status["percent"] == 25 and not status["finished"]
    assert 25 <= status["estimate"] <= 35  # 10 s for a quarter: about 30 s left
    page = client.get(reverse("admin:jining_job_change", args=[job.pk])).content.decode()
    assert 'value="25"' in page and reverse("admin:jining_job_cancel", args=[job.pk]) in page
    assert client.post(reverse("admin:jining_job_cancel", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.cancel_requested


def test_a_user_without_staff_status_has_no_jobs_page(client, staff_user):
    staff_user.is_staff = False
    staff_user.save()
    client.force_login(staff_user)
    assert client.get(reverse("admin:jining_job_changelist")).status_code == 302  # to the login page
