"""Every role's menu and landing page, followed link by link in the browser: no menu item or
landing link ends in a 403 or a 500, and no page shows an English interface word, a raw audit
code or a UTC timestamp (tests/e2e/vietnamese.py)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest

from tests.e2e.vietnamese import problems

pytestmark = pytest.mark.e2e

ROLES = [
    "vanphong",  # Office focal point
    "quantri",  # administrator
    "lanhdao",  # leader
    "truongphong.qldn",  # unit head
    "chuyenvien.qldn",  # officer
    "kiemtra",  # auditor
    "thamdinh",  # appraiser of the Sở Nội vụ
    "chuyenvien.sct",  # officer of another agency, with no plan yet
]
# Links that are not pages to read: files, the API, logging out, the Django admin.
NOT_PAGES = re.compile(r"^/(api/|logout|admin/|static/|media/)|/(download|export|files?)/|\.(docx|pdf|xlsx|csv|yaml)$")


def _links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "nodes => nodes.map(n => n.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urlparse(urljoin(page.url, href))
        if url.netloc and url.netloc != urlparse(page.url).netloc:
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if not NOT_PAGES.search(url.path) and path not in found:
            found.append(path)
    return found


def _check(page, live_server, paths: list[str], who: str) -> list[str]:
    failures = []
    for path in paths:
        response = page.request.get(f"{live_server.url}{path}", max_redirects=5)
        if response.status in (403, 500) or response.status >= 500:
            failures.append(f"{who} {path}: HTTP {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        failures += [f"{who} {path}: {problem}" for problem in problems(response.text())]
    return failures


@pytest.mark.parametrize("username", ROLES)
def test_every_menu_and_landing_link_of_a_role(page, live_server, demo, log_in, shot, username):
    log_in(username)
    assert page.url.rstrip("/") != f"{live_server.url}/login", f"{username} could not log in"
    shot(f"landing_{username}", full_page=False)
    landing = urlparse(page.url).path
    failures = _check(page, live_server, [landing], username)
    menu = _links(page, "#sidenav a[href]")
    assert menu, f"{username} has no menu"
    on_landing = _links(page, "main a[href]")
    failures += _check(page, live_server, [p for p in menu + on_landing if p != landing], username)
    assert not failures, "\n".join(failures[:40])


def test_public_pages_read_in_vietnamese(page, live_server, demo):
    page.goto(f"{live_server.url}/cong-khai/")
    paths = ["/cong-khai/"] + _links(page, "main a[href]")
    page.goto(f"{live_server.url}/cong-khai/BQLKKTCK/")
    paths += [p for p in _links(page, "main a[href]") if p not in paths]
    failures = _check(page, live_server, paths, "citizen")
    assert not failures, "\n".join(failures[:40])
