#!/usr/bin/env python
"""Benchmark of the import engine (jining.importing.bulk; docs/performance.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jining_bench_import .venv/bin/python bench/imports.py
    DATABASE_URL=... .venv/bin/python bench/imports.py --rows 10000 --repeat 3

Writes: point DATABASE_URL at a scratch database (it is migrated and given the article's data).
Builds a CSV of ``--rows`` people in the entrepreneurs' import template (every other row with a
valid ID-card number, the rest matched by name + birth year + county, the last row with a broken
ID-card number), then per run: ``validate()`` of the file with the bad row (the preview a clerk
gets: every problem listed), ``validate()`` of the file without it, and ``write()`` of that plan,
inside a transaction rolled back at the end so each run starts from the same data. Prints seconds,
rows/s and SQL statements of each phase, and the load average before each run: measure on an
otherwise idle machine.
"""

import argparse
import csv
import datetime
import io
import json
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure_environment():
    os.environ["DJANGO_SETTINGS_MODULE"] = "jining.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    if len(os.environ.get("DJANGO_SECRET_KEY", "")) < 50:
        os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")


COUNTIES = ["集宁区", "察右中旗", "卓资县", "丰镇市", "凉城县"]
HEADERS = ["姓名", "性别", "身份证号", "手机号", "户籍县区/旗", "出生年份", "返乡年份", "文化程度"]


def people_csv(rows, bad_row):
    from tests.factories import make_id_card

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for n in range(rows):
        id_card = ""
        if n % 2 == 0:  # 50 numbers a birth date: a new date every 50 people
            id_card = make_id_card(n, birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 50))
        if bad_row and n == rows - 1:
            id_card = "150902198506150010"  # a checksum that does not match
        gender = "" if id_card else ("男" if n % 3 else "女")  # an ID card tells gender and birth
        birth_year = "" if id_card else str(1970 + n % 30)
        writer.writerow(
            [f"测试{n:06d}", gender, id_card, f"138{n:08d}", COUNTIES[n % 5], birth_year, "2018", "大专"]
        )
    return out.getvalue().encode("utf-8-sig")


def measure(label, function):
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    reset_queries()
    return result, {"phase": label, "seconds": round(seconds, 2), "queries": queries}


def run(rows):
    import django
    from django.db import transaction

    django.setup()
    from entrepreneurs.resources import EntrepreneurResource
    from jining.importing import bulk
    from jining.importing.formats import CSV

    results = []
    with transaction.atomic():
        for bad in (True, False):
            dataset = CSV().create_dataset(people_csv(rows, bad))
            label = "validate" + (" (1 bad row)" if bad else "")
            plan, figures = measure(label, lambda d=dataset: bulk.validate(EntrepreneurResource(), d))
            figures["rows_per_s"] = round(rows / figures["seconds"])
            figures["counts"] = plan.counts()
            figures["first_problems"] = plan.problems()[:2]
            results.append(figures)
        _, figures = measure("write", lambda: bulk.write(plan, EntrepreneurResource(), reason="bench"))
        figures["rows_per_s"] = round(rows / figures["seconds"])
        results.append(figures)
        transaction.set_rollback(True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    configure_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("loaddata", "article", verbosity=0)
    from django.db import connection

    print(f"# {connection.vendor}, {args.rows} rows")
    for number in range(args.repeat):
        print(f"# run {number + 1}, load average {os.getloadavg()[0]:.2f}")
        for figures in run(args.rows):
            print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
