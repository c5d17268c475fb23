"""The leaders' one page of targets in Chromium (issue 22): the leader filters it, follows a
target to what produced its number, and opens the print view; screenshots in var/screenshots/
(docs/screenshots/targets_board.png keeps the copy looked at)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Agency, Unit
from plans.models import Plan, Task
from targets.models import Target, TargetReading, TargetSnapshot

pytestmark = pytest.mark.e2e


def _targets() -> Plan:
    """The demo's targets, or (before the demo has any) a few made here: one computed from the
    dossiers, one from the plan's own tasks, one entered with evidence and not done yet."""
    agency = Agency.objects.get(code="BQLKKTCK")
    plan = Plan.objects.filter(agency=agency).order_by("-year").first()
    if Target.objects.filter(plan=plan).exists():
        return plan
    unit = Unit.objects.filter(agency=agency).first()
    tasks = list(Task.objects.filter(plan=plan).order_by("code")[:3])
    year = plan.year
    made = [
        Target.objects.create(
            plan=plan,
            agency=agency,
            code="CT01",
            name="Tỷ lệ hồ sơ giải quyết đúng hạn",
            section="II.1.c",
            source_text="100% hồ sơ TTHC được giải quyết đúng hạn",
            measure=Target.Measure.COMPUTED,
            measure_key="dossier_on_time_rate",
            target_value=Decimal(100),
            baseline=Decimal(97),
            due_date=dt.date(year, 12, 31),
            owner_unit=unit,
            par_domain=3,
            order=1,
        ),
        Target.objects.create(
            plan=plan,
            agency=agency,
            code="CT02",
            name="Nhiệm vụ của kế hoạch hoàn thành đúng hạn",
            section="II.1.a",
            measure=Target.Measure.COMPUTED,
            measure_key="linked_tasks_on_time_rate",
            target_value=Decimal(100),
            due_date=dt.date(year, 12, 31),
            owner_unit=unit,
            par_domain=1,
            order=2,
        ),
        Target.objects.create(
            plan=plan,
            agency=agency,
            code="CT03",
            name="Ban hành kế hoạch chuyển đổi số",
            section="II.1.g",
            direction=Target.Direction.YES,
            measure=Target.Measure.MANUAL,
            due_date=dt.date(year, 12, 31),
            owner_unit=unit,
            par_domain=7,
            to_be_confirmed=True,
            order=3,
        ),
    ]
    made[1].tasks.set(tasks)
    TargetReading.objects.create(target=made[2], as_of=timezone.localdate(), value=Decimal(0))
    for month in range(1, 4):
        TargetSnapshot.objects.create(
            target=made[0],
            period_end=dt.date(year, month + 1, 1) - dt.timedelta(days=1),
            period_label=f"Tháng {month}/{year}",
            value=Decimal(96 + month),
            status="at_risk",
        )
    return plan


def test_the_leader_filters_the_board_follows_a_number_and_prints(page, live_server, demo, log_in, shot):
    plan = _targets()
    targets = list(Target.objects.filter(plan=plan))
    log_in("lanhdao")
    page.wait_for_url(lambda url: "/login/" not in url)  # the landing page after the log-in
    page.goto(f"{live_server.url}/")
    page.locator("#sidenav a[href='/targets/']").first.click()  # the menu entry "Bảng điều hành kết quả"
    expect(page.locator("h1")).to_be_visible()
    assert page.url.endswith("/targets/")
    rows = page.locator("tr[data-target]")
    expect(rows).to_have_count(len(targets))
    sparks = page.locator("tr[data-target] img[loading=lazy]")
    for i in range(sparks.count()):  # lazy: each sparkline loads when scrolled into view
        sparks.nth(i).scroll_into_view_if_needed()
        expect(sparks.nth(i)).to_have_js_property("complete", True)
        assert sparks.nth(i).evaluate("img => img.naturalWidth") > 0
    page.evaluate("window.scrollTo(0, 0)")
    shot("targets-board")

    # the filter by PAR domain keeps the targets of that domain only
    page.select_option("#id_par_domain", "3")
    page.get_by_role("button", name="Lọc").click()
    kept = sorted(t.code for t in targets if t.par_domain == 3)
    expect(rows).to_have_count(len(kept))
    assert sorted(rows.evaluate_all("trs => trs.map(tr => tr.dataset.target)")) == kept

    # a target's page: the plan's sentence, its status explained, and the link to its records
    first = rows.first.get_attribute("data-target")
    rows.first.locator("td").nth(1).locator("a").click()
    expect(page.locator("h1")).to_contain_text(first)
    expect(page.locator(".explanation")).not_to_be_empty()
    expect(page.locator(".trend-chart svg")).to_be_visible()
    link = page.locator("dd.actual a")
    if link.count():
        href = link.first.get_attribute("href")
        link.first.click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(href) or href in page.url
    shot("targets-detail")

    # the print view: no menu, every target
    page.goto(f"{live_server.url}/targets/?plan={plan.pk}&print=1")
    expect(page.locator("#sidenav")).to_have_count(0)
    expect(page.locator("tr[data-target]")).to_have_count(len(targets))
    shot("targets-print")
