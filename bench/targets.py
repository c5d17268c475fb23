"""Benchmark of the targets board (issue 22): every target's actual value and status on one page.

Generates the demo organisation, the seed plan (its 59 tasks) topped up to T tasks (5,000 by
default), the province's and the seed plan's targets from data/targets/ topped up to 60 targets
(more computed measures, targets counting their own tasks, entered values), two quarterly series
and N dossiers of the agency for 2026 (1,000,000 by default; bulk_create, with their 766 facts
worked out as `Dossier.save` does), with "today" fixed at 2026-11-27. Then measures, best of 5
runs, wall time and number of SQL queries of:

- targets.selectors.rows() over the agency's 2026 targets (what every page, the API and the
  command read);
- the rendered board page GET reverse("targets:board") through the test client (a leader);
- hand-written SQL reading the same numbers: one aggregate over the dossiers for the 766 rates,
  the overdue count, the apologies and the fully online rate; one over the tasks of the targets
  that count their own tasks; the latest series values and entered values; its figures must equal
  the ORM's (the script exits non-zero otherwise). The other registers' figures (assigned tasks,
  reports, inspections, feedback, survey, PAR round) are read by `rows()` but not rewritten here.

Figures are printed, with the ratio ORM/SQL; nothing is asserted on time. The query count must
not depend on the number of targets, tasks or dossiers: run it at two sizes to see it.

    .venv/bin/python bench/targets.py [--dossiers 1000000 --tasks 5000 --targets 60]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench_targets .venv/bin/python bench/targets.py

A DATABASE_URL must name a throwaway, empty database (it is migrated and left with the data).
"""

import argparse
import datetime as dt
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

import _harness

_harness.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.deadlines import END_OF_DAY, LOCAL  # noqa: E402
from core.models import Agency, Membership, Unit, User  # noqa: E402
from core.reference import DATA_DIR, load_calendar_overrides, load_demo_organisation  # noqa: E402
from core.services import load_calendar  # noqa: E402
from plans.loader import load_plan_file  # noqa: E402
from plans.models import Task  # noqa: E402
from procedures.models import Dossier, OnlineLevel, Procedure  # noqa: E402
from scorecards.metrics import enter_metric  # noqa: E402
from scorecards.models import MetricSeries  # noqa: E402
from targets.loader import load_targets_file  # noqa: E402
from targets.models import Target, TargetReading  # noqa: E402
from targets.selectors import LINKED_TASKS, rows, targets_of  # noqa: E402

TODAY = dt.date(2026, 11, 27)
YEAR = 2026
BATCH = 5000
RUNS = 5
HUNDRED = Decimal(100)
# (code, limit in working days ~ calendar days here, fee-bearing, online level, paper result)
PROCEDURES = [
    ("B.001", 15, True, OnlineLevel.FULL, True),
    ("B.002", 10, False, OnlineLevel.FULL, False),
    ("B.003", 5, True, OnlineLevel.PARTIAL, True),
    ("B.004", 3, False, OnlineLevel.NONE, True),
    ("B.005", 20, True, OnlineLevel.PARTIAL, False),
]
EXTRA_KEYS = [  # the measures the extra computed targets read (each register once per page anyway)
    "dossier_on_time_rate",
    "online_rate",
    "online_payment_rate",
    "e_result_rate",
    "digitization_rate",
    "reuse_rate",
    "full_online_rate",
    "overdue_dossiers",
    "late_dossiers_apologised_rate",
    "plan_completion_rate",
    "evidence_coverage_rate",
    "feedback_on_time_rate",
]
# The 766 measures the SQL below reads, by the ORM's key.
DOSSIER_KEYS = {*EXTRA_KEYS[:9]}


def aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=LOCAL)


