"""The dossier's page after a whole walk through the counter's steps (issue 20, D1 and D31): the
history in Vietnamese words with local dd/mm/yyyy times, and one clear due date that says why it
moved."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from core import audit
from procedures import services
from procedures.models import Dossier
from procedures.tests.helpers import D, at

MAX_PAGE_QUERIES = 20  # 33 when each unit name in the history was a query of its own
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(T|\s\d)|\+00:00")
RAW_KEYS = re.compile(
    r"\b(dossier\.[a-z_]+|[a-z]+_(at|id|count|date|reason|result)|True|False|None|supplement_requested|processing)\b"
)


def history_of(page: str) -> str:
    return page.split('<section class="panel">\n  <h2>', 4)[-1]  # from the history's panel on


def test_a_walk_through_the_counter_leaves_a_history_in_words(client, org, procedure, cal):
    client.force_login(org.officer)
    received = {
        "procedure": procedure.pk,
        "checklist_for": procedure.pk,
        "unit": org.unit_a.pk,
        "channel": "direct",
        "received_at": "09/03/2026 09:00",
        "applicant_kind": "individual",
        "applicant_title": "ms",
        "applicant_name": "Hoàng Thị Mai",
        "sets": 1,
        "result_delivery": "desk",
        "digitized": "on",
    }
    assert client.post(reverse("procedures:receive"), received).status_code == 302
    dossier = Dossier.objects.get()
    steps = [
        ("handover", {"receiver": "Phòng Quản lý doanh nghiệp", "to_unit": org.unit_b.pk, "step_due": "12/03/2026"}),
        ("supplement", {"missing": "Bản sao điều lệ", "items": "Sửa tên dự án cho đúng đăng ký"}),
        ("supplement_done", {}),
        ("finish", {"outcome": "finished", "e_result": "on", "confirm": "on"}),
        ("return_result", {}),
    ]
    for name, data in steps:
        response = client.post(reverse(f"procedures:{name}", args=[dossier.pk]), data)
        assert response.status_code == 302, name
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    history = history_of(html)
    assert "Lịch sử" in html and len(page.context["history"]) == 6
    assert not ISO_MOMENT.search(html), ISO_MOMENT.search(html)
    assert not RAW_KEYS.search(history), RAW_KEYS.search(history)
    with translation.override("vi"):
        for action in ("dossier.received", "dossier.handed_over", "dossier.supplement_requested", "dossier.returned"):
            assert audit.action_label(action) in history
    assert f"→ {org.unit_b.name}" in history  # the unit by its name
    assert "→ 23/03/2026" in history  # the due date as dd/mm/yyyy
    assert "→ có" in history  # yes/no in words


def test_the_history_of_a_dossier_asks_a_bounded_number_of_queries(client, org, dossier, django_assert_max_num_queries):
    for number in range(8):  # the unit changes each time: a unit name in every entry
        unit = (org.unit_b, org.unit_a)[number % 2]
        services.hand_over(dossier=dossier, actor=org.office, giver="Một cửa", receiver=f"Người {number}", to_unit=unit)
    client.force_login(org.office)
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        assert client.get(reverse("procedures:dossier", args=[dossier.pk])).status_code == 200


@pytest.mark.parametrize(
    ("pause", "shown", "moved"),
    [
        (dt.timedelta(seconds=20), D(2026, 3, 23), False),  # D31: 20 seconds move nothing
        (dt.timedelta(hours=30), D(2026, 3, 24), True),
        (dt.timedelta(days=6), D(2026, 3, 29), True),  # one_stop.md §8 D/E: end of 23/03 + 6 days
    ],
)
def test_one_due_date_moved_by_whole_days_of_the_supplement_pause(org, dossier, pause, shown, moved):
    start = at(2026, 3, 12, 10)
    services.request_supplement(dossier=dossier, actor=org.office, items="Bản sao", at=start)
    services.complete_supplement(dossier=dossier, actor=org.office, at=start + pause)
    dossier.refresh_from_db()
    due = services.due_shown(dossier)
    assert (due.date, due.time, due.moved, due.waiting) == (shown, None, moved, False)


def test_a_limit_in_hours_shows_its_time_moved_by_the_pause(org, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(due_date=D(2026, 3, 11), due_time=dt.time(14, 30))
    dossier.refresh_from_db()
    assert services.due_shown(dossier).time == dt.time(14, 30) and not services.due_shown(dossier).moved
    services.request_supplement(dossier=dossier, actor=org.office, items="Bản sao", at=at(2026, 3, 10, 9))
    dossier.refresh_from_db()
    assert services.due_shown(dossier).waiting
    services.complete_supplement(dossier=dossier, actor=org.office, at=at(2026, 3, 10, 11, 15))
    dossier.refresh_from_db()
    due = services.due_shown(dossier)
    assert (due.date, due.time, due.moved) == (D(2026, 3, 11), dt.time(16, 45), True)


def test_the_page_shows_one_due_date_and_why_it_did_not_move(client, org, dossier):
    start = at(2026, 3, 12, 10)
    services.request_supplement(dossier=dossier, actor=org.office, items="Bản sao", at=start)
    services.complete_supplement(dossier=dossier, actor=org.office, at=start + dt.timedelta(seconds=20))
    client.force_login(org.officer)
    html = client.get(reverse("procedures:dossier", args=[dossier.pk])).content.decode()
    assert "<strong>23/03/2026</strong>" in html and "24/03/2026" not in html and "00:00" not in html
    assert "10:00 12/03/2026" in html  # the wait it speaks of
