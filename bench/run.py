#!/usr/bin/env python
"""Benchmark of the partner API and the entrepreneurs admin against the raw limit of the stack.

    .venv/bin/python bench/run.py --scale 100                      # SQLite file bench/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jining_bench .venv/bin/python bench/run.py --scale 100

Migrates the database, loads the article data and generates synthetic data at ``--scale`` if it is
missing; then measures in one run, per endpoint: SQL statements per request; in-process time (Django
test client with a real partner token) and the raw baseline (bench/raw.py: raw SQL cursor + orjson),
alternated over ``--pairs`` rounds; over HTTP with gunicorn on loopback (wrk, 4 connections), in
``--rounds`` alternated rounds, requests/s and p50/p99 of the endpoint, of the raw baseline behind the
same middleware, and of a bare WSGI floor (bench/wsgi.py); the admin's dashboard, changelists with a
sidebar filter and searches; a stats read while the snapshot is stale; the load average before and
after each figure. Prints one table and writes it into docs/performance.md (between the bench
markers), unless the load average went above 1.5 (``--force-write`` writes it anyway, and says so).
Imports and exports are measured by bench/imports.py and bench/export.py. A benchmark, not a test:
it asserts nothing.
"""

import argparse
import datetime
import math
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
#: The run is written into docs/performance.md only if the load average stayed at or below this.
QUIET_LOAD = 1.5


