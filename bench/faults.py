"""Fault test of the public SIPAS survey (issue 8): the 10,000-submission load of
bench/survey_load.py, sent to two app processes (two gunicorn servers, as two app machines behind
a load balancer) on one PostgreSQL server that this script starts for itself, while

1. the database is restarted once (stopped for --down seconds, then started again), at 30% of
   the load, and
2. one app process is killed with SIGKILL (master and workers together, requests in flight
   included), at 60% of the load.

The clients behave as phones behind a load balancer would: a 503 is a rejection with retry
advice (its Retry-After is waited for, then the submission is sent again); a dropped connection
sends the submission to the other app process. A submission whose reply was lost (the process
died after committing) is confirmed when its link answers "already answered" (410) on retry.

It prints the attempts accepted, rejected with retry advice, and lost with a dropped connection;
the submissions accepted (first time or confirmed on retry) and those given up; the rows stored
and the links marked used (both must equal the accepted submissions, so nothing was lost and
nothing was half-written); and for each fault, the time until submissions were accepted again.

    .venv/bin/python bench/faults.py [--submissions 10000] [--clients 40] [--down 3]

It needs PostgreSQL's server programs (initdb, pg_ctl; Debian's postgresql package) and runs them
as the `postgres` user when started as root. Exits non-zero if the counts disagree.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import survey_load
from _server import django_env, free_port, gunicorn_process

DB_NAME = "cchc_faults"
MAX_ATTEMPTS = 30


def pg_bin(program: str) -> str:
    found = shutil.which(program) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))[-1:]
    if not found:
        sys.exit(f"bench/faults.py needs PostgreSQL's {program} (Debian: apt-get install postgresql)")
    return found if isinstance(found, str) else found[0]


class Postgres:
    """A PostgreSQL server of our own in a temporary folder, to stop and start at will."""

    def __init__(self, folder: str):
        self.data = os.path.join(folder, "pgdata")
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(folder, "postgres")
        self.run(pg_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.options = f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"

    def run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def start(self) -> None:
        self.run(pg_bin("pg_ctl"), "-D", self.data, "-o", self.options, "-w", "-l", self.data + ".log", "start")

    def stop(self) -> None:
        self.run(pg_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def own_postgres():
    folder = tempfile.mkdtemp(prefix="cchc-faults-pg-")
    server = Postgres(folder)
    server.start()
    try:
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {
            "accepted": 0,
            "confirmed": 0,
            "retry_advice": 0,
            "dropped": 0,
            "other": 0,
            "given_up": 0,
        }
        self.accepted_at: list[float] = []

    def add(self, kind: str) -> None:
        with self.lock:
            self.counts[kind] += 1
            if kind in ("accepted", "confirmed"):
                self.accepted_at.append(time.monotonic())

    def done(self) -> int:
        with self.lock:
            return self.counts["accepted"] + self.counts["confirmed"]


class Phone(survey_load.Phone):
    """A phone with one receipt: the survey's three requests; ('accepted' | 'confirmed' |
    'retry_advice' | 'other', seconds to wait). A dropped connection raises OSError."""

    def attempt(self, token: str, answers: dict[str, str]) -> tuple[str, float]:
        status, location, _body = self.request("GET", f"/khao-sat/?t={token}")
        if status == 410:
            return "confirmed", 0.0  # an earlier attempt was stored; its reply was lost
        if status != 302:
            return self.not_accepted(status)
        status, _location, page = self.request("GET", location)
        sent = self.send_answers(page.decode(errors="replace"), answers) if status == 200 else None
        if sent is None:
            return self.not_accepted(status)
        status, location = sent
        if status == 302 and urlsplit(location).path.endswith("/khao-sat/cam-on/"):  # may carry ?co-quan=
            return "accepted", 0.0
        if status == 410:
            return "confirmed", 0.0
        return self.not_accepted(status)

    def not_accepted(self, status: int) -> tuple[str, float]:
        retry_after = self.last_headers.get("retry-after", "")
        if status == 503 and retry_after.isdigit():
            return "retry_advice", float(retry_after)
        return "other", 1.0


def submit_all(ports: list[int], token_list: list[str], clients: int, tally: Tally) -> float:
    import random

    lock = threading.Lock()
    queue = list(reversed(token_list))

    def worker(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311  (answers, not security)
        server = seed % len(ports)
        phone = Phone(ports[server])
        while True:
            with lock:
                if not queue:
                    return
                token = queue.pop()
            answers = survey_load.random_answers(rng)
            for _attempt in range(MAX_ATTEMPTS):
                try:
                    kind, wait = phone.attempt(token, answers)
                except (OSError, http.client.HTTPException):
                    tally.add("dropped")  # the app process is gone: the balancer sends us elsewhere
                    server = (server + 1) % len(ports)
                    phone = Phone(ports[server])
                    time.sleep(0.2)
                    continue
                tally.add(kind)
                if kind in ("accepted", "confirmed"):
                    break
                phone = Phone(ports[server])
                time.sleep(min(wait, 5.0) * (0.5 + rng.random()))  # Retry-After, spread out
            else:
                tally.add("given_up")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app process")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--down", type=float, default=3.0, help="seconds the database stays stopped")
    args = parser.parse_args()

    with own_postgres() as pg, ExitStack() as stack:
        import psycopg
        from django.db import connection

        with psycopg.connect(pg.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        var_dir = tempfile.mkdtemp(prefix="cchc-faults-")
        stack.callback(shutil.rmtree, var_dir, True)
        env = django_env(pg.url(DB_NAME), var_dir)
        env["RETRY_AFTER_SECONDS"] = "2"
        token_list = survey_load.prepare(args.submissions)
        connection.close()
        log = stack.enter_context(open(os.path.join(var_dir, "app.log"), "w"))  # each 503's trace  # noqa: SIM115
        options = {"workers": args.workers, "threads": args.threads, "log": log}
        (port_a, _a) = stack.enter_context(gunicorn_process(env, **options))
        (port_b, app_b) = stack.enter_context(gunicorn_process(env, **options))
        print(
            f"Database: PostgreSQL of our own on port {pg.port}; two app processes (gunicorn {args.workers}"
            f" workers x {args.threads} threads each) on ports {port_a} and {port_b}"
        )
        print(f"Load: {args.submissions:,} submissions from {args.clients} clients, one receipt link each")
        tally = Tally()
        faults: list[tuple[str, float, float]] = []
        finished = threading.Event()
        saboteur = threading.Thread(target=sabotage, args=(pg, app_b, args, tally, faults, finished))
        saboteur.start()
        try:
            elapsed = submit_all([port_a, port_b], token_list, args.clients, tally)
        finally:
            finished.set()  # the saboteur gives up waiting if the load ended early
            saboteur.join()
        report(tally, faults, elapsed, len(token_list))


def sabotage(pg: Postgres, app_b, args, tally: Tally, faults: list, finished: threading.Event) -> None:
    """At 30%: the database stopped for --down seconds and started again; at 60%: app process B
    killed with SIGKILL, requests in flight included. Each fault that happened is in `faults`."""
    while tally.done() < args.submissions * 0.3:
        if finished.wait(0.05):
            return
    began = time.monotonic()
    pg.stop()
    time.sleep(args.down)
    pg.start()
    faults.append(("database restart", began, time.monotonic()))
    while tally.done() < args.submissions * 0.6:
        if finished.wait(0.05):
            return
    killed = time.monotonic()
    os.killpg(app_b.pid, signal.SIGKILL)
    faults.append(("app process killed", killed, killed))


def report(tally: Tally, faults: list, elapsed: float, submissions: int) -> None:
    from django.db import connection

    from surveys import mixing
    from surveys.models import PendingResponse, Response, SurveyToken

    counts = tally.counts
    # Answers wait in the mix pool until a batch is full (surveys.mixing); the rest is written by the
    # worker's daily job, done here as the worker would. Rows left by a crash before their link was
    # spent are not answers (the citizen was not thanked, the link still opens): they are dropped.
    waiting = mixing.waiting()
    unspent = PendingResponse.objects.exclude(claim__in=SurveyToken.objects.filter(used=True).values("digest")).count()
    written = mixing.flush()
    stored = Response.objects.count()
    used = SurveyToken.objects.filter(used=True).count()
    connection.close()
    accepted = counts["accepted"] + counts["confirmed"]
    print("Attempts")
    print(f"  accepted                          {counts['accepted']:>8,}")
    print(f"  rejected with retry advice (503)  {counts['retry_advice']:>8,}")
    print(f"  dropped connection (process died) {counts['dropped']:>8,}")
    print(f"  other refusals                    {counts['other']:>8,}   (must be 0)")
    print("Submissions")
    print(f"  accepted at the first reply       {counts['accepted']:>8,}")
    print(f"  confirmed on retry (reply lost)   {counts['confirmed']:>8,}")
    print(f"  accepted in all                   {accepted:>8,}   of {submissions:,}")
    print(f"  given up after {MAX_ATTEMPTS} attempts         {counts['given_up']:>8,}   (must be 0)")
    print(f"  waiting in the mix pool           {waiting:>8,}   (written now, as the worker would: {written:,})")
    print(f"  kept before a crash, link unspent {unspent:>8,}   (not answers: never counted)")
    print(f"  responses stored                  {stored:>8,}   (must equal accepted)")
    print(f"  links marked used                 {used:>8,}   (must equal stored)")
    print(f"  {elapsed:.1f} s in all, {accepted / elapsed:,.1f} submissions per second")
    print("Recovery")
    accepted_at = sorted(tally.accepted_at)
    for name, began, ended in faults:
        after = [t for t in accepted_at if t > ended]
        back = (after[0] - ended) if after else float("nan")
        window = [began] + [t for t in accepted_at if began < t <= (after[0] if after else ended)]
        longest = max((b - a for a, b in zip(window, window[1:], strict=False)), default=0.0)
        print(
            f"  {name:<20} {ended - began:4.1f} s fault; accepting again {back:5.2f} s after it ended;"
            f" longest time with no acceptance {longest:5.2f} s"
        )
    problems = []
    if counts["other"] or counts["given_up"] or accepted != submissions:
        problems.append("a submission was refused, given up or lost by its client")
    if stored != accepted or used != stored:
        problems.append("the database does not hold exactly the accepted submissions")
    if len(faults) != 2 or not counts["retry_advice"] or not counts["dropped"]:
        problems.append("a fault did not happen, or no client met it (no 503, no dropped connection)")
    if problems:
        sys.exit("FAILED: " + "; ".join(problems))


if __name__ == "__main__":
    main()
