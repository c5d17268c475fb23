"""The register flags late and nearly late dossiers in the list itself (D24): the flag is worked
out by the database for the whole page (selectors.with_deadline), the same as the pure rule
(selectors.deadline_flag) and the at-risk rule; the date filters have visible labels and show
dd/mm/yyyy (D18)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.deadlines import LOCAL
from procedures.models import Dossier
from procedures.selectors import deadline_flag, with_deadline


@pytest.fixture
def around_today(org, procedure, cal):
    """Open dossiers due before, on and just after today, one due later, a paused one and an
    ended one, all due in the past or today."""
    today = timezone.localdate()
    received = dt.datetime.combine(today - dt.timedelta(days=40), dt.time(9), tzinfo=LOCAL)
    common = {"agency": org.agency, "procedure": procedure, "unit": org.unit_a, "received_at": received}
    dossiers = {
        "late": ("processing", cal.add_working_days(today, -1)),
        "today": ("received", today),
        "soon": ("processing", cal.next_working_day(today)),
        "later": ("processing", cal.add_working_days(today, 5)),
        "paused": ("supplement_requested", today - dt.timedelta(days=3)),
        "ended": ("finished", today - dt.timedelta(days=3)),
    }
    for code, (status, due) in dossiers.items():
        extra = {"finished_at": received + dt.timedelta(days=1)} if status == "finished" else {}
        Dossier.objects.create(code=code, status=status, due_date=due, **common, **extra)
    return today


def queries(client):
    with CaptureQueriesContext(connection) as seen:
        client.get(reverse("procedures:register"))
    return len(seen)


def test_the_list_flags_overdue_due_today_and_due_next_working_day(client, org, around_today):
    client.force_login(org.office)
    response = client.get(reverse("procedures:register"))
    flags = {d.code: d.deadline for d in response.context["page"]}
    assert flags == {"late": "overdue", "today": "today", "soon": "soon", "later": "", "paused": "", "ended": ""}
    page = response.content.decode()
    late_row = page[page.index('data-deadline="overdue"') - 30 :][:400]
    assert 'class="table-danger"' in late_row and "badge text-bg-danger" in late_row
    assert page.count('data-deadline="today"') == 1 and page.count('data-deadline="soon"') == 1


def test_the_flags_cost_no_query_per_row(client, org, around_today):
    client.force_login(org.office)
    before = queries(client)
    late = Dossier.objects.get(code="late")
    for n in range(10):
        late.pk, late.code = None, f"late-{n}"
        late.save()
    assert queries(client) == before


def test_the_database_flag_is_the_pure_rule(org, around_today, cal):
    horizon = cal.next_working_day(around_today)
    qs = with_deadline(Dossier.objects.filter(agency=org.agency), today=around_today, horizon=horizon)
    for d in qs:
        assert d.deadline == deadline_flag(d.status, d.due_date, today=around_today, horizon=horizon), d.code


def test_pure_rule_cases():
    today, horizon = dt.date(2026, 12, 4), dt.date(2026, 12, 7)  # a Friday and the Monday after
    assert deadline_flag("processing", dt.date(2026, 12, 3), today=today, horizon=horizon) == "overdue"
    assert deadline_flag("received", today, today=today, horizon=horizon) == "today"
    assert deadline_flag("processing", dt.date(2026, 12, 7), today=today, horizon=horizon) == "soon"
    assert deadline_flag("processing", dt.date(2026, 12, 8), today=today, horizon=horizon) == ""
    assert deadline_flag("supplement_requested", dt.date(2026, 12, 1), today=today, horizon=horizon) == ""
    assert deadline_flag("returned", dt.date(2026, 12, 1), today=today, horizon=horizon) == ""


def test_date_filters_have_labels_and_show_dd_mm_yyyy(client, org, quarter):
    client.force_login(org.office)
    page = client.get(reverse("procedures:register"), {"from": "2026-03-01", "to": "31/03/2026"}).content.decode()
    assert '<label class="form-label small mb-0" for="f-from">' in page and 'for="f-to"' in page
    assert 'type="date"' not in page and page.count('data-datepicker="date"') == 2
    assert 'value="01/03/2026"' in page and 'value="31/03/2026"' in page  # ISO typed, shown as dd/mm/yyyy
    # a reception time is shown in local time: 09:00 in Hanoi is 02:00 UTC
    assert "09/03/2026 09:00" in page
