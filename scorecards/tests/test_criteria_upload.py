"""Loading a criteria set through the web: checked and previewed, then saved all or nothing."""

import io

from django.urls import reverse

from scorecards.criteria_export import export_workbook
from scorecards.files import read_yaml
from scorecards.loader import DEMO_SET
from scorecards.models import CriteriaSet


def test_criteria_upload_previews_then_saves_all_or_nothing(org, login):
    client = login(org.appraiser)
    text = DEMO_SET.read_text(encoding="utf-8")
    upload = io.BytesIO(text.replace("max: 12", "max: twelve", 1).encode())
    upload.name = "bad.yaml"
    response = client.post(reverse("scorecards:criteria_upload"), {"file": upload})
    html = response.content.decode()
    assert "bad.yaml" in html and "node 1" in html
    assert not CriteriaSet.objects.exists()
    good = io.BytesIO(text.encode())
    good.name = "good.yaml"
    response = client.post(reverse("scorecards:criteria_upload"), {"file": good, "publish": "on"})
    token = response.context["token"]
    assert not CriteriaSet.objects.exists()
    response = client.post(reverse("scorecards:criteria_save"), {"token": token})
    stored = CriteriaSet.objects.get()
    assert stored.status == "published" and stored.version == 1
    # an Excel export loads back as the same definition (no new version)
    xlsx = io.BytesIO(export_workbook(stored.definition))
    xlsx.name = "set.xlsx"
    response = client.post(reverse("scorecards:criteria_upload"), {"file": xlsx})
    client.post(reverse("scorecards:criteria_save"), {"token": response.context["token"]})
    assert CriteriaSet.objects.count() in (1, 2)
    assert login(org.office).get(reverse("scorecards:criteria_upload")).status_code == 403


def test_save_needs_a_fresh_preview(org, login):
    client = login(org.appraiser)
    response = client.post(reverse("scorecards:criteria_save"), {"token": "expired"}, follow=True)
    assert "Bản xem trước đã hết hiệu lực" in response.content.decode()
    assert not CriteriaSet.objects.exists()
    assert login(org.office).post(reverse("scorecards:criteria_save"), {"token": "x"}).status_code == 403


def test_a_refused_workbook_lists_its_problems_on_their_cells(org, login):
    data = read_yaml(DEMO_SET)
    data["nodes"][0]["max"] = "twelve"
    xlsx = io.BytesIO(export_workbook(data))
    xlsx.name = "tieu-chi.xlsx"
    response = login(org.appraiser).post(reverse("scorecards:criteria_upload"), {"file": xlsx})
    assert response.context["problem_count"] == 1
    [line] = response.context["problems"]
    # the file, the cell and its value, then the reason (its words: test_criteria_excel.py)
    assert line.startswith("tieu-chi.xlsx: row 2, column Tiêu chí › Điểm tối đa: 'twelve' ")
    assert not CriteriaSet.objects.exists()


def test_the_upload_page_offers_a_workbook_to_start_from_and_explains_it(par, org, login):
    round_, card = par
    page = login(org.appraiser).get(reverse("scorecards:criteria_upload")).content.decode()
    template = reverse("scorecards:criteria_export", args=[round_.criteria_set.pk, "xlsx"])
    assert f'href="{template}"' in page and 'id="criteria-guide"' in page
    response = login(org.appraiser).get(template)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
