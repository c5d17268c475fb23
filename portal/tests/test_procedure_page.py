"""What a citizen reads on a procedure's public page (D26), the portal home's procedure search,
and the links onward from the public pages (D27)."""

from django.urls import reverse

from core.text import fold
from procedures.models import Procedure


def published(org, **fields):
    values = {
        "agency": org.agency,
        "code": "1.009645",
        "name": "Cấp giấy phép xây dựng",
        "limit": 20,
        "search_text": fold("1.009645 Cấp giấy phép xây dựng"),
        "documents": "- Đơn đề nghị (Mẫu số 01);\n- Bản sao giấy tờ về đất <b>",
        "steps": "Bước 1: Nộp hồ sơ\nBước 2: Nhận kết quả",
        "legal_basis": "Luật Xây dựng",
        "fees": "150.000 đồng",
        "where": "Bộ phận Một cửa",
        "online_level": "partial",
        **fields,
    }
    return Procedure.objects.create(**values)


def test_the_procedure_page_shows_every_part_with_its_line_breaks(anon, org):
    item = published(org)
    page = anon.get(reverse("portal_procedure", args=[org.agency.code, item.pk])).content.decode()
    assert "Bước 1: Nộp hồ sơ<br>Bước 2: Nhận kết quả" in page
    assert "&lt;b&gt;" in page and "đất <b>" not in page  # escaped, then the line breaks
    for text in ("150.000 đồng", "Luật Xây dựng", "Bộ phận Một cửa", "20 "):
        assert text in page
    assert 'id="online"' in page and "https://dichvucong.gov.vn" in page
    forms = page[page.index('id="forms"') :]
    assert "Đơn đề nghị (Mẫu số 01)" in forms and "Bản sao giấy tờ" not in forms[: forms.index("</ul>")]
    assert reverse("portal_agency", args=[org.agency.code]) in page  # onward


def test_a_paper_only_procedure_has_no_online_block(anon, org):
    item = published(org, online_level="none", documents="- Đơn đề nghị")
    page = anon.get(reverse("portal_procedure", args=[org.agency.code, item.pk])).content.decode()
    assert 'id="online"' not in page and 'id="forms"' not in page


def test_the_home_searches_every_agency_and_lists_the_agencies(anon, org):
    published(org)
    Procedure.objects.create(
        agency=org.other, code="9.1", name="Cấp phép kinh doanh", limit=5, search_text=fold("9.1 Cấp phép kinh doanh")
    )
    page = anon.get(reverse("portal_home"), {"q": "giay phep XAY DUNG"}).content.decode()
    assert "Cấp giấy phép xây dựng" in page and "Cấp phép kinh doanh" not in page
    assert reverse("portal_agency", args=[org.other.code]) in page and reverse("feedback_submit") in page
    assert 'id="tim-thu-tuc"' in anon.get(reverse("portal_home")).content.decode()


def test_public_pages_lead_onward(anon, org):
    agency_page = anon.get(reverse("portal_agency", args=[org.agency.code])).content.decode()
    assert f'href="{reverse("portal_home")}"' in agency_page
    catalogue = anon.get(reverse("portal_catalogue", args=[org.agency.code])).content.decode()
    assert reverse("portal_agency", args=[org.agency.code]) in catalogue and reverse("dossier_lookup") in catalogue
    lookup = anon.get(reverse("dossier_lookup")).content.decode()
    assert reverse("feedback_submit") in lookup
