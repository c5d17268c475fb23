"""The public portal: only what is meant to be public, nothing private reachable by changing an
id or a code in the address; the Office's news editor."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from feedback import services as pakn
from portal.models import Post
from procedures.models import Procedure
from surveys import disclosure
from surveys.models import Response


@pytest.fixture
def anon():
    return Client()


def test_posts_published_only_and_within_their_agency(anon, org):
    shown = Post.objects.create(
        agency=org.agency, title="Hội nghị CCHC", body="Đoạn một.\n\nĐoạn hai.", published_at=timezone.now()
    )
    draft = Post.objects.create(agency=org.agency, title="Bản nháp nội bộ", body="x")
    elsewhere = Post.objects.create(agency=org.other, title="Tin Sở Công Thương", body="y", published_at=timezone.now())
    page = anon.get(reverse("portal_agency", args=[org.agency.code])).content.decode()
    assert "Hội nghị CCHC" in page and "Bản nháp nội bộ" not in page and "Tin Sở Công Thương" not in page
    detail = anon.get(reverse("portal_post", args=[org.agency.code, shown.pk]))
    assert detail.status_code == 200 and "Đoạn hai." in detail.content.decode()
    assert anon.get(reverse("portal_post", args=[org.agency.code, draft.pk])).status_code == 404
    assert anon.get(reverse("portal_post", args=[org.agency.code, elsewhere.pk])).status_code == 404
    assert anon.get(reverse("portal_agency", args=["NO-SUCH"])).status_code == 404


def test_catalogue_search_without_diacritics_and_active_only(anon, org):
    from core.text import fold

    def make(code, name, active=True, agency=None):
        return Procedure.objects.create(
            agency=agency or org.agency,
            code=code,
            name=name,
            limit=5,
            active=active,
            search_text=fold(f"{code} {name}"),
            steps="Bước 1: nộp hồ sơ tại Bộ phận Một cửa",
        )

    used = make("1.001", "Cấp giấy chứng nhận đăng ký đầu tư")
    retired = make("1.002", "Cấp phép cũ", active=False)
    other = make("9.001", "Thủ tục của Sở Công Thương", agency=org.other)
    found = anon.get(reverse("portal_catalogue", args=[org.agency.code]), {"q": "dang ky dau tu"}).content.decode()
    assert "Cấp giấy chứng nhận đăng ký đầu tư" in found and "Cấp phép cũ" not in found
    assert (
        "Cấp giấy chứng nhận"
        in anon.get(reverse("portal_catalogue", args=[org.agency.code]), {"q": "Đầu Tư"}).content.decode()
    )
    detail = anon.get(reverse("portal_procedure", args=[org.agency.code, used.pk])).content.decode()
    assert "Bước 1: nộp hồ sơ" in detail
    assert anon.get(reverse("portal_procedure", args=[org.agency.code, retired.pk])).status_code == 404
    assert anon.get(reverse("portal_procedure", args=[org.agency.code, other.pk])).status_code == 404


def test_dossier_lookup_goes_to_the_status_page(anon):
    response = anon.get(reverse("dossier_lookup"), {"ma": "H38.15-260310-0001"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "dossier_status", args=["H38.15-260310-0001"]
    )
    assert anon.get(reverse("dossier_lookup")).status_code == 200


def answers(value):
    return {f"q{n}": value for n in range(15, 34)}


def test_indices_with_definitions_and_small_samples_hidden(anon, org, cal):
    today = timezone.localdate()
    # SIPAS is published over the latest ended whole period of the year (issue 18 H2)
    whole = disclosure.latest_ended(today, kinds=("quarter", "half", "nine", "year"))
    day = whole.start
    for value in (5, 4, 4, 2):
        Response.objects.create(
            agency=org.agency,
            channel="online",
            source="receipt",
            questionnaire="sipas-service-2026",
            answered_on=day,
            answers=answers(value),
        )
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    sipas = next(f for f in page.context["indices"] if f.key == "sipas")
    assert sipas.value is None  # 4 responses: fewer than 5, not published
    # and its definition says hidden, never "0 responses" (issue 18 review, second pass)
    assert "0 responses" not in sipas.definition and "0 phiếu" not in sipas.definition
    assert "5" in sipas.definition and ("hidden" in sipas.definition or "ẩn" in sipas.definition)
    Response.objects.create(
        agency=org.agency,
        channel="online",
        source="receipt",
        questionnaire="sipas-service-2026",
        answered_on=day,
        answers=answers(5),
    )
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    sipas = next(f for f in page.context["indices"] if f.key == "sipas")
    assert sipas.value is None  # the figures are cached for 5 minutes
    cache.clear()
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    sipas = next(f for f in page.context["indices"] if f.key == "sipas")
    assert sipas.value == Decimal("80.00") and "5" in sipas.definition and f"{whole.end:%d/%m/%Y}" in sipas.period
    assert "80,00%" in page.content.decode()  # Vietnamese decimal comma
    assert {f.key for f in page.context["indices"]} >= {"sipas", "on_time_rate", "online_rate", "feedback_on_time_rate"}


def test_the_agency_page_shows_counts_never_private_records(anon, org, make_task, cal):
    make_task(title="Rà soát quy chế nội bộ mật", status="done", par_domain=2)
    make_task(title="Nhiệm vụ khác", par_domain=2)
    item, _key = pakn.receive(
        agency=org.agency,
        channel="phone",
        name="Trần Văn Kín",
        address="Lạng Sơn",
        phone="0912000999",
        content="Nội dung riêng tư",
        cal=cal,
    )
    page = anon.get(reverse("portal_agency", args=[org.agency.code]))
    html = page.content.decode()
    progress = page.context["progress"]
    assert progress is not None and (progress.done, progress.total) == (1, 2)
    assert [row[1:] for row in progress.by_domain] == [(1, 2)] and progress.by_domain[0][0].startswith("2.")
    for private in ("Rà soát quy chế nội bộ mật", "Trần Văn Kín", "Nội dung riêng tư", item.code):
        assert private not in html


def test_the_office_publishes_news(client, org):
    client.force_login(org.office)
    client.post(
        reverse("portal:new_post"), {"kind": "news", "title": "Tuần lễ CCHC", "body": "Nội dung", "publish": "1"}
    )
    post = Post.objects.get(title="Tuần lễ CCHC")
    assert post.published_at is not None and AuditEntry.objects.filter(action="post.published").exists()
    client.post(
        reverse("portal:edit_post", args=[post.pk]),
        {"kind": "news", "title": "Tuần lễ CCHC", "body": "x", "publish": "0"},
    )
    post.refresh_from_db()
    assert post.published_at is None
    client.force_login(org.officer)
    assert client.get(reverse("portal:posts")).status_code == 403
    client.force_login(org.outsider)  # an officer of another agency cannot open this agency's post
    assert client.get(reverse("portal:edit_post", args=[post.pk])).status_code in (403, 404)


def test_year_boundary_uses_the_current_year(anon, org):
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    today = timezone.localdate()
    periods = [f.period for f in page.context["indices"] if f.key != "par"]
    assert periods and all(p.startswith(f"01/01/{today.year}") for p in periods)


def test_every_766_indicator_with_its_points_and_the_total(anon, org, cal):
    """Four dossiers received this year, three ended on time and one late, one of them online:
    2.1 = 75% (15 of 20 points), 3.3 = 25% (2 of 4 points, threshold 50%)."""
    from procedures.models import Dossier, Procedure

    today = timezone.localdate()
    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Thủ tục", limit=5)
    received = dt.datetime.combine(today.replace(month=1, day=5), dt.time(9), tzinfo=dt.UTC)
    for n, (hours_late, channel) in enumerate(((-24, "online"), (-24, "direct"), (-24, "direct"), (48, "direct"))):
        due = received.date() + dt.timedelta(days=7)
        Dossier.objects.create(
            agency=org.agency,
            procedure=procedure,
            procedure_code="1.001",
            code=f"D{n}",
            received_at=received,
            due_date=due,
            status="finished",
            finished_at=dt.datetime.combine(due, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(hours=hours_late),
            channel=channel,
        )
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    shown = {f.key: f for f in page.context["indices"]}
    assert set(shown) >= {
        "on_time_rate",
        "online_rate",
        "online_payment_rate",
        "e_result_rate",
        "digitization_rate",
        "reuse_rate",
        "tthc_satisfaction",
        "feedback_on_time_rate",
        "feedback_satisfaction",
        "766_total",
    }
    assert (shown["on_time_rate"].value, shown["on_time_rate"].points) == (Decimal("75.00"), Decimal("15.00"))
    assert (shown["online_rate"].value, shown["online_rate"].points) == (Decimal("25.00"), Decimal("2.00"))
    total = shown["766_total"]
    assert total.value == sum(f.points for f in shown.values() if f.points is not None and f.key != "766_total")
    assert all(f.definition and f.period for f in shown.values())
    html = page.content.decode()
    assert "75,00%" in html and "15,00" in html
    # the agency page shows the headline figures only
    agency_page = anon.get(reverse("portal_agency", args=[org.agency.code])).content.decode()
    assert str(shown["on_time_rate"].label) in agency_page and str(shown["reuse_rate"].label) not in agency_page
