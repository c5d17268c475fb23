"""The public pages (portal.views, portal.access): only what is meant to be public, nothing
private reachable by changing an id or a code in the address."""

from django.urls import reverse
from django.utils import timezone

from core.text import fold
from portal.models import Post
from procedures.models import Procedure


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
