"""Who reaches the administration area: every URL of it is walked for the anonymous visitor, the
agency's officer, leader and auditor (403), the administrator of another agency (403 on the area,
404 on this agency's objects through their own), and the administrator (allowed). And /admin/:
403 for a signed-in non-operator, the log-in page once for a visitor, Django's admin for superusers."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from core.models import ApiToken, CalendarOverride, Membership, Role, Signer, User

# url name -> expected status for the agency's own administrator (GET, or POST with no data)
ADMIN_OK = {
    ("overview", "get"): 200,
    ("people", "get"): 200,
    ("person_create", "get"): 200,
    ("person", "get"): 200,
    ("person_edit", "get"): 200,
    ("role_add", "post"): 302,  # empty: refused in words, back to the person
    ("role_remove", "post"): 302,
    ("person_deactivate", "post"): 302,
    ("person_reactivate", "post"): 302,
    ("password_reset", "post"): 302,  # not confirmed: nothing happens
    ("second_factor_reset", "post"): 302,
    ("units", "get"): 200,
    ("unit_create", "get"): 200,
    ("unit_edit", "get"): 200,
    ("unit_delete", "post"): 302,
    ("signers", "get"): 200,
    ("signer_create", "get"): 200,
    ("signer_edit", "get"): 200,
    ("signer_deactivate", "post"): 302,
    ("signer_reactivate", "post"): 302,
    ("notifications", "get"): 200,
    ("digest_on", "post"): 302,
    ("digest_off", "post"): 302,
    ("api_accounts", "get"): 200,
    ("api_account", "get"): 200,
    ("token_revoke", "post"): 302,
    ("calendar", "get"): 200,
    ("override_create", "get"): 403,  # province-wide: the Sở Nội vụ's
    ("override_edit", "get"): 403,
    ("override_delete", "post"): 403,
    ("province", "get"): 403,
    ("agency_create", "get"): 403,
    ("agency", "get"): 403,
    ("agency_edit", "get"): 403,
}


PROVINCE_OR_CALENDAR = {"override_edit", "override_delete", "agency", "agency_edit"}


def administration_names():
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "administration":
            return {p.name for p in pattern.url_patterns if isinstance(p, URLPattern)}
    return set()


def test_every_administration_url_is_walked():
    assert administration_names() == {name for name, _method in ADMIN_OK}


@pytest.fixture
def world(org):
    account = User.objects.create(username="motcua.api", full_name="Hệ thống một cửa")
    Membership.objects.create(user=account, agency=org.agency, role=Role.INTEGRATION)
    token = ApiToken.objects.create(user=account, name="t", token_hash="x" * 64)
    signer = Signer.objects.create(agency=org.agency, use="reports", title="TRƯỞNG BAN", name="A")
    membership = Membership.objects.get(user=org.officer)
    override = CalendarOverride.objects.first()
    pk = {
        "person": org.officer.pk,
        "unit": org.unit_a.pk,
        "signer": signer.pk,
        "account": account.pk,
        "override": override.pk,
        "agency": org.agency.pk,
    }
    kwargs = {
        "person": {"pk": pk["person"]},
        "person_edit": {"pk": pk["person"]},
        "role_add": {"pk": pk["person"]},
        "role_remove": {"pk": pk["person"], "membership": membership.pk},
        "person_deactivate": {"pk": pk["person"]},
        "person_reactivate": {"pk": pk["person"]},
        "password_reset": {"pk": pk["person"]},
        "second_factor_reset": {"pk": pk["person"]},
        "unit_edit": {"pk": pk["unit"]},
        "unit_delete": {"pk": pk["unit"]},
        "signer_edit": {"pk": pk["signer"]},
        "signer_deactivate": {"pk": pk["signer"]},
        "signer_reactivate": {"pk": pk["signer"]},
        "digest_on": {"pk": pk["person"]},
        "digest_off": {"pk": pk["person"]},
        "api_account": {"pk": pk["account"]},
        "token_revoke": {"pk": pk["account"], "token": token.pk},
        "override_edit": {"pk": pk["override"]},
        "override_delete": {"pk": pk["override"]},
        "agency": {"pk": pk["agency"]},
        "agency_edit": {"pk": pk["agency"]},
    }
    return kwargs


def call(client, world, name, method):
    url = reverse(f"administration:{name}", kwargs=world.get(name, {}))
    return client.get(url) if method == "get" else client.post(url)


@pytest.mark.parametrize(("name", "method"), sorted(ADMIN_OK))
def test_access(name, method, client, org, world):
    other_admin = User.objects.create(username="quantri.sct", full_name="Quản trị Sở Công Thương")
    Membership.objects.create(user=other_admin, agency=org.other, role=Role.ADMINISTRATOR)
    response = call(client, world, name, method)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), "anonymous"
    for person in (org.officer, org.head, org.leader, org.office, org.auditor, org.outsider):
        client.force_login(person)
        assert call(client, world, name, method).status_code == 403, (name, person.username)
    # the administrator of another agency: their own agency's pages, never this agency's objects
    client.force_login(other_admin)
    expected = 404 if name in world and name not in PROVINCE_OR_CALENDAR else ADMIN_OK[(name, method)]
    assert call(client, world, name, method).status_code == expected, (name, other_admin.username)
    client.force_login(org.admin)
    assert call(client, world, name, method).status_code == ADMIN_OK[(name, method)], name


def test_another_agencys_administrator_gets_404_on_this_agencys_objects(client, org, world):
    other_admin = User.objects.create(username="quantri.sct", full_name="Quản trị Sở Công Thương")
    Membership.objects.create(user=other_admin, agency=org.other, role=Role.ADMINISTRATOR)
    client.force_login(other_admin)
    assert client.get(reverse("administration:people")).status_code == 200  # their own agency
    for name in ("person", "person_edit", "unit_edit", "signer_edit", "api_account"):
        assert client.get(reverse(f"administration:{name}", kwargs=world[name])).status_code == 404, name
    for name in ("person_deactivate", "password_reset", "role_remove", "digest_off", "token_revoke", "unit_delete"):
        response = client.post(reverse(f"administration:{name}", kwargs=world[name]), {"confirm": "on"})
        assert response.status_code == 404, name
    org.officer.refresh_from_db()
    assert org.officer.is_active and org.officer.email_digest
    assert Membership.objects.filter(user=org.officer).exists()
    listed = {p.username for p in client.get(reverse("administration:people")).context["people"]}
    assert "chuyenvien.qldn" not in listed and "chuyenvien.sct" in listed


def test_admin_is_403_for_a_signed_in_non_superuser_never_a_loop(client, org):
    link = reverse("administration:overview")
    for person, shows_link in ((org.admin, True), (org.officer, False)):
        client.force_login(person)
        response = client.get("/admin/")
        assert response.status_code == 403
        assert (f'href="{link}"' in response.content.decode()) == shows_link
        assert client.get("/admin/core/user/").status_code == 403
        assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_admin_sends_a_visitor_to_the_log_in_page_once(client, org):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next=/admin/"
    login_page = client.get(response["Location"])
    assert login_page.status_code == 200


def test_superusers_keep_djangos_admin(client, org):
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/user/").status_code == 200
    assert client.get("/admin/login/?next=/admin/core/").status_code == 302
