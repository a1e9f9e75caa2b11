"""Run a background-job worker: ``python manage.py run_worker`` (as many as you like, on any machine
that reaches the database; docs/deploy.md).

django-tasks-db's ``db_worker``, plus what a long-running service needs: it survives a dropped
database connection (waits and reconnects), and a housekeeping thread fails the jobs of workers that
were killed (``jining.jobs.jobs_recover``), deletes expired job files (``jobs_prune``) and queues the
scheduled jobs of ``settings.JOB_SCHEDULE``. SIGTERM or Ctrl+C: the running job finishes, then the
worker exits; a second signal stops it at once (its job is then failed by the next recovery).
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks_db.management.commands import db_worker

from jining import jobs

logger = logging.getLogger("jining.worker")


class Housekeeper(threading.Thread):
    """Every ``JOB_HOUSEKEEPING_SECONDS``: recover, prune, queue what the schedule says is due."""

    def __init__(self):
        super().__init__(name="jobs-housekeeping", daemon=True)
        self.stopped = threading.Event()
        self.last_run = {}

    def run(self):
        while not self.stopped.is_set():
            try:
                jobs.jobs_recover()
                jobs.jobs_prune()
                self.schedule()
            except Exception:
                logger.warning("Job housekeeping failed; retrying later", exc_info=True)
                connections.close_all()
            self.stopped.wait(settings.JOB_HOUSEKEEPING_SECONDS)
        connections.close_all()

    def schedule(self):
        now = time.monotonic()
        for path, every in settings.JOB_SCHEDULE.items():
            if now - self.last_run.get(path, -every) >= every:
                import_string(path)()
                self.last_run[path] = now


class Worker(db_worker.Worker):
    def run(self):
        while self.running:
            try:
                return super().run()
            except (OperationalError, InterfaceError):
                logger.warning("The database is unreachable; retrying in 5 s", exc_info=True)
                connections.close_all()
                time.sleep(5)
        return None


class Command(db_worker.Command):
    help = "Run a background-job worker (jobs page 任务); see docs/deploy.md."

    def handle(self, *args, **options):
        housekeeper = Housekeeper()
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            housekeeper.start()  # in the process that runs jobs, not in the reloader's parent
        # db_worker.Command.handle builds db_worker.Worker by name: give it ours for this run.
        original, db_worker.Worker = db_worker.Worker, Worker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
            housekeeper.stopped.set()
