"""The register with Open311 GeoReport v2 field names (GET /pakn/open311.json, ?format=csv): the
items the user sees, open or closed, in JSON or as a CSV download."""

from django.urls import reverse
from django.utils import timezone

from feedback import services


def test_open311_export(client, org, item):
    client.force_login(org.leader)
    rows = client.get(reverse("feedback:export")).json()
    assert rows == [
        {
            "service_request_id": item.code,
            "status": "open",
            "status_notes": item.get_status_display(),
            "service_name": "",
            "requested_datetime": "2026-08-27T09:00:00+07:00",
            "updated_datetime": rows[0]["updated_datetime"],
            "expected_datetime": "2026-09-22T23:59:59",
            "agency_responsible": org.agency.name,
        }
    ]
    services.not_accept(item=item, actor=org.office, reason="Thiếu địa chỉ", now=timezone.now())
    assert client.get(reverse("feedback:export")).json()[0]["status"] == "closed"
    response = client.get(reverse("feedback:export"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pakn-BQLKKTCK.csv"'
    csv_text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert csv_text.startswith("service_request_id,status,status_notes")
    assert csv_text.splitlines()[1].startswith(f"{item.code},closed,Không tiếp nhận,,2026-08-27T09:00:00+07:00,")
    client.force_login(org.outsider)
    assert client.get(reverse("feedback:export")).json() == []


def test_an_empty_register_is_a_csv_with_its_header(client, org):
    client.force_login(org.outsider)
    response = client.get(reverse("feedback:export"), {"format": "csv"})
    assert b"".join(response.streaming_content).decode("utf-8-sig") == "service_request_id\r\n"
