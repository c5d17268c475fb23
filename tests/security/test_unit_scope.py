"""H1 (reviews/2026-12/security.md): the unit of a dossier bounds who may write it, through the API
as through the pages; the integration account (Role.INTEGRATION) of the provincial system pushes
and reads every dossier of its agency through the API, and nothing else."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.deadlines import LOCAL
from core.models import AuditEntry, Membership, Role, User
from core.reference import DEMO_PASSWORD as PASSWORD
from procedures import services
from procedures.models import Dossier, Procedure

PUSH = "/api/v1/dossiers"


@pytest.fixture
def procedure(org):
    return Procedure.objects.create(agency=org.agency, code="DEMO-004", name="Cấp phép", limit=20)


@pytest.fixture
def khth_dossier(org, procedure, cal):
    """A dossier of unit KHTH (not the QLDN officer's), as in the probe."""
    return services.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        received_at=dt.datetime(2026, 11, 29, 12, 20, tzinfo=LOCAL),
        cal=cal,
        unit=org.unit_b,
        applicant_name="Công ty TNHH Hữu Nghị",
        applicant_phone="0912345678",
    )


@pytest.fixture
def integration(org):
    """The provincial system's account, granted by the agency (a membership, agency-wide)."""
    user = User.objects.create_user("tichhop.tinh", password="Mat-khau-dai-2026!")
    Membership.objects.create(user=user, agency=org.agency, role=Role.INTEGRATION)
    return user


def token(user, scope="read_write"):
    out = StringIO()
    call_command("create_api_token", user.username, "--scope", scope, stdout=out)
    return out.getvalue().strip()


def push(client, bearer, **fields):
    body = {
        "agency": "BQLKKTCK",
        "dossier_code": "H38.15-261129-9178",
        "procedure_code": "DEMO-004",
        "unit": "KHTH",
        "channel": "direct",
        "received_at": "2026-11-29T12:20",
        "limit": 20,
        "limit_unit": "days",
        "status": "processing",
        **fields,
    }
    return client.post(PUSH, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bearer}")


def test_officer_cannot_overwrite_a_dossier_of_another_unit(client, org, khth_dossier):
    """The probe's request: the QLDN officer pushes a KHTH dossier's code with a new status,
    times and applicant. Refused, nothing changed, nothing audited."""
    bearer = token(org.officer)
    assert (
        client.get(f"{PUSH}/{khth_dossier.code}?agency=BQLKKTCK", HTTP_AUTHORIZATION=f"Bearer {bearer}").status_code
        == 404
    )
    before = Dossier.objects.values().get(pk=khth_dossier.pk)
    entries = AuditEntry.objects.count()
    response = push(
        client,
        bearer,
        dossier_code=khth_dossier.code,
        status="returned",
        finished_at="2026-12-01T08:00",
        returned_at="2026-12-01T09:00",
        applicant_name='=HYPERLINK("http://evil.example/","Bấm vào đây")',
        applicant_phone="0999999999",
    )
    assert response.status_code == 403
    assert "status" not in response.json() and khth_dossier.code not in response.content.decode()
    after = Dossier.objects.values().get(pk=khth_dossier.pk)
    assert after == before
    assert AuditEntry.objects.count() == entries


def test_a_refused_push_says_nothing_about_existing_codes(client, org, khth_dossier):
    """An existing code of another unit and a new code for that unit get the same answer."""
    bearer = token(org.officer)
    existing = push(client, bearer, dossier_code=khth_dossier.code)
    absent = push(client, bearer, dossier_code="H38.15-261129-9999")
    assert existing.status_code == absent.status_code == 403
    assert existing.content == absent.content
    # even when the officer names his own unit: the code belongs to a dossier he cannot handle
    own_unit = push(client, bearer, dossier_code=khth_dossier.code, unit="QLDN")
    assert own_unit.status_code == 403 and own_unit.content == absent.content
    assert not Dossier.objects.filter(code="H38.15-261129-9999").exists()
    assert Dossier.objects.get(pk=khth_dossier.pk).unit_id == org.unit_b.pk


def test_officer_cannot_create_a_dossier_for_another_unit(client, org, procedure):
    bearer = token(org.officer)
    assert push(client, bearer, dossier_code="NEW-KHTH", unit="KHTH").status_code == 403
    assert not Dossier.objects.filter(code="NEW-KHTH").exists()
    created = push(client, bearer, dossier_code="NEW-QLDN", unit="QLDN")
    assert created.status_code == 201 and Dossier.objects.get(code="NEW-QLDN").unit == org.unit_a


def test_handlers_of_the_unit_update_it_and_the_applicant_is_audited(client, org, khth_dossier):
    """The KHTH officer (his unit) and the one-stop desk (Office unit) may update it; every
    applicant field changed is in the audited diff."""
    response = push(
        client,
        token(org.other_officer),
        dossier_code=khth_dossier.code,
        applicant_name="Công ty CP Đồng Đăng",
        applicant_phone="0987654321",
        applicant_address="Số 1 Lê Lợi",
        applicant_email="dongdang@example.vn",
        applicant_id_number="020123456789",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="dossier.api_updated", object_id=str(khth_dossier.pk)).get()
    assert entry.actor == org.other_officer
    assert entry.changes["applicant_name"] == ["Công ty TNHH Hữu Nghị", "Công ty CP Đồng Đăng"]
    assert entry.changes["applicant_phone"] == ["0912345678", "0987654321"]
    for name in ("applicant_address", "applicant_email", "applicant_id_number"):
        assert entry.changes[name][0] == ""
    assert Dossier.objects.get(pk=khth_dossier.pk).applicant_id_number == "020123456789"
    desk = User.objects.get(username="chuyenvien.vp")  # officer of the Office unit (the one-stop desk)
    assert push(client, token(desk), dossier_code=khth_dossier.code, status="processing").status_code == 200


