"""core.web: the helpers every app's views share."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from core.services import StepRefused
from core.web import XLSX, back_or, download, parse_date, refuses_politely


def _request(referer=None):
    request = RequestFactory().post("/x", HTTP_REFERER=referer) if referer else RequestFactory().post("/x")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("07/12/2026", dt.date(2026, 12, 7)),
        ("2026-12-07", dt.date(2026, 12, 7)),
        (" ", None),
        (None, None),
        ("31/02/2026", None),
        ("hôm nay", None),
        ("2026-13-01", None),
    ],
)
def test_parse_date_takes_both_ways_people_type_a_date(text, day):
    assert parse_date(text) == day


def test_a_refused_step_is_a_message_on_the_page_the_user_came_from():
    @refuses_politely("notifications")
    def view(request, pk):
        raise StepRefused("Nhiệm vụ đã được duyệt.")

    response = view(_request("http://testserver/plans/tasks/3/"), pk=3)
    assert response.status_code == 302 and response.url == "http://testserver/plans/tasks/3/"
    request = _request("https://evil.example/")
    response = view(request, pk=3)
    assert response.url == "/notifications/"  # a foreign referer is not followed
    assert [str(m) for m in get_messages(request)] == ["Nhiệm vụ đã được duyệt."]


def test_a_refused_step_can_go_to_a_fixed_page_built_from_the_arguments():
    @refuses_politely(lambda request, kwargs: f"/dossiers/{kwargs['pk']}/", referer=False)
    def view(request, pk):
        raise StepRefused("no")

    assert view(_request("http://testserver/elsewhere/"), pk=9).url == "/dossiers/9/"


def test_other_errors_are_not_swallowed():
    @refuses_politely("notifications")
    def view(request):
        raise ValueError("bug")

    with pytest.raises(ValueError, match="bug"):
        view(_request())


def test_back_or_needs_our_own_host():
    assert back_or(_request("http://testserver/a/"), "/b/") == "http://testserver/a/"
    assert back_or(_request("http://other/a/"), "/b/") == "/b/"


def test_download_names_the_file_for_every_browser():
    response = download(b"PK..", "Báo cáo quý 4.xlsx", XLSX)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''B%C3%A1o%20c%C3%A1o" in disposition
    assert response["Content-Type"] == XLSX and response["Content-Length"] == "4"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"PK.."
    assert b"".join(download("Đ", "a.csv", "text/csv").streaming_content) == "Đ".encode()
