"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against live_server."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.reference import DEMO_PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make e2e`, which installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=vi-VN",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A desktop page; the test fails if the browser reports a Content-Security-Policy violation
    (an inline script or handler the policy blocks would silently not work)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def shot(page):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, full_page: bool = True, of=None):
        (of or page).screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def visit_in_vietnamese(page, live_server, shot):
    """Opens each (screenshot name, path) as the signed-in user: it answers 200, has a heading, no
    English word of `english` shows in the page's main area, and a screenshot is taken."""

    def visit(visits, english):
        for name, path in visits:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (path, response.status)
            expect(page.locator("h1").first).to_be_visible()
            visible = page.locator("main").inner_text()
            assert not english.search(visible), (path, english.search(visible).group(0))
            shot(name)

    return visit


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", quiet=True)


@pytest.fixture
def log_in(page, live_server):
    def as_user(username: str, password: str = DEMO_PASSWORD):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return as_user


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), vendored


@pytest.fixture
def axe():
    """Runs axe-core on a page; returns the serious and critical violations (id: nodes)."""

    def check(target) -> dict[str, list[str]]:
        target.add_script_tag(path=str(AXE))
        result = target.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return {
            v["id"]: [n["target"][0] if n["target"] else "" for n in v["nodes"]][:5]
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        }

    return check
