"""Units and signers kept by the agency administrator, with the audit; a unit in use is never
deleted."""

from django.urls import reverse

from core.models import AuditEntry, Membership, Signer, Unit
from core.signers import signer_for


def unit_data(**extra):
    return {"code": "TCHC", "name": "Phòng Tổ chức - Hành chính", "kind": "division", "order": 7, **extra}


def test_a_unit_is_created_and_changed_with_the_audit(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("administration:unit_create"), unit_data())
    assert response.status_code == 302
    unit = Unit.objects.get(agency=org.agency, code="TCHC")
    created = AuditEntry.objects.get(action="units.created", object_id=str(unit.pk))
    assert created.actor == org.admin and created.agency == org.agency
    assert created.changes["name"] == [None, "Phòng Tổ chức - Hành chính"]
    client.post(
        reverse("administration:unit_edit", args=[unit.pk]), unit_data(name="Phòng Tổ chức", parent=org.unit_b.pk)
    )
    changed = AuditEntry.objects.get(action="units.updated", object_id=str(unit.pk))
    assert changed.changes["name"] == ["Phòng Tổ chức - Hành chính", "Phòng Tổ chức"]
    assert changed.changes["parent"] == [None, org.unit_b.name]


def test_a_unit_code_is_unique_in_the_agency_and_typed_values_stay(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("administration:unit_create"), unit_data(code="qldn"))
    assert response.status_code == 400 and "code" in response.context["form"].errors
    assert "Phòng Tổ chức - Hành chính" in response.content.decode()
    # the same code in another agency is another unit
    client.post(reverse("administration:unit_create"), unit_data(code="QLTM"))
    assert Unit.objects.filter(agency=org.agency, code="QLTM").exists()


def test_a_unit_is_not_placed_under_itself_or_another_agencys_unit(client, org):
    client.force_login(org.admin)
    child = Unit.objects.create(agency=org.agency, code="X", name="Tổ X", parent=org.unit_b)
    loop = client.post(
        reverse("administration:unit_edit", args=[org.unit_b.pk]), unit_data(code="KHTH", parent=child.pk)
    )
    assert loop.status_code == 400
    org.unit_b.refresh_from_db()
    assert org.unit_b.parent is None
    foreign = org.other.units.first()
    response = client.post(reverse("administration:unit_create"), unit_data(parent=foreign.pk))
    assert response.status_code == 400 and not Unit.objects.filter(code="TCHC").exists()


def test_a_unit_in_use_is_not_deleted_an_unused_one_is(client, org):
    client.force_login(org.admin)
    used = client.post(reverse("administration:unit_delete", args=[org.unit_a.pk]), {"confirm": "on"})
    assert used.status_code == 302
    assert Unit.objects.filter(pk=org.unit_a.pk).exists()
    assert Membership.objects.filter(unit=org.unit_a).exists()
    spare = Unit.objects.create(agency=org.agency, code="TMP", name="Tổ tạm")
    client.post(reverse("administration:unit_delete", args=[spare.pk]))  # not confirmed
    assert Unit.objects.filter(pk=spare.pk).exists()
    client.post(reverse("administration:unit_delete", args=[spare.pk]), {"confirm": "on"})
    assert not Unit.objects.filter(pk=spare.pk).exists()
    deleted = AuditEntry.objects.get(action="units.deleted", object_id=str(spare.pk))
    assert deleted.changes["code"] == ["TMP", None] and deleted.actor == org.admin


def test_a_unit_with_a_task_is_not_deleted(client, org, make_task):
    lonely = Unit.objects.create(agency=org.agency, code="TMP", name="Tổ tạm")
    make_task(lead_unit=lonely)
    client.force_login(org.admin)
    client.post(reverse("administration:unit_delete", args=[lonely.pk]), {"confirm": "on"})
    assert Unit.objects.filter(pk=lonely.pk).exists()


def signer_data(**extra):
    return {
        "use": "reports",
        "authority": "KT. TRƯỞNG BAN",
        "title": "PHÓ TRƯỞNG BAN",
        "name": "Hoàng Việt Đông",
        "order": 1,
        "active": "on",
        **extra,
    }


def test_signers_are_added_changed_and_deactivated_with_the_audit(client, org):
    client.force_login(org.admin)
    assert client.post(reverse("administration:signer_create"), signer_data()).status_code == 302
    signer = Signer.objects.filter(agency=org.agency).latest("pk")  # the demo has its own signers too
    assert signer_for(org.agency, Signer.Use.REPORTS).name == "Hoàng Việt Đông"
    created = AuditEntry.objects.get(action="signer.created", object_id=str(signer.pk))
    assert created.changes["title"] == [None, "PHÓ TRƯỞNG BAN"]
    # the edit page opens with what is saved (its use too), so "Lưu" without a change saves
    form = client.get(reverse("administration:signer_edit", args=[signer.pk])).context["form"]
    assert form["use"].value() == signer.use
    client.post(reverse("administration:signer_edit", args=[signer.pk]), signer_data(name="Nguyễn Văn Bình"))
    changed = AuditEntry.objects.get(action="signer.updated", object_id=str(signer.pk))
    assert changed.changes == {"name": ["Hoàng Việt Đông", "Nguyễn Văn Bình"]}
    client.post(reverse("administration:signer_deactivate", args=[signer.pk]))
    signer.refresh_from_db()
    assert not signer.active
    assert AuditEntry.objects.filter(
        action="signer.updated", object_id=str(signer.pk), changes__active=[True, False]
    ).exists()
    client.post(reverse("administration:signer_reactivate", args=[signer.pk]))
    signer.refresh_from_db()
    assert signer.active
    assert client.get(reverse("administration:signers")).status_code == 200


def test_an_administrator_does_not_reach_another_agencys_units_or_signers(client, org):
    foreign_unit = org.other.units.first()
    foreign_signer = Signer.objects.create(agency=org.other, use="reports", title="GIÁM ĐỐC", name="Lý Văn A")
    client.force_login(org.admin)
    assert client.get(reverse("administration:unit_edit", args=[foreign_unit.pk])).status_code == 404
    assert (
        client.post(reverse("administration:unit_delete", args=[foreign_unit.pk]), {"confirm": "on"}).status_code == 404
    )
    assert client.get(reverse("administration:signer_edit", args=[foreign_signer.pk])).status_code == 404
    assert client.post(reverse("administration:signer_deactivate", args=[foreign_signer.pk])).status_code == 404
    foreign_signer.refresh_from_db()
    assert foreign_signer.active
