"""Time the stats computation and the dashboard read; print the figures (a benchmark, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jining_bench_stats DJANGO_DEBUG=1 \\
        .venv/bin/python bench/stats.py --against 8bfaa9e

Times ``compute_stats()`` (what ``stats_refresh`` computes: tracked values, totals, the dashboard's
series) ``--runs`` times; with ``--against REV``, alternately with the ``compute_stats()`` of
overview/stats.py at git revision REV, and says whether both give the same tracked values and
totals. Then stores one snapshot (``stats_refresh``: the only write), times ``dashboard_context()`` and a
partner's ``GET /api/v1/stats/`` once the snapshot is stale (in a transaction rolled back).
Use a database of your own: a copy of the benchmark database, migrated.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_revision(revision):
    """overview/stats.py as it was at ``revision``, as a module of its own (its signals not connected)."""
    source = subprocess.run(
        ["git", "show", f"{revision}:overview/stats.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType(f"stats_at_{revision}")
    exec(compile(source, f"{revision}:overview/stats.py", "exec"), module.__dict__)
    return module


def timed(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        clock = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - clock
    return result, seconds, len(queries)


def values(result):
    return {figure.pk: figure.tracked for figure in result["figures"]}, result["tracked_totals"]


def time_stale_read(stats, runs):
    """``GET /api/v1/stats/`` by a partner once the snapshot is stale: served from the snapshot, never
    recomputed (the recompute is a job). The snapshot is marked stale, as a record's change does; the
    mark, the partner account and the token made for this are rolled back afterwards."""
    from django.db import transaction
    from django.db.models import F
    from django.test import Client
    from django.utils import timezone

    from jining.services import partner_create, token_issue

    with transaction.atomic():
        partner, _created = partner_create(username="bench-stats")
        _token, key = token_issue(user=partner, label="bench/stats.py")
        # What a record's change does when it commits (here inside the transaction rolled back).
        stats.StatsSnapshot.objects.filter(pk=stats.StatsSnapshot.SINGLE_ROW).update(
            changes=F("changes") + 1, stale_since=timezone.now()
        )
        client = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_HOST="localhost")
        for _run in range(runs):
            response, seconds, queries = timed(lambda: client.get("/api/v1/stats/"))
            stale = response.json().get("stale") if response.status_code == 200 else None
            print(
                f"GET /api/v1/stats/ (snapshot stale): {response.status_code}, stale={stale}, "
                f"{seconds * 1000:,.1f} ms, {queries} queries"
            )
        transaction.set_rollback(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", metavar="REV", help="also time overview/stats.py at this git revision")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jining.settings")
    import django

    django.setup()
    from django.db import connection

    from entrepreneurs.models import Entrepreneur
    from overview import dashboard, stats

    database = f"{connection.vendor} {connection.settings_dict['NAME']}"
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"{database}: {Entrepreneur.objects.count():,} entrepreneurs; {os.cpu_count()} cores, load {load}")
    contenders = [("now", stats.compute_stats)]
    if args.against:
        contenders.insert(0, (args.against, load_revision(args.against).compute_stats))
    times = {name: [] for name, _compute in contenders}
    results = {}
    for _run in range(args.runs):
        for name, compute in contenders:
            results[name], seconds, queries = timed(compute)
            times[name].append(seconds)
            print(f"  compute_stats() at {name}: {seconds * 1000:,.0f} ms, {queries} queries")
    for name, seconds in times.items():
        runs = ", ".join(f"{s * 1000:,.0f}" for s in seconds)
        print(f"compute_stats() at {name}: median {statistics.median(seconds) * 1000:,.0f} ms ({runs} ms)")
    if args.against:
        old, new = values(results[args.against]), values(results["now"])
        differ = [pk for pk in old[0] if old[0][pk] != new[0].get(pk)]
        print(f"same tracked values: {not differ} ({len(old[0])} figures; differing: {differ})")
        print(f"same totals: {old[1] == new[1]}")
    snapshot = stats.stats_refresh(trigger="bench/stats.py")
    print(f"stats_refresh(): {snapshot.duration_ms:,} ms (stored)")
    for _run in range(args.runs):
        _context, seconds, queries = timed(dashboard.dashboard_context)
        print(f"dashboard_context(): {seconds * 1000:,.1f} ms, {queries} queries")
    time_stale_read(stats, args.runs)
    print(f"load after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
