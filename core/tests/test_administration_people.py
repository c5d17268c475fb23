"""The agency administrator's people pages: a person is created with a role and signs in with it,
is deactivated (cannot sign in, their work stays), gets a temporary password they must change,
loses a lost phone's second factor; roles are given and taken back within the agency only."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import scope_for
from core.administration import services
from core.models import AuditEntry, Membership, Role, User
from core.reference import DEMO_PASSWORD

MIDDLEWARE = "core.administration.middleware.PasswordChangeRequired"
NEW_PASSWORD = "Mua-Xuan-Dong-Dang-2027"


@pytest.fixture
def password_rule(settings):
    """The temporary-password rule in the middleware list (the lead adds it to settings; see the test
    below), after the second-factor middleware as it will be there."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


def test_the_temporary_password_rule_is_installed():
    assert MIDDLEWARE in django_settings.MIDDLEWARE
    assert django_settings.MIDDLEWARE.index(MIDDLEWARE) > django_settings.MIDDLEWARE.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


def shown_password(response) -> str:
    found = re.search(r'data-testid="temporary-password">([^<]+)<', response.content.decode())
    assert found, "the temporary password is shown on the answer"
    return found.group(1)


def new_person(client, org, **extra):
    data = {
        "username": "nguyen.thi.mai",
        "full_name": "Nguyễn Thị Mai",
        "job_title": "Chuyên viên",
        "email": "mai@example.gov.vn",
        "phone": "0912345678",
        "role": Role.OFFICER,
        "unit": org.unit_a.pk,
        "password": "",
        **extra,
    }
    return client.post(reverse("administration:person_create"), data)


def test_a_new_person_signs_in_with_her_role_after_choosing_her_password(client, org, password_rule):
    client.force_login(org.admin)
    response = new_person(client, org)
    assert response.status_code == 200
    password = shown_password(response)
    mai = User.objects.get(username="nguyen.thi.mai")
    assert mai.must_change_password and mai.check_password(password)
    assert list(Membership.objects.filter(user=mai).values_list("agency", "unit", "role")) == [
        (org.agency.pk, org.unit_a.pk, Role.OFFICER)
    ]
    created = AuditEntry.objects.get(action="person.created", object_id=str(mai.pk))
    assert created.actor == org.admin and created.agency == org.agency
    assert created.changes["full_name"] == [None, "Nguyễn Thị Mai"]
    granted = AuditEntry.objects.get(action="access.role_granted", note__startswith="nguyen.thi.mai:")
    assert granted.actor == org.admin and granted.changes["role"] == [None, Role.OFFICER]

    client.logout()
    assert client.post(reverse("login"), {"username": "nguyen.thi.mai", "password": password}).status_code == 302
    sent = client.get(reverse("plans:task_list"))
    assert sent.status_code == 302 and sent["Location"] == reverse("password_change")
    change = {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(reverse("password_change"), change).status_code == 302
    mai.refresh_from_db()
    assert not mai.must_change_password
    assert client.get(reverse("plans:task_list")).status_code == 200
    assert scope_for(mai).units_with(Role.OFFICER) == {org.unit_a.pk}


def test_a_typed_initial_password_must_follow_the_rules_and_the_form_keeps_what_was_typed(client, org):
    client.force_login(org.admin)
    response = new_person(client, org, password="abc")
    assert response.status_code == 400
    assert not User.objects.filter(username="nguyen.thi.mai").exists()
    assert 'value="Nguyễn Thị Mai"' in response.content.decode()
    assert response.context["form"].errors["password"]


def test_a_taken_user_name_and_an_officer_without_unit_are_refused(client, org):
    client.force_login(org.admin)
    taken = new_person(client, org, username="CHUYENVIEN.QLDN")
    assert taken.status_code == 400 and "username" in taken.context["form"].errors
    no_unit = new_person(client, org, unit="")
    assert no_unit.status_code == 400 and "unit" in no_unit.context["form"].errors


def test_no_role_in_another_agencys_unit(client, org):
    client.force_login(org.admin)
    other_unit = org.other.units.first()
    response = new_person(client, org, unit=other_unit.pk)
    assert response.status_code == 400
    assert not User.objects.filter(username="nguyen.thi.mai").exists()
    person = org.officer
    client.post(reverse("administration:role_add", args=[person.pk]), {"role": Role.OFFICER, "unit": other_unit.pk})
    assert not Membership.objects.filter(user=person, unit=other_unit).exists()
    with pytest.raises(services.AdministrationRefused):
        services.add_role(actor=org.admin, agency=org.agency, person=person, role=Role.OFFICER, unit=other_unit)


def test_the_integration_role_is_not_given_on_the_people_pages(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("administration:role_add", args=[org.officer.pk]), {"role": Role.INTEGRATION})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=org.officer, role=Role.INTEGRATION).exists()


