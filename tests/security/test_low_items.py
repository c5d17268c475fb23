"""The probe's low findings (issue 18): NUL bytes in the path (L1), log-in lock-out by anyone
and the per-address limit (L6), and walking the public dossier status page (L6)."""

import pytest
from django.urls import reverse

from core.reference import DEMO_PASSWORD as PASSWORD

NUL_PATHS = [
    "/cong-khai/%00/",
    "/phan-anh/%00/",
    "/tra-cuu/ho-so/%00/",
    "/khao-sat/mo/%00/",
    "/cong-khai/BQLKKTCK%00/chi-so/",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_byte_in_the_path_is_a_clear_400(client, org, path):
    """On PostgreSQL these were 500s (text cannot hold NUL); on both databases a clear 400 now."""
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def _log_in(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_stranger_cannot_lock_out_the_leader(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _log_in(client, "lanhdao", "doan-thu", "203.0.113.66")
    assert _log_in(client, "lanhdao", PASSWORD, "203.0.113.66").status_code == 429  # the stranger is locked
    leader = client.__class__()
    assert _log_in(leader, "lanhdao", PASSWORD, "10.20.0.5").status_code == 302


def test_a_guess_spread_over_many_addresses_is_slowed(client, org, settings):
    settings.LOGIN_USERNAME_LIMIT = 8
    assert _log_in(client.__class__(), "lanhdao", PASSWORD, "10.20.0.5").status_code == 302  # his office
    for n in range(8):  # fewer than the pair limit from each address
        _log_in(client.__class__(), "lanhdao", "doan-thu", f"198.51.100.{n}")
        _log_in(client.__class__(), "lanhdao", "doan-thu", f"198.51.100.{n}")
    held = _log_in(client.__class__(), "lanhdao", PASSWORD, "198.51.100.200")
    assert held.status_code == 429 and int(held["Retry-After"]) > 0
    assert held.context["reason"] == "username"  # the page says so (not "from this address")
    assert _log_in(client.__class__(), "lanhdao", PASSWORD, "10.20.0.5").status_code == 302
    assert _log_in(client.__class__(), "vanphong", PASSWORD, "198.51.100.201").status_code == 302  # others unaffected


def test_successful_log_ins_do_not_count_toward_the_address_limit(client, org, settings):
    settings.LOGIN_ADDRESS_LIMIT = 3
    for _ in range(5):  # a large office behind one address
        assert _log_in(client.__class__(), "vanphong", PASSWORD, "10.30.0.1").status_code == 302
    for n in range(3):
        _log_in(client.__class__(), f"khong-co-{n}", "x", "10.30.0.1")
    assert _log_in(client.__class__(), "lanhdao", PASSWORD, "10.30.0.1").status_code == 429


@pytest.fixture
def real_dossier(org):
    import datetime as dt

    from procedures.models import Dossier

    received = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)
    return Dossier.objects.create(
        agency=org.agency,
        procedure_code="1.001",
        code="H38.15-261207-0041",
        received_at=received,
        due_date=received.date() + dt.timedelta(days=10),
        status="processing",
    )


def _page_without_nonces(response) -> str:
    import re

    page = re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", page)  # a token per request


def test_a_wrong_dossier_code_is_answered_the_same_however_close(client, real_dossier):
    found = client.get(reverse("dossier_status", args=[real_dossier.code]))
    assert found.status_code == 200
    close = client.get(reverse("dossier_status", args=["H38.15-261207-0042"]))
    far = client.get(reverse("dossier_status", args=["X99.99-000000-9999"]))
    assert close.status_code == far.status_code == 404
    assert (
        [t.name for t in close.templates][:1]
        == [t.name for t in far.templates][:1]
        == ["procedures/public_status.html"]
    )
    # The page repeats the code the citizen typed (so they can see a typo); apart from that,
    # nothing tells "close" from "far".
    assert _page_without_nonces(close).replace("H38.15-261207-0042", "…") == _page_without_nonces(far).replace(
        "X99.99-000000-9999", "…"
    )


def test_walking_dossier_codes_is_rate_limited_per_address(client, real_dossier, settings):
    settings.DOSSIER_STATUS_LIMIT = 5
    for n in range(5):
        client.get(reverse("dossier_status", args=[f"H38.15-261207-{n:04d}"]), REMOTE_ADDR="198.51.100.7")
    held = client.get(reverse("dossier_status", args=[real_dossier.code]), REMOTE_ADDR="198.51.100.7")
    assert held.status_code == 429 and int(held["Retry-After"]) > 0
    assert real_dossier.code not in held.content.decode()
    other = client.get(reverse("dossier_status", args=[real_dossier.code]), REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 200 and real_dossier.code in other.content.decode()


def test_digits_of_other_scripts_in_a_query_are_no_server_error(client, org):
    """ "²".isdigit() is true but int("²") fails: ids and years are read as plain ASCII digits."""
    client.force_login(org.office)
    assert client.post(reverse("switch_agency"), {"agency": "²"}).status_code == 404
    page = client.get(reverse("surveys:dashboard"), {"campaign": "all", "year": "²", "number": "٣"})
    assert page.status_code == 200
