"""Helpers for the plans tests (the personas, the plan and `make_task` are in the root conftest.py)."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from core.services import create_document


@pytest.fixture
def said():
    """The messages waiting for the user after a response, as text: `said(response)` (those of
    earlier requests not shown yet too: set the scene with services, not pages)."""

    def messages_of(response):
        return [str(m) for m in get_messages(response.wsgi_request)]

    return messages_of


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def new_document(org):
    """An evidence document (a small PDF) filed in the agency: `new_document(actor, abstract,
    unit=None, agency=None, data=PDF, **metadata)`."""

    def make(actor, abstract, *, unit=None, agency=None, data=PDF, **metadata):
        upload = SimpleUploadedFile("a.pdf", data, content_type="application/pdf")
        agency = agency or org.agency
        return create_document(
            actor=actor, agency=agency, unit=unit, fileobj=upload, filename="a.pdf", abstract=abstract, **metadata
        )

    return make


@pytest.fixture
def evidenced(org, new_document, today, cal):
    """`evidenced(task)`: the task with an evidence document linked (it may then reach 100 %)."""
    from plans import services

    def link(task, actor=None):
        actor = actor or org.office
        document = new_document(actor, "Báo cáo kết quả thực hiện", unit=task.lead_unit)
        services.link_evidence(actor=actor, task=task, document=document, today=today, cal=cal)
        task.refresh_from_db()
        return task

    return link
