"""The report's figures (reports.figures), hand-checked: tasks at the cut-off, the one-stop table
(biểu 06a) of the quarter, the 766 indicators as of the cut-off, the PAR stage, the snapshot."""

import datetime as dt

import pytest

from plans.models import Plan
from procedures.models import Dossier, Procedure
from reports.figures import Figures, collect, cutoff_of, for_report, report_plan
from reports.periods import report_period
from reports.tests.helpers import D, at, make_report
from scorecards.models import Phase, Round

YEAR_END = D(2026, 12, 14)


def test_the_cut_off_is_the_windows_end_or_today_if_earlier():
    year = report_period("year", 2026)
    assert cutoff_of(year, today=D(2027, 1, 5)) == YEAR_END
    assert cutoff_of(year, today=D(2026, 12, 7)) == D(2026, 12, 7)
    assert cutoff_of(year, D(2026, 11, 30), today=D(2027, 1, 5)) == D(2026, 11, 30)


def test_task_counts_at_the_cut_off(org, tasks):
    year = collect(org.agency, report_period("year", 2026), as_of=YEAR_END)
    t = year.tasks
    assert (t.total, t.done, t.done_late, t.open, t.overdue) == (4, 2, 1, 2, 1)
    q1 = collect(org.agency, report_period("q1", 2026))
    assert (q1.tasks.done, q1.tasks.open, q1.tasks.overdue) == (1, 3, 0)
    done = [line.code for line in q1.task_lines if line.done]
    assert done == ["T1"]  # T2 was completed on 10/05, after the Q1 cut-off


def test_one_stop_table_of_the_quarter(org, dossiers):
    figures = collect(org.agency, report_period("q1", 2026))
    table = figures.table("06a")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows == {
        "Xây dựng": [2, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0],
        "Đầu tư": [4, 1, 2, 1, 2, 1, 0, 1, 2, 1, 1],
    }
    assert table.total == ["Tổng cộng", 6, 2, 3, 1, 3, 2, 0, 1, 3, 2, 1]
    assert "15/12/2025" in table.period and "14/03/2026" in table.period
    assert [label for label, _span in table.groups] == [
        "Lĩnh vực",
        "Số hồ sơ tiếp nhận",
        "Số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết",
    ]
    assert figures.one_stop.total == 6 and figures.one_stop.pending_late == 1


def test_the_appendix_tables_numbered_in_roman_each_with_its_cut_off_and_source(org, tasks, dossiers):
    figures = collect(org.agency, report_period("year", 2026), as_of=YEAR_END)
    assert [t.key for t in figures.tables] == ["tasks", "units", "06a", "766", "feedback", "sipas"]
    assert [t.number for t in figures.tables] == ["I", "II", "III", "IV", "V", "VI"]
    assert all(t.period and t.source and len(t.header) == len(t.widths) for t in figures.tables)
    assert all("14/12/2026" in t.period for t in figures.tables)
    by_domain, by_unit = figures.table("tasks"), figures.table("units")
    assert [sum(row[i] for row in by_domain.rows) for i in range(1, 6)] == by_domain.total[1:] == [4, 2, 1, 2, 1]
    assert [sum(row[i] for row in by_unit.rows) for i in range(1, 5)] == by_unit.total[1:] == [4, 2, 2, 1]
    assert by_domain.source == "Kế hoạch số 125/KH-BQLKKTCK; hệ thống theo dõi nhiệm vụ"
    assert figures.one_stop.total == 6 and figures.one_stop.resolved == 4 and figures.one_stop.pending == 2


