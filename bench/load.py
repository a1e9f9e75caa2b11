"""Load test of the partner API on the local PostgreSQL (docs/reliability.md, "Load").

    .venv/bin/python bench/load.py            # 16 connections, 60 seconds, --scale 1 data
    .venv/bin/python bench/load.py --duration 10 --connections 4 --keep-db

What it does, all on loopback (127.0.0.1), bounded and self-stopping:

1. creates a database of its own (``jining_load`` by default; dropped and recreated), migrates it,
   loads the article data, generates ``--scale`` synthetic data (``manage.py generate_data``) and issues
   a partner token (``manage.py create_partner``);
2. starts gunicorn (the same options as ``bin/start``, production settings, DEBUG off) on a free port,
   with ``API_THROTTLE_RATE`` raised so that the run is never throttled;
3. runs ``--connections`` client threads (http.client) for ``--duration`` seconds over the main
   partner endpoints (lists, a filtered list, a search, a detail, stats, incubators, events);
4. prints requests/s, p50 and p99 latency and the error count (any non-2xx or failed request), per
   endpoint and in total; exits 1 if there was an error. gunicorn is stopped and the database dropped
   (unless ``--keep-db``) whatever happens.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
MAX_DURATION = 600  # seconds: never run longer than this, whatever --duration says


def log(message):
    print(f"[load] {message}", file=sys.stderr, flush=True)


def psql(server_url, sql):
    import psycopg2

    connection = psycopg2.connect(f"{server_url}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, token, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Authorization": f"Token {token}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited during start-up")
        try:
            status, _ = get(port, "/api/v1/", "none", timeout=2)
            if status in (401, 403):
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not answer within 60 seconds")


def endpoints(port, token):
    """The requests of the mix (name, path); ids and a search word are taken from the data."""
    from urllib.parse import quote

    status, body = get(port, "/api/v1/entrepreneurs/?page_size=100", token)
    if status != 200:
        sys.exit(f"/api/v1/entrepreneurs/ answered {status}: {body[:300]!r}")
    people = json.loads(body)
    ids = [person["id"] for person in people["results"]]
    word = people["results"][0]["name"][:1] if people["results"] else "王"
    log(f"{people['count']} entrepreneurs visible to the partner")
    detail_paths = [f"/api/v1/entrepreneurs/{pk}/" for pk in ids[:50]] or ["/api/v1/entrepreneurs/"]
    return [
        ("entrepreneurs list", ["/api/v1/entrepreneurs/"]),
        (
            "entrepreneurs filtered",
            ["/api/v1/entrepreneurs/?return_year__gte=2015&ordering=-return_year"],
        ),
        ("entrepreneurs search", [f"/api/v1/entrepreneurs/?search={quote(word)}"]),
        ("entrepreneur detail", detail_paths),
        ("stats", ["/api/v1/stats/"]),
        ("incubators", ["/api/v1/incubators/"]),
        ("events", ["/api/v1/events/"]),
    ]


def run_load(port, token, mix, connections, duration):
    latencies = defaultdict(list)
    statuses = defaultdict(Counter)
    failures = Counter()
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + duration

    def worker(number):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Token {token}"}
        local_latency = defaultdict(list)
        local_status = defaultdict(Counter)
        local_failures = Counter()
        i = number
        while time.monotonic() < deadline:
            name, paths = mix[i % len(mix)]
            path = paths[(i // len(mix)) % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                local_failures[f"{name}: {type(error).__name__}"] += 1
                status = 0
            local_latency[name].append(time.perf_counter() - began)
            local_status[name][status] += 1
        connection.close()
        with lock:
            for name, values in local_latency.items():
                latencies[name].extend(values)
            for name, counter in local_status.items():
                statuses[name].update(counter)
            failures.update(local_failures)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 60)
    elapsed = time.monotonic() - start
    return latencies, statuses, failures, elapsed


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(latencies, statuses, failures, elapsed, connections):
    rows = []
    all_latencies = []
    total_errors = 0
    for name in latencies:
        values = latencies[name]
        errors = sum(n for status, n in statuses[name].items() if not 200 <= status < 300)
        total_errors += errors
        all_latencies.extend(values)
        rows.append(
            (
                name,
                len(values),
                len(values) / elapsed,
                percentile(values, 0.5),
                percentile(values, 0.99),
                errors,
            )
        )
    rows.append(
        (
            "TOTAL",
            len(all_latencies),
            len(all_latencies) / elapsed,
            percentile(all_latencies, 0.5),
            percentile(all_latencies, 0.99),
            total_errors,
        )
    )
    lines = [
        f"{connections} connections, {elapsed:.1f} s",
        "",
        "| endpoint | requests | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, count, rate, p50, p99, errors in rows:
        label = f"**{name}**" if name == "TOTAL" else name
        lines.append(f"| {label} | {count} | {rate:.1f} | {p50 * 1000:.1f} | {p99 * 1000:.1f} | {errors} |")
    bad = {
        name: {s: n for s, n in counter.items() if not 200 <= s < 300} for name, counter in statuses.items()
    }
    bad = {name: counter for name, counter in bad.items() if counter}
    if bad:
        lines.append("")
        lines.append(f"non-2xx (0 = no response): {bad}")
    if failures:
        lines.append(f"failures: {dict(failures)}")
    mean = statistics.mean(all_latencies) * 1000 if all_latencies else float("nan")
    lines.append("")
    lines.append(f"mean latency {mean:.1f} ms")
    return "\n".join(lines), total_errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60, help="seconds (at most 600)")
    parser.add_argument("--scale", default="1", help="generate_data --scale (default 1: one district)")
    parser.add_argument(
        "--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL"
    )
    parser.add_argument("--database", default="jining_load", help="database to create (dropped first!)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse-db", action="store_true", help="use the database as it is (made by --keep-db)"
    )
    args = parser.parse_args()
    duration = min(max(args.duration, 1), MAX_DURATION)
    if not args.server.startswith("postgres://127.0.0.1") and "@127.0.0.1" not in args.server:
        sys.exit("The load test runs on loopback only: --server must be on 127.0.0.1.")

    database_url = f"{args.server}/{args.database}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain http on loopback
        "API_THROTTLE_RATE": "100000000/hour",  # never throttle the load test
        "DJANGO_LOG_LEVEL": "WARNING",
        # The API serves no static files; skip collectstatic's manifest (nothing is written to the tree).
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)

    if not args.reuse_db:
        log(f"creating database {args.database}")
        psql(args.server, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        psql(args.server, f'CREATE DATABASE "{args.database}"')
    gunicorn = None
    try:
        if not args.reuse_db:
            began = time.monotonic()
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "load_article")
            log(f"generate_data --scale {args.scale}")
            manage(env, "generate_data", "--scale", str(args.scale), "--no-progress")
            log(f"data ready in {time.monotonic() - began:.0f} s")
        token = (
            manage(env, "create_partner", "load-test", "--label", "bench/load.py").strip().splitlines()[-1]
        )

        port = free_port()
        gunicorn = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "jining.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--forwarded-allow-ips",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        wait_until_up(port, gunicorn)
        mix = endpoints(port, token)
        for _name, paths in mix:  # warm up every worker's connection and caches a little
            for _ in range(args.workers):
                get(port, paths[0], token)
        log(
            f"loading 127.0.0.1:{port} ({args.workers} gunicorn workers) "
            f"with {args.connections} connections for {duration:.0f} s"
        )
        latencies, statuses, failures, elapsed = run_load(port, token, mix, args.connections, duration)
        text, errors = report(latencies, statuses, failures, elapsed, args.connections)
        print(text)
        return 1 if errors else 0
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if not args.keep_db:
            psql(args.server, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            log(f"dropped database {args.database}")


if __name__ == "__main__":
    sys.exit(main())
