"""Benchmark of the plan import from Excel: a workbook of 5,000 new tasks (the most one file may
hold), checked (the preview) and then written in one transaction (the confirmation, which checks
the file again), on the demo organisation. Prints the time of each step and the tasks per second
of the whole confirmation. Target: well within the nginx proxy timeout (120 s, deploy/nginx), as
the confirmation runs in the request.

    .venv/bin/python bench/plan_import.py [--tasks 5000]

Its own SQLite file by default; DATABASE_URL for an empty throwaway PostgreSQL database.
"""

import argparse
import datetime as dt
import io
import sys
import time

import _harness

_harness.setup()


def workbook(count: int) -> bytes:
    import openpyxl

    from plans.excel import COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([vi for _key, vi, _required, _width in COLUMNS])
    units = ["QLDN", "KHTH", "VP"]
    for n in range(count):
        row = {
            "code": f"B{n:05d}",
            "section": "II.1.c",
            "title": f"Nhiệm vụ cải cách hành chính số {n}",
            "lead_unit": units[n % 3],
            "coordinating_units": units[(n + 1) % 3],
            "start_date": "01/01/2026",
            "deadline": f"{1 + n % 28:02d}/{1 + n % 12:02d}/2026" if n % 10 else None,
            "recurrence": None if n % 10 else "hằng quý",
            "recurrence_day": None if n % 10 else 20,
            "expected_product": "Báo cáo kết quả",
        }
        sheet.append([row.get(key) for key, *_rest in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=5000)
    args = parser.parse_args()
    _harness.prepare_database()
    from core.models import AuditEntry, User
    from core.reference import load_calendar_overrides, load_demo_organisation
    from core.services import load_calendar
    from plans.importing import commit_import, preview
    from plans.loader import load_plan_file
    from plans.models import Task

    load_calendar_overrides()
    load_demo_organisation()
    cal, actor, today = load_calendar(), User.objects.get(username="vanphong"), dt.date(2026, 11, 27)
    plan, _count = load_plan_file(_harness.ROOT / "data" / "plans" / "plan_2026_bqlkktck.yaml", today=today, cal=cal)
    data = workbook(args.tasks)
    start = time.perf_counter()
    checked = preview(plan=plan, data=data)
    checking = time.perf_counter() - start
    if checked.errors:
        sys.exit(f"the workbook has errors: {checked.errors[:3]}")
    start = time.perf_counter()
    done = commit_import(actor=actor, plan=plan, data=data, today=today, cal=cal)
    writing = time.perf_counter() - start
    stored = Task.objects.filter(plan=plan, code__startswith="B").count()
    audited = AuditEntry.objects.filter(action="task.created", note="Excel").count()
    print(f"Plan import of {args.tasks:,} new tasks ({len(data) / 1e6:.1f} MB workbook)")
    print(f"  preview (check only)            {checking:6.2f} s")
    print(f"  confirmation (check and write)  {writing:6.2f} s   {args.tasks / writing:,.0f} tasks/s")
    print(f"  tasks stored {stored:,}, audit entries {audited:,}   (both must equal {args.tasks:,})")
    if done.errors or stored != args.tasks or audited != args.tasks:
        sys.exit("FAILED: not every task was stored and audited")


if __name__ == "__main__":
    _harness.run(main)