def test_the_766_table_says_it_is_partial_and_has_no_made_up_counts(org, dossiers):
    table = collect(org.agency, report_period("q1", 2026)).table("766")
    codes = [row[0].split(".")[0] + "." + row[0].split(".")[1] for row in table.rows]
    assert codes == ["2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "5.2", "5.3", "5.4"]
    derived = next(row for row in table.rows if row[0].startswith("5.4"))
    assert derived[1] == "Tính từ chỉ số khác" and derived[2] == ""  # never 0 / 0
    assert not any("phản ánh hoặc đánh giá không hài lòng" in row[0] for row in table.rows)  # no code-less row
    assert "một phần" in table.total[0] and any("không phải tổng điểm" in note for note in table.notes)
    feedback = next(row for row in table.rows if row[0].startswith("5.2"))  # no feedback in the quarter
    assert feedback[1:4] == ["Không phát sinh", "", None]


def _dossier(org, code, received, due, status="processing", finished=None, channel="direct"):
    procedure, _ = Procedure.objects.get_or_create(
        agency=org.agency, code="1.009", defaults={"name": "Cấp phép", "field": "Đầu tư", "limit": 5}
    )
    return Dossier.objects.create(
        agency=org.agency,
        procedure=procedure,
        procedure_code=procedure.code,
        code=code,
        received_at=received,
        due_date=due,
        status=status,
        finished_at=finished,
        channel=channel,
    )


def test_a_dossier_open_at_the_cut_off_is_late_only_if_its_due_date_had_passed(org):
    # Q1 2026: cut-off 14/03. A is due 20/03 (after): pending within time, on time in 2.1.
    # B was due 10/03 (before) and is still open: overdue, late in 2.1.
    _dossier(org, "A", at(2026, 3, 2, 9), D(2026, 3, 20))
    _dossier(org, "B", at(2026, 2, 20, 9), D(2026, 3, 10))
    figures = collect(org.agency, report_period("q1", 2026))
    one_stop = figures.one_stop
    assert (one_stop.pending, one_stop.pending_in_time, one_stop.pending_late) == (2, 1, 1)
    on_time = figures.indicator("on_time_rate")
    assert (on_time.numerator, on_time.denominator) == (1, 2)


def test_the_same_report_collected_again_after_the_register_changed_says_the_same(org):
    _dossier(org, "A", at(2026, 3, 2, 9), D(2026, 3, 20))
    _dossier(org, "B", at(2026, 2, 20, 9), D(2026, 3, 10))
    _dossier(org, "C", at(2026, 1, 5, 9), D(2026, 1, 12), "finished", at(2026, 1, 9, 9), "online")
    period = report_period("q1", 2026)
    before = collect(org.agency, period)
    # after the cut-off: A finished late (31/03), B finished, a new dossier received on 16/03
    a = Dossier.objects.get(code="A")
    a.status, a.finished_at = "finished", at(2026, 3, 31, 9)
    a.save()
    b = Dossier.objects.get(code="B")
    b.status, b.finished_at = "finished", at(2026, 3, 16, 9)
    b.save()
    _dossier(org, "D", at(2026, 3, 16, 9), D(2026, 3, 25), channel="online")
    after = collect(org.agency, period)
    assert after.tables == before.tables
    assert after.indicators == before.indicators and after.one_stop == before.one_stop


def test_the_snapshot_round_trips_exactly(org, tasks, dossiers, par_with_evidence):
    figures = collect(org.agency, report_period("year", 2026), as_of=YEAR_END)
    data = figures.to_json()
    import json

    again = Figures.from_json(json.loads(json.dumps(data)))
    assert again == figures
    assert again.to_json() == data


def test_a_report_with_a_snapshot_is_made_from_it(org, tasks):
    report = make_report(org, kind="q1")
    assert for_report(report).tasks.done == 1
    frozen = collect(org.agency, report.period)
    frozen.tasks.done = 99  # what the registers said when the snapshot was taken
    report.snapshot = frozen.to_json()
    assert for_report(report).tasks.done == 99


def test_the_issued_plan_is_reported_before_a_newer_draft(org, plan):
    Plan.objects.create(agency=org.agency, year=2026, title="Kế hoạch bổ sung", status="draft")
    assert report_plan(org.agency, 2026) == plan
    assert report_plan(org.agency, 2027) is None


def test_a_plan_issued_after_the_cut_off_is_not_cited_as_issued(org, plan, tasks):
    plan.issued_on = D(2026, 7, 15)
    plan.save()
    q1 = collect(org.agency, report_period("q1", 2026))
    assert not q1.plan.issued and q1.plan.number == "" and q1.plan.issued_on is None
    assert "125/KH" not in q1.table("tasks").source
    year = collect(org.agency, report_period("year", 2026), as_of=YEAR_END)
    assert year.plan.issued and year.plan.number == "125/KH-BQLKKTCK"


def test_an_agency_without_a_plan_reports_no_tasks(org):
    figures = collect(org.agency, report_period("q1", 2026))
    assert figures.plan is None and figures.tasks.total == 0 and figures.tasks.done_percent is None
    assert figures.table("tasks").rows == [] and figures.table("tasks").total == ["Tổng cộng", 0, 0, 0, 0, 0]
    assert figures.table("06a").total == ["Tổng cộng"] + [0] * 11


def test_the_par_stage_a_self_assessment_draft_on_an_illustrative_set(org, par_with_evidence, today):
    period = report_period("year", today.year)
    par = collect(org.agency, period, as_of=today).par
    assert par.stage == "draft" and not par.official and par.illustrative
    assert "chưa gửi" in par.stage_text and "(minh họa)" not in par.round_name


def test_the_par_result_is_official_only_once_published(org, par_with_evidence, today):
    card, _files = par_with_evidence
    Round.objects.filter(pk=card.round_id).update(phase=Phase.PUBLISHED, published_at=dt.datetime.now(dt.UTC))
    par = collect(org.agency, report_period("year", today.year), as_of=today).par
    assert par.stage == "published" and par.official


def test_a_round_opened_after_the_cut_off_is_not_in_the_report(org, par_with_evidence, today):
    assert collect(org.agency, report_period("year", today.year), as_of=today - dt.timedelta(days=1)).par is None


@pytest.mark.parametrize("kind", ["q1", "half", "q3", "nine", "year"])
def test_every_period_collects(org, tasks, dossiers, kind):
    figures = collect(org.agency, report_period(kind, 2026))
    assert figures.cutoff <= figures.period.end and len(figures.tables) == 6


def test_a_dossier_waiting_for_a_supplement_is_judged_alike_in_biểu_06a_and_in_2_1(org, cal):
    """Its clock stopped at the request (10/03, before its due date 12/03): on time in 2.1 and
    pending within time in biểu 06a, though its due date passed before the cut-off (14/03)."""
    from procedures import services

    procedure = Procedure.objects.create(agency=org.agency, code="1.010", name="Cấp phép", field="Đầu tư", limit=5)
    dossier = services.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=at(2026, 3, 5, 9), cal=cal
    )
    services.request_supplement(dossier=dossier, actor=org.office, missing="Bản sao giấy phép", at=at(2026, 3, 10, 9))
    figures = collect(org.agency, report_period("q1", 2026))
    assert Dossier.objects.get(pk=dossier.pk).due_date < D(2026, 3, 14)
    one_stop = figures.one_stop
    assert (one_stop.pending, one_stop.pending_in_time, one_stop.pending_late) == (1, 1, 0)
    on_time = figures.indicator("on_time_rate")
    assert (on_time.numerator, on_time.denominator) == (1, 1)
