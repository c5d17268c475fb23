"""The targets data files (data/targets/) and their loader: each quote is the seed plan's own
sentence, each computed measure exists, loading is idempotent and a bad file is refused whole."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from core.metrics import METRICS
from core.models import AuditEntry
from core.reference import DATA_DIR
from plans.loader import load_plan_file
from plans.models import Plan
from scorecards.models import MetricSeries
from targets.loader import TargetFileError, load_targets_file
from targets.models import Target
from targets.selectors import LINKED_TASKS

TARGETS_DIR = DATA_DIR / "targets"
SEED_TARGETS = TARGETS_DIR / "plan_2026_bqlkktck.yaml"
PROVINCE_TARGETS = TARGETS_DIR / "plan_2026_province.yaml"
SEED_PLAN = DATA_DIR / "plans" / "plan_2026_bqlkktck.yaml"
SEED_TEXT = Path(DATA_DIR).parents[1] / "shared" / "seed" / "000_8d8520b570a26352.txt"
# The typo fixes listed at the top of data/plans/plan_2026_bqlkktck.yaml.
TYPO_FIXES = (("phân đầu", "phấn đấu"), ("; Sử dụng", "; sử dụng"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _targets(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["targets"]


def _plan_text() -> str:
    """The seed plan's sections I-III as the plan file keeps them (the seed's words, typos fixed)."""
    data = yaml.safe_load(SEED_PLAN.read_text(encoding="utf-8"))
    return _flat(" ".join(section.get("text") or "" for section in data["sections"]))


def test_the_seed_file_has_the_plans_targets():
    targets = _targets(SEED_TARGETS)
    codes = [t["code"] for t in targets]
    assert len(codes) == len(set(codes)) and 25 <= len(codes) <= 30
    keys = {t.get("measure_key") for t in targets}
    for key in (
        "assigned_tasks_on_time_rate",
        "periodic_reports_on_time_rate",
        "inspection_findings_resolved_rate",
        "overdue_dossiers",
        "late_dossiers_apologised_rate",
        "full_online_rate",
        "online_payment_rate",
        "e_result_rate",
        "digitization_rate",
        "reuse_rate",
        "electronic_documents_rate",
        "procedures_published_complete_rate",
        "feedback_on_time_rate",
        "feedback_published_rate",
        "disbursement_rate",
        "par_index",
        "par_rank",
        "sipas_service_index",
    ):
        assert key in keys, key
    for target in targets:
        assert target.get("source_text"), target["code"]
        assert target.get("owner_unit"), target["code"]
        if target.get("to_be_confirmed"):
            assert target.get("confirmation_note"), target["code"]


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed text (../shared/seed) is not next to the project")
def test_every_quote_is_a_sentence_of_the_seed_text():
    seed = SEED_TEXT.read_text(encoding="utf-8")
    for wrong, right in TYPO_FIXES:
        seed = seed.replace(wrong, right)
    seed = _flat(seed)
    for target in _targets(SEED_TARGETS):
        assert _flat(target["source_text"]) in seed, target["code"]


def test_every_quote_is_in_the_plans_own_text():
    text = _plan_text()
    for target in _targets(SEED_TARGETS):
        assert _flat(target["source_text"]) in text, target["code"]


def test_a_changed_quote_is_caught():
    text = _plan_text()
    quote = _flat(_targets(SEED_TARGETS)[3]["source_text"])
    assert quote in text
    assert quote.replace("100%", "90%") not in text


def test_every_computed_measure_is_registered():
    for path in (SEED_TARGETS, PROVINCE_TARGETS):
        for target in _targets(path):
            if target.get("measure", "computed") == "computed":
                assert target["measure_key"] in METRICS or target["measure_key"] == LINKED_TASKS, target["code"]


@pytest.fixture
def seed_plan(org, today, cal):
    plan, _created = load_plan_file(SEED_PLAN, today=today, cal=cal)
    return plan


def test_loading_twice_creates_nothing_the_second_time(seed_plan):
    province, created = load_targets_file(PROVINCE_TARGETS)
    assert created == len(_targets(PROVINCE_TARGETS))
    assert province.agency.code == "SNV" and province.number == "252/KH-UBND"
    plan, created = load_targets_file(SEED_TARGETS)
    assert plan == seed_plan and created == len(_targets(SEED_TARGETS))
    seed_plan.refresh_from_db()
    assert seed_plan.parent == province

    ct04 = Target.objects.get(plan=plan, code="CT04")
    assert ct04.parent.code == "TINH01" and ct04.parent.plan == province
    assert [t.code for t in ct04.tasks.all()] == ["PL1.01"]
    assert ct04.owner_unit.code == "VP" and ct04.criteria == ["1.5"]
    assert ct04.source_key == "plan_2026_bqlkktck:CT04"
    assert MetricSeries.objects.filter(agency=plan.agency, key="electronic_documents_rate").exists()
    entries = AuditEntry.objects.filter(action="target.created").count()
    assert entries == Target.objects.count()

    targets = Target.objects.count()
    assert load_targets_file(PROVINCE_TARGETS)[1] == 0
    assert load_targets_file(SEED_TARGETS)[1] == 0
    assert Target.objects.count() == targets
    assert Plan.objects.filter(source_key="plan_2026_province").count() == 1
    assert AuditEntry.objects.filter(action="target.created").count() == entries


def test_a_reload_keeps_what_users_changed(seed_plan):
    load_targets_file(PROVINCE_TARGETS)
    load_targets_file(SEED_TARGETS)
    Target.objects.filter(plan=seed_plan, code="CT09").update(target_value=97)
    load_targets_file(SEED_TARGETS)
    assert Target.objects.get(plan=seed_plan, code="CT09").target_value == 97


def _bad_copy(tmp_path: Path, source: Path, index: int, **changes) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["targets"][index].update(changes)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_bad_unit_code_refuses_the_whole_file(org, tmp_path):
    path = _bad_copy(tmp_path, PROVINCE_TARGETS, 2, owner_unit="XYZ")
    with pytest.raises(TargetFileError) as caught:
        load_targets_file(path)
    assert len(caught.value.problems) == 1
    assert "TINH03" in caught.value.problems[0] and "owner_unit" in caught.value.problems[0]
    assert "XYZ" in caught.value.problems[0]
    assert not Target.objects.exists()
    assert not Plan.objects.filter(source_key="plan_2026_province").exists()  # the plan is not created either


def test_every_problem_is_listed_with_its_target_and_field(seed_plan, tmp_path):
    load_targets_file(PROVINCE_TARGETS)
    data = yaml.safe_load(SEED_TARGETS.read_text(encoding="utf-8"))
    data["targets"][0]["measure_key"] = "no_such_measure"
    data["targets"][5]["tasks"] = ["PL9.99"]
    data["targets"][7]["parent"] = "TINH99"
    data["targets"][-1]["due"] = "cuối năm"
    path = tmp_path / SEED_TARGETS.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TargetFileError) as caught:
        load_targets_file(path)
    problems = caught.value.problems
    assert len(problems) == 4, problems
    expected = [("CT01", "measure_key"), ("CT06", "PL9.99"), ("CT08", "TINH99"), ("CT28", "due")]
    for (code, word), problem in zip(expected, problems, strict=True):
        assert code in problem and word in problem, problem
    assert not Target.objects.filter(plan=seed_plan).exists()
    seed_plan.refresh_from_db()
    assert seed_plan.parent is None


def test_a_file_naming_a_plan_not_loaded_is_refused(org):
    with pytest.raises(TargetFileError) as caught:
        load_targets_file(SEED_TARGETS)  # neither the seed plan nor the province's is loaded
    assert "plan_2026_bqlkktck" in str(caught.value)
    assert not Target.objects.exists()


def test_the_command_loads_and_reports_problems(seed_plan, tmp_path, capsys):
    call_command("load_targets", str(PROVINCE_TARGETS))
    call_command("load_targets", str(SEED_TARGETS))
    assert Target.objects.filter(plan=seed_plan).count() == len(_targets(SEED_TARGETS))
    assert f"{len(_targets(SEED_TARGETS))} " in capsys.readouterr().out
    path = _bad_copy(tmp_path, SEED_TARGETS, 1, direction="sideways")
    with pytest.raises(CommandError):
        call_command("load_targets", str(path))
    assert "CT02" in capsys.readouterr().err


def test_a_refusal_by_the_service_rolls_back_the_targets_before_it(seed_plan, tmp_path):
    """A series the agency does not keep (and the file does not create) is refused by
    save_target when its target's turn comes: the targets created before it are undone."""
    load_targets_file(PROVINCE_TARGETS)
    data = yaml.safe_load(SEED_TARGETS.read_text(encoding="utf-8"))
    ct18 = next(t for t in data["targets"] if t["code"] == "CT18")
    ct18["measure_key"] = "no_such_series"
    del ct18["series"]
    path = tmp_path / SEED_TARGETS.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TargetFileError) as caught:
        load_targets_file(path)
    assert "CT18" in str(caught.value) and "measure_key" in str(caught.value)
    assert not Target.objects.filter(plan=seed_plan).exists()
    created = AuditEntry.objects.filter(action="target.created").count()
    assert created == len(_targets(PROVINCE_TARGETS))  # the seed's CT01..CT17 left no entry either