def test_roles_are_given_and_taken_back_with_the_audit(client, org):
    client.force_login(org.admin)
    url = reverse("administration:role_add", args=[org.officer.pk])
    client.post(url, {"role": Role.OFFICER, "unit": org.unit_b.pk})
    added = Membership.objects.get(user=org.officer, unit=org.unit_b, role=Role.OFFICER)
    assert AuditEntry.objects.filter(action="access.role_granted", object_id=str(added.pk), actor=org.admin).exists()
    client.post(reverse("administration:role_remove", args=[org.officer.pk, added.pk]))
    assert not Membership.objects.filter(pk=added.pk).exists()
    removed = AuditEntry.objects.get(action="access.role_removed", object_id=str(added.pk))
    assert removed.actor == org.admin and removed.changes["role"] == [Role.OFFICER, None]


def test_a_persons_last_role_is_kept_deactivate_instead(client, org):
    client.force_login(org.admin)
    only = Membership.objects.get(user=org.head)
    response = client.post(reverse("administration:role_remove", args=[org.head.pk, only.pk]))
    assert response.status_code == 302
    assert Membership.objects.filter(pk=only.pk).exists()


def test_an_administrator_keeps_their_own_last_administrator_role(client, org):
    client.force_login(org.admin)
    mine = Membership.objects.get(user=org.admin, role=Role.ADMINISTRATOR, agency=org.agency)
    Membership.objects.create(user=org.admin, agency=org.agency, unit=org.unit_a, role=Role.OFFICER)
    client.post(reverse("administration:role_remove", args=[org.admin.pk, mine.pk]))
    assert Membership.objects.filter(pk=mine.pk).exists()
    # another administrator may take it back
    second = User.objects.create(username="quantri2", full_name="Quản trị 2")
    Membership.objects.create(user=second, agency=org.agency, role=Role.ADMINISTRATOR)
    client.force_login(second)
    client.post(reverse("administration:role_remove", args=[org.admin.pk, mine.pk]))
    assert not Membership.objects.filter(pk=mine.pk).exists()


