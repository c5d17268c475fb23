"""The dossier register page: what each role sees, its filters and the export (Mẫu 07)."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from procedures.tests.helpers import content


def codes(client, **params):
    return {d.code for d in client.get(reverse("procedures:register"), params).context["page"]}


def test_unit_scoped_register(client, org, quarter):
    client.force_login(org.other_officer)  # KHTH: only its unit's dossiers
    assert codes(client) == {"carried"}
    client.force_login(org.auditor)
    assert len(client.get(reverse("procedures:register")).context["page"]) == 5
    export = client.get(reverse("procedures:register"), {"format": "xlsx", "status": "finished"})
    rows = list(load_workbook(io.BytesIO(content(export))).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows if isinstance(r[0], int)) == ["carried", "early", "old"]


def test_filters_by_dates_typed_either_way_status_and_flags(client, org, quarter):
    client.force_login(org.office)
    assert codes(client, **{"from": "01/03/2026", "to": "2026-03-31"}) == {"early", "late", "pending"}
    assert codes(client, **{"from": "not a date"}) == {"early", "late", "pending", "old", "carried"}
    assert codes(client, status="returned") == {"late"}
    assert codes(client, flag="open") == {"pending"}
    assert codes(client, channel="online", q="ear") == {"early"}
