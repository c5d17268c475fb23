"""The hand-over step (Mẫu 06): its page view and its service."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from procedures import services
from procedures.models import Dossier, Handover
from procedures.tests.helpers import D, at


def url(dossier):
    return reverse("procedures:handover", args=[dossier.pk])


def test_a_hand_over_is_recorded_and_starts_the_processing(client, org, dossier):
    client.force_login(org.officer)
    response = client.post(url(dossier), {"receiver": "Phòng KHTH", "to_unit": org.unit_b.pk, "step_due": "2026-03-12"})
    assert response.status_code == 302 and response.url == reverse("procedures:dossier", args=[dossier.pk])
    handover = Handover.objects.get()
    assert (handover.giver, handover.receiver, handover.step_due) == (
        org.officer.display_name,
        "Phòng KHTH",
        D(2026, 3, 12),
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.unit) == ("processing", org.unit_b)  # the dossier follows its unit
    assert len(list(get_messages(response.wsgi_request))) == 1


def test_a_form_with_errors_is_a_message_and_nothing_is_recorded(client, org, dossier):
    client.force_login(org.officer)
    response = client.post(url(dossier), {"receiver": ""})
    assert response.status_code == 400 and not Handover.objects.exists()  # the page again, input kept
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_a_closed_dossier_refuses_politely(client, org, dossier):
    services.finish(dossier=dossier, actor=org.office, outcome="rejected", note="Không đủ điều kiện")
    client.force_login(org.officer)
    response = client.post(url(dossier), {"receiver": "Phòng KHTH"}, HTTP_REFERER="http://testserver/elsewhere/")
    assert response.url == reverse("procedures:dossier", args=[dossier.pk])  # the dossier, not the referer
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert not Handover.objects.exists()


@pytest.mark.parametrize(("person", "status"), [("auditor", 403), ("other_officer", 404), ("outsider", 404)])
def test_only_those_who_handle_the_dossier_hand_it_over(client, org, dossier, person, status):
    client.force_login(getattr(org, person))
    assert client.post(url(dossier), {"receiver": "X"}).status_code == status
    assert not Handover.objects.exists()


def test_a_hand_over_of_a_finished_dossier_keeps_its_unit(org, dossier):
    services.finish(dossier=dossier, actor=org.office, outcome="finished", at=at(2026, 3, 20, 9))
    services.hand_over(dossier=dossier, actor=org.office, giver="QLDN", receiver="Một cửa", to_unit=org.unit_b)
    assert Dossier.objects.get(pk=dossier.pk).unit == org.unit_a  # the result goes back to the desk
