"""Reception at the counter: the day's code, the due date from the catalogue, the counter page."""

from django.urls import reverse

from core.models import AuditEntry
from procedures import services
from procedures.models import Dossier
from procedures.tests.helpers import D, at


def counter_form(procedure, unit):
    return {
        "procedure": procedure.pk,
        "unit": unit.pk,
        "channel": "direct",
        "received_at": "2026-02-13T15:30",
        "applicant_name": "Nguyễn Văn An",
        "sets": 1,
        "result_delivery": "desk",
    }


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
        counter_form(procedure, org.unit_a),
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == reverse("procedures:dossier", args=[dossier.pk])
    assert dossier.due_date == D(2026, 3, 9)  # 15:30 on the eve of Tết: day 0 = 23/02, +10 working days
    assert dossier.created_by == org.officer
    missing = client.post(reverse("procedures:receive"), {"channel": "direct"})
    assert missing.status_code == 200 and "applicant_name" in missing.context["form"].errors


def test_the_counter_is_closed_to_read_only_roles_and_to_other_units(client, org, procedure):
    client.force_login(org.auditor)
    assert client.get(reverse("procedures:receive")).status_code == 403
    client.force_login(org.other_officer)  # KHTH: may not receive for QLDN
    posted = client.post(
        reverse("procedures:receive"),
        counter_form(procedure, org.unit_a),
    )
    assert posted.status_code == 200 and "unit" in posted.context["form"].errors  # not among their units
    assert not Dossier.objects.exists()
