#!/usr/bin/env python
"""Benchmark of the bases' assessment and of what came of the events (issue 15): each job over the
whole database, then the reads of what it stored (docs/indicators.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jining_bench .venv/bin/python bench/assessment.py
    DATABASE_URL=... .venv/bin/python bench/assessment.py --year 2023 --min-time 2

Runs the assessment job (``overview.tasks.assessment_task`` through ``job_start``, inline: the
immediate task backend) for every base for ``--year`` and prints its seconds (and per base); then,
for the base with the most residencies, its job alone, the assessment page (a superuser's admin
client) and ``/api/v1/incubators/ID/indicators/?year=`` (a partner token), each timed in process
(median and best ms of repeated requests, SQL queries of one). Then the outcomes job
(``overview.tasks.outcomes_task``, 12 months: every kind, series and event) and the admin dashboard
that shows them. It writes what the jobs write (``IndicatorValue`` and ``EventOutcome`` rows, the
jobs' rows) and a bench user and token; nothing else. The data must be there (``manage.py
generate_data --scale 100``, as ``bench/run.py`` makes it). The load average is printed before and
after: measure on an otherwise idle machine.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed_ms(fn, min_time: float) -> list[float]:
    times = []
    started = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - started < min_time and len(times) < 300):
        begin = time.perf_counter()
        fn()
        times.append((time.perf_counter() - begin) * 1000)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2023, help="the period assessed (default 2023)")
    parser.add_argument("--min-time", type=float, default=1.5, help="seconds of requests per read")
    args = parser.parse_args(argv)

    from bench.run import configure_environment, partner_token, staff_client

    configure_environment()
    os.environ["DJANGO_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from incubators.models import Incubator
    from jining.jobs import job_start
    from jining.models import Job, User
    from overview.tasks import assessment_task, outcomes_task

    bases = Incubator.objects.filter(parent__isnull=True).count()
    print(f"load average before: {os.getloadavg()[0]:.2f}; {bases:,} bases; year {args.year}")
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin")
    started = time.perf_counter()
    job = job_start(assessment_task, user=user, kind="assessment", title="bench", kwargs={"year": args.year})
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    print(f"assessment job, every base: {seconds:.1f} s ({seconds / bases * 1000:.0f} ms a base)")

    biggest = (
        Incubator.objects.filter(parent__isnull=True)
        .annotate(n=Count("residencies"))
        .order_by("-n")
        .values_list("pk", "n")
        .first()
    )
    base = Incubator.objects.get(pk=biggest[0])
    started = time.perf_counter()
    job_start(
        assessment_task,
        user=user,
        kind="assessment",
        title="bench",
        kwargs={"year": args.year, "incubator_ids": [base.pk]},
    )
    print(f"  the base with the most residencies ({biggest[1]:,}): {time.perf_counter() - started:.2f} s")

    admin = staff_client()
    key = partner_token()
    partner = Client(HTTP_AUTHORIZATION=f"Token {key}")
    reads = {
        "assessment page": (admin, reverse("admin:overview_indicatorvalue_assessment", args=[base.pk])),
        "indicators endpoint": (partner, f"/api/v1/incubators/{base.pk}/indicators/?year={args.year}"),
        "admin dashboard (with the outcomes)": (admin, reverse("admin:index")),
    }
    started = time.perf_counter()
    job = job_start(outcomes_task, user=user, kind="event_outcomes", title="bench", kwargs={"months": 12})
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    print(
        f"outcomes job, 12 months: {time.perf_counter() - started:.1f} s "
        f"({job.result['rows']:,} kinds, series and events)"
    )
    for name, (client, url) in reads.items():
        assert client.get(url).status_code == 200, name
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql = len(queries)  # now: the next request's start resets the query log
        times = timed_ms(lambda c=client, u=url: c.get(u), args.min_time)
        print(
            f"{name}: {statistics.median(times):.1f} ms median, {min(times):.1f} ms best, "
            f"{sql} queries ({len(times)} requests)"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
