"""Log-ins, failed log-ins, log-outs, role changes and account flag changes are recorded, with who
made the change."""

from django.urls import reverse

from core import security_audit
from core.models import AuditEntry, Membership, Role


def test_log_ins_and_failures_are_recorded(client, org):
    client.post(reverse("login"), {"username": "vanphong", "password": "wrong"})
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.actor is None and "vanphong" in failed.note and "wrong" not in failed.note
    client.post(reverse("login"), {"username": "vanphong", "password": "CaiCach#2026"})
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == org.office and entry.note == "127.0.0.1"
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(action="auth.logout", actor=org.office).exists()


def test_role_and_account_changes_are_recorded_with_who_made_them(org):
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0  # the demo's own
    security_audit._request.user = org.admin  # as RememberActor does during a request
    try:
        granted = Membership.objects.create(user=org.officer, agency=org.agency, role=Role.FOCAL_POINT)
        granted.role = Role.LEADER
        granted.save()
        granted.delete()
        org.officer.is_staff = True
        org.officer.save()
    finally:
        security_audit._request.user = None
    actions = list(
        AuditEntry.objects.filter(action__startswith="access.", id__gt=last)
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("access.role_granted", org.admin.pk),
        ("access.role_changed", org.admin.pk),
        ("access.role_removed", org.admin.pk),
        ("access.account_changed", org.admin.pk),
    ]
    changed = AuditEntry.objects.get(action="access.role_changed")
    assert changed.changes["role"] == [Role.FOCAL_POINT, Role.LEADER]
    assert AuditEntry.objects.get(action="access.account_changed").changes == {"is_staff": [False, True]}
