"""The administrator turns the second log-in factor on in the browser (QR code, key, first code,
recovery codes), then signs in with password and code."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from core.reference import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def current_code(drift=0):
    device = TOTPDevice.objects.get(user__username="quantri")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def test_turning_on_and_signing_in_with_the_second_factor(page, live_server, demo, log_in, shot):
    log_in("quantri")
    page.get_by_role("link", name=re.compile("Quản trị|quantri|Nguyễn", re.I)).first.click()
    expect(page.locator("h1")).to_have_text("Tài khoản và bảo mật đăng nhập")
    page.get_by_role("button", name="Thiết lập xác thực hai lớp").click()
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("totp-secret")).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$"))
    shot("account-2fa-setup")
    page.fill("#id_confirm", current_code())
    page.get_by_role("button", name="Bật", exact=True).click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    expect(page.get_by_text("Đang bật")).to_be_visible()
    shot("account-2fa-on")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Mã đăng nhập")
    shot("login-code")
    page.fill("#id_code", current_code(drift=1))
    page.click("button[type=submit]")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
