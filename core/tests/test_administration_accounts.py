"""API accounts (integration) with their tokens, notification settings, the overview, and the
add_person command."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.auth import is_integration_account
from core.jobs import send_digests
from core.models import ApiToken, AuditEntry, Membership, Notification, Role, User
from core.tokens import token_hash


def test_an_api_account_gets_tokens_shown_once_and_revoked(client, org):
    client.force_login(org.admin)
    created = client.post(
        reverse("administration:api_accounts"), {"username": "motcua.lsn", "full_name": "Một cửa tỉnh"}
    )
    account = User.objects.get(username="motcua.lsn")
    assert created.status_code == 302 and created["Location"] == reverse(
        "administration:api_account", args=[account.pk]
    )
    assert is_integration_account(account) and not account.has_usable_password()
    assert list(account.memberships.values_list("agency", "role")) == [(org.agency.pk, Role.INTEGRATION)]
    assert AuditEntry.objects.get(action="integration.created", object_id=str(account.pk)).actor == org.admin

    url = reverse("administration:api_account", args=[account.pk])
    issued = client.post(url, {"name": "Đồng bộ hồ sơ", "scope": "read_write", "days": 90})
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    token = re.search(r'data-testid="new-token">([^<]+)<', issued.content.decode()).group(1)
    record = ApiToken.objects.get(user=account)
    assert record.token_hash == token_hash(token) and record.scope == "read_write"
    assert dt.timedelta(days=89) < record.expires_at - timezone.now() <= dt.timedelta(days=90)
    assert token not in client.get(url).content.decode()  # shown once

    client.post(reverse("administration:token_revoke", args=[account.pk, record.pk]), {"confirm": "on"})
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoked", object_id=str(record.pk), actor=org.admin).exists()


def test_api_accounts_are_not_in_the_people_list(client, org):
    account = User.objects.create(username="motcua.lsn")
    Membership.objects.create(user=account, agency=org.agency, role=Role.INTEGRATION)
    client.force_login(org.admin)
    assert account not in client.get(reverse("administration:people")).context["people"]
    assert client.get(reverse("administration:person", args=[account.pk])).status_code == 404
    assert client.get(reverse("administration:api_account", args=[org.officer.pk])).status_code == 404


def test_the_digest_is_turned_off_and_on_with_the_audit(client, org):
    client.force_login(org.admin)
    client.post(reverse("administration:digest_off", args=[org.officer.pk]))
    org.officer.refresh_from_db()
    assert not org.officer.email_digest
    entry = AuditEntry.objects.get(action="person.digest_changed", object_id=str(org.officer.pk))
    assert entry.changes == {"email_digest": [True, False]} and entry.actor == org.admin
    page = client.get(reverse("administration:notifications"))
    holders = dict(page.context["holders"])
    assert holders[Role.OFFICER.label] and org.officer in holders[Role.OFFICER.label]
    client.post(reverse("administration:digest_on", args=[org.officer.pk]))
    org.officer.refresh_from_db()
    assert org.officer.email_digest


def test_a_person_with_the_digest_off_gets_no_e_mail(org, settings):
    """Needs core.jobs.send_digests to read User.email_digest (asked of the lead in the report)."""
    settings.DIGEST_HOUR = 0
    org.officer.email_digest = False
    org.officer.save()
    today = timezone.localdate()
    for person in (org.officer, org.head):
        Notification.objects.create(user=person, key=f"k{person.pk}", kind="x", title="Nhắc việc", for_date=today)
    send_digests(now=timezone.now())
    assert [m.to for m in mail.outbox] == [[org.head.email]]


def test_the_overview_counts(client, org, django_assert_max_num_queries):
    client.force_login(org.admin)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("administration:overview"))
    assert page.status_code == 200
    assert page.context["counts"]["people"] == org.agency.memberships.values("user").distinct().count()
    assert page.context["counts"]["units"] == org.agency.units.count()
    assert not page.context["province"]


def test_add_person_command(org, capsys):
    call_command(
        "add_person",
        "le.van.nam",
        "--name",
        "Lê Văn Nam",
        "--agency",
        "BQLKKTCK",
        "--role",
        "officer:QLDN",
        "--role",
        "unit_head:KHTH",
    )
    password = capsys.readouterr().out.strip()
    nam = User.objects.get(username="le.van.nam")
    assert nam.check_password(password) and nam.must_change_password
    roles = set(nam.memberships.values_list("unit__code", "role"))
    assert roles == {("QLDN", Role.OFFICER), ("KHTH", Role.UNIT_HEAD)}
    assert AuditEntry.objects.filter(action="person.created", object_id=str(nam.pk), actor__isnull=True).exists()


@pytest.mark.parametrize(
    "role",
    ["officer", "integration", "officer:NOPE", "nobody"],
)
def test_add_person_command_refuses(org, role):
    with pytest.raises(CommandError):
        call_command("add_person", "x.y", "--name", "X", "--agency", "BQLKKTCK", "--role", role)
    assert not User.objects.filter(username="x.y").exists()
