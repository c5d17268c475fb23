"""The dashboard's SQL counts agree with the pure monitoring rules, on every kind of day."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from plans import monitoring
from plans.models import Task
from plans.selectors import Thresholds, filter_flag, grouped, summary, task_flags, totals
from plans.services import facts_of, rules

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


DAYS = [
    dt.date(2026, 11, 16),  # Monday
    dt.date(2026, 11, 20),  # Friday
    dt.date(2026, 11, 21),  # Saturday
    dt.date(2026, 11, 22),  # Sunday
    dt.date(2026, 2, 17),  # Tết
    dt.date(2026, 1, 10),  # worked Saturday
    dt.date(2026, 9, 1),  # National Day
]


@pytest.fixture
def random_tasks(make_task):
    rng = random.Random(7)
    base = dt.date(2026, 1, 1)
    tasks = []
    for _ in range(60):
        start = base + dt.timedelta(days=rng.randint(0, 330))
        task = make_task(
            start_date=start,
            deadline=start + dt.timedelta(days=rng.randint(1, 40)),
            evidence_count=rng.choice([0, 0, 1]),
        )
        update = start + dt.timedelta(days=rng.randint(0, 40))
        Task.objects.filter(pk=task.pk).update(
            last_update_at=timezone.make_aware(dt.datetime.combine(update, dt.time(10)))
            if rng.random() < 0.7
            else None,
            evidence_count=rng.choice([0, 0, 1]),
        )
        tasks.append(task)
    return tasks


@pytest.mark.parametrize("today", DAYS)
def test_sql_flags_equal_the_pure_assessment(random_tasks, cal, today):
    t = Thresholds.compute(today, cal)
    tasks = Task.objects.all()
    for flag in ("overdue", "due_soon", "stale", "missing_evidence"):
        sql = set(filter_flag(tasks, flag, t).values_list("pk", flat=True))
        pure = set()
        for task in tasks:
            a = monitoring.assess(facts_of(task), today, cal, rules())
            if getattr(a, flag):
                pure.add(task.pk)
            assert (flag in task_flags(task, t)) == (task.pk in sql), (flag, task.pk)
        assert sql == pure, (flag, today, sql ^ pure)


def test_totals_of_groups_equal_the_summary(random_tasks, cal):
    t = Thresholds.compute(DAYS[0], cal)
    tasks = Task.objects.all()
    assert totals(grouped(tasks, t, "lead_unit")) == summary(tasks, t)


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2026-Q1", (dt.date(2026, 1, 1), dt.date(2026, 3, 31))),
        ("2026-Q4", (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
        ("2026-02", (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        ("2026-12", (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
        ("2026", (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),  # a whole year: the targets' links
        ("2026-", None),
        ("2026-Q5", None),
        ("2026-13", None),
        ("abc", None),
        ("", None),
    ],
)
def test_due_range_of_a_quarter_or_a_month(value, bounds):
    from plans.selectors import due_range

    assert due_range(value) == bounds
