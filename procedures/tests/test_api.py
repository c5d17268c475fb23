"""The register's JSON API: the provincial system's push (idempotent by code), a dossier read and
the 766 indicators of a period."""

from django.urls import reverse

from core.models import AuditEntry
from procedures.models import Dossier
from procedures.tests.helpers import push


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


def test_a_pushed_dossier_keeps_its_flags_and_applicant_and_is_audited(client, org, procedure):
    client.force_login(org.officer)
    push(client, digitized=True, paid_online=True, fee_bearing=True, applicant_phone="0912 000 111")
    dossier = Dossier.objects.get()
    assert (dossier.digitized, dossier.paid_online, dossier.e_result) == (True, True, False)
    assert dossier.applicant_phone == "0912 000 111"
    entry = AuditEntry.objects.get(action="dossier.api_created")
    assert entry.changes["digitized"] == [None, True] and entry.changes["applicant_phone"] == [None, "0912 000 111"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["DossierIn"]
    assert {"complaint", "applicant_email", "supplement_count"} <= set(schema["properties"])
    assert schema["required"] == ["agency", "dossier_code", "received_at", "status"]


def test_api_service_quality_matches_the_command_shape(client, org, quarter):
    client.force_login(org.leader)
    data = client.get(
        reverse("api:service_quality"), {"agency": "BQLKKTCK", "from": "2026-01-01", "to": "2026-03-31"}
    ).json()
    assert data["counts"]["late"] == 1 and data["indicators"]["on_time_rate"]["rate"] == "75.00"
    backwards = client.get(
        reverse("api:service_quality"), {"agency": "BQLKKTCK", "from": "2026-03-31", "to": "2026-01-01"}
    )
    assert backwards.status_code == 422


def test_api_push_refuses_a_reception_in_the_future(client, org, procedure):
    """As the counter and the file import (D17): a reception after now (beyond the 5 minutes a
    provincial system's clock may run ahead) is refused, naming the column."""
    client.force_login(org.officer)
    ahead = push(client, dossier_code="API-FUTURE", received_at="01/06/2099 09:00")
    assert ahead.status_code == 422
    assert [p["column"] for p in ahead.json()["problems"]] == ["received_at"]
    assert not Dossier.objects.filter(code="API-FUTURE").exists()
