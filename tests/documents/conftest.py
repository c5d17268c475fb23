"""The documents' tests share the full demo (`load_demo`: the Ban's plan, 400 dossiers, the year's
report, the PAR scorecard), loaded once per module inside the module's transaction
(the root conftest.py's module_data), with what the demo lacks and a clerk's documents need:
a supplement request, a refused dossier, an apology, an evidence file linked to the scorecard, and
the Office's text in every part of the report it must write. `made(kind, fmt)` runs
`manage.py make_document` once per kind and format for the module and keeps the bytes."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.services import create_document, load_calendar
from procedures import services as dossier_services
from procedures.models import Dossier
from reports import outline
from reports.figures import for_report
from reports.models import Report
from scorecards.models import Scorecard, ScoreEvidence

AGENCY = "BQLKKTCK"
# a report's period as the command writes it, by the report's kind
PERIOD_FORMS = {"q1": "{year}-Q1", "half": "{year}-H1", "q3": "{year}-Q3", "nine": "{year}-9M", "year": "{year}"}
OFFICE_TEXT = "Văn phòng Ban tổng hợp nội dung phần này từ báo cáo của các phòng, đơn vị thuộc Ban."


@dataclass
class DemoDocuments:
    agency: str
    other_agency: str
    period: str  # the demo report's, as the command writes it ("2026", "2026-Q3")
    report: Report
    plan_id: int
    receipt: str  # an open dossier
    supplement: str  # one with a supplement request
    refused: str
    apology: str
    slip: str  # the dossier with the most hand-overs
    scorecard: Scorecard
    out: Path
    cache: dict[tuple[str, str], bytes] = field(default_factory=dict)

    def args(self, kind: str) -> dict[str, str]:
        """The command's options that name the document of `kind` in the demo."""
        dossiers = {
            "receipt": self.receipt,
            "supplement": self.supplement,
            "refusal": self.refused,
            "apology": self.apology,
            "control-slip": self.slip,
        }
        if kind in dossiers:
            return {"dossier": dossiers[kind]}
        if kind == "plan":
            return {"plan": str(self.plan_id)}
        return {"period": self.period}

    def made(self, kind: str, fmt: str) -> bytes:
        """The file `make_document` writes for the demo's document of `kind` in `fmt`."""
        if (kind, fmt) not in self.cache:
            target = self.out / f"{kind}.{fmt}"
            call_command("make_document", kind, agency=self.agency, fmt=fmt, out=str(target), **self.args(kind))
            self.cache[kind, fmt] = target.read_bytes()
        return self.cache[kind, fmt]


def _open_dossiers(agency_code: str):
    return Dossier.objects.filter(agency__code=agency_code, status="processing", apology_date__isnull=True).order_by(
        "received_at", "pk"
    )


def _write_missing_parts(report: Report) -> None:
    texts = dict(report.texts)
    for part in outline.missing_parts(for_report(report), texts):
        texts[part.key] = OFFICE_TEXT
    report.texts = texts
    report.save(update_fields=["texts"])


def _hand_over_twice(dossier: Dossier, org, now: dt.datetime) -> None:
    """The demo has no hand-over: the slip's dossier goes to the managing unit, then to the leader."""
    first = min(dossier.received_at + dt.timedelta(hours=2), now - dt.timedelta(hours=1))
    for at, actor, giver, receiver, unit in (
        (first, org.officer, org.office, org.head, org.unit_a),
        (min(first + dt.timedelta(days=1), now), org.head, org.head, org.leader, org.units["LD"]),
    ):
        dossier_services.hand_over(
            dossier=dossier,
            actor=actor,
            giver=giver.display_name,
            receiver=receiver.display_name,
            to_unit=unit,
            at=at,
        )


@pytest.fixture(scope="module")
def demo_documents(module_data, tmp_path_factory) -> DemoDocuments:
    """The full demo with one document of every kind to make (see the module's docstring)."""
    module_data.plan.delete()  # the root conftest's bare plan: the demo's seed plan is the year's plan
    call_command("load_demo", quiet=True)
    org, cal = module_data.org, load_calendar()
    now = timezone.now()
    open_ones = list(_open_dossiers(AGENCY)[:5])
    assert len(open_ones) == 5, "the demo has fewer open dossiers than the tests need"
    receipt, supplement, refused, apology, slip = open_ones
    dossier_services.request_supplement(
        dossier=supplement,
        actor=org.officer,
        missing="Bản sao Giấy chứng nhận đăng ký doanh nghiệp\nBản vẽ mặt bằng khu đất",
        items="Tờ khai: ghi rõ ngành, nghề kinh doanh và bổ sung chữ ký của người đại diện theo pháp luật",
        at=now,
    )
    dossier_services.finish(
        dossier=refused,
        actor=org.head,
        outcome="rejected",
        note="Hồ sơ đề nghị không thuộc thẩm quyền giải quyết của Ban Quản lý",
        at=now,
    )
    dossier_services.apologise(
        dossier=apology,
        actor=org.head,
        reason="Hồ sơ phải lấy ý kiến của Sở Xây dựng về quy hoạch chi tiết",
        new_date=cal.add_working_days(apology.due_date, 10),
        cal=cal,
    )
    _hand_over_twice(slip, org, now)
    # the demo's report: the one whose data window holds today (demo/reports.py)
    report = Report.objects.select_related("agency", "agency__province").get(agency__code=AGENCY)
    _write_missing_parts(report)
    scorecard = Scorecard.objects.filter(agency__code=AGENCY).order_by("-round__year").first()
    document = create_document(
        actor=org.office,
        agency=scorecard.agency,
        unit=None,
        fileobj=io.BytesIO(b"%PDF-1.4\n% kiem chung\n%%EOF\n"),
        filename="Bao cao CCHC quy III.pdf",
        abstract="Báo cáo tình hình, kết quả thực hiện công tác cải cách hành chính quý III năm 2026",
        doc_number="85/BC-BQLKKTCK",
        issued_on=dt.date(scorecard.round.year, 9, 18),
        issuer="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
    )
    ScoreEvidence.objects.create(
        score=scorecard.scores.order_by("code").first(),
        document=document,
        version=document.versions.get(),
        linked_by=org.office,
    )
    plan_id = report.agency.plans.order_by("-year", "-pk").values_list("pk", flat=True).first()
    return DemoDocuments(
        agency=AGENCY,
        other_agency="SCT",
        period=PERIOD_FORMS[report.kind].format(year=report.year),
        report=report,
        plan_id=plan_id,
        receipt=receipt.code,
        supplement=supplement.code,
        refused=refused.code,
        apology=apology.code,
        slip=slip.code,
        scorecard=scorecard,
        out=tmp_path_factory.mktemp("made"),
    )
