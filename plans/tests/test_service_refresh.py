"""services.refresh_open_tasks: the daily refresh of the derived fields."""

import datetime as dt

import pytest

from plans import services

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_refresh_open_tasks_matches_the_pure_rules(make_task, org, today, cal):
    stale = make_task(start_date=today - dt.timedelta(days=60), deadline=today + dt.timedelta(days=60))
    fine = make_task(start_date=today, deadline=today + dt.timedelta(days=90))
    from plans.models import Task

    Task.objects.update(at_risk=False, risk_reasons="")
    changed = services.refresh_open_tasks(today=today, cal=cal)
    stale.refresh_from_db()
    fine.refresh_from_db()
    assert changed >= 1
    assert stale.at_risk and "stale" in stale.risk_reasons
    assert not fine.at_risk


def test_daily_refresh_does_not_overwrite_a_concurrent_change(make_task, org, today, cal, monkeypatch):
    from plans import monitoring
    from plans.models import Task

    task = make_task(start_date=today - dt.timedelta(days=60), deadline=today + dt.timedelta(days=60))
    Task.objects.filter(pk=task.pk).update(at_risk=False, risk_reasons="")
    real_assess = monitoring.assess

    def assess_while_a_request_writes(*args, **kwargs):
        # a request posts progress and refreshes the task between the worker's read and write
        Task.objects.filter(pk=task.pk).update(progress=80, risk_reasons="fresh")
        return real_assess(*args, **kwargs)

    monkeypatch.setattr(monitoring, "assess", assess_while_a_request_writes)
    assert services.refresh_open_tasks(today=today, cal=cal) == 0
    task.refresh_from_db()
    assert task.risk_reasons == "fresh" and task.progress == 80
