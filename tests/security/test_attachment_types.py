"""Files are stored and served under the type their content was checked as (finding M4 of the
December 2026 probe): a PDF/HTML polyglot named .html is refused at upload (feedback and evidence),
and every download is an attachment with the checked type, its extension, and nosniff."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.files import FileRejected
from core.models import DocumentVersion
from core.services import create_document
from feedback import services
from feedback.models import Attachment, Feedback
from feedback.public import new_submission

POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>"
PNG_POLYGLOT = b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script></html>"
URL = reverse("feedback_submit") + "?co-quan=BQLKKTCK"
SENDER = {
    "sender_type": "person",
    "kind": "report",
    "name": "Lò Thị E",
    "address": "Văn Lãng, Lạng Sơn",
    "phone": "0912 111 222",
    "consent": "on",
    "content": "Hồ sơ của tôi bị trả lại nhiều lần không rõ lý do.",
}


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [("hoa-don.html", POLYGLOT, ".pdf"), ("../../../../tmp/evil.htm", PNG_POLYGLOT, ".png")],
)
def test_the_public_form_refuses_a_polyglot_named_as_a_page(client, org, name, data, expected):
    answer = client.post(URL, {**SENDER, "submission": new_submission(), "files": [SimpleUploadedFile(name, data)]})
    page = answer.content.decode()
    assert answer.status_code == 200 and not Feedback.objects.exists() and not Attachment.objects.exists()
    assert name.rsplit("/", 1)[-1] in page and expected in page  # names the file and the expected type
    assert "Lò Thị E" in page  # what was typed is kept


def test_a_name_without_extension_gets_the_checked_one(client, org):
    files = [SimpleUploadedFile("giay-hen", b"%PDF-1.4\n%%EOF\n")]
    client.post(URL, {**SENDER, "submission": new_submission(), "files": files})
    attachment = Attachment.objects.get()
    assert attachment.name == "giay-hen.pdf" and attachment.file.name.endswith(".pdf")


def _stored_before_the_fix(org, cal, name: str) -> Attachment:
    """An attachment as the old code stored it: the sender's name and extension kept."""
    item, _key = services.receive(
        agency=org.agency,
        channel="online",
        name="A B",
        address="C",
        phone="0912111222",
        content="Nội dung",
        cal=cal,
        received_at=timezone.now(),
    )
    sha = hashlib.sha256(POLYGLOT).hexdigest()
    attachment = Attachment(feedback=item, name=name, content_type="application/pdf", size=len(POLYGLOT), sha256=sha)
    attachment.file.save(sha, ContentFile(POLYGLOT), save=False)
    attachment.save()
    return attachment


def _assert_served_as(response, content_type: str, filename: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment")
    assert f'filename="{filename}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_feedback_attachment_is_served_under_its_checked_type(client, org, cal):
    attachment = _stored_before_the_fix(org, cal, "hoa-don.html")
    client.force_login(org.office)
    response = client.get(reverse("feedback:attachment", args=[attachment.feedback_id, attachment.pk]))
    _assert_served_as(response, "application/pdf", "hoa-don.pdf")


def test_evidence_refuses_a_polyglot_named_as_a_page(org):
    with pytest.raises(FileRejected, match=r"hoa-don\.html.*\.pdf"):
        create_document(
            actor=org.officer,
            agency=org.agency,
            unit=org.unit_a,
            fileobj=ContentFile(POLYGLOT),
            filename="hoa-don.html",
            abstract="Hóa đơn",
        )
    assert not DocumentVersion.objects.exists()


def test_the_evidence_upload_page_says_which_file_and_which_type(login, org):
    client = login(org.officer)
    page = client.post(
        reverse("evidence_upload"), {"abstract": "Hóa đơn", "file": SimpleUploadedFile("hoa-don.html", POLYGLOT)}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "hoa-don.html" in text and ".pdf" in text
    assert not DocumentVersion.objects.exists()


def test_evidence_is_served_under_its_checked_type(login, org):
    document = create_document(
        actor=org.officer,
        agency=org.agency,
        unit=org.unit_a,
        fileobj=ContentFile(POLYGLOT),
        filename="bao-cao.pdf",
        abstract="Báo cáo",
    )
    version = document.versions.get()
    DocumentVersion.objects.filter(pk=version.pk).update(original_name="bao-cao.html")  # stored before the fix
    response = login(org.officer).get(reverse("evidence_file", args=[version.pk]))
    _assert_served_as(response, "application/pdf", "bao-cao.pdf")
