"""The procedure catalogue, the dossier register and its workflows, imports, forms and the 766 dashboard."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as read_docx
from openpyxl import Workbook, load_workbook

from core import storage
from core.deadlines import LOCAL
from core.models import AuditEntry, Notification
from procedures import catalogue, documents, importing, services
from procedures.models import RECORD_FIELDS, Dossier, DossierImport, OfficialScore, Procedure
from procedures.quality import Dossier as Record
from procedures.quality import compute
from procedures.selectors import drill, period, quality

T = dt.datetime
D = dt.date


def at(*args):
    return T(*args, tzinfo=LOCAL)


@pytest.fixture
def procedure(org):
    return Procedure.objects.create(
        agency=org.agency, code="1.001", name="Cấp giấy chứng nhận đăng ký đầu tư", limit=10
    )


@pytest.fixture
def dossier(org, procedure, cal):
    # one_stop.md §8 example 14: received Mon 09/03 09:00, 10 working days -> due Mon 23/03
    return services.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        received_at=at(2026, 3, 9, 9),
        cal=cal,
        unit=org.unit_a,
        applicant_name="Công ty TNHH Đồng Đăng",
        components="Đơn đề nghị (bản chính)\nĐiều lệ công ty (bản sao)",
    )


def workbook(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- catalogue -----------------------------------------------------------------------------------

HEADER = [
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Thời hạn giải quyết",
    "Đơn vị tính",
    "Phí, lệ phí",
    "Dịch vụ công trực tuyến",
    "Áp dụng mốc 15 giờ",
]


def test_catalogue_import_previews_then_commits_all_rows(org):
    data = workbook(
        [
            HEADER,
            ["2.001", "Cấp giấy phép lao động", "Lao động", 5, "ngày làm việc", "600.000 đồng", "một phần", "Có"],
            ["2.002", "Cấp phép xây dựng", "Xây dựng", 20, "ngày", "Không", "toàn trình", "Không"],
        ]
    )
    parsed = catalogue.preview(agency=org.agency, data=data)
    assert not parsed.errors and [r["code"] for r in parsed.rows] == ["2.001", "2.002"]
    assert not Procedure.objects.exists()  # preview writes nothing
    catalogue.commit(actor=org.office, agency=org.agency, data=data)
    labour, building = Procedure.objects.order_by("code")
    assert (labour.limit, labour.limit_unit, labour.fee_bearing, labour.online_level) == (
        5,
        "working_days",
        True,
        "partial",
    )
    assert (building.limit_unit, building.fee_bearing, building.apply_cutoff) == ("days", False, False)
    assert AuditEntry.objects.filter(action="procedure.created").count() == 2
    # re-import with one change: one update, audited with before and after
    changed = workbook(
        [HEADER, ["2.001", "Cấp giấy phép lao động", "Lao động", 3, "ngày làm việc", "600.000 đồng", "một phần", "Có"]]
    )
    catalogue.commit(actor=org.office, agency=org.agency, data=changed)
    entry = AuditEntry.objects.get(action="procedure.updated")
    assert entry.changes["limit"] == [5, 3]


def test_a_bad_catalogue_is_refused_whole_with_row_errors(org):
    data = workbook(
        [
            HEADER,
            ["2.001", "Một", "", 5, "ngày làm việc", "", "", ""],
            ["2.001", "", "", "năm", "tuần", "", "trực tuyến", "có lẽ"],
        ]
    )
    parsed = catalogue.commit(actor=org.office, agency=org.agency, data=data)
    found = {(e.row, e.column) for e in parsed.errors}
    assert {
        (3, "Mã TTHC"),
        (3, "Tên thủ tục hành chính"),
        (3, "Thời hạn giải quyết"),
        (3, "Đơn vị tính"),
        (3, "Dịch vụ công trực tuyến"),
        (3, "Áp dụng mốc 15 giờ"),
    } <= found
    assert not Procedure.objects.exists()
    missing = catalogue.parse(workbook([["Mã TTHC", "Lĩnh vực"], ["1", "x"]]))
    assert {e.column for e in missing.errors} == {"Tên thủ tục hành chính", "Thời hạn giải quyết"}
    assert catalogue.parse(b"not a workbook").errors[0].row == 0


def test_catalogue_export_reimports_unchanged(org, procedure):
    data = catalogue.export(Procedure.objects.all())
    parsed = catalogue.preview(agency=org.agency, data=data)
    assert not parsed.errors and parsed.rows[0]["exists"] and parsed.rows[0]["limit"] == 10


def test_catalogue_import_page(client, org):
    client.force_login(org.office)
    data = workbook([HEADER, ["2.001", "Cấp giấy phép lao động", "Lao động", 5, "", "", "", ""]])
    response = client.post(reverse("procedures:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", data)})
    token = response.context["token"]
    assert "Cấp giấy phép lao động" in response.content.decode()
    response = client.post(reverse("procedures:catalogue_import"), {"token": token})
    assert response.status_code == 302 and Procedure.objects.get().code == "2.001"
    assert client.get(reverse("procedures:catalogue"), {"q": "giay phep lao dong"}).context["procedures"].count() == 1


def test_a_checked_catalogue_is_committed_only_by_the_session_that_checked_it(client, org):
    from django.test import Client

    client.force_login(org.office)
    data = workbook([HEADER, ["2.001", "Cấp giấy phép lao động", "Lao động", 5, "", "", "", ""]])
    token = client.post(reverse("procedures:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", data)}).context[
        "token"
    ]
    stranger = Client()
    stranger.force_login(org.office)  # same account, another session
    assert stranger.post(reverse("procedures:catalogue_import"), {"token": token}).status_code == 302
    assert not Procedure.objects.exists()
    client.post(reverse("procedures:catalogue_import"), {"token": token})
    assert Procedure.objects.get().code == "2.001"
    assert client.post(reverse("procedures:catalogue_import"), {"token": token}).status_code == 302  # spent
    assert Procedure.objects.count() == 1


# --- counter reception and the lifecycle ---------------------------------------------------------


def test_counter_reception_numbers_the_day_and_computes_the_due_date(org, dossier, procedure, cal):
    assert dossier.code == "BQLKKTCK-260309-0001"
    assert dossier.due_date == D(2026, 3, 23) and dossier.status == "received"
    second = services.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=at(2026, 3, 9, 15, 30), cal=cal
    )
    assert second.code == "BQLKKTCK-260309-0002"
    assert second.due_date == D(2026, 3, 24)  # after 15:00: day 0 is Tue 10/03
    org.agency.electronic_id = "H38.15"
    org.agency.save()
    third = services.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=at(2026, 3, 10, 8), cal=cal
    )
    assert third.code == "H38.15-260310-0001"
    assert AuditEntry.objects.filter(action="dossier.received", object_id=str(dossier.pk)).exists()


def test_counter_page_receives_and_offers_the_receipt(client, org, procedure):
    client.force_login(org.officer)
    response = client.post(
        reverse("procedures:receive"),
        {
            "procedure": procedure.pk,
            "unit": org.unit_a.pk,
            "channel": "direct",
            "received_at": "2026-02-13T15:30",
            "applicant_name": "Nguyễn Văn An",
            "sets": 1,
            "result_delivery": "desk",
        },
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == reverse("procedures:dossier", args=[dossier.pk])
    assert dossier.due_date == D(2026, 3, 9)  # 15:30 on the eve of Tết: day 0 = 23/02, +10 working days
    assert dossier.created_by == org.officer
    missing = client.post(reverse("procedures:receive"), {"channel": "direct"})
    assert missing.status_code == 200 and "applicant_name" in missing.context["form"].errors


def test_lifecycle_hand_overs_supplements_and_the_end(org, dossier):
    services.hand_over(
        dossier, actor=org.office, giver="Một cửa", receiver="Phòng QLDN", to_unit=org.unit_a, at=at(2026, 3, 9, 10)
    )
    dossier.refresh_from_db()
    assert dossier.status == "processing"
    services.request_supplement(dossier, actor=org.officer, items="Bản sao điều lệ", at=at(2026, 3, 12, 10))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.supplement_count) == ("supplement_requested", 1)
    with pytest.raises(services.WorkflowError):
        services.finish(dossier, actor=org.officer, outcome="finished")  # waiting on the applicant
    services.complete_supplement(dossier, actor=org.officer, at=at(2026, 3, 18, 10))
    dossier.refresh_from_db()
    assert services.adjusted_due(dossier) == at(2026, 3, 29, 23, 59, 59)  # 23/03 + 6 days (§8 D/E)
    with pytest.raises(services.WorkflowError, match="lần hai"):
        services.request_supplement(dossier, actor=org.officer, items="Thêm")
    services.request_supplement(dossier, actor=org.officer, items="Thêm", reason="Quy định mới", at=at(2026, 3, 19, 9))
    dossier.refresh_from_db()
    assert dossier.supplement_count == 2 and dossier.supplement_requested_at == at(2026, 3, 12, 10)
    services.complete_supplement(dossier, actor=org.officer, at=at(2026, 3, 20, 9))
    services.finish(dossier, actor=org.head, outcome="finished", at=at(2026, 3, 27, 10), flags={"e_result": True})
    dossier.refresh_from_db()
    assert dossier.status == "finished" and dossier.e_result
    with pytest.raises(services.WorkflowError):
        services.finish(dossier, actor=org.head, outcome="finished")
    services.return_result(dossier, actor=org.office, at=at(2026, 3, 27, 15))
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.returned_at == at(2026, 3, 27, 15)
    actions = set(
        AuditEntry.objects.filter(object_id=str(dossier.pk), object_type="procedures.dossier").values_list(
            "action", flat=True
        )
    )
    assert {"dossier.handed_over", "dossier.supplement_requested", "dossier.finished", "dossier.returned"} <= actions
    # the second supplement request makes it late for 766 even though it ended early
    record = Dossier.objects.get(pk=dossier.pk).as_record()
    assert compute([record], D(2026, 1, 1), D(2026, 3, 31)).counts["late"] == 1


def test_rejection_needs_a_reason(org, dossier):
    with pytest.raises(services.WorkflowError):
        services.finish(dossier, actor=org.officer, outcome="rejected")
    services.finish(dossier, actor=org.officer, outcome="rejected", note="Không đủ điều kiện", at=at(2026, 3, 10, 9))
    dossier.refresh_from_db()
    assert dossier.status == "rejected" and dossier.finished_at == at(2026, 3, 10, 9)


def test_apology_sets_the_new_date_once_and_keeps_the_due_date(org, dossier, cal):
    with pytest.raises(services.WorkflowError):
        services.apologise(dossier, actor=org.office, reason="Chờ ý kiến", new_date=D(2026, 3, 23), cal=cal)
    with pytest.raises(services.WorkflowError):
        services.apologise(dossier, actor=org.office, reason="Chờ ý kiến", new_date=D(2026, 3, 28), cal=cal)  # Saturday
    services.apologise(dossier, actor=org.office, reason="Chờ ý kiến của Sở Xây dựng", new_date=D(2026, 3, 27), cal=cal)
    dossier.refresh_from_db()
    assert (dossier.apology_date, dossier.due_date) == (D(2026, 3, 27), D(2026, 3, 23))
    assert services.apology_deadline(dossier, cal) == D(2026, 3, 20)
    with pytest.raises(services.WorkflowError, match="một lần"):
        services.apologise(dossier, actor=org.office, reason="Lần nữa", new_date=D(2026, 4, 3), cal=cal)
    text = "\n".join(p.text for p in read_docx(io.BytesIO(documents.apology(dossier))).paragraphs)
    assert "Chờ ý kiến của Sở Xây dựng" in text and "27/03/2026" in text and "23/03/2026" in text
    assert dossier.code in text and "Kính gửi: Công ty TNHH Đồng Đăng" in text


def test_at_risk_list_and_daily_alert(org, procedure, cal, client):
    from procedures.reminders import at_risk_alerts

    today = D(2026, 3, 20)  # Friday: the next working day is Mon 23/03
    due_monday = services.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        received_at=at(2026, 3, 9, 9),
        cal=cal,
        unit=org.unit_a,
    )
    later = services.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        received_at=at(2026, 3, 12, 9),
        cal=cal,
        unit=org.unit_a,
    )
    paused = services.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        received_at=at(2026, 3, 9, 10),
        cal=cal,
        unit=org.unit_a,
    )
    services.request_supplement(paused, actor=org.officer, items="Bổ sung")
    risky = set(services.at_risk(Dossier.objects.all(), today=today, cal=cal))
    assert due_monday in risky and later not in risky and paused not in risky
    paused.refresh_from_db()
    for one in (due_monday, later, paused):  # the dossier page's flag says the same
        assert services.is_at_risk(one, today=today, cal=cal) == (one in risky)
    result = at_risk_alerts(today=today, cal=cal)
    notified = set(Notification.objects.filter(kind="dossier_due").values_list("user__username", flat=True))
    assert result["notifications"] >= 3 and {"chuyenvien.qldn", "truongphong.qldn", "vanphong"} <= notified
    assert "chuyenvien.khth" not in notified
    assert at_risk_alerts(today=today, cal=cal)["notifications"] == 0  # never twice


# --- documents ----------------------------------------------------------------------------------


def test_receipt_has_the_fields_and_a_qr_code_to_the_status_page(org, dossier):
    doc = read_docx(io.BytesIO(documents.receipt(dossier)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert dossier.code in text and "Công ty TNHH Đồng Đăng" in text and "ngày 23/03/2026" in text
    assert "09 giờ 00 phút, ngày 09/03/2026" in text
    assert documents.status_url(dossier) in text
    assert len(doc.inline_shapes) == 2  # the QR codes: the status page and the SIPAS survey
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Điều lệ công ty (bản sao)" in cells and "NGƯỜI NỘP HỒ SƠ" in "\n".join(cells)


def test_control_slip_and_register(org, dossier):
    services.hand_over(
        dossier,
        actor=org.office,
        giver="Một cửa",
        receiver="QLDN",
        to_unit=org.unit_a,
        step_due=D(2026, 3, 10),
        at=at(2026, 3, 11, 9),
    )
    sheet = load_workbook(io.BytesIO(documents.control_slip(dossier))).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == 1]
    assert rows[0][1:3] == ("Một cửa", "QLDN") and rows[0][4] == "Quá hạn"
    assert isinstance(sheet["B7"].value, dt.datetime)
    book = load_workbook(io.BytesIO(documents.register(Dossier.objects.all(), title="Q1")))
    data = list(book.active.iter_rows(values_only=True))
    assert data[2][1] == "Mã hồ sơ" and data[3][1] == dossier.code
    assert data[3][7] == T(2026, 3, 9, 9) and isinstance(data[3][8], dt.datetime)


def test_public_status_page_shows_no_personal_data(client, dossier):
    page = client.get(reverse("dossier_status", args=[dossier.code])).content.decode()
    assert dossier.code in page and "23/03/2026" in page
    assert "Công ty TNHH Đồng Đăng" not in page
    assert client.get(reverse("dossier_status", args=["KHONG-CO"])).status_code == 404


# --- file import ---------------------------------------------------------------------------------

CSV = (
    "Mã hồ sơ,Mã TTHC,Đơn vị,Kênh,Ngày tiếp nhận,Thời hạn giải quyết,Đơn vị tính,Trạng thái,Ngày kết thúc xử lý,"
    "Kết quả bản giấy,Kết quả điện tử,Thanh toán trực tuyến,Có phí, lệ phí\n"
)


def upload(org, text, name="hs.csv"):
    data = text.encode("utf-8-sig") if isinstance(text, str) else text
    item = importing.save_upload(agency=org.agency, actor=org.office, fileobj=io.BytesIO(data), filename=name)
    DossierImport.objects.filter(pk=item.pk).update(state="running")
    item.refresh_from_db()
    return item


def test_csv_import_with_vietnamese_headers_catalogue_and_units(org, procedure, cal):
    text = CSV.replace("Có phí, lệ phí", '"Có phí, lệ phí"') + (
        "H1,1.001,QLDN,2,09/03/2026 09:00,,,Đã xử lý xong,20/03/2026 10:00,1,1,0,0\n"
        "H2,9.999,Phòng Kế hoạch - Tổng hợp,1,2026-03-09T09:00,3,ngày,processing,,0,0,0,0\n"
    )
    item = importing.run_import(upload(org, text), cal=cal)
    assert item.state == "done" and (item.created, item.updated, item.processed) == (2, 0, 2)
    h1, h2 = Dossier.objects.order_by("code")
    assert (h1.procedure, h1.unit, h1.due_date, h1.channel, h1.e_result) == (
        procedure,
        org.unit_a,
        D(2026, 3, 23),
        "online",
        True,
    )
    assert h1.received_at == at(2026, 3, 9, 9) and h1.source == "import" and h1.import_batch == item
    assert (h2.procedure, h2.unit, h2.due_date, h2.limit_unit) == (None, org.unit_b, D(2026, 3, 12), "days")
    assert importing.read_progress(item) == {"processed": 2, "total": 2}
    # the same file again changes nothing; a changed row updates with an audit entry
    again = importing.run_import(upload(org, text), cal=cal)
    assert (again.created, again.updated) == (0, 0)
    changed = importing.run_import(upload(org, text.replace("processing,,", "finished,12/03/2026 16:00,")), cal=cal)
    assert (changed.created, changed.updated) == (0, 1)
    entry = AuditEntry.objects.get(action="dossier.import_updated")
    assert entry.changes["status"] == ["processing", "finished"]
    assert Dossier.objects.get(code="H2").finished_at == at(2026, 3, 12, 16)


def test_xlsx_import_with_native_dates(org, procedure, cal):
    data = workbook(
        [
            ["dossier_code", "procedure_code", "channel", "received_at", "status", "finished_at", "digitized"],
            ["X1", "1.001", "online", T(2026, 3, 9, 9), "finished", T(2026, 3, 20, 10), 1],
        ]
    )
    item = importing.run_import(upload(org, data, "hs.xlsx"), cal=cal)
    assert item.state == "done", item.problems
    x1 = Dossier.objects.get(code="X1")
    assert x1.due_date == D(2026, 3, 23) and x1.digitized and x1.finished_at == at(2026, 3, 20, 10)


def test_a_bad_file_is_refused_whole_with_its_first_problems(org, procedure, cal):
    good = "".join(f"G{n},1.001,QLDN,1,09/03/2026 09:00,,,received,,0,0,0,0\n" for n in range(3000))
    bad = "B1,1.001,Phòng không có,1,31/02/2026,,,xong,,2,0,0,0\n"
    item = importing.run_import(upload(org, CSV + good + bad + bad.replace("B1", "B2")), cal=cal)
    assert item.state == "refused" and not Dossier.objects.exists()  # the first 3000 rows were rolled back
    found = {(p["row"], p["column"]) for p in item.problems}
    assert {(3002, "unit"), (3002, "received_at"), (3002, "status"), (3002, "paper_result")} <= found
    assert item.problem_total == 8 and item.processed == 3002
    many = "".join(f"M{n},1.001,QLDN,9,09/03/2026 09:00,,,received,,0,0,0,0\n" for n in range(150))
    item = importing.run_import(upload(org, CSV + many), cal=cal)
    assert len(item.problems) == 100 and item.problem_total == 150
    assert importing.run_import(upload(org, "Mã hồ sơ\nA\n".encode("utf-16")), cal=cal).state == "refused"


def test_the_worker_claims_queued_imports_once(org, procedure):
    item = importing.save_upload(
        agency=org.agency,
        actor=org.office,
        fileobj=io.BytesIO((CSV + "Q1,1.001,QLDN,1,09/03/2026 09:00,,,received,,0,0,0,0\n").encode()),
        filename="q.csv",
    )
    assert importing.process_queue() == 1
    assert importing.process_queue() == 0
    item.refresh_from_db()
    assert item.state == "done" and Dossier.objects.filter(code="Q1").exists()


def test_import_pages_show_progress_and_problems(client, org, procedure):
    client.force_login(org.office)
    response = client.post(
        reverse("procedures:imports"),
        {"file": SimpleUploadedFile("hs.csv", (CSV + "A,1.001,QLDN,1,x,,,received,,0,0,0,0\n").encode())},
    )
    item = DossierImport.objects.get()
    assert response.url == reverse("procedures:import_detail", args=[item.pk])
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in page  # waiting: the bar polls
    importing.process_queue()
    page = client.get(reverse("procedures:import_progress", args=[item.pk])).content.decode()
    assert "every 1s" not in page and "received_at" in page and "bg-danger" in page


# --- API -----------------------------------------------------------------------------------------


def push(client, **fields):
    body = {
        "agency": "BQLKKTCK",
        "dossier_code": "API-1",
        "procedure_code": "1.001",
        "received_at": "2026-03-09T09:00",
        "status": "processing",
        **fields,
    }
    return client.post(reverse("api:push_dossier"), json.dumps(body), content_type="application/json")


def test_api_push_is_idempotent_by_dossier_code(client, org, procedure):
    client.force_login(org.officer)
    first = push(client, applicant_name="Nguyễn Văn An")
    assert first.status_code == 201 and first.json()["due_date"] == "2026-03-23"
    assert push(client, applicant_name="Nguyễn Văn An").status_code == 200
    assert Dossier.objects.count() == 1 and Dossier.objects.get().source == "api"
    finished = push(client, status="finished", finished_at="20/03/2026 10:00")
    assert finished.status_code == 200 and finished.json()["status"] == "finished"
    bad = push(client, dossier_code="API-2", status="xong", received_at="hôm qua")
    assert bad.status_code == 422
    assert {p["column"] for p in bad.json()["problems"]} == {"status", "received_at"}
    got = client.get(reverse("api:get_dossier", args=["API-1"]), {"agency": "BQLKKTCK"})
    assert got.json()["status"] == "finished"


def test_api_access(client, org, procedure):
    client.force_login(org.auditor)
    assert push(client).status_code == 403
    client.force_login(org.outsider)
    assert push(client).status_code == 404
    assert (
        client.get(
            reverse("api:service_quality"), {"agency": "BQLKKTCK", "from": "2026-01-01", "to": "2026-03-31"}
        ).status_code
        == 404
    )


# --- 766 dashboard -------------------------------------------------------------------------------


def test_periods():
    assert (period("month", 2026, 2).start, period("month", 2026, 2).end) == (D(2026, 2, 1), D(2026, 2, 28))
    assert (period("quarter", 2026, 4).start, period("quarter", 2026, 4).end) == (D(2026, 10, 1), D(2026, 12, 31))
    assert period("nine", 2026).end == D(2026, 9, 30) and period("half", 2026).end == D(2026, 6, 30)
    assert period("month", 2026, 12).end == D(2026, 12, 31)


@pytest.fixture
def quarter(org, procedure, cal):
    """Five dossiers around Q1 2026: hand-checked outcomes."""
    make = Dossier.objects.create
    common = {"agency": org.agency, "procedure": procedure, "procedure_code": "1.001", "unit": org.unit_a}
    make(
        code="early",
        received_at=at(2026, 3, 9, 9),
        due_date=D(2026, 3, 23),
        status="finished",
        finished_at=at(2026, 3, 20, 10),
        channel="online",
        e_result=True,
        paper_result=True,
        **common,
    )
    make(
        code="late",
        received_at=at(2026, 3, 9, 9),
        due_date=D(2026, 3, 23),
        status="returned",
        finished_at=at(2026, 3, 24, 9),
        paper_result=True,
        **common,
    )
    make(
        code="pending",
        received_at=at(2026, 3, 25, 9),
        due_date=D(2026, 4, 8),
        status="processing",
        fee_bearing=True,
        paid_online=True,
        **common,
    )
    make(
        code="old",
        received_at=at(2025, 12, 1, 9),
        due_date=D(2025, 12, 15),
        status="finished",
        finished_at=at(2025, 12, 10, 9),
        **common,
    )
    make(
        code="carried",
        received_at=at(2025, 12, 29, 9),
        due_date=D(2026, 1, 9),
        status="finished",
        finished_at=at(2026, 1, 8, 9),
        unit=org.unit_b,
        **{k: v for k, v in common.items() if k != "unit"},
    )


def test_dashboard_figures_from_the_database(org, quarter):
    result = quality(Dossier.objects.filter(agency=org.agency), D(2026, 1, 1), D(2026, 3, 31))
    assert result.counts == {"in_scope": 4, "early": 3, "on_time": 0, "late": 1, "received": 3}
    figures = result.figures
    assert figures["on_time_rate"].rate == Decimal(75) and figures["on_time_rate"].points == Decimal(15)
    assert (figures["online_rate"].numerator, figures["online_rate"].denominator) == (1, 3)
    assert (figures["e_result_rate"].numerator, figures["e_result_rate"].denominator) == (1, 2)
    assert figures["online_payment_rate"].rate == Decimal(100)
    unit_a = quality(Dossier.objects.filter(unit=org.unit_a), D(2026, 1, 1), D(2026, 3, 31))
    assert unit_a.counts["in_scope"] == 3


def test_dashboard_page_drill_down_and_portal_scores(client, org, quarter):
    client.force_login(org.office)
    query = {"period": "quarter", "year": 2026, "n": 1}
    page = client.get(reverse("procedures:quality"), query)
    assert page.status_code == 200 and page.context["result"].counts["late"] == 1
    late = client.get(reverse("procedures:quality_drill"), {**query, "key": "progress", "part": "late"})
    assert [d.code for d in late.context["dossiers"]] == ["late"]
    online = client.get(reverse("procedures:quality_drill"), {**query, "key": "online_rate", "part": "denominator"})
    assert sorted(d.code for d in online.context["dossiers"]) == ["early", "late", "pending"]
    assert client.get(reverse("procedures:quality_drill"), {**query, "key": "x", "part": "y"}).status_code == 404
    url = reverse("procedures:official_score") + "?period=quarter&year=2026&n=1"
    client.post(url, {"indicator": "on_time_rate", "points": "19.5", "source_url": "https://dichvucong.gov.vn/"})
    score = OfficialScore.objects.get()
    assert (score.period_start, score.period_end, score.points) == (D(2026, 1, 1), D(2026, 3, 31), Decimal("19.5"))
    row = next(
        r for r in client.get(reverse("procedures:quality"), query).context["rows"] if r["key"] == "on_time_rate"
    )
    assert row["gap"] == Decimal("-4.50") and row["big_gap"]
    assert AuditEntry.objects.filter(action="official_766.entered").exists()
    client.force_login(org.officer)
    assert client.post(url, {"indicator": "on_time_rate", "points": "1"}).status_code == 403


def test_api_service_quality_matches_the_command_shape(client, org, quarter):
    client.force_login(org.leader)
    data = client.get(
        reverse("api:service_quality"), {"agency": "BQLKKTCK", "from": "2026-01-01", "to": "2026-03-31"}
    ).json()
    assert data["counts"]["late"] == 1 and data["indicators"]["on_time_rate"]["rate"] == "75.00"


def test_register_metrics_feed_the_scorecard(org, quarter):
    from core.metrics import compute_metric

    value = compute_metric("dossier_on_time_rate", agency=org.agency, year=2026, today=D(2026, 3, 31))
    assert value.data == {"numerator": 3, "denominator": 4}
    assert compute_metric("online_rate", agency=org.other, year=2026, today=D(2026, 3, 31)) is None


def test_unit_scoped_register(client, org, quarter):
    client.force_login(org.other_officer)  # KHTH: only its unit's dossiers
    codes = {d.code for d in client.get(reverse("procedures:register")).context["page"]}
    assert codes == {"carried"}
    client.force_login(org.auditor)
    assert len(client.get(reverse("procedures:register")).context["page"]) == 5
    export = client.get(reverse("procedures:register"), {"format": "xlsx", "status": "finished"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[3:]) == ["carried", "early", "old"]


# --- the indicators counted by the database agree with the pure module ---------------------------

STATUSES = ["received", "processing", "supplement_requested", "finished", "returned", "rejected", "withdrawn"]


def random_dossier(rng, n):
    received = T(2026, 1, 1, tzinfo=LOCAL) + dt.timedelta(seconds=rng.randrange(0, 181 * 86400))
    if n % 17 == 0:  # the last instant of a day: a period's edge
        received = received.replace(hour=23, minute=59, second=59, microsecond=rng.randrange(1, 999_999))
    fields = {
        "code": f"R{n}",
        "received_at": received,
        "due_date": received.date() + dt.timedelta(days=rng.randrange(0, 25)),
        "status": rng.choice(STATUSES),
        "channel": rng.choice(["direct", "online", "postal"]),
        "supplement_count": rng.choice([0, 0, 0, 1, 1, 2]),
        **{flag: rng.random() < 0.5 for flag in ("paper_result", "e_result", "digitized", "reused_data")},
        **{flag: rng.random() < 0.4 for flag in ("fee_bearing", "paid_online", "complaint")},
    }
    if fields["supplement_count"]:
        fields["supplement_requested_at"] = received + dt.timedelta(hours=rng.randrange(1, 200))
        if rng.random() < 0.6:
            fields["supplement_completed_at"] = fields["supplement_requested_at"] + dt.timedelta(
                hours=rng.randrange(1, 300)
            )
    if fields["status"] in ("finished", "returned", "rejected", "withdrawn"):
        fields["finished_at"] = received + dt.timedelta(hours=rng.randrange(1, 40 * 24))
    return fields


def test_the_database_counts_agree_with_the_pure_module(org):
    import random

    rng = random.Random(766)
    for n in range(400):
        Dossier.objects.create(agency=org.agency, **random_dossier(rng, n))
    qs = Dossier.objects.filter(agency=org.agency)
    everything = [Record(*values) for values in qs.values_list(*RECORD_FIELDS)]  # not through the facts
    periods = [period("month", 2026, m) for m in range(1, 9)] + [
        period("quarter", 2026, 1),
        period("half", 2026),
        period("year", 2026),
        period("year", 2025),
    ]
    for chosen in periods:
        ours = quality(qs, chosen.start, chosen.end)
        pure = compute(everything, chosen.start, chosen.end)
        assert ours.counts == pure.counts, chosen
        assert ours.as_data() == pure.as_data(), chosen
        for part in ("in_scope", "early", "on_time", "late"):
            behind = drill(qs, chosen.start, chosen.end, "progress", part)
            assert behind.count() == pure.counts[part]
            if part != "in_scope":
                assert sorted(behind.values_list("code", flat=True)) == sorted(pure.codes[part])
    assert {"early", "on_time", "late"} <= set(qs.values_list("progress_outcome", flat=True))
    assert qs.filter(progress_outcome="").exists()  # open dossiers: decided by the period's end


def test_progress_facts_follow_every_change(org, dossier):
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("", None)
    assert (dossier.early_through, dossier.late_from) == (D(2026, 3, 22), D(2026, 3, 24))
    services.request_supplement(dossier, actor=org.office, items="Bản sao điều lệ", at=at(2026, 3, 12, 10))
    dossier.refresh_from_db()  # waiting on its only request: ended then, early (due 23/03)
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("early", D(2026, 3, 12))
    services.complete_supplement(dossier, actor=org.office, at=at(2026, 3, 18, 10))
    dossier.refresh_from_db()  # open again, six days of pause: late only from 30/03
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("", None)
    assert (dossier.early_through, dossier.late_from) == (D(2026, 3, 28), D(2026, 3, 30))
    services.finish(dossier, actor=org.office, outcome="finished", at=at(2026, 3, 24, 9))
    dossier.refresh_from_db()
    assert (dossier.progress_outcome, dossier.progress_ended_on) == ("early", D(2026, 3, 24))  # 24/03 - 6 days


def test_large_files_are_parsed_in_a_second_process(org, procedure, cal, monkeypatch):
    monkeypatch.setattr(importing, "PARALLEL_FROM", 0)
    good = "".join(f"P{n},1.001,QLDN,1,09/03/2026 09:00,,,finished,24/03/2026 09:00,0,0,0,0\n" for n in range(5000))
    odd = '"P\\\t1","A\\B\tC\r\nD",QLDN,1,09/03/2026 09:00,3,ngày,finished,24/03/2026 09:00,0,0,0,0\n'
    item = upload(org, CSV + odd + good)
    with storage.local_path(importing.upload_name(item)) as path:
        assert importing._in_parallel(path)
    item = importing.run_import(item, cal=cal)
    assert item.state == "done" and (item.created, item.processed) == (5001, 5001)
    assert set(Dossier.objects.values_list("progress_outcome", flat=True)) == {"late"}  # due 23/03
    from django.db import connection

    if connection.vendor == "postgresql":  # the copy's local time zone did not outlive it
        with connection.cursor() as cursor:
            cursor.execute("SHOW TimeZone")
            assert cursor.fetchone()[0] == connection.timezone_name
    stored = Dossier.objects.get(code="P\\\t1")  # tabs, backslashes and line breaks survive COPY
    assert stored.procedure_code == "A\\B\tC\r\nD" and stored.received_at == at(2026, 3, 9, 9)
    assert stored.import_batch == item and stored.source == "import"
    bad = good.replace("P4000,1.001,QLDN,1,", "P4000,1.001,QLDN,7,").replace("P", "Q")  # row 4002
    refused = importing.run_import(upload(org, CSV + bad), cal=cal)
    assert refused.state == "refused" and refused.problem_total == 1 and refused.processed == 5000
    assert refused.problems[0]["row"] == 4002
    assert refused.problems == [
        {"row": 4002, "column": "channel", "value": "7", "reason": refused.problems[0]["reason"]}
    ]
    assert "direct" in refused.problems[0]["reason"]
    assert not Dossier.objects.filter(code__startswith="Q").exists()
    broken = importing.run_import(upload(org, b"PK\x03\x04 not really a workbook", "x.xlsx"), cal=cal)
    assert broken.state == "failed" and broken.error
    assert Dossier.objects.count() == 5001


def test_the_migration_works_out_the_facts_of_registered_dossiers(transactional_db):
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from core.models import Agency
    from core.reference import load_demo_organisation

    load_demo_organisation()
    agency = Agency.objects.get(code="BQLKKTCK")
    before, after = [("procedures", "0001_initial")], [("procedures", "0002_progress_facts")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldDossier = old.get_model("procedures", "Dossier")
    common = {"agency_id": agency.pk, "received_at": at(2026, 3, 9, 9), "due_date": D(2026, 3, 23)}
    OldDossier.objects.create(code="OPEN", status="processing", **common)
    OldDossier.objects.create(code="LATE", status="finished", finished_at=at(2026, 3, 24, 9), **common)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    call_command("migrate", verbosity=0)  # the rest, for the next tests
    facts = {d.code: (d.progress_outcome, d.progress_ended_on, d.late_from) for d in Dossier.objects.all()}
    assert facts == {"OPEN": ("", None, D(2026, 3, 24)), "LATE": ("late", D(2026, 3, 24), D(2026, 3, 24))}