def make_dossier(rng: random.Random, agency_id: int, unit_id: int, procedures: list, number: int) -> Dossier:
    procedure, limit = procedures[number % len(procedures)]
    received = dt.date(YEAR, 1, 2) + dt.timedelta(days=rng.randint(0, (TODAY - dt.date(YEAR, 1, 2)).days))
    received_at = aware(received, rng)
    due = received + dt.timedelta(days=limit + limit // 2)
    d = Dossier(
        agency_id=agency_id,
        unit_id=unit_id,
        procedure_id=procedure.pk,
        procedure_code=procedure.code,
        code=f"BENCH-{number:08d}",
        channel="online" if rng.random() < 0.45 else "direct",
        received_at=received_at,
        due_date=due,
        limit=limit,
        limit_unit="working_days",
        paper_result=procedure.paper_result,
        fee_bearing=procedure.fee_bearing,
    )
    r = rng.random()
    if r < 0.85 and due < TODAY + dt.timedelta(days=10):  # ended: mostly in time, some late
        offset = rng.randint(-limit, 0) if rng.random() < 0.93 else rng.randint(1, 15)
        finished = min(due + dt.timedelta(days=offset), TODAY)
        finished = max(finished, received)
        d.status = "returned" if rng.random() < 0.8 else "finished"
        d.finished_at = aware(finished, rng)
        if d.finished_at < received_at:
            d.finished_at = received_at + dt.timedelta(hours=1)
        d.returned_at = d.finished_at if d.status == "returned" else None
        if offset > 0 and rng.random() < 0.6:
            d.apology_date = finished + dt.timedelta(days=3)
            d.apology_at = d.finished_at - dt.timedelta(days=1)
    else:
        d.status = rng.choice(("received", "processing", "supplement_requested"))
        if d.status == "supplement_requested":
            d.supplement_count = 1 if rng.random() < 0.9 else 2
            d.supplement_requested_at = received_at + dt.timedelta(days=1)
    d.e_result = rng.random() < 0.7
    d.digitized = rng.random() < 0.6
    d.reused_data = rng.random() < 0.25
    d.paid_online = d.fee_bearing and rng.random() < 0.5
    d.complaint = rng.random() < 0.01
    d.refresh_facts()
    return d


def make_task(rng: random.Random, plan, units: list[Unit], number: int) -> Task:
    deadline = dt.date(YEAR, 1, 15) + dt.timedelta(days=rng.randint(0, 350))
    task = Task(
        plan=plan,
        agency_id=plan.agency_id,
        lead_unit=rng.choice(units),
        code=f"B{number:05d}",
        title=f"Nhiệm vụ {number}",
        start_date=deadline - dt.timedelta(days=rng.randint(10, 120)),
        deadline=deadline,
        next_due=deadline,
    )
    r = rng.random()
    if deadline < TODAY:
        task.status = "done" if r < 0.7 else "done_late" if r < 0.85 else "cancelled" if r < 0.9 else "in_progress"
    else:
        task.status = "done" if r < 0.2 else "in_progress" if r < 0.8 else "not_started"
    if task.status == "done":
        task.completed_on = deadline - dt.timedelta(days=rng.randint(0, 20))
    elif task.status == "done_late":
        task.completed_on = deadline + dt.timedelta(days=rng.randint(1, 20))
    task.progress = 100 if task.completed_on else rng.randint(0, 90)
    task.evidence_count = rng.randint(0, 3)
    return task


@transaction.atomic
def generate(n_tasks: int, n_targets: int, n_dossiers: int) -> Agency:
    rng = random.Random(22)
    started = time.perf_counter()
    load_calendar_overrides()
    load_demo_organisation()
    cal = load_calendar()
    agency = Agency.objects.get(code="BQLKKTCK")
    units = list(Unit.objects.filter(agency=agency))
    plan, _ = load_plan_file(DATA_DIR / "plans" / "plan_2026_bqlkktck.yaml", today=TODAY, cal=cal)
    have = plan.tasks.count()
    Task.objects.bulk_create(
        (make_task(rng, plan, units, n) for n in range(have + 1, max(n_tasks, have) + 1)), batch_size=BATCH
    )
    load_targets_file(DATA_DIR / "targets" / "plan_2026_province.yaml")
    load_targets_file(DATA_DIR / "targets" / "plan_2026_bqlkktck.yaml")
    _series(agency)
    _more_targets(rng, plan, n_targets)
    procedures = [
        Procedure.objects.create(
            agency=agency,
            code=code,
            name=f"Thủ tục {code}",
            limit=limit,
            fee_bearing=fee,
            online_level=level,
            paper_result=paper,
        )
        for code, limit, fee, level, paper in PROCEDURES
    ]
    pairs = [(p, p.limit) for p in procedures]
    unit_id = next(u.pk for u in units if u.code == "QLDN")
    print(f"  organisation, plan, targets and series: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    dossiers = (make_dossier(rng, agency.pk, unit_id, pairs, n) for n in range(n_dossiers))
    if connection.vendor == "postgresql":
        copy_dossiers(dossiers)
    else:
        Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
    print(f"  {n_dossiers} dossiers: {time.perf_counter() - started:.1f} s")
    return agency


def copy_dossiers(dossiers) -> None:
    """COPY on PostgreSQL (bulk_create of a million wide rows takes minutes): each field's value
    as Django would write it."""
    fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = timezone.now()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY procedures_dossier ({columns}) FROM STDIN") as copy:
        for d in dossiers:
            d.updated_at = now
            copy.write_row([f.get_db_prep_save(getattr(d, f.attname), connection) for f in fields])


def _series(agency: Agency) -> None:
    values = {"disbursement_rate": [18, 41, 67], "electronic_documents_rate": [(412, 468), (455, 503), (470, 509)]}
    for series in MetricSeries.objects.filter(agency=agency, key__in=values):
        ends = (dt.date(YEAR, 3, 31), dt.date(YEAR, 6, 30), dt.date(YEAR, 9, 30))
        for end, value in zip(ends, values[series.key], strict=True):
            if isinstance(value, tuple):
                enter_metric(
                    actor=None,
                    series=series,
                    period_end=end,
                    numerator=Decimal(value[0]),
                    denominator=Decimal(value[1]),
                )
            else:
                enter_metric(actor=None, series=series, period_end=end, value=Decimal(value))


def _more_targets(rng: random.Random, plan, n_targets: int) -> None:
    """Targets up to n_targets: a third count their own tasks (50 each), the rest cycle over the
    computed measures; then a value for each manual target."""
    tasks = list(plan.tasks.values_list("pk", flat=True))
    base = Target.objects.filter(plan=plan).count()
    office = Unit.objects.get(agency=plan.agency, code="VP")
    extra = []
    for n in range(base + 1, n_targets + 1):
        linked = n % 3 == 0
        key = LINKED_TASKS if linked else EXTRA_KEYS[n % len(EXTRA_KEYS)]
        extra.append(
            Target(
                plan=plan,
                agency=plan.agency,
                code=f"CT{n:02d}",
                name=f"Chỉ tiêu {n}",
                unit="hồ sơ" if key == "overdue_dossiers" else "%",
                direction="zero" if key == "overdue_dossiers" else "at_least",
                target_value=Decimal(0 if key == "overdue_dossiers" else 100),
                baseline=Decimal(60) if n % 2 else None,
                due_date=dt.date(YEAR, 12, 31),
                owner_unit=office,
                measure="computed",
                measure_key=key,
                order=n,
            )
        )
    created = Target.objects.bulk_create(extra)
    through = Target.tasks.through
    links = [
        through(target_id=target.pk, task_id=task)
        for target in created
        if target.measure_key == LINKED_TASKS
        for task in rng.sample(tasks, 50)
    ]
    through.objects.bulk_create(links, batch_size=BATCH)
    for target in Target.objects.filter(plan=plan, measure="manual"):
        TargetReading.objects.create(
            target=target, as_of=dt.date(YEAR, 9, 30), value=Decimal({"zero": 0, "yes": 1}.get(target.direction, 90))
        )


# ---------------------------------------------------------------------------------- hand SQL


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def sql_figures(agency_id: int, plan_id: int) -> dict[str, tuple]:
    """{measure key or target code: (numerator, denominator)} (a count as (count, None))."""
    ops = connection.ops
    start, end = dt.date(YEAR, 1, 1), TODAY
    first = ops.adapt_datetimefield_value(dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL))
    last = ops.adapt_datetimefield_value(dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL))
    following = ops.adapt_datetimefield_value(
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
    )
    s, e = ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)
    scope = "d.received_at <= %s AND (d.progress_ended_on IS NULL OR d.progress_ended_on >= %s)"
    open_ = (
        "(d.progress_outcome = '' OR (d.progress_ended_on IS NOT NULL AND d.progress_ended_on > %s"
        " AND d.supplement_count <= 1))"
    )
    late = f"{scope} AND ((NOT {open_} AND d.progress_outcome = 'late') OR ({open_} AND d.late_from <= %s))"
    early = f"{scope} AND ((NOT {open_} AND d.progress_outcome = 'early') OR ({open_} AND d.early_through >= %s))"
    on_time = (
        f"{scope} AND ((NOT {open_} AND d.progress_outcome = 'on_time')"
        f" OR ({open_} AND d.early_through < %s AND d.late_from > %s))"
    )
    received = "d.received_at >= %s AND d.received_at < %s"
    electronic = "(d.paper_result = %s OR d.e_result = %s)"
    parts = [
        (f"COUNT(CASE WHEN {scope} THEN 1 END)", [last, s]),
        (f"COUNT(CASE WHEN {early} THEN 1 END)", [last, s, e, e, e]),
        (f"COUNT(CASE WHEN {on_time} THEN 1 END)", [last, s, e, e, e, e]),
        (f"COUNT(CASE WHEN {late} THEN 1 END)", [last, s, e, e, e]),
        (
            f"COUNT(CASE WHEN {late} AND d.apology_date IS NOT NULL"
            " AND (d.apology_at IS NULL OR d.apology_at <= %s) THEN 1 END)",
            [last, s, e, e, e, last],
        ),
        (f"COUNT(CASE WHEN {received} THEN 1 END)", [first, following]),
        (
            f"COUNT(CASE WHEN {received} AND d.channel = 'online' AND {electronic} THEN 1 END)",
            [first, following, False, True],
        ),
        (f"COUNT(CASE WHEN {received} AND d.fee_bearing = %s THEN 1 END)", [first, following, True]),
        (
            f"COUNT(CASE WHEN {received} AND d.fee_bearing = %s AND d.paid_online = %s THEN 1 END)",
            [first, following, True, True],
        ),
        (f"COUNT(CASE WHEN {received} AND d.paper_result = %s THEN 1 END)", [first, following, True]),
        (
            f"COUNT(CASE WHEN {received} AND d.paper_result = %s AND d.e_result = %s THEN 1 END)",
            [first, following, True, True],
        ),
        (
            f"COUNT(CASE WHEN {received} AND d.digitized = %s AND {electronic} THEN 1 END)",
            [first, following, True, False, True],
        ),
        (f"COUNT(CASE WHEN {received} AND d.reused_data = %s THEN 1 END)", [first, following, True]),
        (f"COUNT(CASE WHEN {received} AND p.online_level = 'full' THEN 1 END)", [first, following]),
        (
            f"COUNT(CASE WHEN {received} AND p.online_level = 'full' AND d.channel = 'online'"
            f" AND {electronic} THEN 1 END)",
            [first, following, False, True],
        ),
    ]
    select = ", ".join(sql for sql, _ in parts)
    params = [p for _, ps in parts for p in ps]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select} FROM procedures_dossier d LEFT JOIN procedures_procedure p ON p.id = d.procedure_id"
            " WHERE d.agency_id = %s",
            [*params, agency_id],
        )
        (in_scope, n_early, n_on_time, n_late, apologised, n_received, online, fee, paid, paper, e_result, digitised,
         reused, full, full_online) = cursor.fetchone()  # fmt: skip
        out: dict[str, tuple] = {
            "dossier_on_time_rate": (n_early + n_on_time, in_scope),
            "overdue_dossiers": (n_late, None),
            "late_dossiers_apologised_rate": (apologised, n_late),
            "online_rate": (online, n_received),
            "online_payment_rate": (paid, fee),
            "e_result_rate": (e_result, paper),
            "digitization_rate": (digitised, n_received),
            "reuse_rate": (reused, n_received),
            "full_online_rate": (full_online, full),
        }
        # The targets counting their own tasks (the rule of targets.selectors._linked_tasks): a
        # one-off task due by today, on time when done (approved by its deadline) and completed by
        # today; each due date (occurrence) of a recurring task that fell by today, on time when
        # done on or before it; cancelled tasks left out.
        cursor.execute(
            "SELECT code, SUM(due), SUM(done) FROM ("
            " SELECT t.code AS code, COUNT(*) AS due, COUNT(CASE WHEN k.status = 'done'"
            " AND (k.completed_on IS NULL OR k.completed_on <= %s) THEN 1 END) AS done"
            " FROM targets_target t JOIN targets_target_tasks tt ON tt.target_id = t.id"
            " JOIN plans_task k ON k.id = tt.task_id"
            " WHERE t.plan_id = %s AND t.measure_key = %s AND k.status <> 'cancelled' AND k.recurrence = ''"
            " AND k.deadline IS NOT NULL AND k.deadline <= %s GROUP BY t.code"
            " UNION ALL"
            " SELECT t.code, COUNT(*), COUNT(CASE WHEN o.done_on IS NOT NULL AND o.done_on <= o.due_date"
            " AND o.done_on <= %s THEN 1 END)"
            " FROM targets_target t JOIN targets_target_tasks tt ON tt.target_id = t.id"
            " JOIN plans_task k ON k.id = tt.task_id JOIN plans_occurrence o ON o.task_id = k.id"
            " WHERE t.plan_id = %s AND t.measure_key = %s AND k.status <> 'cancelled' AND k.recurrence <> ''"
            " AND o.due_date <= %s GROUP BY t.code"
            ") parts GROUP BY code",
            [e, plan_id, LINKED_TASKS, e, e, plan_id, LINKED_TASKS, e],
        )
        for code, due, done in cursor.fetchall():
            out[code] = (done, due)
        # The latest series value of the year and the latest entered value of each target.
        cursor.execute(
            "SELECT s.key, m.numerator, m.denominator, m.value FROM scorecards_metricseries s"
            " JOIN scorecards_metricentry m ON m.series_id = s.id WHERE s.agency_id = %s AND m.period_end <= %s"
            " AND m.period_end >= %s AND m.period_end = (SELECT MAX(m2.period_end) FROM scorecards_metricentry m2"
            " WHERE m2.series_id = s.id AND m2.period_end <= %s AND m2.period_end >= %s)",
            [agency_id, e, s, e, s],
        )
        for key, numerator, denominator, value in cursor.fetchall():
            out[key] = (numerator, denominator) if denominator is not None else (value, None)
        cursor.execute(
            "SELECT t.code, r.value FROM targets_target t JOIN targets_targetreading r ON r.target_id = t.id"
            " WHERE t.plan_id = %s AND r.as_of <= %s AND r.id = (SELECT r2.id FROM targets_targetreading r2"
            " WHERE r2.target_id = t.id AND r2.as_of <= %s ORDER BY r2.as_of DESC, r2.id DESC LIMIT 1)",
            [plan_id, e, e],
        )
        for code, value in cursor.fetchall():
            out[code] = (value, None)
    return out


