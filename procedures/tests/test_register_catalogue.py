"""The Office is warned when a published (in use) procedure lacks what citizens need on its public
page (D26), and the catalogue import shows its guide."""

from django.urls import reverse

from procedures import catalogue
from procedures.models import Procedure

FULL = {
    "documents": "- Đơn đề nghị (Mẫu số 01)",
    "steps": "Bước 1: Nộp hồ sơ",
    "fees": "Không",
    "where": "Bộ phận Một cửa",
    "legal_basis": "Luật Đầu tư",
    "result": "Giấy chứng nhận",
}


def test_missing_parts_of_published_procedures_only():
    complete = Procedure(code="1", name="A", limit=5, **FULL)
    assert catalogue.missing_parts(complete) == []
    thin = Procedure(code="2", name="B", limit=5, **{**FULL, "documents": "", "steps": "  "})
    assert catalogue.missing_parts(thin) == [
        str(Procedure._meta.get_field("documents").verbose_name),
        str(Procedure._meta.get_field("steps").verbose_name),
    ]
    retired = Procedure(code="3", name="C", limit=5, active=False)
    assert catalogue.missing_parts(retired) == []


def test_the_catalogue_list_and_detail_warn_the_office(client, org, procedure):
    done = Procedure.objects.create(agency=org.agency, code="2.002", name="Thủ tục đủ thông tin", limit=5, **FULL)
    client.force_login(org.office)
    page = client.get(reverse("procedures:catalogue")).content.decode()
    warning = page[page.index('id="incomplete"') : page.index("</section>", page.index('id="incomplete"'))]
    assert procedure.code in warning and done.code not in warning
    assert str(Procedure._meta.get_field("legal_basis").verbose_name) in warning
    detail = client.get(reverse("procedures:procedure", args=[procedure.pk])).content.decode()
    assert 'class="alert alert-warning"' in detail
    assert (
        'class="alert alert-warning"'
        not in client.get(reverse("procedures:procedure", args=[done.pk])).content.decode()
    )
    Procedure.objects.filter(pk=procedure.pk).update(**FULL)
    assert 'id="incomplete"' not in client.get(reverse("procedures:catalogue")).content.decode()


def test_the_catalogue_import_page_shows_its_guide(client, org):
    client.force_login(org.office)
    page = client.get(reverse("procedures:catalogue_import")).content.decode()
    assert 'id="guide"' in page and page.count('<td class="fw-semibold">') == len(catalogue.COLUMNS)
    assert "Trình tự thực hiện" in page
