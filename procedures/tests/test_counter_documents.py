"""The counter's paper forms (issue 20): the letters address the applicant as "Ông/Bà <name>" or the
organisation by name (D28) and carry the agency's signer; every form has a print page and a Word
file (Mẫu 01, 02, 03, 04, 06); the receipt fits one A4 page (D15)."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document as read_docx

from core.models import AuditEntry, Signer
from procedures import documents, services
from procedures.models import Dossier
from procedures.tests.helpers import D, at, content


def text_of(data: bytes) -> str:
    doc = read_docx(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize(
    ("kind", "title", "name", "addressed"),
    [
        ("individual", "mr", "Nguyễn Văn Bình", "Ông Nguyễn Văn Bình"),
        ("individual", "ms", "Hoàng  Thị Mai", "Bà Hoàng Thị Mai"),
        ("individual", "", "Nguyễn Văn Bình", "Ông/Bà Nguyễn Văn Bình"),
        ("organisation", "", "Hộ ông Bình", "Hộ ông Bình"),
        ("", "", "Công ty TNHH Đồng Đăng", "Công ty TNHH Đồng Đăng"),  # not recorded: read from the name
        ("", "", "CÔNG TY CP XNK Lạng Sơn", "CÔNG TY CP XNK Lạng Sơn"),
        ("", "", "Lê Thị Công", "Ông/Bà Lê Thị Công"),
    ],
)
def test_the_applicant_is_addressed_by_title_or_as_an_organisation(kind, title, name, addressed):
    dossier = Dossier(applicant_kind=kind, applicant_title=title, applicant_name=name)
    assert documents.addressee(dossier) == addressed


def test_the_apology_addresses_mr_and_is_signed_by_the_agencys_signer(org, dossier, cal):
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_kind="individual", applicant_title="mr", applicant_name="Nguyễn Văn Bình"
    )
    Signer.objects.filter(agency=org.agency).delete()  # the demo organisation's signers
    Signer.objects.create(
        agency=org.agency, use=Signer.Use.DOSSIERS, authority="KT. TRƯỞNG BAN", title="PHÓ TRƯỞNG BAN", name="Lê Văn Tú"
    )
    dossier.refresh_from_db()
    services.apologise(dossier=dossier, actor=org.office, reason="Chờ ý kiến", new_date=D(2026, 3, 27), cal=cal)
    dossier.refresh_from_db()
    text = text_of(documents.apology(dossier))
    assert "Kính gửi: Ông Nguyễn Văn Bình." in text and "của Ông Nguyễn Văn Bình" in text
    assert "KT. TRƯỞNG BAN" in text and "PHÓ TRƯỞNG BAN" in text and "Lê Văn Tú" in text
    assert "THỦ TRƯỞNG CƠ QUAN" not in text


def test_the_refusal_slip_gives_the_reason_and_exists_only_for_a_refused_dossier(client, org, dossier):
    Signer.objects.filter(agency=org.agency).delete()  # no signer set (the demo organisation has some)
    client.force_login(org.officer)
    for name in ("print_refusal", "refusal_docx"):
        assert client.get(reverse(f"procedures:{name}", args=[dossier.pk])).status_code == 404
    services.finish(dossier=dossier, actor=org.office, outcome="rejected", note="Thiếu điều kiện về vốn")
    text = text_of(content(client.get(reverse("procedures:refusal_docx", args=[dossier.pk]))))
    assert "TỪ CHỐI TIẾP NHẬN" in text and "Kính gửi: Công ty TNHH Đồng Đăng." in text
    assert "lý do cụ thể như sau: Thiếu điều kiện về vốn." in text and dossier.code in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text  # no signer set: the default title, signed by hand
    page = client.get(reverse("procedures:print_refusal", args=[dossier.pk])).content.decode()
    assert "Thiếu điều kiện về vốn" in page and "Nơi nhận:" in page


def test_every_form_has_a_print_page_and_a_word_file_on_the_dossier_page(client, org, dossier, cal):
    services.hand_over(dossier=dossier, actor=org.office, giver="Một cửa", receiver="Phòng QLDN", to_unit=None)
    services.request_supplement(dossier=dossier, actor=org.office, missing="Bản sao điều lệ")
    services.complete_supplement(dossier=dossier, actor=org.office)
    services.apologise(dossier=dossier, actor=org.office, reason="Chờ ý kiến", new_date=D(2026, 3, 27), cal=cal)
    client.force_login(org.officer)
    papers = client.get(reverse("procedures:dossier", args=[dossier.pk])).context["papers"]
    assert [p["form"] for p in papers] == ["Mẫu 01", "Mẫu 02", "Mẫu 04", "Mẫu 06"]
    for paper in papers:
        page = client.get(paper["print"])
        html = page.content.decode()
        assert page.status_code == 200 and dossier.code in html and "Độc lập - Tự do - Hạnh phúc" in html
        assert "@page { size: A4" in html and paper["word"] in html
        word = client.get(paper["word"])
        assert word["Content-Disposition"].endswith(f'{dossier.code}.docx"')
        assert dossier.code in text_of(content(word))
    control = text_of(content(client.get(reverse("procedures:control_docx", args=[dossier.pk]))))
    assert "PHIẾU KIỂM SOÁT" in control and "Phòng QLDN" in control


def test_the_receipt_print_page_is_for_the_counter_and_audited(client, org, dossier):
    client.force_login(org.officer)
    page = client.get(reverse("procedures:print_receipt", args=[dossier.pk]))
    assert page.status_code == 200 and 'src="data:image/png;base64,' in page.content.decode()  # the QR codes
    client.get(reverse("procedures:receipt", args=[dossier.pk]))
    actions = AuditEntry.objects.filter(action__startswith="dossier.receipt").order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["dossier.receipt_printed", "dossier.receipt_reprinted"]
    client.force_login(org.auditor)
    assert client.get(reverse("procedures:print_receipt", args=[dossier.pk])).status_code == 403
    papers = client.get(reverse("procedures:dossier", args=[dossier.pk])).context["papers"]
    assert "Mẫu 01" not in [p["form"] for p in papers]
    client.force_login(org.other_officer)  # another unit's officer does not see the dossier
    assert client.get(reverse("procedures:print_control", args=[dossier.pk])).status_code == 404


def test_the_control_slip_leaves_rows_to_write_in(org, dossier):
    services.hand_over(
        dossier=dossier, actor=org.office, giver="Một cửa", receiver="QLDN", to_unit=None, at=at(2026, 3, 9, 10)
    )
    form = documents.control_form(dossier)
    # the first hand-over leaves the one-stop desk ("Một cửa" typed is the desk itself)
    assert form.table.rows[0][1:5] == ["Bộ phận Một cửa", "QLDN", "10 giờ 00 phút, ngày 09/03/2026", "Trước hạn"]
    assert len(form.table.rows) == documents.SLIP_BLANK_ROWS and form.signature is None


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_receipt_fits_one_a4_page_in_libreoffice(org, dossier, tmp_path):
    """D15: with its QR codes, eight documents and both signature blocks."""
    names = "\n".join(f"Giấy tờ số {i} theo quy định của thủ tục (bản sao chứng thực)" for i in range(1, 9))
    Dossier.objects.filter(pk=dossier.pk).update(components=names, applicant_address="Số 1 đường Lê Lợi, Lạng Sơn")
    dossier.refresh_from_db()
    source = tmp_path / "mau01.docx"
    source.write_bytes(documents.receipt(dossier))
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "mau01.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


def test_the_applicants_contact_left_blank_prints_dotted_lines_to_fill_by_hand(client, org, dossier):
    """An empty phone or e-mail is a blank to fill on paper (……), never a bare "Email:"."""
    Dossier.objects.filter(pk=dossier.pk).update(applicant_phone="", applicant_email="", applicant_address="")
    dossier.refresh_from_db()
    request = services.request_supplement(dossier=dossier, actor=org.office, missing="Bản sao giấy phép")
    text = text_of(documents.docx(documents.supplement_form(request)))
    assert f"Email: {documents.BLANK}" in text and f"Số điện thoại: {documents.BLANK}" in text
    assert "Email: \n" not in text + "\n"
