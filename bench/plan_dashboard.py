"""Benchmark of the plan dashboards on a generated province.

Generates one province of N agencies (5 units, one 2026 plan and T tasks each, U progress updates
per task) plus one extra agency with 10 x T tasks, with "today" fixed at 2026-11-27. Then measures,
best of 5 runs, wall time and number of SQL queries of:

- the Office dashboard figures of one agency (plans.selectors.grouped by lead unit, added up by totals),
  on a normal agency and on the big one: the query count must not depend on the number of tasks
  (the thresholds, load_calendar + Thresholds.compute, are timed on their own line);
- the province dashboard figures (grouped by agency over every task, added up);
- a hand-written SQL aggregate computing the same figures, as the reference time;
- the rendered Office dashboard page GET /plans/ through the test client (focal point user),
  with timezone.localdate patched to return the same fixed "today".

The ORM figures are checked against the SQL ones: the script exits non-zero if they differ.
Timing targets (ratio ORM/SQL <= 2, query count independent of the task count) are printed only.

Run from the project root:

    .venv/bin/python bench/plan_dashboard.py [--agencies 300 --tasks 30 --updates 10]

By default it uses its own SQLite file (bench.sqlite3 in a fresh temporary VAR_DIR, deleted at
the end). With DATABASE_URL set it uses that database instead, e.g. PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/plan_dashboard.py

That database must be a throwaway, empty one: the script migrates it, refuses to run if it already
holds agencies, and leaves its generated data in it (drop the database afterwards).
"""

import argparse
import datetime as dt
import random
import sys
import time
from unittest import mock

import _harness

_harness.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Agency, Membership, Province, Unit, User  # noqa: E402
from core.services import load_calendar  # noqa: E402
from plans.models import Plan, ProgressUpdate, Task  # noqa: E402
from plans.selectors import Thresholds, grouped, totals  # noqa: E402

TODAY = dt.date(2026, 11, 27)
BATCH = 2000
RUNS = 5
STATUSES = ("not_started", "in_progress", "done", "done_late", "cancelled")
CLOSED = ("done", "done_late", "cancelled")
FLAGS = ("overdue", "due_soon", "at_risk", "stale", "missing_evidence", "awaiting_approval")
KEYS = ("total", *(f"s_{s}" for s in STATUSES), *FLAGS)


def aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59))))


def make_task(rng: random.Random, plan: Plan, unit: Unit, number: int) -> Task:
    task = Task(plan=plan, agency_id=plan.agency_id, lead_unit=unit, code=str(number), title=f"Task {number}")
    if rng.random() < 0.03:  # undated task
        status = rng.choice(("not_started", "in_progress"))
    else:
        offset = rng.randint(-300, 34) if rng.random() < 0.8 else rng.randint(-10, 20)  # year-end crunch
        task.deadline = task.next_due = TODAY + dt.timedelta(days=offset)
        if rng.random() < 0.9:
            task.start_date = task.deadline - dt.timedelta(days=rng.randint(10, 200))
        r = rng.random()
        if task.deadline < TODAY:
            status = "done" if r < 0.6 else "done_late" if r < 0.78 else "cancelled" if r < 0.83 else "in_progress"
        else:
            status = "done" if r < 0.15 else "cancelled" if r < 0.2 else "in_progress" if r < 0.75 else "not_started"
    task.status = status
    task.progress = {"done": 100, "done_late": 100, "not_started": 0}.get(status, rng.randint(0, 95))
    if status == "in_progress" and rng.random() < 0.08:
        task.progress = 100
        task.completion_requested_at = aware(TODAY - dt.timedelta(days=rng.randint(0, 5)), rng)
    if status != "not_started" or rng.random() < 0.3:
        days_ago = rng.randint(0, 12) if rng.random() < 0.6 else rng.randint(13, 90)
        task.last_update_at = aware(TODAY - dt.timedelta(days=days_ago), rng)
    task.evidence_count = 0 if rng.random() < 0.35 else rng.randint(1, 4)
    reasons = []
    if status not in CLOSED and task.next_due:
        if task.next_due < TODAY:
            reasons.append("overdue")
        if task.last_update_at and task.last_update_at.date() < TODAY - dt.timedelta(days=14):
            reasons.append("stale")
        if rng.random() < 0.15:
            reasons.append("behind_schedule")
    task.at_risk, task.risk_reasons = bool(reasons), ",".join(reasons)
    return task


