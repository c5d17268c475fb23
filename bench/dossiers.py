"""Benchmark of the dossier register: importing a provincial export and the 766 indicators of a year.

Generates N dossiers (1,000,000 by default) of one agency for 2026 as a CSV file with the
Vietnamese headers of docs/dossier-import.md (dates dd/mm/yyyy HH:MM:SS, a third of the rows
without a due date, so the catalogue and the working-day calendar compute it; supplements, every
status and flag), then measures, in the same run and on the same data:

- our import (procedures.importing.run_import: streaming read, every row checked, due dates and
  766 progress facts computed, all-or-nothing in one transaction; a file this size is parsed in
  a second process beside the writes), its peak memory (the maximum resident set size of this
  process, which includes Django and the generator, and of the parsing process) and rows per
  second;
- a plain bulk load of the same file: the rows as text, unchecked, into a table of text columns
  (executemany on SQLite, COPY on PostgreSQL): what the database alone costs;
- the indicators of the year from the register (procedures.selectors.quality, the dashboard's
  path: counts over the progress facts stored with each dossier);
- one hand-written SQL aggregate computing the same progress counts and ratio numerators in the
  database from the raw times (not the stored facts); its figures must equal ours (the script
  exits non-zero otherwise).

Targets (issue 4): import at most 60 s and 1 GB; indicators for a year at most 5 s. Timings are
printed only.

    .venv/bin/python bench/dossiers.py [--rows 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/dossiers.py

A DATABASE_URL must name a throwaway, empty database (it is migrated and left with the data).
"""

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import time

import _harness

_harness.setup()

from django.db import connection, transaction  # noqa: E402

from core.deadlines import LOCAL  # noqa: E402
from core.models import Agency  # noqa: E402
from core.reference import load_calendar_overrides, load_demo_organisation  # noqa: E402
from core.services import load_calendar  # noqa: E402
from procedures import importing  # noqa: E402
from procedures.models import Dossier, DossierImport, Procedure  # noqa: E402
from procedures.selectors import quality  # noqa: E402

HEADER = [
    "Mã hồ sơ",
    "Mã TTHC",
    "Đơn vị",
    "Kênh",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Trạng thái",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Số lần yêu cầu bổ sung",
    "Ngày yêu cầu bổ sung",
    "Ngày hoàn thành bổ sung",
    "Kết quả bản giấy",
    "Kết quả điện tử",
    "Số hóa thành phần hồ sơ",
    "Tái sử dụng dữ liệu số hóa",
    "Có phí, lệ phí",
    "Thanh toán trực tuyến",
    "Có phản ánh hoặc đánh giá không hài lòng",
]
PROCEDURES = [("B.001", 15), ("B.002", 10), ("B.003", 5), ("B.004", 3), ("B.005", 20)]
FMT = "%d/%m/%Y %H:%M:%S"


def generate(path, rows: int, cal) -> None:
    rng = random.Random(766)  # noqa: S311  (benchmark data)
    start = dt.datetime(2026, 1, 1, 7, 30)
    units = ["QLDN", "KHTH", "VP"]
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(rows):
            code, limit = PROCEDURES[n % len(PROCEDURES)]
            received = start + dt.timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
            due = cal.add_working_days(received.date(), limit)
            status, finished, returned = "processing", "", ""
            supplements, requested, completed = 0, "", ""
            if rng.random() < 0.08:
                supplements = 1 if rng.random() < 0.9 else 2
                req = received + dt.timedelta(days=rng.randrange(1, 4))
                requested = req.strftime(FMT)
                if rng.random() < 0.85:
                    completed = (req + dt.timedelta(days=rng.randrange(1, 6))).strftime(FMT)
                else:
                    status = "supplement_requested"
            if status != "supplement_requested" and rng.random() < 0.9:
                end = received + dt.timedelta(days=rng.uniform(0.2, limit * 1.6))
                status = rng.choice(["finished", "returned", "returned", "rejected", "withdrawn"])
                finished = end.strftime(FMT)
                if status == "returned":
                    returned = (end + dt.timedelta(hours=3)).strftime(FMT)
            paper = rng.random() < 0.7
            fee = rng.random() < 0.4
            online = rng.random() < 0.5
            writer.writerow(
                [
                    f"H38.15-{received:%y%m%d}-{n:07d}",
                    code,
                    units[n % 3],
                    "2" if online else rng.choice("13"),
                    received.strftime(FMT),
                    "" if n % 3 == 0 else due.strftime("%d/%m/%Y"),
                    status,
                    finished,
                    returned,
                    supplements,
                    requested,
                    completed,
                    int(paper),
                    int(paper and rng.random() < 0.5),
                    int(rng.random() < 0.6),
                    int(rng.random() < 0.2),
                    int(fee),
                    int(fee and online and rng.random() < 0.6),
                    int(rng.random() < 0.01),
                ]
            )


