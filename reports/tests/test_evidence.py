"""The evidence package (reports.evidence): a folder per criterion and an index workbook; who may
ask for one and download it."""

import datetime as dt
import hashlib
import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from reports import jobs
from reports.evidence import INDEX_HEADER, INDEX_NAME, _member_name, safe_name
from scorecards import services as par


def test_the_evidence_package_holds_a_folder_per_criterion_and_an_index(org, par_with_evidence):
    card, files = par_with_evidence
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
    assert ws["A1"].value == f"{org.agency.name} · {card.round.name}" and ws["A1"].font.b
    assert [c.value for c in ws[3]] == [name for name, _width in INDEX_HEADER]
    assert ws.freeze_panes == "C4"  # the criterion's code and name stay in view
    assert ws.column_dimensions["I"].width == 68
    assert ws["D4"].number_format == "DD/MM/YYYY"


def test_names_in_the_package_are_safe_and_unique_per_folder():
    assert safe_name("Kế hoạch số 1/KH: Đợt 2?") == "Ke hoach so 1_KH_ Dot 2"
    assert safe_name("///") == "tep"
    written = {"1.1 Tieu chi/Ke hoach.pdf"}
    assert _member_name("1.1 Tieu chi", "Kế hoạch.pdf", "application/pdf", written) == "1.1 Tieu chi/Ke hoach_2.pdf"
    assert _member_name("1.2", "Kế hoạch.pdf", "application/pdf", written) == "1.2/Ke hoach.pdf"
