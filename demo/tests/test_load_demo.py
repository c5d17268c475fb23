"""`load_demo`: the seed plan (our appendices I and II) loads completely and idempotently, with
the demo activity of every app; never in production."""

import pytest
import yaml
from django.core.management import CommandError, call_command

from core.models import AuditEntry, CalendarOverride, Document, Membership, User
from core.reference import DATA_DIR
from plans.models import Obstacle, Plan, ProgressUpdate, Task
from procedures.models import Dossier


def test_seed_plan_covers_every_solution_section(db):
    call_command("load_demo", quiet=True)
    plan = Plan.objects.get(agency__code="BQLKKTCK", year=2026)
    assert plan.status == "issued" and "252/KH-UBND" in plan.legal_basis
    codes = set(plan.tasks.values_list("section__code", flat=True))
    for section in ["II.1.a", "II.1.b", "II.1.c", "II.1.d", "II.1.dd", "II.1.e", "II.1.g", "II.2.a", "II.2.b", "III"]:
        assert section in codes, section
    for task in plan.tasks.all():
        assert task.lead_unit.agency_id == plan.agency_id
        assert task.expected_product
        assert task.deadline or task.recurrence
    recurring = plan.tasks.exclude(recurrence="")
    assert recurring.filter(section__code="III").exists()
    assert all(t.occurrences.exists() for t in recurring)


def test_demo_load_is_idempotent(db):
    models = [Task, CalendarOverride, Plan, ProgressUpdate, Document, AuditEntry, User, Membership, Obstacle]
    call_command("load_demo", quiet=True)
    counts = [m.objects.count() for m in models]
    assert all(counts), counts  # the demo has some of everything
    call_command("load_demo", quiet=True)
    assert [m.objects.count() for m in models] == counts


def test_demo_dossiers_carry_their_766_facts(db):
    call_command("load_demo", quiet=True)
    dossiers = Dossier.objects.all()
    assert dossiers.exists() and not dossiers.filter(late_from__isnull=True).exists()
    assert {"early", "on_time", "late", ""} <= set(dossiers.values_list("progress_outcome", flat=True))


def test_every_task_in_the_file_loads(db):
    data = yaml.safe_load((DATA_DIR / "plans" / "plan_2026_bqlkktck.yaml").read_text(encoding="utf-8"))
    call_command("load_demo", quiet=True)
    loaded = set(Task.objects.filter(plan__source_key="plan_2026_bqlkktck").values_list("code", flat=True))
    assert {t["code"] for t in data["tasks"]} <= loaded


def test_demo_data_is_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("load_demo", quiet=True)
