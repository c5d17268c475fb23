"""Returning the result to the applicant: only after it is issued."""

from django.contrib.messages import get_messages
from django.urls import reverse

from procedures import services


def test_the_result_is_returned_once_issued(client, org, dossier):
    client.force_login(org.office)
    early = client.post(reverse("procedures:return_result", args=[dossier.pk]))
    assert [m.level_tag for m in get_messages(early.wsgi_request)] == ["error"]
    services.finish(dossier=dossier, actor=org.office, outcome="finished")
    response = client.post(reverse("procedures:return_result", args=[dossier.pk]))
    assert response.url == reverse("procedures:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.returned_at is not None


def test_only_a_post_returns_it(client, org, dossier):
    client.force_login(org.office)
    assert client.get(reverse("procedures:return_result", args=[dossier.pk])).status_code == 405
