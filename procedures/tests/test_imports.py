"""The dossier import pages: the upload, the import's page and its progress bar."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures import importing
from procedures.models import DossierImport
from procedures.tests.helpers import CSV


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
    assert "every 1s" not in page and "Ngày tiếp nhận" in page and "bg-danger" in page


def test_imports_are_a_managers_page_of_their_own_agency(client, org, procedure):
    client.force_login(org.office)
    client.post(reverse("procedures:imports"), {"file": SimpleUploadedFile("hs.csv", CSV.encode())})
    item = DossierImport.objects.get()
    client.force_login(org.officer)
    assert client.get(reverse("procedures:imports")).status_code == 403
    assert client.get(reverse("procedures:import_detail", args=[item.pk])).status_code == 403
    client.force_login(org.outsider)  # an officer of another agency
    assert client.get(reverse("procedures:import_progress", args=[item.pk])).status_code == 403
