"""The reports' data: hand-checked tasks of the 2026 plan, a quarter of one-stop dossiers, and a
PAR scorecard with evidence (the shared personas are in the root conftest.py)."""

import datetime as dt
import io

import pytest

from core.models import Agency
from core.services import create_document
from plans.models import Section
from procedures.models import Dossier, Procedure
from reports.tests.helpers import D, at
from scorecards import services as par
from scorecards.evidence import link_evidence
from scorecards.loader import DEMO_SET, load_criteria_file
from scorecards.models import NodeScore, Scorecard


@pytest.fixture
def tasks(make_task, org, plan):
    """Hand-checked: in the year window (15/12/2025-14/12/2026) 4 tasks count (one cancelled
    apart), 2 done (1 late), 2 open of which 1 overdue; in the Q1 window only T1 is done."""
    sipas = Section.objects.create(plan=plan, code="II.2.b", title="Cung ứng dịch vụ", order=9, sipas_element="service")
    return [
        make_task(
            code="T1", status="done", completed_on=D(2026, 3, 10), deadline=D(2026, 3, 31), par_domain=3, appendix="I"
        ),
        make_task(
            code="T2",
            status="done_late",
            completed_on=D(2026, 5, 10),
            deadline=D(2026, 4, 30),
            par_domain=3,
            appendix="I",
            coordinating_units=[org.unit_b],
        ),
        make_task(
            code="T3",
            status="in_progress",
            deadline=D(2026, 6, 30),
            par_domain=1,
            appendix="I",
            section=plan.sections.get(code="II.1.a"),
        ),
        make_task(
            code="T4",
            status="not_started",
            deadline=D(2027, 1, 31),
            sipas_element="service",
            appendix="II",
            section=sipas,
            title="Niêm yết công khai 100% TTHC",
        ),
        make_task(code="T5", status="cancelled", deadline=D(2026, 5, 1), par_domain=2, appendix="I"),
    ]


@pytest.fixture
def dossiers(org):
    """Biểu 06a for Q1 2026 (15/12/2025-14/03/2026), hand-checked: 'Đầu tư' received 4 (1 online, 2
    in person or by post, 1 carried over), resolved 2 (1 early, 1 late), pending 2 (1 within time,
    1 overdue); 'Xây dựng' received 2 (1 online), 1 resolved early, 1 pending within time (it ended
    after the window); a dossier returned before the window does not count."""
    invest = Procedure.objects.create(agency=org.agency, code="1.001", name="Đăng ký đầu tư", field="Đầu tư", limit=5)
    build = Procedure.objects.create(
        agency=org.agency, code="1.002", name="Cấp phép xây dựng", field="Xây dựng", limit=5
    )
    rows = [
        ("D1", invest, at(2026, 1, 12, 9), D(2026, 1, 20), "finished", at(2026, 1, 15, 10), "online"),
        ("D2", invest, at(2026, 2, 2, 9), D(2026, 2, 10), "finished", at(2026, 2, 20, 10), "direct"),
        ("D3", invest, at(2025, 12, 1, 9), D(2025, 12, 20), "processing", None, "direct"),
        ("D4", invest, at(2026, 3, 2, 9), D(2026, 4, 30), "processing", None, "postal"),
        ("D5", build, at(2026, 1, 5, 9), D(2026, 1, 12), "finished", at(2026, 1, 6, 9), "direct"),
        # ended after the Q1 window (14/03): pending within time at its end
        ("D6", build, at(2026, 3, 9, 9), D(2026, 3, 30), "finished", at(2026, 3, 20, 9), "online"),
        # ended before the window: not counted
        ("D7", build, at(2025, 11, 3, 9), D(2025, 11, 20), "returned", at(2025, 11, 10, 9), "direct"),
    ]
    for code, procedure, received, due, status, finished, channel in rows:
        Dossier.objects.create(
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


@pytest.fixture
def par_with_evidence(org, today):
    """The agency's scorecard in a round of the Sở Nội vụ, self-scoring open, with three evidence
    documents linked (two under 1.1.1, one under 1.2); returns it with {doc number: (code, bytes)}."""
    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = par.create_round(
        actor=org.appraiser,
        organizer=snv,
        criteria_set=stored,
        agencies=[org.agency],
        name="Chỉ số CCHC 2026",
        year=2026,
        today=today,
        deadlines={"self_closes_on": today + dt.timedelta(days=10)},
    )
    par.advance_phase(actor=org.appraiser, round_=round_)
    card = Scorecard.objects.get(round=round_, agency=org.agency)
    files = {}
    for n, code in enumerate(["1.1.1", "1.1.1", "1.2"]):
        content = f"%PDF-1.4\n% tài liệu {n}\n%%EOF\n".encode()
        doc = create_document(
            actor=org.office,
            agency=org.agency,
            unit=None,
            fileobj=io.BytesIO(content),
            filename=f"Kế hoạch số {n}.pdf",
            abstract=f"Tài liệu {n}",
            doc_number=f"{n + 1}/KH-BQLKKTCK",
            issued_on=D(2026, 2, n + 1),
            issuer="Ban Quản lý",
        )
        link_evidence(
            actor=org.office,
            score=NodeScore.objects.get(scorecard=card, code=code, block=""),
            document=doc,
            today=today,
        )
        files[doc.doc_number] = (code, content)
    return card, files