def configure_environment():
    """Production-like settings (DEBUG off), minus HTTPS redirects and the rate limit."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    if len(os.environ.get("DJANGO_SECRET_KEY", "")) < 50:
        os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["API_THROTTLE_RATE"] = "1000000000/s"
    os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")
    # the admin's pages without a collectstatic manifest
    os.environ["DJANGO_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")


def median_ms(fn, *, min_time=1.5, min_runs=5, max_runs=300) -> float:
    for _ in range(2):
        fn()
    times, started = [], time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - started < min_time and len(times) < max_runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def machine() -> dict:
    info = {"cores": os.cpu_count(), "cpu": platform.processor() or platform.machine(), "ram": "?"}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        info["ram"] = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return info


def ensure_data(scale: float) -> dict:
    from django.core.management import call_command

    from entrepreneurs.models import Entrepreneur
    from overview import synthetic

    call_command("migrate", verbosity=0)
    call_command("load_article", verbosity=0)
    wanted = synthetic.plan(scale)["entrepreneurs"]
    have = Entrepreneur.objects.filter(source__code=synthetic.SOURCE_CODE).count()
    if have != wanted:
        if have:
            print(f"Synthetic data of another scale ({have:,} entrepreneurs): removing it…", file=sys.stderr)
            synthetic.remove()
        print(f"Generating synthetic data at scale {scale:g}…", file=sys.stderr)
        started = time.monotonic()
        call_command("generate_data", scale=scale)
        print(f"  done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return {"entrepreneurs": Entrepreneur.objects.count()}


def partner_token() -> str:
    from jining.services import partner_create, token_issue

    user, _created = partner_create(username="bench-partner")
    _token, key = token_issue(user=user, label="bench/run.py")
    return key


def staff_client():
    from django.test import Client

    from jining.models import User

    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def endpoints() -> list[dict]:
    """The measured endpoints: API path, raw-baseline endpoint and its parameters."""
    from entrepreneurs.models import Enterprise, Entrepreneur
    from jining.pagination import KeysetPagination

    total = Entrepreneur.objects.count()
    # The last page of the list is the one after the row 51st from the end (in the list's order).
    before_last = Entrepreneur.objects.order_by("-name", "-id").values_list("name", "id")[min(50, total - 1)]
    cursor = KeysetPagination.cursor(["name", "id"], list(before_last))
    middle = Entrepreneur.objects.order_by("id").values_list("id", flat=True)[total // 2]
    enterprise = Enterprise.objects.order_by("id").values_list("id", flat=True)[
        Enterprise.objects.count() // 2
    ]
    county, year_min, year_max = "集宁区", 2015, 2019
    rows = [
        ("list, first page", "/api/v1/entrepreneurs/", "list", {}),
        (
            "list, last page",
            f"/api/v1/entrepreneurs/?cursor={cursor}",
            "list",
            {"after_name": before_last[0], "after_id": before_last[1]},
        ),
        (
            "filtered list (range + county)",
            f"/api/v1/entrepreneurs/?return_year__gte={year_min}&return_year__lte={year_max}"
            f"&hometown_county={county}",
            "filtered",
            {"county": county, "year_min": year_min, "year_max": year_max},
        ),
        ("search, surname 张", "/api/v1/entrepreneurs/?search=张", "search", {"q": "张"}),
        ("search, name 张伟", "/api/v1/entrepreneurs/?search=张伟", "search", {"q": "张伟"}),
        ("search, initials zzj", "/api/v1/entrepreneurs/?search=zzj", "search", {"q": "zzj"}),
        ("detail", f"/api/v1/entrepreneurs/{middle}/", "detail", {"id": middle}),
        ("enterprises, first page", "/api/v1/enterprises/", "enterprises", {}),
        ("support measures, first page", "/api/v1/support-measures/", "support-measures", {}),
        ("financing, first page", "/api/v1/financing/", "financing", {}),
        ("attendance, first page", "/api/v1/attendance/", "attendance", {}),
        ("enterprise detail", f"/api/v1/enterprises/{enterprise}/", None, {}),
        ("stats", "/api/v1/stats/", "stats", {}),
    ]
    return [
        {
            "name": name,
            "path": path,
            "raw": raw,
            "params": params,
            "raw_path": f"/bench-raw/{raw}/?{urllib.parse.urlencode(params)}" if raw else None,
            "floor_path": f"/bench-floor/{raw}/?{urllib.parse.urlencode(params)}" if raw else None,
        }
        for name, path, raw, params in rows
    ]


def load_average() -> float:
    return os.getloadavg()[0]


def alternated(ours, raw, pairs: int, min_time: float, raw_request=None) -> dict:
    """``pairs`` rounds of (ours, raw[, raw_request]), each a median over ``min_time`` seconds:
    medians and bests of each, and the median of the per-round ratios (robust to the load changing
    during the run). ``raw_request``: the raw baseline asked for through Django's request cycle
    (test client, middleware, URL resolution), which ours pays and the bare function call does not."""
    mine, theirs, requested = [], [], []
    for _ in range(pairs):
        mine.append(median_ms(ours, min_time=min_time, min_runs=3))
        if raw is not None:
            theirs.append(median_ms(raw, min_time=min_time, min_runs=3))
        if raw_request is not None:
            requested.append(median_ms(raw_request, min_time=min_time, min_runs=3))
    figures = {"ms": statistics.median(mine), "best_ms": min(mine)}
    if theirs:
        figures |= {
            "raw_ms": statistics.median(theirs),
            "raw_best_ms": min(theirs),
            "ratio": statistics.median(m / t for m, t in zip(mine, theirs, strict=True)),
        }
    if requested:
        figures |= {
            "raw_request_ms": statistics.median(requested),
            "request_ratio": statistics.median(m / t for m, t in zip(mine, requested, strict=True)),
        }
    return figures


def sql_count(queries) -> int:
    """Statements other than transaction control (BEGIN, COMMIT, SAVEPOINT...)."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return sum(not q["sql"].upper().startswith(control) for q in queries.captured_queries)


def ids_of(body: bytes) -> list:
    """The ids a response holds, in order: a page's rows, a detail's own, or the stats' figures."""
    data = orjson.loads(body)
    items = data.get("results", data.get("figures", [data]))
    return [item["id"] for item in items]


def check_same_rows(path: str, ours: bytes, raw: bytes):
    """Ours and the raw baseline must answer with the same rows, or the comparison means nothing
    (a misspelt filter that the endpoint ignores, say)."""
    if ids_of(ours) != ids_of(raw):
        raise SystemExit(f"{path}: ours and the raw baseline return different rows; fix the benchmark first")


