"""The SIPAS dashboard (surveys.views.dashboard): the hand-checked index, other agencies see
nothing, a selection of few responses is hidden."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from procedures.models import Dossier
from surveys import columns, sampling, views
from surveys.models import Campaign, Response
from surveys.tests.helpers import FORM, make


def test_dashboard_shows_the_hand_checked_index(client, org):
    # q15: 8 answers, 6 satisfied -> 75 %; other items all satisfied -> 100 %
    # access = mean(75, 100, 100, 100) = 93.75; overall = mean(93.75, 100, 100, 100, 100) = 98.75
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, 4, q15=value)
    make(org, 5, q15=None)
    client.force_login(org.officer)
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    page = client.get(reverse("surveys:dashboard"), q1)
    index = page.context["index"]
    assert index.items["q15"].n == 8 and index.items["q15"].rate == 75
    assert index.elements["access"].index == Decimal("93.75") and index.overall == Decimal("98.75")
    assert 'id="overall">98,75 %' in page.content.decode()  # Vietnamese: a decimal comma
    data = client.get(reverse("surveys:dashboard"), {**q1, "format": "json"}).json()
    assert data["items"]["q15"]["ci_low"] == "40.93" and data["overall"] == "98.75"
    assert client.get(reverse("surveys:export"), q1).status_code == 403  # row by row: the administrator
    client.force_login(org.office)
    assert client.get(reverse("surveys:export"), q1).status_code == 403
    client.force_login(org.admin)
    exported = client.get(reverse("surveys:export"), q1).getvalue().decode("utf-8-sig").splitlines()
    assert exported[0].startswith(",".join([_("Form number"), columns.item_label("q15"), columns.item_label("q16")]))
    assert len(exported) == 10


def test_other_agencies_see_nothing(client, org):
    make(org, 5)
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    client.force_login(org.outsider)
    page = client.get(reverse("surveys:dashboard"), {"campaign": "all"})
    assert page.context["index"].responses == 0
    assert client.get(reverse("surveys:campaign", args=[campaign.pk])).status_code == 404


def test_a_selection_of_few_responses_is_hidden(client, org):
    for value in (5, 1, 4):
        make(org, value, day=dt.date(2026, 3, 2))
    make(org, 4, day=dt.date(2026, 3, 3))
    client.force_login(org.leader)
    march = {"campaign": "all", "year": 2026, "period": "month", "number": 3}
    page = client.get(reverse("surveys:dashboard"), march)
    assert page.context["suppressed"] and 'id="overall"><span class="small text-muted">' in page.content.decode()
    assert page.context["groups"] == []
    assert client.get(reverse("surveys:dashboard"), {**march, "format": "json"}).json() == {
        "period": "2026-month-3",
        "period_label": "tháng 03/2026",
        "min_cell": 5,
        "responses": None,
        "suppressed": True,
    }
    make(org, 4, day=dt.date(2026, 3, 3))
    assert not client.get(reverse("surveys:dashboard"), march).context["suppressed"]  # 5 in all


def test_rates_and_intervals_are_written_with_a_decimal_comma_and_items_by_their_label(client, org):
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, 4, q15=value)
    client.force_login(org.officer)
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    page = client.get(reverse("surveys:dashboard"), q1).content.decode()
    assert "75,00" in page and "40,93 – 92,85" in page and "40.93" not in page  # rate and its interval
    assert columns.item_label("q15") + "</span> " + FORM.item_text["q15"] in page
    assert '<span class="text-muted">q15</span>' not in page  # the code is a hint (title) only


def test_a_campaign_short_of_its_sample_is_flagged(client, org, monkeypatch):
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt 1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    for value in (5, 4, 4, 2, 5, 4):
        make(org, value)
    Response.objects.update(campaign=campaign)
    target = {"n": 126}
    monkeypatch.setattr(
        views.sampling, "plan", lambda c: sampling.Plan(population=185, target=target["n"], responses=6)
    )
    client.force_login(org.officer)
    page = client.get(reverse("surveys:dashboard"), {"campaign": campaign.pk})
    assert page.context["sample"] == {"n": 6, "target": 126, "margin": Decimal("5.000")}
    html = page.content.decode()
    assert 'id="sample-warning"' in html and "6 " in html and " 126 " in html
    target["n"] = 6
    assert (
        'id="sample-warning"'
        not in client.get(reverse("surveys:dashboard"), {"campaign": campaign.pk}).content.decode()
    )


def test_the_results_download_as_a_workbook_with_vietnamese_headers(client, org):
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, 4, q15=value, unit=org.unit_a)
    client.force_login(org.officer)
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1, "by": "unit", "format": "xlsx"}
    response = client.get(reverse("surveys:dashboard"), q1)
    assert (
        response["Content-Disposition"] == f'attachment; filename="ket-qua-sipas-{org.agency.code}-2026-quarter-1.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.getvalue()))
    items, groups, _expectations = book.worksheets
    rows = [list(r) for r in items.iter_rows(values_only=True)]
    header = next(r for r in rows if r[0] == _("Element / item"))
    assert header[4] == _("Rate (%)")
    q15 = next(r for r in rows if r[0] == columns.item_label("q15"))
    assert (q15[1], q15[2], q15[3], q15[4]) == (FORM.item_text["q15"], 8, 6, 75)
    overall = next(r for r in rows if r[0] == _("Service satisfaction index"))
    assert (overall[2], overall[4]) == (8, 98.75)
    unit_row = next(r for r in groups.iter_rows(values_only=True) if r[0] == org.unit_a.name)
    assert unit_row[1:3] == (8, 98.75)


def test_the_workbook_gives_no_figure_the_page_hides(client, org):
    for value in (5, 1, 4):
        make(org, value, day=dt.date(2026, 3, 2))
    client.force_login(org.officer)
    march = {"campaign": "all", "year": 2026, "period": "month", "number": 3, "format": "xlsx"}
    book = load_workbook(io.BytesIO(client.get(reverse("surveys:dashboard"), march).getvalue()))
    assert len(book.worksheets) == 1  # the reason, no figures
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert not any(isinstance(c, int | float) for c in cells)


def test_a_calendar_period_short_of_its_sample_is_flagged_too(client, org, dossier):
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, value, day=dt.date(2026, 3, 2))
    finished = dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC)
    Dossier.objects.filter(pk=dossier.pk).update(status="finished", finished_at=finished)
    dossier.refresh_from_db()
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    client.force_login(org.officer)
    assert client.get(reverse("surveys:dashboard"), q1).context["sample"] is None  # 1 dossier: 1 response is enough
    copies = [Dossier(**{**_fields(dossier), "code": f"X-{n}"}) for n in range(11)]
    Dossier.objects.bulk_create(copies)  # 12 dossiers with a result: n = 12 / (1 + 12 x 0.05²) -> 12
    page = client.get(reverse("surveys:dashboard"), q1)
    assert page.context["sample"] == {"n": 8, "target": 12, "margin": Decimal("5.00")}
    assert 'id="sample-warning"' in page.content.decode()


def _fields(dossier):
    return {f.attname: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields if f.attname != "id"}
