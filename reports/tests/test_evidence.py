"""The evidence package (reports.evidence): a folder per criterion and an index workbook; who may
ask for one and download it."""

import datetime as dt
import hashlib
import io
import zipfile

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import DocumentVersion
from reports import jobs
from reports.evidence import INDEX_HEADER, INDEX_NAME, NOTHING_LINKED, _member_name, member_time, safe_name
from scorecards import services as par
from scorecards.models import ScoreEvidence


def test_the_evidence_package_holds_a_folder_per_criterion_and_an_index(org, par_with_evidence):
    card, files = par_with_evidence
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    assert item.state == "done", item.error
    with item.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = archive.namelist()
        folders = {name.split("/")[0] for name in names if "/" in name}
        assert len(folders) == 2 and all(f.startswith(("1.1.1", "1.2")) for f in folders)
        index = load_workbook(io.BytesIO(archive.read("Muc_luc_tai_lieu_kiem_chung.xlsx")))
        rows = [row for row in index.active.iter_rows(min_row=5, values_only=True) if row[0]]
        assert [row[0] for row in rows] == [1, 2, 3]  # STT
        for _stt, code, _name, number, issued, issuer, _abstract, _stage, member, sha in rows:
            expected_code, content = files[number]
            assert code == expected_code and issuer == "Ban Quản lý" and isinstance(issued, dt.datetime)
            assert archive.read(member) == content and sha == hashlib.sha256(content).hexdigest()
    assert "3 tệp" in item.step


def test_an_evidence_package_is_for_those_who_see_every_document(client, org, today, par_with_evidence):
    card, _files = par_with_evidence
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


def test_the_index_lists_the_documents_under_the_agency_and_round(org, par_with_evidence):
    card, _files = par_with_evidence
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    with item.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        ws = load_workbook(io.BytesIO(archive.read(INDEX_NAME))).active
    assert ws.title == "Mục lục"
    assert ws["A1"].value == f"Tài liệu kiểm chứng Chỉ số CCHC năm 2026 — {org.agency.name}" and ws["A1"].font.b
    assert "·" not in ws["A1"].value
    assert ws["A2"].value.startswith(f"Đợt đánh giá: {card.round.name}. Lập lúc ")
    assert [c.value for c in ws[4]] == [name for name, _width in INDEX_HEADER]
    assert ws["A4"].value == "STT" and [ws[f"A{row}"].value for row in (5, 6, 7)] == [1, 2, 3]
    assert ws.freeze_panes == "D5"  # the number, the criterion's code and name stay in view
    assert ws.column_dimensions["J"].width == 22  # the SHA-256 wraps: the index prints on A4 landscape
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"
    assert ws["E5"].number_format == "DD/MM/YYYY"


def test_packed_files_carry_the_time_their_version_was_stored(org, par_with_evidence):
    card, _files = par_with_evidence
    stored = dt.datetime(2026, 3, 4, 9, 30, 15, tzinfo=dt.UTC)  # 16:30:15 in Hà Nội
    DocumentVersion.objects.filter(document__agency=org.agency).update(uploaded_at=stored)
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    with item.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        infos = archive.infolist()
    files = [info for info in infos if info.filename != INDEX_NAME]
    assert len(files) == 3 and {info.date_time for info in files} == {(2026, 3, 4, 16, 30, 14)}  # 2-second steps
    index = next(info for info in infos if info.filename == INDEX_NAME)
    now = timezone.localtime()
    assert index.date_time[:3] == (now.year, now.month, now.day)


def test_a_zip_member_is_never_dated_before_1980():
    assert member_time(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) == (1980, 1, 1, 0, 0, 0)
    assert member_time(dt.datetime(2026, 12, 31, 17, 5, 0, tzinfo=dt.UTC)) == (2027, 1, 1, 0, 5, 0)


def test_names_in_the_package_are_safe_and_unique_per_folder():
    assert safe_name("Kế hoạch số 1/KH: Đợt 2?") == "Ke hoach so 1_KH_ Dot 2"
    assert safe_name("///") == "tep"
    written = {"1.1 Tieu chi/Ke hoach.pdf"}
    assert _member_name("1.1 Tieu chi", "Kế hoạch.pdf", "application/pdf", written) == "1.1 Tieu chi/Ke hoach_2.pdf"
    assert _member_name("1.2", "Kế hoạch.pdf", "application/pdf", written) == "1.2/Ke hoach.pdf"


def test_an_index_without_documents_says_so(org, par_with_evidence):
    card, _files = par_with_evidence
    ScoreEvidence.objects.filter(score__scorecard=card).delete()
    item = jobs.generate(jobs.request_file(kind="evidence_zip", agency=org.agency, actor=org.office, scorecard=card))
    with item.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert archive.namelist() == [INDEX_NAME]
        ws = load_workbook(io.BytesIO(archive.read(INDEX_NAME))).active
    assert ws["A3"].value == NOTHING_LINKED and ws["A5"].value == "STT" and ws.max_row == 5