def in_process(rows, key, args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import raw

    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for row in rows:
        response = client.get(row["path"])
        assert response.status_code == 200, (row["path"], response.status_code, response.content[:300])
        if row["raw"]:
            check_same_rows(row["path"], response.content, raw.body_for(row["raw"], row["params"]))
        with CaptureQueriesContext(connection) as queries:
            client.get(row["path"])
        row["queries"] = sql_count(queries)
        if row["name"].endswith("first page"):
            with CaptureQueriesContext(connection) as one:
                client.get(row["path"] + "?page_size=1")
            row["queries"] = f"{sql_count(queries)} (1 row: {sql_count(one)})"
        before = load_average()
        baseline = (lambda row=row: raw.body_for(row["raw"], row["params"])) if row["raw"] else None
        requested = (lambda row=row: client.get(row["raw_path"])) if row["raw"] else None
        row |= alternated(
            lambda row=row: client.get(row["path"]), baseline, args.pairs, args.min_time, requested
        )
        row["load"] = (before, load_average())
        print(
            f"  {row['name']}: {row['ms']:.1f} ms, raw {fmt(row.get('raw_ms'))} ms, "
            f"load {row['load'][0]:.2f}→{row['load'][1]:.2f}",
            file=sys.stderr,
        )


def admin_pages(args) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = staff_client()
    pages = []
    people = "/admin/entrepreneurs/entrepreneur/"
    for name, path in (
        ("admin dashboard", "/admin/"),
        ("admin changelist", people),
        ("admin changelist, county", f"{people}?hometown_county=集宁区"),
        ("admin changelist, return years", f"{people}?return_year__gte=2015&return_year__lte=2019"),
        ("admin search, pinyin", f"{people}?q=zhangwei"),
        ("admin search, name", f"{people}?q=张伟"),
        ("admin search, surname", f"{people}?q=张"),
        ("admin enterprises, industry", "/admin/entrepreneurs/enterprise/?industry=manufacturing"),
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
        before = load_average()
        page = {
            "name": name,
            "path": path,
            "queries": sql_count(queries),
            "full_count": "COUNT(" in sql and "WHERE" not in sql.split("COUNT(", 1)[1][:400],
            **alternated(lambda path=path: client.get(path), None, args.pairs, args.min_time),
            "load": (before, load_average()),
        }
        pages.append(page)
        print(f"  {name}: {page['ms']:.1f} ms, {page['queries']} queries", file=sys.stderr)
        if args.verbose:
            for q in queries.captured_queries:
                print(f"    {q['time']} {q['sql'][:160]}", file=sys.stderr)
    return pages


def stale_stats_read(key, args) -> dict:
    """/api/v1/stats/ while the snapshot is stale (records changed since it was computed): still the
    stored figures, never a recomputation."""
    from django.test import Client
    from django.utils import timezone

    from overview.models import StatsSnapshot

    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    snapshot = StatsSnapshot.objects.get()
    StatsSnapshot.objects.filter(pk=snapshot.pk).update(stale_since=timezone.now())
    try:
        assert client.get("/api/v1/stats/").json()["stale"] is True
        before = load_average()
        figures = alternated(lambda: client.get("/api/v1/stats/"), None, args.pairs, args.min_time)
    finally:
        StatsSnapshot.objects.filter(pk=snapshot.pk).update(stale_since=snapshot.stale_since)
    return {
        "name": "stats, stale snapshot",
        "path": "/api/v1/stats/",
        "load": (before, load_average()),
        **figures,
    }


def jobs_rows_per_s(args) -> dict:
    """Import and export rows per second, in process: the entrepreneurs' import of ``--import-rows``
    people (validate with one bad row, validate, write; bench/imports.py, in a transaction rolled
    back) and the export of ``--export-rows`` entrepreneurs to CSV and .xlsx (the export job's
    writer, jining.importing.streaming)."""
    import tempfile

    from bench import export as export_bench
    from bench import imports as import_bench
    from entrepreneurs.resources import EntrepreneurResource
    from jining.importing.streaming import write_export

    before = load_average()
    figures = {"import": import_bench.run(args.import_rows)}
    queryset = export_bench.export_queryset()
    total = queryset.count()
    if total > args.export_rows:
        cutoff = queryset.order_by("pk").values_list("pk", flat=True)[args.export_rows - 1]
        queryset = queryset.filter(pk__lte=cutoff)
    figures["export"] = []
    for file_format in ("csv", "xlsx"):
        with tempfile.TemporaryFile() as stream:
            started = time.perf_counter()
            rows = write_export(EntrepreneurResource(), queryset, file_format, stream)
            seconds = time.perf_counter() - started
        figures["export"].append({"format": file_format, "rows": rows, "rows_per_s": round(rows / seconds)})
        print(f"  export {file_format}: {rows:,} rows, {rows / seconds:,.0f} rows/s", file=sys.stderr)
    for phase in figures["import"]:
        print(f"  import {phase['phase']}: {phase['rows_per_s']:,} rows/s", file=sys.stderr)
    figures["load"] = (before, load_average())
    return figures


# --- HTTP ---


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "bench.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "-k",
            "sync",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/?&=%")


def wrk(url: str, key: str | None, connections: int, seconds: float) -> dict:
    command = [
        "wrk",
        "-t",
        "2" if connections > 2 else "1",
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
    ]
    command += ["--latency", "--timeout", "30s"]
    if key:
        command += ["-H", f"Authorization: Token {key}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
        "requests": int(requests.group(1)) if requests else 0,
    }


def python_load(url: str, key: str | None, connections: int, seconds: float) -> dict:
    """A small threaded HTTP client, when wrk is not installed."""
    import http.client

    parsed = urllib.parse.urlsplit(url)
    target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    headers = {"Authorization": f"Token {key}"} if key else {}
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status >= 400:
                    bad += 1
            except OSError:
                bad += 1
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "rps": len(latencies) / seconds,
        "p50": pick(0.5),
        "p99": pick(0.99),
        "errors": errors[0],
        "requests": len(latencies),
    }


def over_http(rows, key, args) -> dict:
    """Per endpoint, ``--rounds`` rounds of ours, the raw baseline behind the same middleware, and the
    bare WSGI floor, one after the other; the medians of the rounds are reported."""
    load = wrk if shutil.which("wrk") else python_load
    port = args.port or free_port()
    process = start_gunicorn(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    soak = None
    try:
        for row in rows:
            targets = {"http": (row["path"], key), "raw_http": (row["raw_path"], None)}
            targets["floor_http"] = (row["floor_path"], None)
            targets = {name: target for name, target in targets.items() if target[0]}
            for path, token in targets.values():
                load(base + quote(path), token, args.connections, 1)  # warm up
            rounds = {name: [] for name in targets}
            before = load_average()
            for _ in range(args.rounds):
                for name, (path, token) in targets.items():
                    rounds[name].append(load(base + quote(path), token, args.connections, args.seconds))
            for name, results in rounds.items():
                row[name] = {
                    measure: statistics.median(result[measure] for result in results)
                    for measure in ("rps", "p50", "p99")
                } | {"errors": sum(result["errors"] for result in results)}
            row["http_load"] = (before, load_average())
            print(
                f"  {row['name']}: {row['http']['rps']:.0f} req/s, raw "
                f"{fmt(row.get('raw_http', {}).get('rps'), '.0f')}, floor "
                f"{fmt(row.get('floor_http', {}).get('rps'), '.0f')}",
                file=sys.stderr,
            )
        if args.soak:
            soak = load(base + quote(rows[0]["path"]), key, 16, args.soak)
            soak["path"] = rows[0]["path"]
            print(f"  soak (16 connections, {args.soak} s): {soak['errors']} errors", file=sys.stderr)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {"tool": "wrk" if load is wrk else "python threads", "soak": soak}


# --- report ---


def fmt(value, spec=".1f"):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format(value, spec)


def shown(path: str) -> str:
    """The path as the table shows it: an opaque cursor is shortened."""
    return re.sub(r"cursor=[^&]+", "cursor=…", path)


def ratio(a, b):
    return a / b if a is not None and b else float("nan")


def load_range(*rows) -> str:
    loads = [value for row in rows for key in ("load", "http_load") for value in row.get(key, ())]
    return f"{min(loads):.2f}–{max(loads):.2f}" if loads else "–"


def report(rows, admin, http, context) -> str:
    box = context["machine"]
    lines = [
        f"Measured {context['date']} on {box['cores']} cores, {box['ram']} RAM, "
        f"{box['cpu']}; database: {context['db']}; "
        f"{context['entrepreneurs']:,} entrepreneurs (scale {context['scale']:g}).",
        "",
        f"Command: `{context['command']}`",
        "",
        f"In process: {context['pairs']} alternated rounds of ours and the raw baseline (each the median "
        f"of ≥ {context['min_time']:g} s of requests); the table gives the median of the rounds, the best "
        "round, and the median of the per-round ratios; raw is the baseline's function called directly, "
        "raw + Django the same asked for through Django's test client (request, middleware, URL "
        "resolution: what every request pays before a view runs), alternated with them. "
        f"HTTP: gunicorn {context['workers']} sync workers on loopback, "
        f"{context['connections']} connections, {context['rounds']} rounds of {context['seconds']:g} s "
        "per endpoint of ours, raw (the raw baseline behind the same middleware) and floor (the raw "
        f"baseline called by a bare WSGI function: SQL + orjson), load by {http.get('tool', '–')}, on the "
        "same machine; medians of the rounds. Load: the 1-minute load average before and after (in "
        f"process, and over HTTP, where the benchmark itself loads both cores); the run counts as quiet if "
        f"it stayed at or below {QUIET_LOAD} in process.",
        "",
        "| endpoint | SQL | ms (best) | raw ms | ratio (≤ 3) | raw + Django ms | ratio to it | req/s "
        "| raw req/s | floor req/s | of raw (≥ 0.35) | of floor | p50 ms | p99 ms | errors | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        h, r, f = row.get("http", {}), row.get("raw_http", {}), row.get("floor_http", {})
        lines.append(
            f"| {row['name']} `{shown(row['path'])}` | {row.get('queries', '')} "
            f"| {fmt(row['ms'])} ({fmt(row['best_ms'])}) | {fmt(row.get('raw_ms'))} "
            f"| {fmt(row.get('ratio'), '.2f')} | {fmt(row.get('raw_request_ms'))} "
            f"| {fmt(row.get('request_ratio'), '.2f')} | {fmt(h.get('rps'), '.0f')} "
            f"| {fmt(r.get('rps'), '.0f')} | {fmt(f.get('rps'), '.0f')} "
            f"| {fmt(ratio(h.get('rps'), r.get('rps')), '.2f')} "
            f"| {fmt(ratio(h.get('rps'), f.get('rps')), '.2f')} | {fmt(h.get('p50'))} | {fmt(h.get('p99'))} "
            f"| {h.get('errors', '–')} | {load_range(row)} |"
        )
    for page in admin:
        lines.append(
            f"| {page['name']} `{page['path']}` | {page.get('queries', '')} "
            f"| {fmt(page['ms'])} ({fmt(page['best_ms'])}) | | | | | | | | | | | | | {load_range(page)} |"
        )
    lines += [
        "",
        f"Stats: the endpoint reads the stored snapshot, never recomputed by a read; recomputing it "
        f"from every record with the dashboard's series (`manage.py refresh_stats`) took "
        f"{context['stats_seconds']:.1f} s.",
    ]
    jobs = context.get("jobs")
    if jobs:
        imported = ", ".join(f"{phase['phase']} {phase['rows_per_s']:,}" for phase in jobs["import"])
        exported = ", ".join(
            f"{e['format']} {e['rows_per_s']:,} ({e['rows']:,} rows)" for e in jobs["export"]
        )
        lines += [
            "",
            f"Import (the entrepreneurs' template, {context['import_rows']:,} people, in process, rolled "
            f"back): {imported} rows/s. Export (the export job's writer, in process): {exported} rows/s. "
            f"Load {load_range(jobs)}.",
        ]
    soak = http.get("soak")
    if soak:
        lines += [
            "",
            f"Soak: 16 connections for {context['soak']:g} s on `{soak['path']}`: "
            f"{soak['requests']:,} requests, "
            f"{soak['rps']:.0f} req/s, p99 {fmt(soak['p99'])} ms, **{soak['errors']} errors** "
            "(non-2xx responses and socket errors).",
        ]
    if context["busy"]:
        lines += [
            "",
            f"**Not a quiet machine**: the load average reached {context['max_load']:.2f} (above "
            f"{QUIET_LOAD}) during the in-process figures"
            + (": written anyway (`--force-write`)." if context["forced"] else "."),
        ]
    return "\n".join(lines)


def write_doc(table: str):
    path = ROOT / "docs" / "performance.md"
    text = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=100, help="Data scale (generated if missing).")
    parser.add_argument("--seconds", type=float, default=15, help="HTTP load per endpoint (s).")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
    parser.add_argument("--soak", type=float, default=60, help="16-connection soak (s); 0 to skip.")
    parser.add_argument("--min-time", type=float, default=1.5, help="In-process time per measurement (s).")
    parser.add_argument("--no-http", action="store_true", help="In-process figures only.")
    parser.add_argument("--verbose", action="store_true", help="Show the admin pages' SQL.")
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/performance.md.")
    parser.add_argument("--pairs", type=int, default=7, help="Alternated in-process rounds (ours, raw).")
    parser.add_argument("--rounds", type=int, default=2, help="Alternated HTTP rounds (ours, raw, floor).")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one).")
    parser.add_argument("--import-rows", type=int, default=5000, help="People in the import measured.")
    parser.add_argument("--export-rows", type=int, default=50_000, help="Entrepreneurs exported (at most).")
    parser.add_argument(
        "--force-write",
        action="store_true",
        help=f"Write docs/performance.md even if the load average went above {QUIET_LOAD} (and say so).",
    )
    args = parser.parse_args()

    configure_environment()
    import django

    django.setup()
    from django.db import connection

    counts = ensure_data(args.scale)
    from overview.stats import stats_refresh

    # /api/v1/stats/ reads a stored snapshot; its recomputation (after records change) is timed once.
    stats_seconds = stats_refresh(trigger="bench").duration_ms / 1000
    print(f"Stats snapshot recomputed in {stats_seconds:.1f} s", file=sys.stderr)
    key = partner_token()
    rows = endpoints()
    print("In process:", file=sys.stderr)
    in_process(rows, key, args)
    rows.append(stale_stats_read(key, args))
    admin = admin_pages(args)
    print("Import and export:", file=sys.stderr)
    jobs = jobs_rows_per_s(args)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            db = f"SQLite {cursor.fetchone()[0]}"
    connection.close()
    http = {}
    if not args.no_http:
        print("Over HTTP:", file=sys.stderr)
        http = over_http([row for row in rows if "raw" in row], key, args)
    url = os.environ["DATABASE_URL"]
    shown_url = re.sub(r"//[^@/]*@", "//…@", url) if "@" in url else url
    command = f"DATABASE_URL={shown_url} .venv/bin/python bench/run.py " + " ".join(sys.argv[1:])
    context = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "db": db,
        "entrepreneurs": counts["entrepreneurs"],
        "scale": args.scale,
        "command": command.strip(),
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "soak": args.soak,
        "stats_seconds": stats_seconds,
        "pairs": args.pairs,
        "rounds": args.rounds,
        "min_time": args.min_time,
        "import_rows": args.import_rows,
    }
    # Quiet means nothing else ran: the load before and during the in-process figures (one thread of
    # ours). Over HTTP the benchmark itself loads every core (gunicorn, wrk, the database), so those
    # loads are reported beside each figure but not held against the machine.
    loads = [value for row in [*rows, *admin, jobs] for value in row.get("load", ())]
    context["max_load"] = max(loads)
    context["busy"] = context["max_load"] > QUIET_LOAD
    context["forced"] = args.force_write
    context["jobs"] = jobs
    table = report(rows, admin, http, context)
    print(table)
    if args.no_write:
        return
    if context["busy"] and not args.force_write:
        print(
            f"Not written to docs/performance.md: the load average reached {context['max_load']:.2f} "
            f"in process (above {QUIET_LOAD}); run again on a quiet machine, or pass --force-write.",
            file=sys.stderr,
        )
        sys.exit(1)
    write_doc(table)


if __name__ == "__main__":
    main()
