"""An agency's administrator keeps the accounts of the agency's own people only. A person's account
(password, second factor, active or not, name and contact details) is one for every agency: it is
refused politely when the person is an operator (staff, superuser) or also holds a role in an agency
the administrator does not administer (core.access.can_keep_account), and the person page hides
those buttons and says why. Roles stay per agency. Each account change is in the agency's trail
once; a person's history shows no other agency's entries."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import can_keep_account
from core.administration import selectors, services
from core.models import AuditEntry, Membership, Role, User
from core.reference import DEMO_PASSWORD

EMAIL = "nguoi.ngoai@example.gov.vn"


def target(org, kind):
    """A person holding a role in the demo agency, who is also something the agency's administrator
    must not take over."""
    person = User.objects.create(username=f"dich.{kind}", full_name="Người thử", email=EMAIL)
    person.set_password(DEMO_PASSWORD)
    if kind == "superuser":
        person.is_superuser = person.is_staff = True
    elif kind == "staff":
        person.is_staff = True
    person.save()
    Membership.objects.create(user=person, agency=org.agency, unit=org.unit_a, role=Role.OFFICER)
    if kind == "other_agency":
        Membership.objects.create(user=person, agency=org.other, role=Role.LEADER)
    elif kind == "province_admin":  # an administrator of the Sở Nội vụ: administers the province
        snv = User.objects.get(username="quantri.snv").memberships.get(role=Role.ADMINISTRATOR).agency
        Membership.objects.create(user=person, agency=snv, role=Role.ADMINISTRATOR)
    TOTPDevice.objects.create(user=person, name="authenticator", confirmed=True)
    person.refresh_from_db()
    return person


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


KINDS = ["superuser", "staff", "other_agency", "province_admin"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_agency_administrator_cannot_take_over_an_account_kept_elsewhere(client, org, kind):
    person = target(org, kind)
    refusal = services.account_refusal(org.admin, person)
    assert refusal and not can_keep_account(org.admin, person)
    client.force_login(org.admin)

    page = client.get(reverse("administration:person", args=[person.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="account-refusal"' in html
    for name in ("password_reset", "second_factor_reset", "person_deactivate", "person_edit"):
        assert reverse(f"administration:{name}", args=[person.pk]) not in html, name
    assert reverse("administration:role_add", args=[person.pk]) in html  # roles stay per agency

    steps = {
        "password_reset": {"confirm": "on"},
        "second_factor_reset": {"confirm": "on"},
        "person_deactivate": {},
        "person_edit": {"full_name": "Kẻ chiếm quyền", "email": "attacker@example.com"},
    }
    for name, data in steps.items():
        response = client.post(reverse(f"administration:{name}", args=[person.pk]), data, follow=True)
        assert response.status_code == 200 and refusal in messages_of(response), name
        assert 'data-testid="temporary-password"' not in response.content.decode()
    assert client.get(reverse("administration:person_edit", args=[person.pk])).status_code == 302

    person.refresh_from_db()
    assert person.check_password(DEMO_PASSWORD) and not person.must_change_password
    assert person.is_active and person.second_factor and TOTPDevice.objects.filter(user=person).exists()
    assert person.email == EMAIL and person.full_name == "Người thử"
    assert not AuditEntry.objects.filter(object_id=str(person.pk), action__startswith="person.")
    for step in (services.reset_password, services.reset_second_factor, services.deactivate_person):
        with pytest.raises(services.AdministrationRefused):
            step(actor=org.admin, agency=org.agency, person=person)
    with pytest.raises(services.AdministrationRefused):
        services.update_person(actor=org.admin, agency=org.agency, person=person, email="x@example.com")


def test_roles_in_the_own_agency_are_still_given_and_taken_back(client, org):
    person = target(org, "other_agency")
    client.force_login(org.admin)
    client.post(reverse("administration:role_add", args=[person.pk]), {"role": Role.OFFICER, "unit": org.unit_b.pk})
    added = Membership.objects.get(user=person, unit=org.unit_b)
    client.post(reverse("administration:role_remove", args=[person.pk, added.pk]))
    assert not Membership.objects.filter(pk=added.pk).exists()
    foreign = Membership.objects.get(user=person, agency=org.other)
    response = client.post(reverse("administration:role_remove", args=[person.pk, foreign.pk]))
    assert response.status_code == 404 and Membership.objects.filter(pk=foreign.pk).exists()


def test_who_administers_every_agency_of_the_person_keeps_the_account(client, org):
    person = target(org, "other_agency")
    Membership.objects.create(user=org.admin, agency=org.other, role=Role.ADMINISTRATOR)
    assert can_keep_account(org.admin, person)
    client.force_login(org.admin)
    assert (
        'data-testid="account-refusal"'
        not in client.get(reverse("administration:person", args=[person.pk])).content.decode()
    )
    response = client.post(reverse("administration:password_reset", args=[person.pk]), {"confirm": "on"})
    assert response.status_code == 200 and 'data-testid="temporary-password"' in response.content.decode()
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    assert can_keep_account(root, target(org, "province_admin"))
    assert not can_keep_account(root, target(org, "staff"))  # operators are kept in Django's admin


def test_an_integration_role_elsewhere_does_not_stop_the_agency(org):
    Membership.objects.create(user=org.officer, agency=org.other, role=Role.INTEGRATION)
    assert can_keep_account(org.admin, org.officer)


def as_root(client, org):
    root = User.objects.create(username="root", full_name="Vận hành", is_superuser=True, is_staff=True)
    client.force_login(root)
    session = client.session
    session["agency_id"] = org.agency.pk
    session.save()
    return root


def test_reactivation_does_not_override_another_agencys_decision(client, org):
    person = target(org, "other_agency")
    person.is_active = False  # switched off for the other agency
    person.save()
    client.force_login(org.admin)
    response = client.post(reverse("administration:person_reactivate", args=[person.pk]), follow=True)
    assert services.account_refusal(org.admin, person) in messages_of(response)
    person.refresh_from_db()
    assert not person.is_active
    html = client.get(reverse("administration:person", args=[person.pk])).content.decode()
    assert reverse("administration:person_reactivate", args=[person.pk]) not in html


def test_an_account_a_superuser_switched_off_is_switched_on_by_a_superuser_only(client, org):
    root = as_root(client, org)
    client.post(reverse("administration:person_deactivate", args=[org.officer.pk]))
    org.officer.refresh_from_db()
    assert not org.officer.is_active
    client.force_login(org.admin)
    response = client.post(reverse("administration:person_reactivate", args=[org.officer.pk]), follow=True)
    assert response.status_code == 200 and messages_of(response)
    org.officer.refresh_from_db()
    assert not org.officer.is_active
    client.force_login(root)
    client.post(reverse("administration:person_reactivate", args=[org.officer.pk]))
    org.officer.refresh_from_db()
    assert org.officer.is_active


def agency_trail(org, person, action):
    return AuditEntry.objects.filter(
        agency=org.agency, action=action, object_type="core.user", object_id=str(person.pk)
    )


def test_account_changes_are_in_the_agencys_trail_once_each(client, org):
    TOTPDevice.objects.create(user=org.officer, name="authenticator", confirmed=True)
    TOTPDevice.objects.create(user=org.officer, name="spare phone", confirmed=True)
    client.force_login(org.admin)
    client.post(reverse("administration:second_factor_reset", args=[org.officer.pk]), {"confirm": "on"})
    removed = agency_trail(org, org.officer, "person.second_factor_removed")
    assert removed.count() == 1 and removed.get().actor == org.admin
    assert removed.get().changes == {"second_factor": [True, False]}
    kept = AuditEntry.objects.filter(object_type="core.user", object_id=str(org.officer.pk), agency__isnull=True)
    assert kept.filter(action="auth.second_factor_reset").count() == 2  # one per device, as before

    client.post(reverse("administration:person_deactivate", args=[org.officer.pk]))
    off = agency_trail(org, org.officer, "person.deactivated")
    assert off.count() == 1 and off.get().actor == org.admin and off.get().changes == {"is_active": [True, False]}
    client.post(reverse("administration:person_reactivate", args=[org.officer.pk]))
    on = agency_trail(org, org.officer, "person.reactivated")
    assert on.count() == 1 and on.get().changes == {"is_active": [False, True]}
    assert kept.filter(action="access.account_changed").count() == 2  # core.security_audit's, as before
    client.post(reverse("administration:password_reset", args=[org.officer.pk]), {"confirm": "on"})
    assert agency_trail(org, org.officer, "person.password_reset").count() == 1
    assert agency_trail(org, org.officer, "person.second_factor_removed").count() == 1  # not again
    history = {e.action for e in client.get(reverse("administration:person", args=[org.officer.pk])).context["history"]}
    assert {"person.deactivated", "person.reactivated", "person.second_factor_removed"} <= history


def test_a_persons_history_shows_no_other_agencys_entries(client, org):
    person = target(org, "other_agency")
    services.update_person(actor=None, agency=org.other, person=person, job_title="Giám đốc Sở")
    services.add_role(actor=None, agency=org.other, person=person, role=Role.OFFICER, unit=org.other.units.first())
    services.add_role(actor=None, agency=org.agency, person=person, role=Role.OFFICER, unit=org.unit_b)
    client.force_login(org.admin)
    history = client.get(reverse("administration:person", args=[person.pk])).context["history"]
    assert history and all(e.agency_id in (org.agency.pk, None) for e in history)
    assert ("access.role_granted", org.agency.pk) in {(e.action, e.agency_id) for e in history}
    foreign = [e for e in selectors.person_history(person, org.other) if e.agency_id == org.other.pk]
    assert {e.action for e in foreign} >= {"person.updated", "access.role_granted"}
