"""The demo's reports (demo/reports.py): the year's report and the current period's exist with the
Office's texts for every part the Office must write, so the page lists nothing missing and the
document can be made as it is; the texts do not contradict the figures beside them; the legal
basis is the one a new report gets."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import User
from demo.reports import TEXTS, current_kind
from reports.documents import report_defaults
from reports.figures import for_report
from reports.models import Report
from reports.outline import OFFICE_KEYS, PART_KEYS, missing_parts


@pytest.fixture
def demo_reports(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", quiet=True)
    return Report.objects.filter(agency__code="BQLKKTCK").order_by("kind")


def test_the_year_report_and_the_current_one_are_ready_to_export(demo_reports, client):
    today = timezone.localdate()
    assert {(r.kind, r.year) for r in demo_reports} == {("year", today.year), (current_kind(today), today.year)}
    assert set(TEXTS) <= set(PART_KEYS) and set(OFFICE_KEYS) <= set(TEXTS)
    client.force_login(User.objects.get(username="vanphong"))
    for report in demo_reports:
        figures = for_report(report)
        assert missing_parts(figures, report.texts) == [], report.kind
        assert report.basis == report_defaults(report.agency, report.kind, report.year)["basis"]
        page = client.get(reverse("reports:report", args=[report.pk]))
        assert page.status_code == 200 and 'id="missing-parts"' not in page.content.decode()


def test_the_demo_texts_do_not_contradict_the_figures(demo_reports):
    for report in demo_reports:
        figures = for_report(report)
        texts = " ".join(report.texts.values())
        # the review: "triển khai đúng tiến độ; hồ sơ TTHC được giải quyết đúng hạn" beside 8,51 % done
        # and 20 late dossiers: "on time" only as "most of them", and the late ones said
        assert "đúng tiến độ" not in texts
        for found in re.finditer("đúng hạn", texts):
            assert "phần lớn" in texts[max(0, found.start() - 50) : found.start()], texts[found.start() - 50 :]
        assert not re.search(r"\d", texts)  # the Office's words state no figure: the system writes them
        if figures.tasks.overdue:
            assert "quá thời hạn" in report.texts["III.2"]
        if figures.tasks.done_percent is not None and figures.tasks.done_percent < 50:
            assert "còn thấp" in report.texts["III.2"]
        if figures.one_stop.late or figures.one_stop.pending_late:
            assert "quá hạn" in report.texts["III.2"]