def plain_bulk_load(path) -> float:
    """The rows as text into a text table: the database's own cost, no checks."""
    columns = ", ".join(f"c{i} TEXT" for i in range(len(HEADER)))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute(f"CREATE TABLE bench_plain ({columns})")
        if connection.vendor == "postgresql":
            with (
                open(path, "rb") as stream,
                cursor.cursor.copy("COPY bench_plain FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            ):
                stream.read(3)  # the BOM
                while chunk := stream.read(1 << 20):
                    copy.write(chunk)
        else:
            with open(path, encoding="utf-8-sig", newline="") as stream:
                reader = csv.reader(stream)
                next(reader)
                marks = ", ".join(["%s"] * len(HEADER))
                batch = []
                for row in reader:
                    batch.append(row)
                    if len(batch) == 10000:
                        cursor.executemany(f"INSERT INTO bench_plain VALUES ({marks})", batch)  # noqa: S608
                        batch = []
                cursor.executemany(f"INSERT INTO bench_plain VALUES ({marks})", batch)  # noqa: S608
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain")
    return elapsed


def hand_sql(agency_id: int, start: dt.date, end: dt.date) -> dict:
    """One aggregate with the 766 progress rule and the ratio numerators, written by hand."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL)
    last = dt.datetime.combine(end, dt.time(23, 59, 59), tzinfo=LOCAL)
    ended = "('finished','returned','rejected','stopped','withdrawn')"
    table = Dossier._meta.db_table
    if connection.vendor == "postgresql":
        end_expr = (
            f"CASE WHEN status IN {ended} THEN finished_at "
            "WHEN status = 'supplement_requested' AND supplement_count = 1 AND supplement_completed_at IS NULL "
            "THEN supplement_requested_at ELSE %(last)s END"
        )
        adjusted = f"({end_expr}) - COALESCE(supplement_completed_at - supplement_requested_at, interval '0')"
        due_end = "((due_date + time '23:59:59') AT TIME ZONE 'Asia/Ho_Chi_Minh')"
        due_start = "((due_date + time '00:00:00') AT TIME ZONE 'Asia/Ho_Chi_Minh')"
        received_day = "(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    else:
        end_expr = (
            f"CASE WHEN status IN {ended} THEN julianday(finished_at) "
            "WHEN status = 'supplement_requested' AND supplement_count = 1 AND supplement_completed_at IS NULL "
            "THEN julianday(supplement_requested_at) ELSE julianday(%(last)s) END"
        )
        adjusted = (
            f"({end_expr}) - COALESCE(julianday(supplement_completed_at) - julianday(supplement_requested_at), 0)"
        )
        due_end = "julianday(due_date || ' 16:59:59')"
        due_start = "julianday(date(due_date, '-1 day') || ' 17:00:00')"
        received_day = "date(received_at, '+7 hours')"
        first, last = (connection.ops.adapt_datetimefield_value(v) for v in (first, last))
    since = "%(first)s" if connection.vendor == "postgresql" else "julianday(%(first)s)"
    electronic = "(NOT paper_result OR e_result)"
    sql = f"""
        WITH scoped AS (
            SELECT status, supplement_count, channel, paper_result, e_result, digitized, reused_data,
                   fee_bearing, paid_online, complaint, received_at, {received_day} AS received_day,
                   {adjusted} AS adjusted, {due_end} AS due_end, {due_start} AS due_start,
                   ({end_expr}) AS finish
            FROM {table} WHERE agency_id = %(agency)s AND received_at <= %(last)s
        )
        SELECT
            SUM(CASE WHEN finish >= {since} THEN 1 ELSE 0 END),
            SUM(CASE WHEN finish >= {since}
                      AND (supplement_count > 1 OR adjusted > due_end) THEN 1 ELSE 0 END),
            SUM(CASE WHEN finish >= {since}
                      AND NOT (supplement_count > 1 OR adjusted > due_end) AND adjusted < due_start THEN 1 ELSE 0 END),
            SUM(CASE WHEN received_day >= %(start)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN received_day >= %(start)s AND channel = 'online' AND {electronic} THEN 1 ELSE 0 END),
            SUM(CASE WHEN received_day >= %(start)s AND digitized AND {electronic} THEN 1 ELSE 0 END),
            SUM(CASE WHEN received_day >= %(start)s AND fee_bearing AND paid_online THEN 1 ELSE 0 END)
        FROM scoped
    """  # noqa: S608  (benchmark SQL, no user input)
    params = {
        "agency": agency_id,
        "first": first,
        "last": last,
        "start": start.isoformat() if connection.vendor != "postgresql" else start,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    keys = ("in_scope", "late", "early", "received", "online", "digitized", "paid_online")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    _harness.prepare_database()
    load_calendar_overrides()
    load_demo_organisation()
    cal = load_calendar()
    agency = Agency.objects.get(code="BQLKKTCK")
    for code, limit in PROCEDURES:
        Procedure.objects.create(agency=agency, code=code, name=f"Thủ tục {code}", limit=limit)
    path = f"{_harness.VAR_DIR}/dossiers.csv"
    started = time.perf_counter()
    generate(path, args.rows, cal)
    print(f"Generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s")

    before = peak_mb()
    started = time.perf_counter()
    with open(path, "rb") as stream:
        item = importing.save_upload(agency=agency, actor=None, fileobj=stream, filename="dossiers.csv")
    DossierImport.objects.filter(pk=item.pk).update(state="running")
    item.refresh_from_db()
    item = importing.run_import(item, cal=cal)
    ours = time.perf_counter() - started
    if item.state != "done":
        sys.exit(f"import refused: {item.problems[:5]} {item.error}")
    print(
        f"Our import:        {ours:6.1f} s  ({args.rows / ours:,.0f} rows/s, target ≤ 60 s); "
        f"peak RSS {peak_mb():,.0f} MB (before the import {before:,.0f} MB), "
        f"parsing process {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB (target ≤ 1 GB)"
    )
    plain = plain_bulk_load(path)
    print(f"Plain bulk load:   {plain:6.1f} s  (text rows, no checks) · ours / plain = {ours / plain:.1f}×")

    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    qs = Dossier.objects.filter(agency=agency)
    elapsed, result = _harness.best_of(lambda: quality(qs, start, end), runs=2)
    print(f"Indicators (year): {elapsed:6.2f} s  (target ≤ 5 s)")
    sql_time, sql = _harness.best_of(lambda: hand_sql(agency.pk, start, end), runs=2)
    print(f"Hand SQL aggregate:{sql_time:6.2f} s  · ours / SQL = {elapsed / sql_time:.1f}×")
    figures = result.figures
    mine = {
        "in_scope": result.counts["in_scope"],
        "late": result.counts["late"],
        "early": result.counts["early"],
        "received": result.counts["received"],
        "online": int(figures["online_rate"].numerator),
        "digitized": int(figures["digitization_rate"].numerator),
        "paid_online": int(figures["online_payment_rate"].numerator),
    }
    print(f"Counts: {mine}")
    if mine != sql:
        sys.exit(f"MISMATCH with the hand-written SQL: {sql}")
    print("The hand-written SQL gives the same counts.")


if __name__ == "__main__":
    _harness.run(main)
