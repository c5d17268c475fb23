"""The plans app's audit actions and fields have labels (registered in plans/apps.py)."""

from django.utils import translation

from core import audit
from core.tests.test_audit_labels import written_actions


def test_every_action_plans_writes_has_a_label():
    codes = {pattern.replace("\\", "") for file, pattern in written_actions() if file.startswith("plans/")}
    assert {"task.approved", "task.imported", "inspection.finding"} <= codes
    assert sorted(code for code in codes if code not in audit.ACTIONS) == []


def test_task_changes_read_as_people_know_them():
    with translation.override("vi"):
        assert audit.field_label("task.updated", "deadline") != "deadline"
        assert audit.value_label("task.updated", "status", "done_late") == "Hoàn thành trễ hạn"
        assert audit.value_label("task.updated", "deadline", "2026-12-31") == "31/12/2026"
        assert audit.value_label("evidence.version_added", "sha256", "a" * 64) == "a" * 12 + "…"
        assert audit.field_label("evidence.version_added", "sha256") == "SHA-256"
