"""Closing a dossier: a result issued, or refused, stopped, withdrawn with a reason."""

import pytest
from django.urls import reverse

from procedures import services
from procedures.tests.helpers import at


def test_rejection_needs_a_reason(org, dossier):
    with pytest.raises(services.WorkflowError):
        services.finish(dossier=dossier, actor=org.officer, outcome="rejected")
    services.finish(
        dossier=dossier, actor=org.officer, outcome="rejected", note="Không đủ điều kiện", at=at(2026, 3, 10, 9)
    )
    dossier.refresh_from_db()
    assert dossier.status == "rejected" and dossier.finished_at == at(2026, 3, 10, 9)


def test_the_page_sets_the_result_flags_only_when_a_result_is_issued(client, org, dossier, receive):
    client.force_login(org.officer)
    form = {"outcome": "finished", "e_result": "on", "digitized": "on", "confirm": "on"}
    client.post(reverse("procedures:finish", args=[dossier.pk]), form)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.e_result, dossier.digitized) == ("finished", True, True)
    refused = receive(at(2026, 3, 9, 9))
    client.post(reverse("procedures:finish", args=[refused.pk]), {**form, "outcome": "rejected", "note": "Thiếu hồ sơ"})
    refused.refresh_from_db()
    assert (refused.status, refused.e_result, refused.digitized) == ("rejected", False, False)
    assert refused.note.endswith("Thiếu hồ sơ")


def test_an_unknown_outcome_is_a_form_error(client, org, dossier):
    client.force_login(org.officer)
    client.post(reverse("procedures:finish", args=[dossier.pk]), {"outcome": "lost"})
    dossier.refresh_from_db()
    assert dossier.status == "received"
