"""The desk /pakn/ (feedback.views.desk, feedback.selectors): a redacted excerpt, the sender's
type, the deadline state in words, search without diacritics, filters, pages, and the same rows
as a Vietnamese workbook (the Open311 CSV stays, for integration) (D19)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from openpyxl import load_workbook

from feedback import services
from feedback.deadlines import deadline_state
from feedback.models import Feedback, SenderType
from feedback.selectors import EXPORT_HEADERS, DeskFilters

DESK = reverse("feedback:desk")


@pytest.fixture
def office(client, org):
    client.force_login(org.office)
    return client


def _due(item, days):
    """The item's answer date moved to `days` from today."""
    Feedback.objects.filter(pk=item.pk).update(due_answer=timezone.localdate() + dt.timedelta(days=days))


def _codes(response):
    return {item.code for item, _state, _label in response.context["rows"]}


def test_deadline_state():
    today = dt.date(2026, 12, 7)
    assert deadline_state(None, today) == ("", 0)
    assert deadline_state(dt.date(2026, 12, 5), today) == ("overdue", 2)
    assert deadline_state(today, today) == ("due_soon", 0)
    assert deadline_state(dt.date(2026, 12, 10), today) == ("due_soon", 3)
    assert deadline_state(dt.date(2026, 12, 11), today) == ("later", 4)


def test_the_desk_lists_a_redacted_excerpt_the_sender_and_the_deadline_in_words(office, item, receive):
    organisation = receive(sender_type="organisation", name="Công ty TNHH Hữu Nghị", content="Thủ tục chậm " * 30)
    _due(item, -2)
    _due(organisation, 5)
    page = office.get(DESK)
    html = page.content.decode()
    assert "hồ sơ [mã hồ sơ] bị yêu cầu thêm giấy tờ" in html  # the content, redacted
    for private in ("Nguyễn Văn Bình", "0912 345 678", "H38.15-260810-0001"):
        assert private not in html
    excerpt = html.split('class="excerpt">')[1].split("</span>")[0]
    assert len(excerpt) <= 120  # a long text is cut to an excerpt
    labels = {i.code: (state, label) for i, state, label in page.context["rows"]}
    assert labels[item.code] == ("overdue", ngettext("%(n)s day overdue", "%(n)s days overdue", 2) % {"n": 2})
    assert labels[organisation.code] == ("later", ngettext("%(n)s day left", "%(n)s days left", 5) % {"n": 5})
    assert str(SenderType.ORGANISATION.label) in html and str(SenderType.PERSON.label) in html


def test_the_desk_counts_its_queries(office, receive, django_assert_max_num_queries):
    for n in range(35):
        receive(content=f"Phản ánh số {n} về hồ sơ chậm")
    with django_assert_max_num_queries(12):
        page = office.get(DESK)
    assert len(page.context["rows"]) == 30 and page.context["page"].paginator.count == 35
    second = office.get(DESK, {"page": 2})
    assert len(second.context["rows"]) == 5


def test_the_search_ignores_diacritics_and_case(office, receive):
    slow = receive(content="Hồ sơ đất đai giải quyết chậm", name="Trần Thị Hoa")
    other = receive(content="Cán bộ tiếp dân thiếu lịch sự", name="Lê Văn Nam")
    assert _codes(office.get(DESK, {"q": "ho so dat dai"})) == {slow.code}
    assert _codes(office.get(DESK, {"q": "ĐẤT ĐAI"})) == {slow.code}
    assert _codes(office.get(DESK, {"q": "tran thi hoa"})) == {slow.code}  # by the sender's name
    assert _codes(office.get(DESK, {"q": other.code.lower()})) == {other.code}  # by the code
    assert _codes(office.get(DESK, {"q": "lich su tiep dan"})) == {other.code}  # words in any order
    assert _codes(office.get(DESK, {"q": "không có"})) == set()


