"""Generated files (download, file_status): who may read, make and download them."""

from django.urls import reverse

from reports.tests.helpers import make_report, produce


def test_who_may_read_make_and_download(client, org, tasks):
    report = make_report(org)
    item, _data = produce(org, "report_docx", report=report)
    client.force_login(org.officer)  # sees only its unit's tasks: not the agency's reports
    assert client.get(reverse("reports:home")).status_code == 403
    assert client.get(reverse("reports:download", args=[item.pk])).status_code == 404
    client.force_login(org.auditor)  # reads, never writes
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 200
    assert client.get(reverse("reports:download", args=[item.pk])).status_code == 200
    assert client.post(reverse("reports:generate"), {"kind": "report_docx", "report": report.pk}).status_code == 403
    client.force_login(org.outsider)  # another agency's officer
    assert client.get(reverse("reports:download", args=[item.pk])).status_code == 404
    assert client.get(reverse("reports:report", args=[report.pk])).status_code in (403, 404)
