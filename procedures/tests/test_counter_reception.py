"""Reception at the counter (issue 20): no reception time in the future (D17), the catalogue's
required documents as a checklist stored on the dossier, how the applicant is addressed (D28), and
dates typed as dd/mm/yyyy (D18)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from procedures import documents, services
from procedures.models import Dossier, Procedure, document_lines

DOCUMENTS = """Thành phần hồ sơ gồm:
1. Văn bản đề nghị thực hiện dự án đầu tư;
2. Bản sao giấy tờ pháp lý của nhà đầu tư.
- Đề xuất dự án đầu tư
Số lượng hồ sơ: 01 bộ."""
REQUIRED = [
    "Văn bản đề nghị thực hiện dự án đầu tư",
    "Bản sao giấy tờ pháp lý của nhà đầu tư",
    "Đề xuất dự án đầu tư",
]


@pytest.fixture
def listed(procedure):
    procedure.documents = DOCUMENTS
    procedure.save()
    return procedure


def form(procedure, unit, **fields):
    return {
        "procedure": procedure.pk,
        "checklist_for": procedure.pk,
        "unit": unit.pk,
        "channel": "direct",
        "received_at": "09/03/2026 09:00",
        "applicant_kind": "individual",
        "applicant_title": "mr",
        "applicant_name": "Nguyễn Văn Bình",
        "sets": 1,
        "result_delivery": "desk",
        **fields,
    }


def test_the_catalogue_documents_read_one_a_line_without_numbers_headings_or_the_count():
    assert document_lines(DOCUMENTS) == REQUIRED
    assert document_lines("a) Đơn;\nb) Đơn;\n\n+ Ảnh 4x6.") == ["Đơn", "Ảnh 4x6"]


def test_a_reception_time_in_the_future_is_refused_and_the_form_kept(client, org, listed):
    client.force_login(org.officer)
    later = timezone.localtime() + dt.timedelta(days=200)
    response = client.post(
        reverse("procedures:receive"), form(listed, org.unit_a, received_at=f"{later:%d/%m/%Y} 09:00")
    )
    assert response.status_code == 200 and not Dossier.objects.exists()
    assert "received_at" in response.context["form"].errors
    page = response.content.decode()
    assert "Nguyễn Văn Bình" in page and f"{later:%d/%m/%Y} 09:00" in page  # every typed value kept


def test_a_few_minutes_of_clock_skew_are_allowed_not_more(org, procedure, cal):
    now = timezone.now()
    services.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=now + dt.timedelta(minutes=3), cal=cal
    )
    with pytest.raises(services.InputRefused):
        services.receive(
            actor=org.office,
            agency=org.agency,
            procedure=procedure,
            received_at=now + dt.timedelta(minutes=30),
            cal=cal,
        )
    assert Dossier.objects.count() == 1


def test_the_form_offers_the_procedures_documents_to_tick(client, org, listed):
    client.force_login(org.officer)
    partial = client.get(reverse("procedures:receive"), {"procedure": listed.pk}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert partial.status_code == 200 and 'id="checklist"' in html and "<form" not in html  # the checklist only
    assert all(name in html for name in REQUIRED) and html.count('type="checkbox"') == 3
    page = client.get(reverse("procedures:receive")).content.decode()
    assert 'data-datepicker="datetime"' in page and 'type="datetime-local"' not in page  # dd/mm/yyyy HH:MM (D18)


def test_the_ticked_documents_are_stored_and_the_others_are_missing(client, org, listed):
    client.force_login(org.officer)
    ticked = {"received_documents": [REQUIRED[0], REQUIRED[2]], "components": "Giấy ủy quyền (bản chính)"}
    response = client.post(reverse("procedures:receive"), form(listed, org.unit_a, **ticked))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.checklist == [
        {"name": REQUIRED[0], "received": True},
        {"name": REQUIRED[1], "received": False},
        {"name": REQUIRED[2], "received": True},
    ]
    assert dossier.missing_documents() == [REQUIRED[1]]
    assert dossier.received_documents() == [REQUIRED[0], REQUIRED[2], "Giấy ủy quyền (bản chính)"]
    receipt = documents.receipt_form(dossier)
    assert [row[1] for row in receipt.table.rows] == dossier.received_documents()  # Mẫu 01 lists them
    page = client.get(reverse("procedures:dossier", args=[dossier.pk])).content.decode()
    assert REQUIRED[1] in page and gettext("missing") in page


def test_a_checklist_of_another_procedure_is_not_stored(client, org, listed):
    """Without JavaScript the list shown follows the procedure first chosen: the page comes back
    with the chosen procedure's list to tick, nothing received yet."""
    other = Procedure.objects.create(agency=org.agency, code="1.002", name="Điều chỉnh", limit=5)
    client.force_login(org.officer)
    response = client.post(reverse("procedures:receive"), form(listed, org.unit_a, checklist_for=other.pk))
    assert response.status_code == 200 and "received_documents" in response.context["form"].errors
    assert not Dossier.objects.exists()
    assert f'name="checklist_for" value="{listed.pk}"' in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "kind", "title", "addressed"),
    [
        ({}, "individual", "mr", "Ông Nguyễn Văn Bình"),
        ({"applicant_title": "ms"}, "individual", "ms", "Bà Nguyễn Văn Bình"),
        ({"applicant_title": ""}, "individual", "", "Ông/Bà Nguyễn Văn Bình"),
        (
            {"applicant_kind": "organisation", "applicant_name": "Công ty TNHH Tân Thanh"},
            "organisation",
            "",
            "Công ty TNHH Tân Thanh",
        ),
    ],
)
def test_how_the_applicant_is_addressed_is_recorded(client, org, procedure, fields, kind, title, addressed):
    client.force_login(org.officer)
    client.post(reverse("procedures:receive"), form(procedure, org.unit_a, **fields))
    dossier = Dossier.objects.get()
    assert (dossier.applicant_kind, dossier.applicant_title) == (kind, title)
    assert documents.addressee(dossier) == addressed