@transaction.atomic
def generate(n_agencies: int, n_tasks: int, n_updates: int) -> tuple[Agency, Agency]:
    rng = random.Random(42)
    province = Province.objects.create(code="BENCH", name="Bench province")
    sizes = [n_tasks] * n_agencies + [n_tasks * 10]  # the last one is the big agency
    agencies = Agency.objects.bulk_create(
        [Agency(province=province, code=f"AG{i + 1:04d}", name=f"Agency {i + 1:04d}") for i in range(len(sizes))]
    )
    units = Unit.objects.bulk_create(
        [
            Unit(agency=a, code=f"U{k}", name=f"{a.code} unit {k}", is_office=k == 0, order=k)
            for a in agencies
            for k in range(5)
        ],
        batch_size=BATCH,
    )
    plans = Plan.objects.bulk_create([Plan(agency=a, year=2026, title=f"CCHC plan {a.code}") for a in agencies])
    tasks = [
        make_task(rng, plan, rng.choice(units[5 * i : 5 * i + 5]), n + 1)
        for i, (plan, size) in enumerate(zip(plans, sizes, strict=True))
        for n in range(size)
    ]
    tasks = Task.objects.bulk_create(tasks, batch_size=BATCH)
    updates = (
        ProgressUpdate(task=task, author=None, progress=task.progress * (k + 1) // n_updates, text=f"Update {k + 1}")
        for task in tasks
        for k in range(n_updates)
    )
    ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
    return agencies[0], agencies[-1]


def orm_figures(tasks, t: Thresholds, by: str) -> tuple:
    rows = grouped(tasks, t, by)  # the pages add the rows up (totals) instead of a second query
    s = totals(rows)
    return tuple(s[k] for k in KEYS), [(r[by], *(r[k] for k in KEYS)) for r in rows]


def sql_figures(t: Thresholds, group_col: str, agency_id: int | None = None) -> tuple:
    ops = connection.ops
    today, soon, evidence, stale_day = map(
        ops.adapt_datefield_value, (t.today, t.due_soon_before, t.evidence_before, t.stale_before)
    )
    open_ = "status NOT IN (%s, %s, %s)"
    cond = {f"s_{s}": ("status = %s", [s]) for s in STATUSES}
    cond["overdue"] = (f"{open_} AND next_due < %s", [*CLOSED, today])
    cond["due_soon"] = (f"{open_} AND next_due >= %s AND next_due < %s", [*CLOSED, today, soon])
    cond["at_risk"] = (f"{open_} AND at_risk = %s AND next_due >= %s", [*CLOSED, True, today])
    cond["stale"] = (
        f"{open_} AND (start_date IS NULL OR start_date <= %s) AND next_due >= %s"
        " AND (last_update_at < %s OR (last_update_at IS NULL AND start_date < %s))",
        [*CLOSED, today, today, ops.adapt_datetimefield_value(t.stale_before_dt()), stale_day],
    )
    cond["missing_evidence"] = (
        f"{open_} AND evidence_count = 0 AND next_due >= %s AND next_due < %s",
        [*CLOSED, today, evidence],
    )
    cond["awaiting_approval"] = (f"{open_} AND completion_requested_at IS NOT NULL", [*CLOSED])
    select = ", ".join(["COUNT(*)", *(f"COUNT(CASE WHEN {cond[k][0]} THEN 1 END)" for k in KEYS[1:])])
    params = [p for k in KEYS[1:] for p in cond[k][1]]
    where, where_params = ("WHERE agency_id = %s", [agency_id]) if agency_id else ("", [])
    with connection.cursor() as cursor:
        # One grouped query, totals added up in Python: the same work the app does.
        cursor.execute(
            f"SELECT {group_col}, {select} FROM plans_task {where} GROUP BY {group_col} ORDER BY {group_col}",
            params + where_params,
        )
        rows = [tuple(row) for row in cursor.fetchall()]
        total = tuple(sum(row[i] for row in rows) for i in range(1, len(KEYS) + 1))
        return total, rows


def bench(fn) -> tuple[float, int, object]:
    """Best wall time in ms over RUNS runs, query count and result of a first (warm-up) run."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    queries = len(ctx)  # read it now: each test client request empties connection.queries
    best, _ = _harness.best_of(fn, RUNS)
    return best * 1000, queries, result


def page_client(agency: Agency) -> Client:
    user = User.objects.create_user(username=f"focal-{agency.code}")
    Membership.objects.create(user=user, agency=agency, role="focal_point")
    client = Client()
    client.force_login(user)
    return client


def get_page(client: Client):
    response = client.get("/plans/")
    if response.status_code != 200:
        sys.exit(f"GET /plans/ returned {response.status_code}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=30, help="tasks per agency")
    parser.add_argument("--updates", type=int, default=10, help="progress updates per task")
    args = parser.parse_args()
    _harness.prepare_database()
    start = time.perf_counter()
    small, big = generate(args.agencies, args.tasks, args.updates)
    print(
        f"Generated {Agency.objects.count()} agencies, {Task.objects.count()} tasks, "
        f"{ProgressUpdate.objects.count()} progress updates in {time.perf_counter() - start:.1f} s"
    )
    ms, n, _ = bench(lambda: Thresholds.compute(TODAY, load_calendar()))
    print(f"Thresholds (load_calendar + Thresholds.compute): {ms:.2f} ms, {n} queries")
    t = Thresholds.compute(TODAY, load_calendar())

    cases = [
        (f"agency dashboard ({args.tasks} tasks)", Task.objects.filter(agency=small), "lead_unit", small.pk),
        (f"agency dashboard ({args.tasks * 10} tasks)", Task.objects.filter(agency=big), "lead_unit", big.pk),
        (f"province dashboard ({Task.objects.count()} tasks)", Task.objects.all(), "agency", None),
    ]
    print(f"\n{'figures':<36}{'ORM ms':>9}{'SQL ms':>9}{'ORM/SQL':>9}{'ORM queries':>13}")
    for name, tasks, by, agency_id in cases:
        orm_ms, orm_n, orm = bench(lambda tasks=tasks, by=by: orm_figures(tasks, t, by))
        sql_ms, _, sql = bench(lambda by=by, agency_id=agency_id: sql_figures(t, f"{by}_id", agency_id))
        if orm != sql:
            differ = [k for k, a, b in zip(KEYS, orm[0], sql[0], strict=True) if a != b]
            sys.exit(f"MISMATCH in {name}: totals differ on {differ}, grouped rows equal: {orm[1] == sql[1]}")
        print(f"{name:<36}{orm_ms:>9.2f}{sql_ms:>9.2f}{orm_ms / sql_ms:>9.2f}{orm_n:>13}")
        if agency_id is None:
            figures = dict(zip(KEYS, orm[0], strict=True))
            print("  province figures:", ", ".join(f"{k}={v}" for k, v in figures.items()))
            if not all(figures[k] for k in ("overdue", "due_soon", "stale", "missing_evidence")):
                sys.exit("Generated data should give non-zero overdue / due_soon / stale / missing_evidence")
    print("ORM figures equal the SQL figures.")
    print("target: ratio <= 2, query count independent of task count")

    print(f"\n{'page GET /plans/ (focal point)':<36}{'ms':>9}{'queries':>9}")
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        for agency, size in ((small, args.tasks), (big, args.tasks * 10)):
            client = page_client(agency)
            ms, n, _ = bench(lambda client=client: get_page(client))
            print(f"{f'office dashboard ({size} tasks)':<36}{ms:>9.2f}{n:>9}")
    print("target: query count independent of task count")


if __name__ == "__main__":
    _harness.run(main)
