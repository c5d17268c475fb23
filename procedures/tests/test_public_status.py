"""The public status page the receipt's QR code opens."""

from django.urls import reverse


def test_public_status_page_shows_no_personal_data(client, dossier):
    page = client.get(reverse("dossier_status", args=[dossier.code])).content.decode()
    assert dossier.code in page and "23/03/2026" in page
    assert "Công ty TNHH Đồng Đăng" not in page
    assert client.get(reverse("dossier_status", args=["KHONG-CO"])).status_code == 404
