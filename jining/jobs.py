"""Background jobs: long work leaves the request (Django's Tasks framework through ``django-tasks``,
queued in the database by ``django-tasks-db``, run by ``manage.py run_worker``).

A view starts a job and returns at once::

    job = job_start(export_task, user=request.user, kind="export", title="导出 创业人员", params={...})

That writes a ``Job`` row (what the jobs page 任务 shows) and queues the task in the same
transaction. A task is a function decorated with ``@job_task``; it receives a ``JobRunner`` first::

    @job_task()
    def export_task(run, ...):
        run.progress(0, total)
        with run.output(JobFile.Role.OUTPUT, "people.csv", "text/csv") as stream: ...
        return {"rows": total}          # the result the jobs page shows

Progress, the heartbeat and cancel requests travel through their own database connection (a thread),
so they are seen while the task's work sits in one long transaction. A ``JobError`` ends the job as
failed with its message for the user; ``run.progress()`` raises ``JobCancelled`` once the user has
cancelled. ``jobs_recover`` fails jobs whose worker stopped sending a heartbeat (killed);
``jobs_prune`` removes files and jobs after their retention (settings ``JOB_*``).
"""

import functools
import io
import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jining.models import Job, JobFile, JobFileChunk

logger = logging.getLogger(__name__)

#: Size of one stored piece of a job file.
CHUNK_BYTES = 1024 * 1024
#: Seconds between two writes of progress and heartbeat.
FLUSH_SECONDS = 1.0


class JobError(Exception):
    """Ends a job as failed with this message, for the user who started it."""


class JobCancelled(Exception):
    """Raised in a task by ``JobRunner.progress`` once its user has cancelled the job."""


def job_task(**task_options):
    """Make ``func(run, *args, **kwargs)`` a task that runs as a ``Job`` (see the module docstring)."""

    def decorate(func):
        @functools.wraps(func)
        def run(job_id, *args, **kwargs):
            return _run(func, job_id, args, kwargs)

        return task(**task_options)(run)

    return decorate


def job_start(job_task_, *, user, kind, title, params=None, files=(), total=None, args=(), kwargs=None):
    """Create a job and queue its task; returns the ``Job``. ``files``: ``(role, name, content_type,
    data)`` to store for the task (``data`` bytes or a binary file). Queued in the caller's
    transaction: the worker sees the job when (and only if) the request commits."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, title=title[:200], user=user, params=params or {}, total=total)
        for role, name, content_type, data in files:
            store_file(job, role, name, content_type, data)
        result = job_task_.enqueue(job.pk, *args, **(kwargs or {}))
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_start_unique(job_task_, *, kind, title, params=None, kwargs=None):
    """Queue a system job (no user) of ``kind`` unless one is already waiting: at most one waits
    and one runs (a database constraint, so also across processes). Returns the waiting job."""
    waiting = Job.objects.filter(kind=kind, user=None, state=Job.State.QUEUED).first()
    if waiting:
        return waiting
    try:
        return job_start(job_task_, user=None, kind=kind, title=title, params=params, kwargs=kwargs)
    except IntegrityError:
        return Job.objects.filter(kind=kind, user=None, state=Job.State.QUEUED).first()


def job_cancel(job):
    """Cancel ``job``: at once if it waits, at its next progress report if it runs."""
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.CANCELLED, finished=now, cancel_requested=True
    ):
        return
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(cancel_requested=True)


def jobs_visible_to(user, queryset=None):
    """The jobs ``user`` may see: their own; a superuser's, all."""
    queryset = Job.objects.all() if queryset is None else queryset
    return queryset if user.is_superuser else queryset.filter(user=user)


def store_file(job, role, name, content_type, data):
    """Store ``data`` (bytes or a binary file) as the job's file of ``role``, in chunks."""
    with file_writer(job, role, name, content_type) as stream:
        if isinstance(data, bytes | bytearray):
            stream.write(data)
        else:
            while piece := data.read(CHUNK_BYTES):
                stream.write(piece)


@contextmanager
def file_writer(job, role, name, content_type, using=None):
    """A binary stream whose content becomes the job's file of ``role`` (replacing an earlier one)."""
    using = using or "default"
    JobFile.objects.using(using).filter(job_id=job.pk, role=role).delete()
    job_file = JobFile.objects.using(using).create(
        job_id=job.pk, role=role, name=name[:200], content_type=content_type
    )
    writer = _ChunkWriter(job_file, using)
    yield writer
    writer.flush()
    JobFile.objects.using(using).filter(pk=job_file.pk).update(size=writer.size, complete=True)


