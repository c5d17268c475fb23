"""The dossier import for people who are not IT staff (D12): a file refused at once for what its
name, size and first bytes tell; problems named by the Vietnamese headers and values; a reception
time in the future refused; the fill-in template with its guide, which imports as it is."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from procedures import dossier_file, importing
from procedures.models import Dossier, DossierImport
from procedures.tests.helpers import CSV, content, upload, workbook


def post(client, name, data):
    return client.post(reverse("procedures:imports"), {"file": SimpleUploadedFile(name, data)})


def refusal(response):
    assert response.status_code == 400 and not DossierImport.objects.exists()
    return response.context["form"].errors["file"][0]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("hs.xlsx", CSV.encode(), "The file is not an Excel workbook (.xlsx)."),  # text named .xlsx
        ("hs.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97-2003"),
        ("hs.csv", CSV.encode("utf-16"), "UTF-8"),
        (
            "hs.csv",
            "Mã hồ sơ;Ngày tiếp nhận\n".encode("cp1258", errors="replace") + b"\xe3\xf5",
            "UTF-8",
        ),  # Windows-1258
    ],
)
def test_a_file_that_cannot_be_a_dossier_file_is_refused_at_once(client, org, name, data, expected):
    client.force_login(org.office)
    message = refusal(post(client, name, data))
    assert expected.split(" (")[0] in message or _(expected) == message


def test_a_large_workbook_is_too_large_not_not_utf8(client, org, monkeypatch):
    monkeypatch.setattr(importing, "MAX_XLSX_BYTES", 1024)  # 30 MB in the review: the same rule, smaller
    client.force_login(org.office)
    message = refusal(post(client, "so-lieu.xlsx", workbook([["Mã hồ sơ"], *([["H" * 50]] * 200)])))
    assert "CSV UTF-8" in message and "UTF-8 text" not in message
    assert _("The file is not an Excel workbook (.xlsx).") != message


def test_a_good_csv_is_still_queued(client, org, procedure):
    client.force_login(org.office)
    response = post(client, "hs.csv", (CSV + "A,1.001,QLDN,1,09/03/2026 09:00,,,received,,0,0,0,0\n").encode())
    assert response.status_code == 302 and DossierImport.objects.count() == 1


def test_problems_name_the_vietnamese_columns_and_values(org, procedure, cal):
    item = importing.run_import(upload(org, CSV + "B1,1.001,QLDN,9,31/02/2026,,,xong,,0,0,0,0\n"), cal=cal)
    found = {p["column"]: p for p in item.problems}
    assert item.state == "refused" and set(found) == {"Kênh", "Ngày tiếp nhận", "Trạng thái"}
    assert found["Ngày tiếp nhận"] == {
        "row": 2,
        "column": "Ngày tiếp nhận",
        "value": "31/02/2026",
        "reason": _("not a valid date; type dd/mm/yyyy or dd/mm/yyyy HH:MM"),
    }
    assert "Đã xử lý xong" in found["Trạng thái"]["reason"] and "finished" not in found["Trạng thái"]["reason"]
    assert "Trực tuyến" in found["Kênh"]["reason"]
    header_only = importing.run_import(
        upload(org, "Mã hồ sơ,Ngày tiếp nhận,Trạng thái\nA,09/03/2026,processing\n"), cal=cal
    )
    assert [p["column"] for p in header_only.problems] == ["Ngày hẹn trả"]
    assert (
        "Thời hạn giải quyết" in header_only.problems[0]["reason"] and "due_at" not in header_only.problems[0]["reason"]
    )


def test_the_api_still_names_the_canonical_columns(org, procedure, cal):
    reader = importing.reader_for(org.agency, cal)
    reader.header(["dossier_code", "received_at", "status", "limit"])
    assert reader.parse(2, ["A", "31/02/2026", "xong", "3"]) is None
    assert {p.column for p in reader.problems} == {"received_at", "status"}


def test_a_reception_time_in_the_future_is_refused(org, procedure, cal):
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    row = f"F1,1.001,QLDN,1,{tomorrow:%d/%m/%Y %H:%M},,,received,,0,0,0,0\n"
    item = importing.run_import(upload(org, CSV + row), cal=cal)
    assert item.state == "refused" and not Dossier.objects.filter(code="F1").exists()
    assert item.problems == [
        {
            "row": 2,
            "column": "Ngày tiếp nhận",
            "value": f"{tomorrow:%d/%m/%Y %H:%M}",
            "reason": _("reception time in the future"),
        }
    ]
    now = timezone.localtime() - dt.timedelta(minutes=1)
    fine = importing.run_import(
        upload(org, CSV + row.replace(f"{tomorrow:%d/%m/%Y %H:%M}", f"{now:%d/%m/%Y %H:%M}")), cal=cal
    )
    assert fine.state == "done", fine.problems


def test_the_template_has_the_headers_an_example_and_the_guide_and_imports(client, org, procedure, cal):
    client.force_login(org.officer)
    response = client.get(reverse("procedures:import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-ho-so-tthc.xlsx"'
    data = content(response)
    book = load_workbook(io.BytesIO(data))
    sheet, guide = book.worksheets
    header = [c.value for c in sheet[1]]
    assert header == [dossier_file.ALIASES[c.key] for c in dossier_file.COLUMNS] and header[0] == "Mã hồ sơ"
    assert sheet.max_row == 2 and sheet["A2"].value
    described = {row[0]: row for row in guide.iter_rows(values_only=True) if row and row[0] in header}
    assert set(described) == set(header)
    assert "dd/mm/yyyy" in described["Ngày tiếp nhận"][3] and described["Mã hồ sơ"][1] == "Bắt buộc"
    item = importing.run_import(upload(org, data, "mau.xlsx"), cal=cal)  # the example row is a valid dossier
    assert item.state == "done" and item.created == 1, item.problems


def test_the_page_links_the_template_and_shows_the_guide(client, org):
    client.force_login(org.office)
    page = client.get(reverse("procedures:imports")).content.decode()
    assert reverse("procedures:import_template") in page and 'id="guide"' in page and 'href="#guide"' in page
    assert page.count('<td class="fw-semibold">') == len(dossier_file.COLUMNS)
