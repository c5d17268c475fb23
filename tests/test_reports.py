"""Periodic CCHC reports, the plan's document and the evidence package: every generated DOCX and
XLSX is opened again and checked against the database (header texts, A4 and margins, fonts for
every script, tables and their numbers), PDF where LibreOffice is installed, uploaded templates in
a sandbox, the worker's queue, and who may see and make what."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from core.models import AuditEntry
from core.services import create_document
from plans.models import Section
from procedures.models import Dossier, Procedure
from reports import jobs, pdf, templating
from reports.figures import collect
from reports.models import DocumentTemplate, GeneratedFile, Report
from reports.periods import report_period

D = dt.date
UTC7 = dt.timezone(dt.timedelta(hours=7))


def at(*args):
    return dt.datetime(*args, tzinfo=UTC7)


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


def make_report(org, kind="year", **fields):
    defaults = {
        "title": "Tình hình, kết quả thực hiện công tác cải cách hành chính năm 2026",
        "number": 7,
        "issued_on": D(2026, 12, 16),
        "signer_authority": "KT. TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "Hoàng Việt Đông",
        "recipients": "UBND tỉnh (b/c)\nSở Nội vụ",
        "texts": {"III": "1. Ưu điểm\nHoàn thành đúng hạn phần lớn nhiệm vụ.", "V": "Đề nghị Sở Nội vụ tập huấn."},
    }
    defaults.update(fields)
    return Report.objects.create(agency=org.agency, year=2026, kind=kind, **defaults)


def produce(org, kind, **target):
    item = jobs.generate(jobs.request_file(kind=kind, agency=org.agency, actor=org.office, **target))
    assert item.state == "done", item.error
    with item.file.open("rb") as handle:
        return item, handle.read()


def cell_texts(cell):
    return [p.text for p in cell.paragraphs if p.text]


def test_task_counts_at_the_window_end(org, tasks):
    year = collect(org.agency, report_period("year", 2026))
    assert (year.tasks.total, year.tasks.done, year.tasks.done_late, year.tasks.open, year.tasks.overdue) == (
        4,
        2,
        1,
        2,
        1,
    )
    q1 = collect(org.agency, report_period("q1", 2026))
    assert (q1.tasks.done, q1.tasks.open, q1.tasks.overdue) == (1, 3, 0)
    assert [t.code for t in q1.done_in_window[3]] == ["T1"]


def test_one_stop_table_of_the_quarter(org, dossiers):
    figures = collect(org.agency, report_period("q1", 2026))
    table = next(t for t in figures.tables if t.key == "06a")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows == {
        "Xây dựng": [2, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0],
        "Đầu tư": [4, 1, 2, 1, 2, 1, 0, 1, 2, 1, 1],
    }
    assert table.total == ["Tổng cộng", 6, 2, 3, 1, 3, 2, 0, 1, 3, 2, 1]
    assert "15/12/2025" in table.period and "14/03/2026" in table.period


def test_the_report_docx_in_decree_30_layout_with_its_numbers(org, tasks, dossiers):
    report = make_report(org)
    item, data = produce(org, "report_docx", report=report)
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)
    assert section.different_first_page_header_footer and "PAGE" in section.header._element.xml
    left, right = doc.tables[0].rows[0].cells
    assert cell_texts(left) == [
        "UBND TỈNH LẠNG SƠN",
        org.agency.name.upper(),
        f"Số: 07/BC-{org.agency.symbol}",
    ]
    assert cell_texts(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lạng Sơn, ngày 16 tháng 12 năm 2026",
    ]
    # Times New Roman for every script in the default style, Vietnamese language
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[0] == "BÁO CÁO" and body[1] == report.title
    for heading in ("I. CÔNG TÁC CHỈ ĐẠO", "III. ĐÁNH GIÁ CHUNG", "V. KIẾN NGHỊ, ĐỀ XUẤT"):
        assert any(p.startswith(heading) for p in body), heading
    assert "Hoàn thành đúng hạn phần lớn nhiệm vụ." in body and "Đề nghị Sở Nội vụ tập huấn." in body
    assert any("4 nhiệm vụ; đã hoàn thành 2 (50,00%), trong đó 1 nhiệm vụ hoàn thành trễ hạn" in p for p in body)
    recipients, signature = doc.tables[1].rows[0].cells
    assert cell_texts(recipients) == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]
    assert cell_texts(signature) == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"]
    # the annexes: a landscape section, one table per annex with a repeated header row
    annex = doc.sections[1]
    assert round(annex.page_width.mm) == 297 and annex.orientation == 1
    tasks_table = doc.tables[2]
    assert tasks_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in tasks_table.rows[-1].cells] == ["Tổng cộng", "4", "2", "1", "2", "1"]
    # the rows add up to the total: the SIPAS task has its own row, the cancelled-only domain none
    rows = [[c.text for c in row.cells] for row in tasks_table.rows[1:-1]]
    assert [sum(int(row[i]) for row in rows) for i in range(1, 6)] == [4, 2, 1, 2, 1]
    assert rows[-1][0] == "Nhiệm vụ nâng cao Chỉ số SIPAS và nhiệm vụ khác" and len(rows) == 3
    one_stop = doc.tables[4]
    assert [c.text for c in one_stop.rows[-1].cells][:5] == ["Tổng cộng", "6", "2", "3", "1"]  # D3 carried over
    assert item.requested_by == org.office and item.name.endswith(".docx") and len(item.sha256) == 64


def test_the_report_workbook_has_native_numbers(org, tasks, dossiers):
    _item, data = produce(org, "report_xlsx", report=make_report(org, kind="q1"))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["tasks", "766", "06a", "feedback", "sipas"]
    ws = wb["06a"]
    assert "15/12/2025" in ws["A3"].value and ws["A4"].value.startswith("Nguồn:")
    header = [c.value for c in ws[6]]
    assert header[:3] == ["Lĩnh vực", "Tổng số hồ sơ", "Trong kỳ: trực tuyến"]
    last = [c.value for c in ws[ws.max_row]]
    assert last == ["Tổng cộng", 6, 2, 3, 1, 3, 2, 0, 1, 3, 2, 1]
    assert all(isinstance(v, int) for v in last[1:])
    rates = wb["766"]
    on_time = next(row for row in rates.iter_rows(min_row=7, values_only=True) if row[0].startswith("2.1"))
    # the calendar quarter 01/01-31/03: D1, D5, D6 early and D4 not yet due count; D2 late, D3 overdue
    assert on_time[1:3] == (4, 6)
    assert on_time[3] == pytest.approx(66.67)


def test_the_plan_docx_with_appendices_from_the_tasks(org, tasks, plan):
    plan.preamble = "Thực hiện Kế hoạch 252/KH-UBND của UBND tỉnh, cơ quan xây dựng kế hoạch như sau:"
    plan.signer, plan.signer_title, plan.recipients = "Hoàng Việt Đông", "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN", "Sở Nội vụ"
    plan.issued_on = D(2026, 7, 15)
    plan.save()
    Section.objects.filter(plan=plan, code="II.1.c").update(text="Thực hiện nghiêm quy trình.\n\nSố hóa hồ sơ.")
    _item, data = produce(org, "plan_docx", plan=plan)
    doc = Document(io.BytesIO(data))
    left, right = doc.tables[0].rows[0].cells
    assert cell_texts(left)[-1] == "Số: 125/KH-BQLKKTCK"
    assert cell_texts(right)[-1] == "Lạng Sơn, ngày 15 tháng 7 năm 2026"
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[:2] == ["KẾ HOẠCH", "2026"]  # the subject: the title without its "Kế hoạch"
    assert "Thực hiện nghiêm quy trình." in body and "Số hóa hồ sơ." in body
    assert "(Chi tiết tại Phụ lục I kèm theo)" in body
    signature = doc.tables[1].rows[0].cells[1]
    assert cell_texts(signature) == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"]
    appendix_1, appendix_2 = doc.tables[2], doc.tables[3]
    header = [c.text for c in appendix_1.rows[0].cells]
    assert header == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Sản phẩm"]
    numbered = [[c.text for c in row.cells] for row in appendix_1.rows[1:] if row.cells[0].text.isdigit()]
    # T1-T3 (T5 is cancelled), numbered in order, with units, coordinating units and dates
    assert [row[0] for row in numbered] == ["1", "2", "3"]
    t2 = next(row for row in numbered if row[1] == tasks[1].title)
    assert t2[2:5] == [org.unit_a.name, org.unit_b.name, "30/04/2026"]
    groups = [row for row in appendix_1.rows[1:] if not row.cells[0].text.isdigit()]
    assert [row.cells[0].text for row in groups] == ["1. Chỉ đạo, điều hành", "2. Cải cách TTHC"]
    assert all(len({c.text for c in row.cells}) == 1 for row in groups)  # a section row spans the table
    assert [c.text for c in appendix_2.rows[-1].cells][1] == "Niêm yết công khai 100% TTHC"


def test_the_plan_workbook(org, tasks, plan):
    _item, data = produce(org, "plan_xlsx", plan=plan)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Phụ lục I", "Phụ lục II"]
    rows = list(wb["Phụ lục I"].iter_rows(min_row=4, values_only=True))
    assert rows[0][:2] == ("STT", "Nhiệm vụ")
    numbered = [row for row in rows[1:] if isinstance(row[0], int)]
    assert [row[0] for row in numbered] == [1, 2, 3]
    assert any(isinstance(row[4], dt.datetime) and row[4].date() == D(2026, 4, 30) for row in numbered)


@pytest.mark.skipif(pdf.converter() is None, reason="LibreOffice is not installed (CI installs it)")
def test_the_report_and_the_plan_convert_to_pdf(org, tasks, plan, tmp_path):
    import shutil
    import subprocess

    _item, data = produce(org, "report_pdf", report=make_report(org))
    assert data.startswith(b"%PDF") and len(data) > 5000
    pdffonts = shutil.which("pdffonts")
    if pdffonts:  # every glyph from the Times New Roman family (or its metric twin), none substituted
        (tmp_path / "r.pdf").write_bytes(data)
        listing = subprocess.run(  # noqa: S603  (a fixed program on a file of ours)
            [pdffonts, str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True
        )
        fonts = {line.split()[0].split("+")[-1] for line in listing.stdout.splitlines()[2:] if line.strip()}
        assert fonts and all(f.startswith(("LiberationSerif", "TimesNewRoman")) for f in fonts), fonts
    _item, data = produce(org, "plan_pdf", plan=plan)
    assert data.startswith(b"%PDF")


@pytest.mark.skipif(pdf.converter() is None, reason="LibreOffice is not installed (CI installs it)")
def test_the_one_stop_forms_convert_to_pdf_too(org, dossiers):
    """Every DOCX the system writes converts: the receipt (Mẫu 01) and the apology letter (Mẫu 04)."""
    from procedures import documents as forms

    dossier = Dossier.objects.select_related("agency", "agency__province", "unit", "created_by").get(code="D2")
    dossier.apology_date, dossier.apology_reason = D(2026, 2, 25), "Chờ ý kiến của cơ quan phối hợp"
    for data in (forms.receipt(dossier), forms.apology(dossier, signer_name="Hoàng Việt Đông")):
        assert pdf.docx_to_pdf(data).startswith(b"%PDF")


def test_pdf_without_libreoffice_fails_with_a_clear_message(org, settings):
    settings.SOFFICE = "/nonexistent/soffice"
    item = jobs.generate(
        jobs.request_file(kind="report_pdf", agency=org.agency, actor=org.office, report=make_report(org))
    )
    assert item.state == "failed" and "LibreOffice" in item.error


def _par_with_evidence(org, today):
    from core.models import Agency
    from scorecards import services
    from scorecards.loader import DEMO_SET, load_criteria_file
    from scorecards.models import NodeScore, Scorecard

    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = services.create_round(
        actor=org.appraiser,
        organizer=snv,
        criteria_set=stored,
        agencies=[org.agency],
        name="Chỉ số CCHC 2026",
        year=2026,
        today=today,
        deadlines={"self_closes_on": today + dt.timedelta(days=10)},
    )
    services.advance_phase(actor=org.appraiser, round_=round_)
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
        services.link_evidence(
            actor=org.office,
            score=NodeScore.objects.get(scorecard=card, code=code, block=""),
            document=doc,
            today=today,
        )
        files[doc.doc_number] = (code, content)
    return card, files


def test_the_evidence_package_holds_a_folder_per_criterion_and_an_index(org, today):
    import hashlib

    card, files = _par_with_evidence(org, today)
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    assert item.state == "done", item.error
    with item.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = archive.namelist()
        folders = {name.split("/")[0] for name in names if "/" in name}
        assert len(folders) == 2 and all(f.startswith(("1.1.1", "1.2")) for f in folders)
        index = load_workbook(io.BytesIO(archive.read("Muc_luc_tai_lieu_kiem_chung.xlsx")))
        rows = [row for row in index.active.iter_rows(min_row=4, values_only=True) if row[0]]
        assert len(rows) == 3
        for code, _name, number, issued, issuer, _abstract, _stage, member, sha in rows:
            expected_code, content = files[number]
            assert code == expected_code and issuer == "Ban Quản lý" and isinstance(issued, dt.datetime)
            assert archive.read(member) == content and sha == hashlib.sha256(content).hexdigest()
    assert "3 tệp" in item.step


def test_an_uploaded_template_is_sandboxed_checked_and_used(client, org, tasks):
    report = make_report(org)
    client.force_login(org.admin)
    url = reverse("reports:templates")
    good = templating.sample_template("report")
    response = client.post(url, {"kind": "report", "file": SimpleUploadedFile("bc.docx", good)})
    assert response.status_code == 302
    assert not DocumentTemplate.objects.get(agency=org.agency).active  # tried by the worker first
    assert jobs.check_templates() == 1
    assert DocumentTemplate.objects.get(agency=org.agency).active
    item, data = produce(org, "report_docx", report=report)
    assert item.template_used == "bc.docx"
    text = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert report.title in text and "III. ĐÁNH GIÁ CHUNG" in text and "Hoàn thành đúng hạn phần lớn nhiệm vụ." in text
    # a broken template and one reaching into Python are refused, with the reason
    for tag in (
        "{{ title ",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ 'x' * 10**10 }}",
        "{{ 'x' * 9999999 }}",
    ):
        broken = Document()
        broken.add_paragraph(tag)
        buffer = io.BytesIO()
        broken.save(buffer)
        response = client.post(url, {"kind": "report", "file": SimpleUploadedFile("x.docx", buffer.getvalue())})
        assert response.status_code == 302 and jobs.check_templates() == 1, tag
        assert "Mẫu có lỗi" in client.get(url).content.decode(), tag
    response = client.post(url, {"kind": "report", "file": SimpleUploadedFile("x.docx", b"not a zip")})
    assert "không phải văn bản Word" in response.content.decode()
    assert DocumentTemplate.objects.filter(agency=org.agency, check_state="refused", active=False).count() == 4
    assert DocumentTemplate.objects.filter(agency=org.agency, active=True).get().name == "bc.docx"
    # back to the built-in layout
    client.post(reverse("reports:template_off", args=[DocumentTemplate.objects.get(active=True).pk]))
    item, _data = produce(org, "report_docx", report=report)
    assert item.template_used == ""


def test_a_template_failing_later_falls_back_to_the_built_in_layout(org, tasks):
    report = make_report(org)
    bad = Document()
    bad.add_paragraph("{{ parts[99].heading }}")  # fine on upload day, fails on this data
    buffer = io.BytesIO()
    bad.save(buffer)
    template = DocumentTemplate(agency=org.agency, kind="report", name="cu.docx", sha256="x")
    from django.core.files.base import ContentFile

    template.file.save("t.docx", ContentFile(buffer.getvalue()), save=True)
    item, data = produce(org, "report_docx", report=report)
    assert item.template_used == "" and "cu.docx" in item.step
    assert "BÁO CÁO" in [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_the_worker_takes_queued_files_and_requeues_stale_ones(org, tasks):
    from django.utils import timezone

    report = make_report(org)
    old = timezone.now() - dt.timedelta(hours=2)

    def request(kind="report_xlsx", **state):
        item = jobs.request_file(kind=kind, agency=org.agency, actor=org.office, report=report)
        GeneratedFile.objects.filter(pk=item.pk).update(**state)
        return item

    queued = request()
    stale = request(kind="report_docx", state="running", started_at=old, attempts=1)
    alive = request(state="running", started_at=timezone.now(), attempts=1)  # a worker is on it now
    gave_up = request(state="running", started_at=old, attempts=jobs.MAX_ATTEMPTS)
    assert jobs.process_queue(limit=5) == 2
    states = dict(GeneratedFile.objects.values_list("pk", "state"))
    assert (states[queued.pk], states[stale.pk], states[alive.pk], states[gave_up.pk]) == (
        "done",
        "done",
        "running",
        "failed",
    )
    assert GeneratedFile.objects.get(pk=queued.pk).attempts == 1
    assert GeneratedFile.objects.get(pk=stale.pk).attempts == 2
    assert "3" in GeneratedFile.objects.get(pk=gave_up.pk).error
    assert AuditEntry.objects.filter(action="report.file_requested").count() == 4


def test_a_worker_whose_claim_was_taken_over_discards_its_file(org, tasks, monkeypatch):
    from pathlib import Path

    from django.conf import settings

    report = make_report(org)
    item = jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report)
    claimed = jobs.claim_next()
    real = jobs.workbook.tables_workbook

    def slow(*args, **kwargs):  # meanwhile the row was taken for dead and claimed again
        GeneratedFile.objects.filter(pk=item.pk).update(attempts=claimed.attempts + 1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs.workbook, "tables_workbook", slow)
    result = jobs.generate(claimed)
    assert result.state == "running" and result.file.name == ""  # the row is the other claim's
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.xlsx"))  # this claim's file was thrown away


def test_the_office_edits_the_report_in_the_page_and_exports(client, org, tasks):
    client.force_login(org.office)
    response = client.post(reverse("reports:create"), {"kind": "q1", "year": 2026})
    report = Report.objects.get(agency=org.agency, kind="q1", year=2026)
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    assert report.title.endswith("quý I năm 2026")
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "từ ngày 15/12/2025 đến ngày 14/03/2026" in page and "Nhiệm vụ T1" not in page
    data = {
        "title": report.title,
        "number": "3",
        "issued_on": "2026-03-18",
        "signer_authority": "KT. TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "Hoàng Việt Đông",
        "recipients": "Sở Nội vụ",
        "archive": "VT, VP",
        "text_II.1": "Rà soát 3 văn bản quy phạm pháp luật.",
    }
    assert client.post(reverse("reports:report", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.texts == {"II.1": "Rà soát 3 văn bản quy phạm pháp luật."} and report.number == 3
    entry = AuditEntry.objects.get(action="report.saved")
    assert entry.actor == org.office and "texts" in entry.changes
    response = client.post(
        reverse("reports:generate"), {"kind": "report_docx", "report": report.pk}, HTTP_HX_REQUEST="true"
    )
    item = GeneratedFile.objects.get(report=report)
    assert response.status_code == 200 and f"file-{item.pk}" in response.content.decode()
    jobs.process_queue()
    download = client.get(reverse("reports:download", args=[item.pk]))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and "Rà soát 3 văn bản quy phạm pháp luật." in [
        p.text for p in Document(io.BytesIO(body)).paragraphs
    ]


def test_who_may_read_make_and_download(client, org, tasks):
    report = make_report(org)
    item, _data = produce(org, "report_docx", report=report)
    client.force_login(org.officer)  # sees only its unit's tasks: not the agency's reports
    assert client.get(reverse("reports:home")).status_code == 403
    assert client.get(reverse("reports:download", args=[item.pk])).status_code == 404
    client.force_login(org.auditor)  # reads, never writes
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 200
    assert client.get(reverse("reports:download", args=[item.pk])).status_code == 200
    assert client.post(reverse("reports:generate"), {"kind": "report_docx", "report": report.pk}).status_code == 403
    client.force_login(org.outsider)  # another agency's officer
    assert client.get(reverse("reports:download", args=[item.pk])).status_code == 404
    assert client.get(reverse("reports:report", args=[report.pk])).status_code in (403, 404)


def test_the_office_edits_the_plan_text_and_drafts_next_years_plan(client, org, tasks, plan):
    from plans.models import Plan, Task

    plan.title = "Kế hoạch nâng cao Chỉ số CCHC năm 2026"
    plan.save()
    section = plan.sections.get(code="II.1.c")
    client.force_login(org.office)
    url = reverse("reports:plan_text", args=[plan.pk])
    data = {
        "number": "125/KH-BQLKKTCK",
        "title": plan.title,
        "issued_on": "2026-07-15",
        "signer_title": "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN",
        "signer": "Hoàng Việt Đông",
        "preamble": "Phát huy kết quả năm 2025, cơ quan xây dựng kế hoạch năm 2026 như sau:",
        "closing": "",
        "recipients": "Sở Nội vụ",
        "archive": "VT, VP",
        f"section_{section.pk}": "Số hóa 100% hồ sơ TTHC năm 2026.",
    }
    assert client.post(url, data).status_code == 302
    section.refresh_from_db()
    assert section.text == "Số hóa 100% hồ sơ TTHC năm 2026."
    entry = AuditEntry.objects.get(action="plan.text_saved")
    assert entry.changes["sections"][1]["II.1.c"] == "Số hóa 100% hồ sơ TTHC năm 2026."
    # next year's plan from this one
    response = client.post(reverse("reports:plan_next_year", args=[plan.pk]))
    new = Plan.objects.get(agency=org.agency, year=2027)
    assert response["Location"] == reverse("reports:plan_text", args=[new.pk])
    assert (new.status, new.number, new.issued_on) == ("draft", "", None)
    assert new.title == "Kế hoạch nâng cao Chỉ số CCHC năm 2027"
    assert new.preamble == "Phát huy kết quả năm 2026, cơ quan xây dựng kế hoạch năm 2027 như sau:"
    assert new.sections.get(code="II.1.c").text == "Số hóa 100% hồ sơ TTHC năm 2027."
    copied = {t.code: t for t in Task.objects.filter(plan=new)}
    assert set(copied) == {"T1", "T2", "T3", "T4"}  # the cancelled T5 is left out
    assert copied["T2"].deadline == D(2027, 4, 30) and copied["T2"].status == "not_started"
    assert [u.pk for u in copied["T2"].coordinating_units.all()] == [org.unit_b.pk]
    assert copied["T3"].section.plan_id == new.pk and copied["T3"].completed_on is None
    # a second copy is refused; the auditor may read the text but not change it
    client.post(reverse("reports:plan_next_year", args=[plan.pk]))
    assert Plan.objects.filter(agency=org.agency, year=2027).count() == 1
    client.force_login(org.auditor)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403


def test_appendix_ii_alone_is_landscape_too(org, tasks, plan):
    from plans.models import Task

    Task.objects.filter(plan=plan, appendix="I").update(status="cancelled")
    _item, data = produce(org, "plan_docx", plan=plan)
    doc = Document(io.BytesIO(data))
    assert len(doc.sections) == 2 and round(doc.sections[1].page_width.mm) == 297
    assert [c.text for c in doc.tables[2].rows[-1].cells][1] == "Niêm yết công khai 100% TTHC"


def test_recipients_typed_with_their_punctuation_are_not_doubled(org):
    report = make_report(org, recipients="- UBND tỉnh (b/c);\nSở Nội vụ.\n\n")
    _item, data = produce(org, "report_docx", report=report)
    recipients = Document(io.BytesIO(data)).tables[1].rows[0].cells[0]
    assert cell_texts(recipients) == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]


def test_an_evidence_package_is_for_those_who_see_every_document(client, org, today):
    from scorecards import services as par

    card, _files = _par_with_evidence(org, today)
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    download = reverse("reports:download", args=[item.pk])
    card_page = reverse("scorecards:scorecard", args=[card.pk])
    client.force_login(org.officer)  # sees its unit's documents only
    assert client.get(download).status_code == 404
    assert "Gói tài liệu kiểm chứng" not in client.get(card_page).content.decode()
    request = {"kind": "evidence_zip", "scorecard": card.pk}
    assert client.post(reverse("reports:generate"), request).status_code == 403
    client.force_login(org.appraiser)  # the organiser: not before the scorecard is submitted
    assert client.get(download).status_code == 404
    par.send_for_approval(actor=org.office, scorecard=card, today=today)
    par.approve_and_submit(actor=org.leader, scorecard=card, today=today)
    assert client.get(download).status_code == 200
    assert client.post(reverse("reports:generate"), request).status_code == 302
    client.force_login(org.office)
    assert client.post(reverse("reports:generate"), {"kind": "report_docx", "report": "x"}).status_code == 404


def test_old_generated_files_are_removed_with_their_stored_file(org, settings, today):
    from django.core.files.storage import default_storage
    from django.utils import timezone

    settings.REPORT_FILES_KEEP_DAYS = 90
    report = Report.objects.create(agency=org.agency, year=2026, kind="year", title="Báo cáo năm 2026")
    old, recent = (
        jobs.generate(jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report))
        for _ in range(2)
    )
    waiting = jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report)
    long_ago = timezone.now() - dt.timedelta(days=91)
    GeneratedFile.objects.filter(pk__in=[old.pk, waiting.pk]).update(requested_at=long_ago)
    assert default_storage.exists(old.file.name)
    assert jobs.remove_old_files(today=today) == {"removed": 1}
    assert set(GeneratedFile.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}  # not made yet: kept
    assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)


def test_the_sipas_line_names_the_survey_period_not_the_data_window(org, tasks):
    """SIPAS is computed over a whole period (`sipas_period`), not over the report's data window:
    the outline's sentence names that period (issue 18 review, second pass)."""
    from reports.outline import parts

    figures = collect(org.agency, report_period("year", 2026))
    window = figures.period.window_text()
    lines = [line for part in parts(figures, {}) for line in part.auto if "khảo sát" in line and "hài lòng" in line]
    assert lines and figures.sipas_period_text
    assert all(figures.sipas_period_text in line and window not in line for line in lines), (lines, window)
