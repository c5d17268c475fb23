"""Benchmark of the log-in (D33): N log-ins through the real page (POST /login/ with the real
password hasher, axes, the audit trail and the session), then the landing page it leads to.

For each log-in it measures the POST, the time spent computing password hashes (PBKDF2, counted:
there must be exactly one per log-in), the SQL statements and the landing page ("/", the
person's "Việc của tôi hôm nay"); it prints each run and the median and best of each figure.

    .venv/bin/python bench/login.py [--runs 10] [--user vanphong]

The hasher keeps its production cost (Django's PBKDF2 iterations): it is what a log-in must
cost; everything around it should be small beside it.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402  (sets up Django before anything of the project is imported)

_harness.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--user", default="vanphong")
    args = parser.parse_args()
    _harness.prepare_database()

    from django.contrib.auth import hashers
    from django.db import connection
    from django.test import Client

    from core.reference import DEMO_PASSWORD, load_calendar_overrides, load_demo_organisation

    load_calendar_overrides()
    load_demo_organisation()

    hashing = {"calls": 0, "seconds": 0.0}
    original = hashers.pbkdf2

    def counted(*a, **k):
        start = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            hashing["calls"] += 1
            hashing["seconds"] += time.perf_counter() - start

    hashers.pbkdf2 = counted
    statements = []

    def count_sql(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    from django.db.backends.signals import connection_created

    def wrap(sender, connection, **kwargs):
        if count_sql not in connection.execute_wrappers:
            connection.execute_wrappers.append(count_sql)

    connection_created.connect(wrap)
    connection.execute_wrappers.append(count_sql)

    posts, hashes, landings = [], [], []
    print(f"{args.runs} log-ins of {args.user} (PBKDF2, {hashers.PBKDF2PasswordHasher.iterations:,} iterations)")
    print(f"{'run':>4} {'POST s':>8} {'hash s':>8} {'hashes':>7} {'SQL':>5} {'landing s':>10} {'landing SQL':>12}")
    for run in range(1, args.runs + 1):
        client = Client()
        hashing.update(calls=0, seconds=0.0)
        statements.clear()
        start = time.perf_counter()
        response = client.post("/login/", {"username": args.user, "password": DEMO_PASSWORD})
        post = time.perf_counter() - start
        if response.status_code != 302:
            sys.exit(f"log-in refused ({response.status_code}): is the demo password right?")
        sql, calls, hashed = len(statements), hashing["calls"], hashing["seconds"]
        statements.clear()
        start = time.perf_counter()
        landing = client.get(response["Location"])
        landed = time.perf_counter() - start
        posts.append(post)
        hashes.append(hashed)
        landings.append(landed)
        print(f"{run:>4} {post:8.3f} {hashed:8.3f} {calls:>7} {sql:>5} {landed:10.3f} {len(statements):>12}")
        if landing.status_code != 200:
            sys.exit(f"landing page answered {landing.status_code}")
    print(
        f"median: POST {statistics.median(posts):.3f} s (of which hashing {statistics.median(hashes):.3f} s), "
        f"landing {statistics.median(landings):.3f} s; "
        f"best: POST {min(posts):.3f} s, landing {min(landings):.3f} s"
    )


if __name__ == "__main__":
    _harness.run(main)
