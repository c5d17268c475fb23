"""The one page as a workbook (targets/excel.py): the same rows and figures as the page."""

import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from targets import selectors
from targets.excel import HEADERS
from targets.models import Target, TargetReading


def _sheet(response):
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def _table(ws):
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[: len(HEADERS)] == HEADERS)
    return [row for row in rows[start + 1 :] if any(v is not None for v in row)]


def test_the_export_holds_the_page_s_rows_and_figures(login, org, targets_of_each_kind):
    response = login(org.leader).get(reverse("targets:board"), {"export": "xlsx"})
    assert response.status_code == 200
    assert "bang-dieu-hanh-ket-qua.xlsx" in response["Content-Disposition"]
    table = _table(_sheet(response))
    expected = selectors.rows(
        Target.objects.filter(plan=targets_of_each_kind.computed.plan), today=timezone.localdate()
    )
    assert [row[1] for row in table] == [r.target.code for r in expected]
    by_code = {row[1]: row for row in table}
    computed = by_code[targets_of_each_kind.computed.code]
    assert computed[9] == 90  # the actual, a native number (9 of 10)
    assert computed[13] == str(next(r for r in expected if r.target.code == computed[1]).status_label)
    assert computed[7] == 90 and computed[14] == org.unit_a.name


def test_the_export_follows_the_filters(login, org, make_target):
    make_target(code="KEEP", owner_unit=org.unit_b)
    make_target(code="DROP", owner_unit=org.unit_a)
    done = make_target(code="DONE", owner_unit=org.unit_b, direction="yes", target_value=None)
    TargetReading.objects.create(target=done, as_of=timezone.localdate(), value=Decimal(1))
    response = login(org.leader).get(
        reverse("targets:board"), {"export": "xlsx", "unit": org.unit_b.pk, "status": "no_data"}
    )
    assert [row[1] for row in _table(_sheet(response))] == ["KEEP"]
