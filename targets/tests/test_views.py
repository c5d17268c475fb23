"""The leaders' one page, a target's page and its forms (targets/views.py)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.navigation import menu, panels
from plans.tests.conftest import PDF
from scorecards.models import TaskLink
from targets import selectors, views
from targets.models import Status, Target, TargetReading, TargetSnapshot
from targets.status import Verdict
from targets.tests.conftest import FAKE_KEY

BOARD = reverse("targets:board")


def _rows_in(response) -> list[str]:
    return re.findall(r'<tr data-target="([^"]+)" data-status="([^"]+)"', response.content.decode())


# --- the one page ---------------------------------------------------------------------------------


def test_the_board_lists_every_target_with_its_figures_and_click_through(login, org, targets_of_each_kind):
    kinds = targets_of_each_kind
    kinds.series.to_be_confirmed = True
    kinds.series.save()
    response = login(org.leader).get(BOARD)
    assert response.status_code == 200
    page = response.content.decode()
    expected = selectors.rows(Target.objects.filter(plan=kinds.computed.plan), today=timezone.localdate())
    assert [code for code, _status in _rows_in(response)] == [r.target.code for r in expected]
    assert dict(_rows_in(response)) == {r.target.code: r.status for r in expected}
    assert 'href="/fake/2026/"' in page  # the computed measure's records
    assert "9/10 (90,00 %)" in page
    assert "to be confirmed" in page or "cần xác nhận" in page.lower()
    assert page.count('loading="lazy"') == len(expected)  # a lazy sparkline per target


def test_the_summary_counts_each_status_and_the_status_filter_keeps_one(login, org, make_target):
    make_target(measure=Target.Measure.MANUAL)  # no value: no data
    done = make_target(direction=Target.Direction.YES, target_value=None)
    TargetReading.objects.create(target=done, as_of=timezone.localdate(), value=Decimal(1))
    client = login(org.leader)
    page = client.get(BOARD).content.decode()
    assert re.search(r'data-status="no_data"[^>]*><div class="value">1<', page)
    assert re.search(r'data-status="on_track"[^>]*><div class="value">1<', page)
    filtered = client.get(BOARD, {"status": Status.NO_DATA})
    assert [status for _code, status in _rows_in(filtered)] == [Status.NO_DATA]


def test_the_filters_by_domain_element_and_unit(login, org, make_target):
    make_target(code="A", par_domain=3, owner_unit=org.unit_a)
    make_target(code="B", par_domain=7, sipas_element="access", owner_unit=org.unit_b)
    client = login(org.leader)
    assert [c for c, _s in _rows_in(client.get(BOARD, {"par_domain": 3}))] == ["A"]
    assert [c for c, _s in _rows_in(client.get(BOARD, {"sipas_element": "access"}))] == ["B"]
    assert [c for c, _s in _rows_in(client.get(BOARD, {"unit": org.unit_b.pk}))] == ["B"]
    assert [c for c, _s in _rows_in(client.get(BOARD, {"unit": "x"}))] == ["A", "B"]  # a wrong value: no filter


def test_the_rows_are_grouped_by_plan_section_in_plan_order(login, org, make_target):
    make_target(code="Z1", section="II.1.c")
    make_target(code="Z2", section="II.1.a")
    response = login(org.leader).get(BOARD)
    page = response.content.decode()
    assert page.index("Cải cách TTHC") > page.index("Chỉ đạo, điều hành")  # II.1.a comes first in the plan
    assert [code for code, _status in _rows_in(response)] == ["Z2", "Z1"]


def test_the_board_runs_the_same_queries_for_3_and_20_targets(login, org, make_target, make_task, fake_metric):
    task = make_task()

    def add(n):
        for _ in range(n):
            target = make_target(measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY, tasks=[task])
            TargetSnapshot.objects.create(
                target=target, period_end=dt.date(2026, 1, 31), period_label="T1", value=Decimal(5), status="at_risk"
            )

    client = login(org.leader)
    add(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BOARD).status_code == 200
    add(17)
    with CaptureQueriesContext(connection) as many:
        assert len(_rows_in(client.get(BOARD))) == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_print_view_has_no_menu_and_an_a4_landscape_page(login, org, make_target):
    make_target(code="P1")
    page = login(org.leader).get(BOARD, {"print": "1"}).content.decode()
    assert "P1" in page
    assert "app-sidenav" not in page and "A4 landscape" in page
    assert "app-sidenav" in login(org.leader).get(BOARD).content.decode()


def test_a_member_of_another_agency_sees_only_their_own_agency(login, org, make_target):
    make_target(code="MINE")
    response = login(org.outsider).get(BOARD)
    assert response.status_code == 200 and "MINE" not in response.content.decode()


def test_the_board_needs_a_login(client):
    assert client.get(BOARD).status_code == 302


# --- sparklines -----------------------------------------------------------------------------------


def test_the_sparkline_is_an_svg_cached_by_the_hash_of_its_points(login, org, make_target):
    target = make_target()
    TargetSnapshot.objects.create(
        target=target, period_end=dt.date(2026, 1, 31), period_label="T1", value=Decimal(50), status="at_risk"
    )
    client = login(org.leader)
    src = re.search(r'src="([^"]+spark.svg\?v=\w+)"', client.get(BOARD).content.decode()).group(1)
    first = client.get(src)
    assert first.status_code == 200 and first["Content-Type"] == "image/svg+xml"
    assert first.content.startswith(b"<svg") and b"<script" not in first.content
    assert "max-age" in first["Cache-Control"] and "private" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as cached:
        assert client.get(src).content == first.content
    with CaptureQueriesContext(connection) as fresh:
        client.get(src.replace("?v=", "?v=0"))  # an unknown version is drawn again
    assert len(cached.captured_queries) < len(fresh.captured_queries)


def test_a_target_of_another_agency_is_missing(login, org, make_target):
    target = make_target()
    client = login(org.outsider)
    assert client.get(reverse("targets:detail", args=[target.pk])).status_code == 404
    assert client.get(reverse("targets:spark", args=[target.pk])).status_code == 404


# --- a target's page --------------------------------------------------------------------------------


def test_the_target_page_quotes_the_plan_and_explains_the_status(login, org, make_target, make_task):
    task = make_task(code="PL9.9")
    target = make_target(source_text="Phấn đấu 90% hồ sơ đúng hạn", tasks=[task], criteria=["1.5"])
    TargetSnapshot.objects.create(
        target=target, period_end=dt.date(2026, 1, 31), period_label="Tháng 1/2026", value=Decimal(50), status="at_risk"
    )
    response = login(org.leader).get(reverse("targets:detail", args=[target.pk]))
    page = response.content.decode()
    row = selectors.row_for(target, today=timezone.localdate())
    assert response.status_code == 200
    assert "Phấn đấu 90% hồ sơ đúng hạn" in page and "II.1.a" in page
    assert views.explain(row) in page.replace("&#x27;", "'")
    assert "PL9.9" in page and "1.5" in page and "Tháng 1/2026" in page
    assert "<svg" in page  # the trend chart


@pytest.mark.parametrize(
    ("verdict", "words"),
    [
        (Verdict("on_track", "R7", expected=Decimal("62.5")), "62,5"),
        (Verdict("at_risk", "R9", projected=Decimal("91.25")), "91,25"),
        (Verdict("off_track", "R4", gap=Decimal(3)), "31/12/2026"),
        (Verdict("no_data", "R1"), ""),
    ],
)
def test_each_rule_reads_as_a_sentence_with_its_figure(make_target, verdict, words):
    row = selectors.Row(make_target(), selectors.NO_ACTUAL, verdict)
    sentence = views.explain(row)
    assert sentence and words in sentence


def test_a_province_target_lists_the_agencies_targets_serving_it(login, org, make_target, province_target):
    child = make_target(code="CON", parent=province_target)
    page = login(org.appraiser).get(reverse("targets:detail", args=[province_target.pk])).content.decode()
    assert "CON" in page and reverse("targets:detail", args=[child.pk]) in page
    own = login(org.leader).get(reverse("targets:detail", args=[child.pk])).content.decode()
    assert province_target.name in own  # the province target it serves


# --- forms ------------------------------------------------------------------------------------------


def _form(plan, **fields):
    data = {
        "plan": plan.pk,
        "code": "NEW1",
        "name": "Tỷ lệ mới",
        "unit": "%",
        "direction": "at_least",
        "target_value": "90",
        "due_date": "31/12/2026",
        "baseline_label": "2025",
        "measure": "manual",
        "order": "0",
    }
    data.update(fields)
    return data


def test_a_manager_creates_a_target_with_tasks_of_the_plan(login, org, plan, task):
    response = login(org.office).post(reverse("targets:new"), _form(plan, tasks=[task.pk]))
    target = Target.objects.get(code="NEW1")
    assert response.status_code == 302 and response["Location"] == reverse("targets:detail", args=[target.pk])
    assert list(target.tasks.all()) == [task] and target.agency == org.agency
    assert AuditEntry.objects.filter(action="target.created", object_id=str(target.pk)).exists()


def test_a_bad_target_comes_back_with_what_was_typed_and_400(login, org, plan):
    response = login(org.office).post(reverse("targets:new"), _form(plan, target_value="", name="Giữ lại"))
    assert response.status_code == 400
    assert "Giữ lại" in response.content.decode()
    assert response.context["form"].errors["target_value"]
    assert not Target.objects.filter(code="NEW1").exists()


def test_officers_and_auditors_may_not_create_or_edit(login, org, make_target):
    target = make_target()
    for person in (org.officer, org.auditor):
        client = login(person)
        assert client.get(reverse("targets:new")).status_code == 403
        assert client.get(reverse("targets:edit", args=[target.pk])).status_code == 403


def test_the_edit_form_offers_only_the_plan_s_tasks(login, org, make_target, task):
    target = make_target()
    form = login(org.leader).get(reverse("targets:edit", args=[target.pk])).context["form"]
    assert list(form.fields["tasks"].queryset) == [task]
    assert all(t.agency.kind == "home_affairs" for t in form.fields["parent"].queryset)


def test_the_owner_unit_enters_a_value_with_its_evidence(login, org, make_target):
    target = make_target(direction=Target.Direction.YES, target_value=None, owner_unit=org.unit_a)
    upload = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    data = {
        "as_of": timezone.localdate().strftime("%d/%m/%Y"),
        "value": "1",
        "doc-abstract": "Kế hoạch",
        "doc-file": upload,
    }
    response = login(org.officer).post(reverse("targets:enter_reading", args=[target.pk]), data)
    assert response.status_code == 302
    reading = target.readings.get()
    assert reading.value == 1 and reading.evidence.get().abstract == "Kế hoạch"


def test_a_value_without_evidence_is_refused_and_kept(login, org, make_target):
    target = make_target()
    data = {"as_of": timezone.localdate().strftime("%d/%m/%Y"), "value": "77", "doc-abstract": "Báo cáo"}
    response = login(org.officer).post(reverse("targets:enter_reading", args=[target.pk]), data)
    assert response.status_code == 400 and not target.readings.exists()
    assert response.context["document_form"].errors["file"]
    assert 'value="77"' in response.content.decode()


def test_a_refused_value_leaves_no_document_behind(login, org, make_target):
    target = make_target(direction=Target.Direction.YES, target_value=None)
    upload = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    data = {"as_of": timezone.localdate().strftime("%d/%m/%Y"), "value": "5", "doc-abstract": "Sai", "doc-file": upload}
    response = login(org.officer).post(reverse("targets:enter_reading", args=[target.pk]), data)
    assert response.status_code == 400 and response.context["reading_form"].errors["value"]
    from core.models import Document

    assert not Document.objects.filter(abstract="Sai").exists()


def test_an_officer_of_another_unit_may_not_enter_a_value(login, org, make_target):
    target = make_target(owner_unit=org.unit_a)
    response = login(org.other_officer).post(reverse("targets:enter_reading", args=[target.pk]), {"value": "1"})
    assert response.status_code == 403


def test_a_manager_corrects_a_period_value_with_a_reason(login, org, make_target):
    target = make_target()
    snapshot = TargetSnapshot.objects.create(
        target=target, period_end=dt.date(2026, 1, 31), period_label="Tháng 1/2026", value=Decimal(50), status="at_risk"
    )
    url = reverse("targets:correct", args=[target.pk, snapshot.pk])
    client = login(org.office)
    refused = client.post(url, {"value": "55", "reason": ""})
    assert refused.status_code == 400 and 'value="55"' in refused.content.decode()
    assert client.post(url, {"value": "55", "reason": "Sổ cập nhật muộn"}).status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.value == 55 and snapshot.correction_reason == "Sổ cập nhật muộn"
    assert login(org.officer).post(url, {"value": "1", "reason": "x"}).status_code == 403


# --- the task page, the menu and the landing page ---------------------------------------------------


def test_the_task_page_shows_the_targets_and_criteria_it_serves(login, org, make_target, task):
    target = make_target(code="SERVED", tasks=[task])
    TaskLink.objects.create(task=task, set_code="par-2026", code="1.5")
    page = login(org.officer).get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert reverse("targets:detail", args=[target.pk]) in page and "SERVED" in page and ">1.5<" in page


def test_the_menu_leads_members_to_the_board(org, rf):
    urls = [item["url"] for area in menu(org.leader, org.agency) for item in [area, *area["items"]]]
    assert BOARD in urls
    assert BOARD not in [a["url"] for a in menu(org.outsider, org.agency)]


def test_the_leader_s_panel_counts_the_targets_off_track(org, make_target):
    today = timezone.localdate()
    make_target(direction=Target.Direction.ZERO, target_value=None, measure=Target.Measure.MANUAL)
    off = make_target(direction=Target.Direction.ZERO, target_value=None)
    TargetReading.objects.create(target=off, as_of=today, value=Decimal(4))
    found = {p.key: p for p in panels(org.leader, org.agency, today)}
    panel = found.get("targets")
    if today.year != 2026:
        pytest.skip("the demo plan is of 2026")
    assert panel is not None and panel.counts[0].value == 1 and off.code in panel.rows[0].label
    assert "targets" not in {p.key for p in panels(org.officer, org.agency, today)}


def test_a_section_written_otherwise_sits_with_its_plan_section(login, org, plan, make_target):
    from plans.models import Section

    Section.objects.create(plan=plan, code="II.1.dd", title="Cải cách công vụ", order=4)
    make_target(code="D1", section="II.1.đ")
    make_target(code="C1", section="II.1.c; II.1.g")
    make_target(code="A1", section="II.1.a.1")
    make_target(code="X1", section="IX")
    response = login(org.leader).get(BOARD)
    assert [code for code, _status in _rows_in(response)] == ["A1", "C1", "D1", "X1"]
    assert "Cải cách công vụ" in response.content.decode()


def test_the_evidence_of_a_value_opens_for_whoever_sees_the_target(client, org, make_target):
    """Found by the independent review: the value's proof answered 404 to a unit officer who sees
    the target (core.access.DOCUMENT_VISIBILITY now knows the targets)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.services import create_document
    from targets import services

    target = make_target(direction="yes", target_value=None, owner_unit=org.unit_b)
    pdf = SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%%EOF\n")
    doc = create_document(
        actor=org.office, agency=org.agency, unit=org.unit_b, fileobj=pdf, filename="bb.pdf", abstract="Báo cáo"
    )
    services.enter_reading(
        actor=org.office, target=target, as_of=target.plan.issued_on or dt.date(2026, 3, 1), value=1, documents=[doc]
    )
    client.force_login(org.officer)  # QLDN: neither the document's unit nor its uploader
    assert client.get(reverse("targets:detail", args=[target.pk])).status_code == 200
    assert client.get(reverse("evidence_detail", args=[doc.pk])).status_code == 200
    client.force_login(org.outsider)
    assert client.get(reverse("evidence_detail", args=[doc.pk])).status_code == 404


def test_a_decimal_comma_is_read_as_vietnamese_type_it(org):
    """Found by the new user's walk: "95,5" became 955 (the browser's number box)."""
    from targets.forms import ReadingForm, TargetForm

    form = ReadingForm({"as_of": "01/03/2026", "value": "95,5"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == Decimal("95.5")
    assert 'inputmode="decimal"' in str(form["value"])
    target = TargetForm({"unit": "%", "target_value": "955"}, agency=org.agency)
    assert not target.is_valid() and "target_value" in target.errors


def test_the_status_cards_keep_the_other_filters(client, org, make_target):
    """Found by the new user's walk: a card's link dropped the unit filter, and the total did not
    say how many of them the status filter shows."""
    make_target(code="CT-A", owner_unit=org.unit_a)
    make_target(code="CT-B", owner_unit=org.unit_b)
    client.force_login(org.office)
    page = client.get(reverse("targets:board"), {"unit": org.unit_a.pk, "status": "no_data"})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"unit={org.unit_a.pk}&amp;status=on_track" in html
    assert 'data-status="no_data" href="?' in html and 'aria-current="true"' in html
