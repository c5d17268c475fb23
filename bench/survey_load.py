"""Load test of the public SIPAS survey: the app served by gunicorn on PostgreSQL takes 10,000
submissions from 50 concurrent clients, each through a dossier's single-use receipt link.

One submission is what a phone does after scanning the receipt's QR code: GET the link (the
token is swapped for a session, 302), GET the form (200, with its CSRF token), POST the answers
(302 to the thank-you page), with the page's CSRF token and signed invitation. The script prints:

- submissions per second, and the latency of the POST and of the whole three-request visit
  (p50, p95, p99);
- server errors (5xx or a dropped connection): must be 0;
- the responses in the database and the links marked used: both must equal the accepted
  submissions (the script exits non-zero otherwise);
- beside them, in the same run, the rate of plain INSERTs of the same rows (the stored responses,
  copied into a scratch table with the same columns) from 50 connections, one row per
  transaction: what the database alone costs for one write per submission.

    .venv/bin/python bench/survey_load.py [--submissions 10000] [--clients 50] [--workers 3 --threads 8]

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/); the
script creates and finally drops its own database `cchc_survey_bench` there.
"""

import argparse
import http.client
import os
import re
import resource
import secrets
import shutil
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit

from _server import Client, django_env, drop_database, gunicorn, percentile, postgres_base, recreate_database

DB_NAME = "cchc_survey_bench"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INVITATION_INPUT = re.compile(r'name="invitation" value="([^"]+)"')
ITEMS = [f"q{n}" for n in range(15, 34)]


def random_answers(rng) -> dict[str, str]:
    """One citizen's answers: mostly satisfied, some "not applicable"."""
    answers = {code: str(rng.choice([2, 3, 4, 4, 5, 5, "na"])) for code in ITEMS}
    answers["e1"] = str(rng.choice([1, 2, 3]))
    return answers


class Phone(Client):
    """A phone that scanned a receipt: the three requests of one submission."""

    def send_answers(self, page: str, answers: dict[str, str]) -> tuple[int, str] | None:
        """POSTs the answers with the form page's CSRF token and signed invitation; (status,
        location), or None when the page holds no form."""
        csrf, invitation = CSRF_INPUT.search(page), INVITATION_INPUT.search(page)
        if not csrf or not invitation:
            return None
        body = urlencode({"csrfmiddlewaretoken": csrf.group(1), "invitation": invitation.group(1), **answers})
        status, location, _ = self.request(
            "POST",
            "/khao-sat/phieu/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{self.port}",
                "Referer": f"http://127.0.0.1:{self.port}/khao-sat/phieu/",
            },
        )
        return status, location

    def submit(self, token: str, answers: dict[str, str]) -> tuple[str, float, float]:
        """('ok' | 'refused' | 'error', POST seconds, visit seconds)."""
        start = time.perf_counter()
        status, location, _ = self.request("GET", f"/khao-sat/?t={token}")
        if status >= 500:
            return "error", 0.0, 0.0
        if status != 302:
            return "refused", 0.0, 0.0
        status, _, page = self.request("GET", location)
        if status >= 500:
            return "error", 0.0, 0.0
        posted = time.perf_counter()
        sent = self.send_answers(page.decode(), answers) if status == 200 else None
        if sent is None:
            return "refused", 0.0, 0.0
        status, location = sent
        end = time.perf_counter()
        if status >= 500:
            return "error", end - posted, end - start
        return (
            ("ok" if status == 302 and urlsplit(location).path.endswith("/khao-sat/cam-on/") else "refused"),
            end - posted,
            end - start,
        )


def load(port: int, token_list: list[str], clients: int) -> dict:
    results: list[tuple[str, float, float]] = []
    lock = threading.Lock()
    queue = list(reversed(token_list))

    def worker(seed: int) -> None:
        import random

        rng = random.Random(seed)  # noqa: S311  (answers, not security)
        client = Phone(port)
        while True:
            with lock:
                if not queue:
                    return
                token = queue.pop()
            try:
                outcome = client.submit(token, random_answers(rng))
            except (OSError, http.client.HTTPException):
                outcome = ("error", 0.0, 0.0)
                client = Phone(port)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"results": results, "elapsed": elapsed}