def test_the_filters(office, org, receive):
    phoned = receive(channel="phone", content="Điện thoại phản ánh")
    online = receive(content="Trực tuyến phản ánh")
    services.classify(item=phoned, actor=org.office, category="conduct", within_competence=True, unit=org.unit_a)
    old = receive(content="Phản ánh cũ", at=timezone.now() - dt.timedelta(days=40))
    _due(phoned, 1)
    _due(online, 10)
    assert _codes(office.get(DESK, {"channel": "phone"})) == {phoned.code}
    assert _codes(office.get(DESK, {"category": "conduct"})) == {phoned.code}
    assert _codes(office.get(DESK, {"unit": org.unit_a.pk})) == {phoned.code}
    assert _codes(office.get(DESK, {"status": "processing"})) == {phoned.code}
    assert _codes(office.get(DESK, {"due": "overdue"})) == {old.code}
    assert _codes(office.get(DESK, {"due": "due_soon"})) == {phoned.code}
    assert _codes(office.get(DESK, {"due": "later"})) == {online.code}
    assert _codes(office.get(DESK, {"flag": "overdue"})) == {old.code}  # the old link still works
    today = timezone.localdate()
    recent = {"from": f"{today - dt.timedelta(days=7):%d/%m/%Y}", "to": f"{today:%d/%m/%Y}"}
    assert _codes(office.get(DESK, recent)) == {phoned.code, online.code}
    assert _codes(office.get(DESK, {"to": (today - dt.timedelta(days=30)).isoformat()})) == {old.code}
    assert _codes(office.get(DESK, {"channel": "bogus", "unit": "x"})) == {phoned.code, online.code, old.code}


def test_filters_are_kept_in_the_pager_and_the_export_link(office, receive):
    for n in range(31):
        receive(content=f"Hồ sơ đất đai số {n}")
    html = office.get(DESK, {"q": "đất đai", "channel": "online"}).content.decode()
    assert "q=%C4%91%E1%BA%A5t+%C4%91ai&amp;channel=online&amp;page=2" in html
    assert "channel=online&amp;export=xlsx" in html
    assert DeskFilters.from_query({"from": "01/12/2026"}).query() == {"from": "01/12/2026"}


def test_the_workbook_has_vietnamese_headers_and_values(office, item, receive):
    receive(content="Phản ánh khác", channel="phone")
    _due(item, -1)
    response = office.get(DESK, {"channel": "online", "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row[0] == EXPORT_HEADERS[0])
    assert list(rows[header_at][: len(EXPORT_HEADERS)]) == EXPORT_HEADERS
    data = [row for row in rows[header_at + 1 :] if row[0]]
    assert [row[0] for row in data] == [item.code]  # the page's filters apply
    row = dict(zip(EXPORT_HEADERS, data[0], strict=False))
    assert row["Kênh tiếp nhận"] == "Biểu mẫu trực tuyến" and row["Trạng thái"] == "Đã tiếp nhận"
    assert row["Người gửi"] == "Cá nhân"
    assert row["Tình trạng hạn"] == ngettext("%(n)s day overdue", "%(n)s days overdue", 1) % {"n": 1}
    assert isinstance(row["Hạn trả lời"], dt.datetime | dt.date)
    assert "Nguyễn Văn Bình" not in str(data) and "0912" not in str(data)  # never the sender's details


def test_the_open311_export_stays_for_integration(office, item):
    html = office.get(DESK).content.decode()
    assert reverse("feedback:export") + "?format=csv" in html
    csv = office.get(reverse("feedback:export"), {"format": "csv"})
    assert b"service_request_id" in b"".join(csv.streaming_content)


def test_an_officer_sees_only_the_items_of_their_unit(client, org, receive):
    mine = receive(content="Của phòng QLDN")
    receive(content="Chưa phân công")
    services.classify(item=mine, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    client.force_login(org.officer)
    assert _codes(client.get(DESK)) == {mine.code}
    export = client.get(DESK, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    codes = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert mine.code in codes and len({c for c in codes if c and str(c).startswith("PA-")}) == 1