class _ChunkWriter(io.RawIOBase):
    def __init__(self, job_file, using):
        self.job_file, self.using = job_file, using
        self.buffer, self.seq, self.size = bytearray(), 0, 0

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        self.size += len(data)
        while len(self.buffer) >= CHUNK_BYTES:
            self._store(bytes(self.buffer[:CHUNK_BYTES]))
            del self.buffer[:CHUNK_BYTES]
        return len(data)

    def flush(self):
        if self.buffer:
            self._store(bytes(self.buffer))
            self.buffer.clear()

    def _store(self, data):
        JobFileChunk.objects.using(self.using).create(file_id=self.job_file.pk, seq=self.seq, data=data)
        self.seq += 1


def file_chunks(job_file):
    """The file's content, chunk by chunk (one query per chunk: memory stays at one chunk)."""
    seqs = JobFileChunk.objects.filter(file=job_file).order_by("seq").values_list("seq", flat=True)
    for seq in list(seqs):
        yield bytes(JobFileChunk.objects.filter(file=job_file, seq=seq).values_list("data", flat=True)[0])


def read_file(job, role=JobFile.Role.INPUT) -> bytes:
    job_file = JobFile.objects.get(job=job, role=role, complete=True)
    return b"".join(file_chunks(job_file))


class JobRunner:
    """What a running task reports through: progress, files, cancellation."""

    def __init__(self, job):
        self.job = job
        self.done, self.total, self.stage = job.done, job.total, job.stage
        self.cancelled = False
        self._dirty = True
        self._last_flush = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    # -- for the task
    def progress(self, done, total=None, stage=None):
        """Report ``done`` of ``total`` (rows); raises ``JobCancelled`` once the user cancelled."""
        with self._lock:
            limit = total if total is not None else self.total  # 0 rows is a total too
            self.done = done if limit is None else min(done, limit)
            if total is not None:
                self.total = total
            if stage is not None:
                self.stage = stage[:100]
            self._dirty = True
        if self._thread is None and time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self._flush(using="default")
        if self.cancelled:
            raise JobCancelled()

    def output(self, role, name, content_type):
        """A binary stream that becomes the job's file of ``role`` (outside the task's transaction
        when a thread carries progress, so a big file does not sit in one transaction)."""
        return file_writer(self.job, role, name, content_type)

    def read_input(self, role=JobFile.Role.INPUT) -> bytes:
        return read_file(self.job, role)

    # -- for the engine
    def start(self):
        # Inside a transaction (a test running the task at once) another connection would not see
        # the job: report on the task's own connection then.
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._beat, name=f"job-{self.job.pk}", daemon=True)
            self._thread.start()

    def stop(self):
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=10)
            self._thread = None

    def _beat(self):
        try:
            while not self._stop.wait(FLUSH_SECONDS):
                self._flush(using="default", force=True)
        finally:
            connections.close_all()  # this thread's own connections

    def _flush(self, using, force=False):
        with self._lock:
            values = {"done": self.done, "total": self.total, "stage": self.stage}
            self._dirty = False
        self._last_flush = time.monotonic()
        try:
            Job.objects.using(using).filter(pk=self.job.pk).update(heartbeat=timezone.now(), **values)
            self.cancelled = Job.objects.using(using).filter(pk=self.job.pk, cancel_requested=True).exists()
        except Exception:  # a locked SQLite file or a dropped connection: the next beat retries
            logger.warning("Job %s: progress not written", self.job.pk, exc_info=True)