def orm_figures(agency: Agency) -> list:
    return rows(targets_of(agency, year=YEAR), today=TODAY)


def compare(found: list, sql: dict[str, tuple]) -> list[str]:
    """The targets whose ORM value differs from the SQL one (only those the SQL reads)."""
    differ = []
    for row in found:
        target, actual = row.target, row.actual
        key = target.code if target.measure == "manual" or target.measure_key == LINKED_TASKS else target.measure_key
        if key not in sql:
            continue
        numerator, denominator = sql[key]
        if denominator is None:
            expected = Decimal(numerator)
        else:
            expected = (
                _rate(int(numerator), int(denominator)) if target.measure != "series" else _rate(numerator, denominator)
            )
        if actual.value != expected:
            differ.append(f"{target.code} ({key}): ORM {actual.value}, SQL {expected}")
    return differ


def bench(fn) -> tuple[float, int, object]:
    """Best wall time in ms over RUNS runs, query count and result of a first (warm-up) run."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    queries = len(ctx)
    best, _ = _harness.best_of(fn, RUNS)
    return best * 1000, queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--targets", type=int, default=60)
    args = parser.parse_args()
    _harness.prepare_database()
    started = time.perf_counter()
    agency = generate(args.tasks, args.targets, args.dossiers)
    plan = Target.objects.filter(agency=agency).first().plan
    n_targets, n_tasks = Target.objects.filter(agency=agency).count(), Task.objects.filter(agency=agency).count()
    n_dossiers = Dossier.objects.filter(agency=agency).count()
    print(
        f"Generated {n_targets} targets, {n_tasks} tasks, {n_dossiers} dossiers"
        f" in {time.perf_counter() - started:.1f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    orm_ms, orm_n, found = bench(lambda: orm_figures(agency))
    sql_ms, sql_n, sql = bench(lambda: sql_figures(agency.pk, plan.pk))
    differ = compare(found, sql)
    if differ:
        sys.exit("MISMATCH:\n  " + "\n  ".join(differ))
    checked = sum(
        1
        for row in found
        if (
            row.target.code
            if row.target.measure == "manual" or row.target.measure_key == LINKED_TASKS
            else row.target.measure_key
        )
        in sql
    )
    print(f"ORM figures equal the SQL figures for the {checked} targets the SQL reads.")
    counts: dict[str, int] = {}
    for row in found:
        counts[row.status] = counts.get(row.status, 0) + 1
    print("statuses:", ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    print(f"\n{'reading':<44}{'ms':>10}{'queries':>9}")
    print(f"{f'targets.selectors.rows() ({len(found)} targets)':<44}{orm_ms:>10.1f}{orm_n:>9}")
    print(f"{'hand-written SQL (same figures)':<44}{sql_ms:>10.1f}{sql_n:>9}")
    print(f"{'ratio rows()/SQL':<44}{orm_ms / sql_ms:>10.2f}")
    user = User.objects.create_user(username="bench-leader")
    Membership.objects.create(user=user, agency=agency, role="leader")
    client = Client()
    client.force_login(user)

    def page():
        response = client.get(reverse("targets:board"))
        if response.status_code != 200:
            sys.exit(f"GET {reverse('targets:board')} returned {response.status_code}")
        return response

    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        ms, n, _ = bench(page)
    print(f"{'page GET ' + reverse('targets:board') + ' (leader)':<44}{ms:>10.1f}{n:>9}")
    print(f"{'ratio page/SQL':<44}{ms / sql_ms:>10.2f}")
    print("target: query counts independent of the number of targets, tasks and dossiers")


if __name__ == "__main__":
    _harness.run(main)
