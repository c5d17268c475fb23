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
import sys
import time

import _harness
from _workbooks import plan_workbook

_harness.setup()


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
    data = plan_workbook(args.tasks)
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