def _run(func, job_id, args, kwargs):
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started=now, heartbeat=now
    ):
        logger.info("Job %s is not waiting (cancelled or already run): skipped", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    runner = JobRunner(job)
    runner.start()
    state, error, result = Job.State.DONE, "", {}
    try:
        result = func(runner, *args, **kwargs) or {}
    except JobCancelled:
        state = Job.State.CANCELLED
    except JobError as exception:
        state, error = Job.State.FAILED, str(exception)
    except Exception as exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        state = Job.State.FAILED
        error = _(
            "The job stopped on an unexpected error (%(error)s). Nothing was half-written; "
            "try again, or tell the system administrator."
        ) % {"error": type(exception).__name__}
    finally:
        runner.stop()
    values = {"state": state, "finished": timezone.now(), "error": error, "result": result}
    if state == Job.State.DONE and runner.total is not None:
        values["done"] = runner.total
    else:
        values["done"], values["total"] = runner.done, runner.total
    values["stage"] = runner.stage
    Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(**values)
    return {"job": job_id, "state": state}


def jobs_recover(stale_after=None):
    """Fail the running jobs whose worker stopped (no heartbeat for ``JOB_STALE_SECONDS``). Their
    work was one transaction, so nothing was half-written. Returns how many."""
    stale_after = settings.JOB_STALE_SECONDS if stale_after is None else stale_after
    cutoff = timezone.now() - timedelta(seconds=stale_after)
    stale = Job.objects.filter(state=Job.State.RUNNING).filter(Q(heartbeat__lt=cutoff) | Q(heartbeat=None))
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    count = Job.objects.filter(pk__in=ids, state=Job.State.RUNNING).update(
        state=Job.State.FAILED,
        finished=timezone.now(),
        error=_(
            "The worker running this job stopped (it was killed or lost the database). Nothing was "
            "half-written: start the job again."
        ),
    )
    from django_tasks_db.models import DBTaskResult

    task_ids = Job.objects.filter(pk__in=ids).exclude(task_id="").values_list("task_id", flat=True)
    DBTaskResult.objects.filter(id__in=list(task_ids), status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )
    logger.warning("Recovered %d job(s) whose worker stopped: %s", count, ids)
    return count


def jobs_prune(now=None):
    """Delete job files ``JOB_FILE_RETENTION_DAYS`` after their job finished, and finished jobs
    (with their queue rows) after ``JOB_HISTORY_DAYS``. Returns (files, jobs) deleted."""
    now = now or timezone.now()
    files_before = now - timedelta(days=settings.JOB_FILE_RETENTION_DAYS)
    jobs_before = now - timedelta(days=settings.JOB_HISTORY_DAYS)
    files, _detail = JobFile.objects.filter(job__finished__lt=files_before).delete()
    old = Job.objects.filter(state__in=Job.FINISHED, finished__lt=jobs_before)
    task_ids = list(old.exclude(task_id="").values_list("task_id", flat=True))
    jobs, _detail = old.delete()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id__in=task_ids).delete()
    return files, jobs


# --- What the jobs page and the import page show of a job's progress ---


def job_progress(job) -> dict:
    """What the jobs page shows of a job's progress, also served as JSON while it runs."""
    now = timezone.now()
    elapsed = ((job.finished or now) - job.started).total_seconds() if job.started else None
    percent = estimate = None
    if job.total:
        percent = min(100, round(100 * job.done / job.total))
        if job.state == Job.State.RUNNING and job.done and elapsed:
            estimate = elapsed * (job.total - job.done) / job.done
    elif job.state == Job.State.DONE:
        percent = 100
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "elapsed": elapsed,
        "estimate": estimate,
        "finished": job.is_finished,
        "text": progress_text(job, elapsed, estimate),
    }


def _duration(seconds) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    return _("%(m)d min %(s)d s") % {"m": seconds // 60, "s": seconds % 60}


def progress_text(job, elapsed, estimate) -> str:
    parts = []
    if job.is_finished:  # the last stage's name would read as if it were still at it
        parts.append(job.get_state_display())
    elif job.stage:
        parts.append(job.stage)
    if job.total is not None:
        parts.append(_("%(done)s of %(total)s") % {"done": f"{job.done:,}", "total": f"{job.total:,}"})
    elif job.done:
        parts.append(f"{job.done:,}")
    if elapsed is not None:
        parts.append(_("%(time)s elapsed") % {"time": _duration(elapsed)})
    if estimate is not None:
        parts.append(_("about %(time)s left") % {"time": _duration(estimate)})
    return " · ".join(str(part) for part in parts)


def progress_html(job):
    """The progress bar of ``job``, refreshed by ``jining/jobs.js`` while it runs."""
    return render_to_string(
        "admin/jining/job/progress.html",
        {"progress": job_progress(job), "status_url": reverse("admin:jining_job_status", args=[job.pk])},
    )