def plain_inserts(url: str, clients: int) -> tuple[int, float]:
    """The stored responses inserted again, one per transaction, from `clients` connections."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_plain (LIKE surveys_response INCLUDING ALL)")  # keys and indexes too
        columns = [row[0] for row in conn.execute("SELECT * FROM surveys_response LIMIT 0").description]
        rows = conn.execute("SELECT * FROM surveys_response").fetchall()
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO bench_plain ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    from psycopg.types.json import Jsonb

    json_at = [i for i, name in enumerate(columns) if name in ("answers", "profile")]
    rows = [tuple(Jsonb(v) if i in json_at else v for i, v in enumerate(row)) for row in rows]
    shares = [rows[n::clients] for n in range(clients)]

    def insert(share) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            for row in share:
                conn.execute(sql, row)

    threads = [threading.Thread(target=insert, args=(share,)) for share in shares]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(rows), time.perf_counter() - start


def prepare(count: int) -> list[str]:
    """Migrates, loads the demo organisation and makes `count` receipt links of one procedure
    (spread over the units); returns the links' tokens."""
    from django.core.management import call_command

    from core.models import Agency
    from core.reference import load_demo_organisation
    from procedures.models import Procedure
    from surveys import tokens
    from surveys.models import SurveyToken

    call_command("migrate", verbosity=0)
    load_demo_organisation()
    agency = Agency.objects.get(code="BQLKKTCK")
    units = list(agency.units.all())
    procedure = Procedure.objects.create(agency=agency, code="2.000001", name="Thủ tục thử tải", limit=5)
    token_list = [secrets.token_urlsafe(16)[: tokens.TOKEN_LENGTH] for _ in range(count)]
    SurveyToken.objects.bulk_create(
        [
            SurveyToken(
                digest=tokens.digest(t),
                agency=agency,
                unit=units[n % len(units)],
                procedure=procedure,
                procedure_code=procedure.code,
            )
            for n, t in enumerate(token_list)
        ],
        batch_size=2000,
    )
    return token_list


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    base = postgres_base("bench/survey_load.py")
    url = recreate_database(base, DB_NAME)
    var_dir = tempfile.mkdtemp(prefix="cchc-survey-bench-")
    env = django_env(url, var_dir)
    from django.db import connection

    try:
        token_list = prepare(args.submissions)
        connection.close()
        with gunicorn(env, workers=args.workers, threads=args.threads) as port:
            run = measure(port, token_list, args)
        report(run, args, url)
    finally:
        connection.close()
        drop_database(base, DB_NAME)
        shutil.rmtree(var_dir, ignore_errors=True)


def measure(port: int, token_list: list[str], args) -> dict:
    Client(port).request("GET", "/khao-sat/cam-on/")  # warm every worker a little
    print(f"Database: postgresql {DB_NAME}; gunicorn {args.workers} workers x {args.threads} threads (gthread)")
    print(f"Load: {args.submissions} submissions from {args.clients} concurrent clients, one receipt link each")
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    run = load(port, token_list, args.clients)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    run["client_cpu"] = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return run


def report(run: dict, args, url: str) -> None:
    from django.db import connection

    from surveys.models import Response, SurveyToken

    results = run["results"]
    ok = [r for r in results if r[0] == "ok"]
    errors = sum(1 for r in results if r[0] == "error")
    refused = sum(1 for r in results if r[0] == "refused")
    posts = [r[1] * 1000 for r in ok]
    visits = [r[2] * 1000 for r in ok]
    from surveys import mixing

    waiting = mixing.waiting()
    mixing.flush()  # what the worker does with the day's remainder (surveys.mixing)
    stored = Response.objects.count()
    used = SurveyToken.objects.filter(used=True).count()
    connection.close()
    print(f"  accepted submissions      {len(ok):>10,}")
    print(f"  refused                   {refused:>10,}")
    print(f"  server errors             {errors:>10,}   (must be 0)")
    print(f"  submissions per second    {len(ok) / run['elapsed']:>10,.1f}   ({run['elapsed']:.1f} s in all)")
    for label, values in (("POST latency", posts), ("visit latency (3 requests)", visits)):
        print(
            f"  {label:<26}p50 {percentile(values, 50):7.1f} ms   p95 {percentile(values, 95):7.1f} ms"
            f"   p99 {percentile(values, 99):7.1f} ms"
        )
    print(
        f"  the clients' own CPU time  {run['client_cpu']:>9.1f} s   (same {os.cpu_count()} cores as the server,"
        f" over {run['elapsed']:.1f} s)"
    )
    print(f"  waiting in the mix pool   {waiting:>10,}   (written by the worker, then counted below)")
    print(f"  responses in the database {stored:>10,}   (must equal accepted)")
    print(f"  links marked used         {used:>10,}   (must equal accepted)")
    count, seconds = plain_inserts(url, args.clients)
    print(
        f"Plain INSERTs of the same {count:,} rows, {args.clients} connections, one row per transaction: "
        f"{count / seconds:,.1f} rows/s ({seconds:.1f} s)"
    )
    if errors or refused or stored != len(ok) or used != len(ok):
        sys.exit("FAILED: errors or refusals, or the database does not hold exactly the accepted submissions")


if __name__ == "__main__":
    main()
