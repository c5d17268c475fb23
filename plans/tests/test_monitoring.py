"""Pure tests of the monitoring rules (docs/risk-rules.md)."""

import datetime as dt

import pytest

from core.calendar import WorkingCalendar
from core.reference import DATA_DIR
from plans import monitoring as m

D = dt.date
TODAY = D(2026, 11, 16)  # a Monday


@pytest.fixture(scope="module")
def cal():
    import yaml

    rows = yaml.safe_load((DATA_DIR / "calendar.yaml").read_text(encoding="utf-8"))
    return WorkingCalendar(overrides={r["date"]: r["kind"] for r in rows})


def facts(**kw):
    base = {
        "start": D(2026, 10, 1),
        "due": D(2026, 12, 31),
        "progress": 50,
        "closed": False,
        "last_update": D(2026, 11, 13),
        "evidence_count": 1,
    }
    base.update(kw)
    return m.TaskFacts(**base)


def test_healthy_task_is_not_flagged(cal):
    a = m.assess(facts(), TODAY, cal)
    assert not a.at_risk and not a.overdue and a.reasons == []


def test_overdue_is_its_own_state(cal):
    a = m.assess(facts(due=D(2026, 11, 13)), TODAY, cal)
    assert a.overdue and a.reasons == [m.OVERDUE]


def test_due_today_is_not_overdue(cal):
    a = m.assess(facts(due=TODAY, progress=95), TODAY, cal)
    assert not a.overdue and a.due_soon


def test_behind_schedule_when_progress_lags_time(cal):
    # 1/10 -> 31/12 is about 64 working days; by 16/11 about 33 have passed (~51 %)
    assert m.BEHIND in m.assess(facts(progress=20), TODAY, cal).reasons
    assert m.BEHIND not in m.assess(facts(progress=30), TODAY, cal).reasons


def test_stale_after_ten_working_days_without_update(cal):
    # 30/10 -> 16/11 is 11 working days; 02/11 -> 16/11 is 10
    assert m.assess(facts(last_update=D(2026, 10, 30)), TODAY, cal).stale
    assert not m.assess(facts(last_update=D(2026, 11, 2)), TODAY, cal).stale


def test_stale_counts_from_start_when_never_updated(cal):
    assert m.assess(facts(last_update=None, start=D(2026, 10, 1)), TODAY, cal).stale
    assert not m.assess(facts(last_update=None, start=D(2026, 11, 20)), TODAY, cal).stale


def test_missing_evidence_only_near_the_deadline(cal):
    near = facts(evidence_count=0, due=D(2026, 11, 20), progress=90)
    far = facts(evidence_count=0, due=D(2026, 12, 31))
    assert m.assess(near, TODAY, cal).missing_evidence
    assert not m.assess(far, TODAY, cal).missing_evidence


def test_final_stretch_with_low_progress(cal):
    a = m.assess(facts(due=D(2026, 11, 18), start=D(2026, 11, 10), progress=50), TODAY, cal)
    assert m.DUE_SOON_LOW in a.reasons and a.at_risk


def test_closed_task_is_never_flagged(cal):
    a = m.assess(facts(closed=True, due=D(2026, 1, 1), evidence_count=0), TODAY, cal)
    assert not a.overdue and not a.at_risk


def test_working_days_left_counts_working_days(cal):
    a = m.assess(facts(due=D(2026, 11, 23)), TODAY, cal)  # 17..20, 23 (24/11 is a working day by override)
    assert a.working_days_left == 5


@pytest.mark.parametrize(
    ("due", "kinds"),
    [
        (D(2026, 11, 25), ["due_in_7"]),
        (D(2026, 11, 19), ["due_in_3"]),
        (D(2026, 11, 17), ["due_in_1"]),
        (D(2026, 11, 18), []),
    ],
)
def test_due_reminders_at_7_3_1_working_days(cal, due, kinds):
    out = m.reminders_for(1, facts(due=due), TODAY, cal)
    assert [r.kind for r in out] == kinds


def test_overdue_reminders_escalate(cal):
    first = m.reminders_for(1, facts(due=D(2026, 11, 13)), TODAY, cal)  # 1 working day late
    assert [(r.kind, r.audience) for r in first] == [("overdue", "responsible"), ("overdue", "unit_head")]
    later = m.reminders_for(1, facts(due=D(2026, 11, 10)), TODAY, cal)  # 4 working days late
    assert ("overdue", "office") in [(r.kind, r.audience) for r in later]


def test_reminder_keys_are_stable_for_the_same_day_and_differ_across_days(cal):
    a = m.reminders_for(7, facts(due=D(2026, 11, 13)), TODAY, cal)
    b = m.reminders_for(7, facts(due=D(2026, 11, 13)), TODAY, cal)
    c = m.reminders_for(7, facts(due=D(2026, 11, 13)), D(2026, 11, 17), cal)
    assert [r.key for r in a] == [r.key for r in b]
    assert not {r.key for r in a} & {r.key for r in c}


def test_no_reminders_on_a_day_off(cal):
    assert m.reminders_for(1, facts(due=D(2026, 11, 13)), D(2026, 11, 21), cal) == []


def test_stale_nudge_key_changes_only_with_a_new_update(cal):
    f = facts(last_update=D(2026, 10, 20))
    keys_mon = {r.key for r in m.reminders_for(1, f, TODAY, cal) if r.kind == "stale"}
    keys_tue = {r.key for r in m.reminders_for(1, f, D(2026, 11, 17), cal) if r.kind == "stale"}
    assert keys_mon and keys_mon == keys_tue


@pytest.mark.parametrize(
    ("recurrence", "day", "expected"),
    [
        ("quarterly", 20, [("Q3/2026", D(2026, 9, 20)), ("Q4/2026", D(2026, 12, 20))]),
        ("semiannual", 31, [("H2/2026", D(2026, 12, 31))]),
        ("yearly", 15, [("2026", D(2026, 12, 15))]),
        (
            "monthly",
            31,
            [
                ("07/2026", D(2026, 7, 31)),
                ("08/2026", D(2026, 8, 31)),
                ("09/2026", D(2026, 9, 30)),
                ("10/2026", D(2026, 10, 31)),
                ("11/2026", D(2026, 11, 30)),
                ("12/2026", D(2026, 12, 31)),
            ],
        ),
    ],
)
def test_occurrence_dates(recurrence, day, expected):
    assert m.occurrence_dates(recurrence, day, D(2026, 7, 15), D(2026, 12, 31)) == expected


def test_unknown_recurrence_is_refused():
    with pytest.raises(ValueError):
        m.occurrence_dates("weekly", 1, D(2026, 1, 1), D(2026, 12, 31))


@pytest.mark.parametrize(
    ("deadline", "completed", "status"),
    [
        (D(2026, 9, 30), D(2026, 9, 30), "done"),
        (D(2026, 9, 30), D(2026, 10, 1), "done_late"),
        (None, D(2026, 10, 1), "done"),
    ],
)
def test_completion_status(deadline, completed, status):
    assert m.completion_status(deadline, completed) == status


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("Q3/2026", "Quý III/2026"),
        ("H1/2026", "6 tháng đầu năm 2026"),
        ("H2/2026", "6 tháng cuối năm 2026"),
        ("07/2026", "Tháng 7/2026"),
        ("2026", "Năm 2026"),
    ],
)
def test_period_labels_read_as_people_say_them(label, shown):
    from django.utils import translation

    from plans.templatetags.plan_ui import period_display

    with translation.override("vi"):
        assert period_display(label) == shown
