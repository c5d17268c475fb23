"""The supplement steps (Mẫu 02): a request pauses the clock, the completed dossier starts it again."""

from django.contrib.messages import get_messages
from django.urls import reverse

from procedures import services
from procedures.models import SupplementRequest


def test_a_request_then_the_completed_dossier(client, org, dossier):
    client.force_login(org.officer)
    client.post(reverse("procedures:supplement", args=[dossier.pk]), {"items": "Bản sao điều lệ"})
    dossier.refresh_from_db()
    assert (dossier.status, dossier.supplement_count) == ("supplement_requested", 1)
    assert SupplementRequest.objects.get().items == "Bản sao điều lệ"
    response = client.post(reverse("procedures:supplement_done", args=[dossier.pk]))
    assert response.url == reverse("procedures:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == "processing" and SupplementRequest.objects.get().completed_at is not None


def test_a_second_request_without_a_reason_is_refused_with_its_message(client, org, dossier):
    client.force_login(org.officer)
    client.post(reverse("procedures:supplement", args=[dossier.pk]), {"items": "Một"})
    client.post(reverse("procedures:supplement_done", args=[dossier.pk]))
    response = client.post(reverse("procedures:supplement", args=[dossier.pk]), {"items": "Hai"})
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert len(errors) == 1 and SupplementRequest.objects.count() == 1


def test_a_closed_dossier_takes_no_supplement(client, org, dossier):
    services.finish(dossier=dossier, actor=org.office, outcome="rejected", note="Không đủ điều kiện")
    client.force_login(org.officer)
    for refused, (name, form) in enumerate(
        (("procedures:supplement", {"items": "x"}), ("procedures:supplement_done", {})), start=1
    ):
        response = client.post(reverse(name, args=[dossier.pk]), form)
        assert response.status_code == 302  # (the messages wait for the next page: one more each time)
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"] * refused
    dossier.refresh_from_db()
    assert dossier.status == "rejected" and not SupplementRequest.objects.exists()


def test_read_only_roles_may_not_ask(client, org, dossier):
    client.force_login(org.auditor)
    assert client.post(reverse("procedures:supplement", args=[dossier.pk]), {"items": "x"}).status_code == 403
    assert client.post(reverse("procedures:supplement_done", args=[dossier.pk])).status_code == 403
