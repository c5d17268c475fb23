"""plans.loader and the Ban's 2026 plan file: the file invents no number or date (the seed leaves
them blank until the văn thư registers the plan), and loading the file again never blanks the
number and date the Office has registered since."""

import datetime as dt

import yaml

from core.reference import DATA_DIR
from plans.loader import load_plan_file
from plans.models import Plan

PLAN_FILE = DATA_DIR / "plans" / "plan_2026_bqlkktck.yaml"


def data() -> dict:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


def meta() -> dict:
    return data()["plan"]


def test_the_plan_file_leaves_the_number_and_the_date_blank_as_the_seed_does():
    plan = meta()
    assert plan["number"] == "/KH-BQLKKTCK"  # the symbol only: "Số: /KH-BQLKKTCK"
    assert plan.get("issued_on") is None


def test_the_plan_file_corrects_the_seeds_misspelling():
    text = "\n".join(section.get("text") or "" for section in data()["sections"])
    assert "phân đầu" not in text and text.count("phấn đấu") == 2


def test_a_reload_keeps_the_number_and_date_the_office_registered(org, today, cal):
    plan, created = load_plan_file(PLAN_FILE, today=today, cal=cal)
    assert created and (plan.number, plan.issued_on, plan.status) == ("/KH-BQLKKTCK", None, "issued")
    plan.number, plan.issued_on = "131/KH-BQLKKTCK", dt.date(2026, 7, 16)
    plan.save()
    again, created = load_plan_file(PLAN_FILE, today=today, cal=cal)
    assert created == 0 and again.pk == plan.pk
    again.refresh_from_db()
    assert (again.number, again.issued_on) == ("131/KH-BQLKKTCK", dt.date(2026, 7, 16))


def test_a_file_with_a_registered_number_and_date_sets_them(org, today, cal, tmp_path):
    plan, _created = load_plan_file(PLAN_FILE, today=today, cal=cal)
    registered = tmp_path / PLAN_FILE.name  # the same key: the same plan
    text = PLAN_FILE.read_text(encoding="utf-8").replace(
        'number: "/KH-BQLKKTCK"', 'number: "140/KH-BQLKKTCK"\n  issued_on: 2026-07-20', 1
    )
    registered.write_text(text, encoding="utf-8")
    load_plan_file(registered, today=today, cal=cal)
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.number, plan.issued_on) == ("140/KH-BQLKKTCK", dt.date(2026, 7, 20))
