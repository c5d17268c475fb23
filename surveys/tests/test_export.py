"""The responses export (surveys.views.export): the exchange format row by row, each dated to the
month, a file named after the agency and the period, logged; the administrator only."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from surveys import columns
from surveys.models import Source
from surveys.responses_file import read_responses
from surveys.tests.helpers import FORM, ITEMS, make


def test_the_export_is_the_exchange_file_dated_to_the_month(client, org):
    for value in (5, 4, 4, 2, 5):
        make(org, value, unit=org.unit_a, e1=2)
    make(org, 3, source="open")  # open-link answers are in the file too, by their source
    client.force_login(org.admin)
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    response = client.get(reverse("surveys:export"), q1)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="sipas-{org.agency.code}-2026-quarter-1.csv"'
    data = response.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens it with Vietnamese intact
    lines = data.decode("utf-8-sig").splitlines()
    codes = [*ITEMS, *FORM.questionnaire.expectations]
    names = columns.names(FORM.questionnaire)
    tail = [_("Unit"), _("Procedure code"), _("Channel"), _("How it came in"), _("Month")]
    assert lines[0] == ",".join([_("Form number"), *(names[c][0] for c in codes), *tail])
    assert "response_id" not in lines[0] and "q15" not in lines[0]  # Vietnamese headers (D23)
    assert len(lines) == 7 and all(line.endswith(",03/2026") for line in lines[1:])
    receipt = str(dict(Source.choices)["receipt"])
    assert sum(line.endswith(f",{org.unit_a.code},,trực tuyến,{receipt},03/2026") for line in lines[1:]) == 5
    read = read_responses(data, FORM.questionnaire)  # the file reads back as an exchange file
    assert sorted(r.answers["q15"] for r in read) == [2, 3, 4, 4, 5, 5] and {r.answers["e1"] for r in read} >= {2}
    entry = AuditEntry.objects.get(action="sipas.export")
    assert (entry.actor, entry.note) == (org.admin, "2026-quarter-1")


def test_another_period_exports_nothing_of_this_one(client, org):
    make(org, 4, day=dt.date(2026, 3, 1))
    client.force_login(org.admin)
    q2 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 2}
    lines = client.get(reverse("surveys:export"), q2).getvalue().decode("utf-8-sig").splitlines()
    assert len(lines) == 1
