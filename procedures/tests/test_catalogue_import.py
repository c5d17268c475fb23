"""The catalogue pages: the import (check, preview, confirm), the list with its export and the template."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from procedures.models import Procedure
from procedures.tests.helpers import content, workbook
from procedures.tests.test_catalogue import HEADER


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


def test_a_bad_file_shows_every_problem_and_offers_no_confirmation(client, org):
    client.force_login(org.office)
    data = workbook([HEADER, *[[f"2.{n:03d}", "", "", "x", "", "", "", ""] for n in range(3)]])
    response = client.post(reverse("procedures:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", data)})
    page = response.content.decode()
    assert "token" not in response.context and response.context["parsed"].problems.total == 6
    assert 'name="token"' not in page and page.count("<tr><td>") == 6


def test_only_managers_import_the_catalogue(client, org):
    client.force_login(org.officer)
    assert client.get(reverse("procedures:catalogue_import")).status_code == 403


def test_the_catalogue_and_its_template_download_as_workbooks(client, org, procedure):
    client.force_login(org.officer)
    response = client.get(reverse("procedures:catalogue"), {"format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="danh-muc-tthc.xlsx"'
    assert load_workbook(io.BytesIO(content(response))).active["A2"].value == "1.001"
    template = client.get(reverse("procedures:catalogue_template"))
    data = content(template)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 2 and sheet["B1"].value == "Tên thủ tục hành chính"  # the header and an example
    guide = load_workbook(io.BytesIO(data))["Hướng dẫn"]
    assert any(row[0] == "Thời hạn giải quyết" for row in guide.iter_rows(values_only=True))