def test_created_dossier_audit_holds_the_applicant(client, org, procedure):
    response = push(client, token(org.officer), dossier_code="NEW-1", unit="QLDN", applicant_name="Nguyễn Văn An")
    assert response.status_code == 201
    dossier = Dossier.objects.get(code="NEW-1")
    entry = AuditEntry.objects.get(action="dossier.api_created", object_id=str(dossier.pk))
    assert entry.changes["applicant_name"] == [None, "Nguyễn Văn An"]
    assert entry.changes["status"] == [None, "processing"]


def test_integration_account_pushes_and_reads_every_dossier_of_its_agency(client, org, khth_dossier, integration):
    bearer = token(integration)
    updated = push(client, bearer, dossier_code=khth_dossier.code, status="finished", finished_at="2026-12-01T08:00")
    assert updated.status_code == 200 and updated.json()["status"] == "finished"
    assert push(client, bearer, dossier_code="TINH-1", unit="QLDN").status_code == 201
    assert push(client, bearer, dossier_code="TINH-2", unit="").status_code == 201
    got = client.get(f"{PUSH}/{khth_dossier.code}?agency=BQLKKTCK", HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert got.status_code == 200 and got.json()["status"] == "finished"
    entry = AuditEntry.objects.filter(action="dossier.api_updated", object_id=str(khth_dossier.pk)).get()
    assert entry.actor == integration and entry.changes["status"] == ["received", "finished"]
    # another agency's register: as if it did not exist
    assert push(client, bearer, agency="SCT", unit="").status_code == 404


def test_integration_account_reads_nothing_else(client, org, task, integration):
    """No plans, tasks, 766 figures, SIPAS index or PAR data through the API."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token(integration)}"}
    period = "agency=BQLKKTCK&from=2026-01-01&to=2026-12-31"
    for url in ("/api/v1/plans", "/api/v1/tasks", "/api/v1/par/rounds"):
        response = client.get(url, **headers)
        assert response.status_code == 200 and response.json() == [], url
    for url in (
        f"/api/v1/tasks/{task.pk}",
        f"/api/v1/plans/{task.plan_id}",
        f"/api/v1/service-quality?{period}",
        f"/api/v1/sipas/index?{period}",
    ):
        assert client.get(url, **headers).status_code == 404, url
    progress = client.post(
        f"/api/v1/tasks/{task.pk}/progress", {"progress": 10, "text": "x"}, content_type="application/json", **headers
    )
    assert progress.status_code == 404


def test_integration_account_has_no_pages(client, org, integration):
    """It cannot sign in with its password, and a session of it counts as signed out."""
    response = client.post(reverse("login"), {"username": "tichhop.tinh", "password": "Mat-khau-dai-2026!"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    person = client.post(reverse("login"), {"username": org.officer.username, "password": PASSWORD})
    assert person.status_code == 302 and "_auth_user_id" in client.session  # people still sign in
    client.logout()
    client.force_login(integration)
    for name in ("procedures:register", "procedures:receive", "plans:dashboard", "api_tokens"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response.url, name
    assert client.get("/api/v1/plans").status_code == 401


def test_counter_page_receives_only_for_units_the_person_handles(client, org, procedure):
    """The web counter: the QLDN officer may not receive a dossier for KHTH (the unit list
    offers only his units; a forged unit is refused); the one-stop desk receives for any unit."""
    procedure.active = True
    procedure.save()
    form = {
        "procedure": procedure.pk,
        "unit": org.unit_b.pk,
        "channel": "direct",
        "received_at": "2026-11-30T09:00",
        "applicant_name": "Nguyễn Văn An",
        "sets": 1,
        "result_delivery": "desk",
    }
    client.force_login(org.officer)
    page = client.get(reverse("procedures:receive"))
    assert [u.pk for u in page.context["form"].fields["unit"].queryset] == [org.unit_a.pk]
    refused = client.post(reverse("procedures:receive"), form)
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors
    assert not Dossier.objects.exists()
    client.force_login(User.objects.get(username="chuyenvien.vp"))
    assert client.post(reverse("procedures:receive"), form).status_code == 302
    assert Dossier.objects.get().unit == org.unit_b


def test_every_dossier_write_of_the_pages_checks_the_unit(client, org, khth_dossier):
    """Hand-over, supplement, finish, return and apology on a KHTH dossier by the QLDN officer:
    refused (not even visible), nothing changed."""
    client.force_login(org.officer)
    before = Dossier.objects.values().get(pk=khth_dossier.pk)
    posts = {
        "procedures:handover": {"receiver": "Phòng QLDN", "to_unit": org.unit_a.pk},
        "procedures:supplement": {"items": "Bản sao"},
        "procedures:supplement_done": {},
        "procedures:finish": {"outcome": "finished"},
        "procedures:return_result": {},
        "procedures:apology": {"reason": "Chờ", "new_date": "2027-01-05"},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, args=[khth_dossier.pk]), data).status_code == 404, name
    assert Dossier.objects.values().get(pk=khth_dossier.pk) == before


def test_dossier_file_import_is_for_managers_only(client, org):
    """The file import writes any unit's dossiers: the agency's managers only (agency-wide)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.officer)
    upload = SimpleUploadedFile("hs.csv", b"dossier_code,received_at,status\n")
    assert client.post(reverse("procedures:imports"), {"file": upload}).status_code == 403


def test_integration_account_is_not_offered_as_a_person(org, integration):
    """It is no colleague: pickers of the agency's people (task assignees) leave it out."""
    from plans.forms import TaskForm

    offered = set(TaskForm(agency=org.agency).fields["assignees"].queryset)
    assert org.officer in offered and integration not in offered
