"""Every action the reports write to the audit log reads in words (core.audit), and so do the
fields their entries change."""

import re
from pathlib import Path

from core import audit

REPORTS = Path(__file__).resolve().parent.parent


def written_actions():
    codes = set()
    for path in REPORTS.glob("*.py"):
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text()))
    return codes


def test_every_action_written_has_a_label():
    codes = written_actions()
    assert {"report.created", "report.saved", "plan.text_saved", "plan.copied", "report.template_refused"} <= codes
    assert not {code for code in codes if code not in audit.ACTIONS}
    assert audit.action_label("report.saved") not in ("", "report.saved")


def test_the_fields_of_a_saved_report_and_plan_text_have_labels():
    assert audit.field_label("report.saved", "signer_name") == "người ký"
    assert audit.field_label("report.saved", "texts") not in ("", "texts")
    assert audit.field_label("plan.text_saved", "preamble") == "đoạn mở đầu"
    assert audit.field_label("plan.text_saved", "sections") not in ("", "sections")
