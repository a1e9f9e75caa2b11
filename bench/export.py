#!/usr/bin/env python
"""Benchmark of the streamed export writer against today's admin export (docs/performance.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jining_bench .venv/bin/python bench/export.py
    DATABASE_URL=... .venv/bin/python bench/export.py --repeat 3 --slice 20000 --chunk-size 2000

Exports the entrepreneurs of the admin's export queryset (a superuser's changelist, no filter) with
``EntrepreneurResource``: all of them with ``jining.importing.streaming.write_export``, and the first
``--slice`` of them by primary key with today's path (``resource.export()`` and the format's
``export_data``), to CSV and to xlsx in /tmp. Each run is a fresh process, ours and today's taking
turns, and prints rows, seconds, rows/s, the process's CPU seconds, SQL queries (per chunk for
ours) and the growth of the process's peak RSS over the export. The slice is also exported with
``write_export`` and compared byte for byte with today's CSV.

It only reads: every connection is set read-only (PostgreSQL), and the data must already be there
(``manage.py generate_data --scale 100`` for the figures in docs/performance.md). The load average
is printed before each run: measure on an otherwise idle machine.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure_environment():
    """Production settings (DEBUG off, so no query log in memory), minus the HTTPS redirect."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "jining.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    if len(os.environ.get("DJANGO_SECRET_KEY", "")) < 50:
        os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")


def rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def read_only(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = on")


def export_queryset():
    """The admin's export queryset for a superuser with no filter (what the export job receives)."""
    from django.contrib import admin
    from django.test import RequestFactory

    from entrepreneurs.models import Entrepreneur
    from jining.models import User

    request = RequestFactory().get("/admin/entrepreneurs/entrepreneur/export/")
    request.user = User(username="bench", is_staff=True, is_superuser=True, is_active=True)
    return admin.site._registry[Entrepreneur].get_export_queryset(request)


def run_one(implementation, file_format, limit, chunk_size, path):
    """One export in this process; prints its figures as JSON."""
    import django

    configure_environment()
    django.setup()
    from django.db import connection
    from django.db.backends.signals import connection_created

    from entrepreneurs.resources import EntrepreneurResource
    from jining.importing.formats import CSV, XLSX
    from jining.importing.streaming import write_export

    connection_created.connect(read_only)
    queryset = export_queryset()
    if limit:
        cutoff = queryset.order_by("pk").values_list("pk", flat=True)[limit - 1]
        queryset = queryset.filter(pk__lte=cutoff)
    resource = EntrepreneurResource()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    connection.ensure_connection()
    baseline = rss_kib()
    cpu, started = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(count), open(path, "wb") as stream:
        if implementation == "ours":
            rows = write_export(resource, queryset, file_format, stream, chunk_size=chunk_size)
        else:
            dataset = resource.export(queryset=queryset.order_by("pk"), force_native_type=False)
            rows = len(dataset)
            stream.write((CSV if file_format == "csv" else XLSX)().export_data(dataset))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    chunks = -(-rows // chunk_size)  # with rows; a chunk that comes out full is followed by one empty query
    trailing = 1 if rows % chunk_size == 0 else 0
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu": cpu,
                "queries": len(queries),
                "per_chunk": (len(queries) - trailing) / chunks
                if implementation == "ours" and rows
                else None,
                "rss_growth_mib": (peak_rss_kib() - baseline) / 1024,
                "bytes": os.path.getsize(path),
            }
        )
    )


def child(implementation, file_format, limit, args):
    path = f"/tmp/bench-export-{implementation}-{limit or 'all'}.{file_format}"
    command = [sys.executable, __file__, "--one", implementation, file_format, str(limit), path]
    command += ["--chunk-size", str(args.chunk_size)]
    load = os.getloadavg()
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures |= {"implementation": implementation, "format": file_format, "path": path, "load": load}
    return figures


def show(figures):
    per_chunk = f"{figures['per_chunk']:.2f}/chunk" if figures["per_chunk"] is not None else ""
    print(
        f"{figures['implementation']:6} {figures['format']:4} {figures['rows']:>8,} rows "
        f"{figures['seconds']:8.2f} s {figures['rows'] / figures['seconds']:>9,.0f} rows/s "
        f"cpu {figures['cpu']:7.2f} s ({figures['rows'] / figures['cpu']:>9,.0f} rows/cpu-s) "
        f"queries {figures['queries']:>7,} {per_chunk:>12} "
        f"peak RSS +{figures['rss_growth_mib']:6.1f} MiB  {figures['bytes'] / 2**20:7.1f} MiB file  "
        f"load {' '.join(f'{value:.2f}' for value in figures['load'])}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=2, help="rounds of (ours, today's) per format")
    parser.add_argument("--slice", type=int, default=20_000, help="rows exported the old way")
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--one", nargs=4, metavar=("IMPL", "FORMAT", "LIMIT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        implementation, file_format, limit, path = args.one
        run_one(implementation, file_format, int(limit), args.chunk_size, path)
        return
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database to read (e.g. the jining_bench PostgreSQL database).")
    print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}", flush=True)
    for _round in range(args.repeat):
        for file_format in ("csv", "xlsx"):
            show(child("ours", file_format, 0, args))
            show(child("today", file_format, args.slice, args))
    ours = child("ours", "csv", args.slice, args)
    show(ours)
    today = f"/tmp/bench-export-today-{args.slice}.csv"
    same = Path(ours["path"]).read_bytes() == Path(today).read_bytes()
    print(f"the first {args.slice:,} rows as CSV, ours and today's: {'identical' if same else 'DIFFERENT'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