def test_a_deactivated_person_cannot_sign_in_and_keeps_their_work(client, org, make_task):
    task = make_task()
    task.assignees.set([org.officer])
    client.force_login(org.admin)
    response = client.post(reverse("administration:person_deactivate", args=[org.officer.pk]))
    assert response.status_code == 302
    org.officer.refresh_from_db()
    assert not org.officer.is_active
    assert list(task.assignees.all()) == [org.officer]
    flagged = AuditEntry.objects.get(action="access.account_changed", object_id=str(org.officer.pk))
    assert flagged.actor == org.admin and flagged.changes == {"is_active": [True, False]}
    client.logout()
    refused = client.post(reverse("login"), {"username": org.officer.username, "password": DEMO_PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    client.force_login(org.admin)
    client.post(reverse("administration:person_reactivate", args=[org.officer.pk]))
    client.logout()
    again = client.post(reverse("login"), {"username": org.officer.username, "password": DEMO_PASSWORD})
    assert again.status_code == 302


def test_an_administrator_cannot_deactivate_themselves(client, org):
    client.force_login(org.admin)
    client.post(reverse("administration:person_deactivate", args=[org.admin.pk]))
    org.admin.refresh_from_db()
    assert org.admin.is_active


def test_a_reset_password_is_shown_once_and_must_be_changed(client, org, password_rule):
    client.force_login(org.admin)
    url = reverse("administration:password_reset", args=[org.officer.pk])
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 302
    org.officer.refresh_from_db()
    assert org.officer.check_password(DEMO_PASSWORD)
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    temporary = shown_password(response)
    org.officer.refresh_from_db()
    assert org.officer.must_change_password and org.officer.check_password(temporary)
    assert not org.officer.check_password(DEMO_PASSWORD)
    entry = AuditEntry.objects.get(action="person.password_reset", object_id=str(org.officer.pk))
    assert entry.changes == {"must_change_password": [False, True]} and temporary not in str(entry.changes)

    client.logout()
    client.post(reverse("login"), {"username": org.officer.username, "password": temporary})
    assert client.get(reverse("evidence_library"))["Location"] == reverse("password_change")
    same = {"old_password": temporary, "new_password1": temporary, "new_password2": temporary}
    client.post(reverse("password_change"), same)
    org.officer.refresh_from_db()
    assert org.officer.must_change_password  # the temporary password again is no choice
    change = {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(reverse("password_change"), change)
    org.officer.refresh_from_db()
    assert not org.officer.must_change_password
    assert client.get(reverse("evidence_library")).status_code == 200


def test_the_second_factor_of_a_lost_phone_is_removed(client, org):
    TOTPDevice.objects.create(user=org.officer, name="authenticator", confirmed=True)
    org.officer.refresh_from_db()
    assert org.officer.second_factor
    client.force_login(org.admin)
    client.post(reverse("administration:second_factor_reset", args=[org.officer.pk]), {"confirm": "on"})
    org.officer.refresh_from_db()
    assert not org.officer.second_factor and not TOTPDevice.objects.filter(user=org.officer).exists()
    entry = AuditEntry.objects.get(action="auth.second_factor_reset", object_id=str(org.officer.pk))
    assert entry.actor == org.admin


def test_details_are_edited_with_the_audit_and_kept_on_error(client, org):
    client.force_login(org.admin)
    url = reverse("administration:person_edit", args=[org.officer.pk])
    bad = client.post(url, {"full_name": "Vũ Quang Huy", "job_title": "Phó phòng", "email": "không-phải-email"})
    assert bad.status_code == 400 and 'value="Phó phòng"' in bad.content.decode()
    client.post(url, {"full_name": "Vũ Quang Huy", "job_title": "Phó trưởng phòng", "email": "huy@example.gov.vn"})
    entry = AuditEntry.objects.get(action="person.updated", object_id=str(org.officer.pk))
    assert entry.changes["job_title"] == ["", "Phó trưởng phòng"]
    assert entry.changes["email"] == ["chuyenvien.qldn@example.gov.vn", "huy@example.gov.vn"]


def test_the_people_list_shows_roles_and_state(client, org, django_assert_max_num_queries):
    client.force_login(org.admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("administration:people"))
    assert response.status_code == 200
    listed = {p.username: p for p in response.context["people"]}
    assert "chuyenvien.qldn" in listed and "chuyenvien.sct" not in listed
    assert [(m.role, m.unit_id) for m in listed["chuyenvien.qldn"].agency_roles] == [(Role.OFFICER, org.unit_a.pk)]
    person_page = client.get(reverse("administration:person", args=[org.officer.pk]))
    assert person_page.status_code == 200


def test_the_person_page_shows_their_history(client, org):
    client.force_login(org.admin)
    client.post(
        reverse("administration:role_add", args=[org.officer.pk]), {"role": Role.OFFICER, "unit": org.unit_b.pk}
    )
    page = client.get(reverse("administration:person", args=[org.officer.pk]))
    assert any(e.action == "access.role_granted" for e in page.context["history"])
