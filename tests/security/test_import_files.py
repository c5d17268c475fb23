"""Security review L6: uploaded dossier files (applicants' names, addresses, phones, ID numbers)
are deleted from the shared storage when their import ends (done, refused or failed), or
IMPORT_FILE_KEEP_DAYS later by the worker's daily clean-up; the import's row then has no stored
file (its name, size and SHA-256 stay) and the deletion is logged."""

import datetime as dt
import io
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from core import storage
from procedures import importing
from procedures.models import DossierImport, Procedure

CSV = "Mã hồ sơ,Mã TTHC,Đơn vị,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\n"
GOOD = CSV + "F-1,1.001,QLDN,1,05/01/2026 08:00:00,,processing\n"
BAD = CSV + "F-2,1.001,QLDN,7,05/01/2026 08:00:00,,processing\n"  # channel 7 does not exist


@pytest.fixture
def procedure(org):
    return Procedure.objects.create(agency=org.agency, code="1.001", name="Đăng ký", limit=5)


def queued(org, data: bytes, name="hs.csv") -> DossierImport:
    return importing.save_upload(agency=org.agency, actor=org.office, fileobj=io.BytesIO(data), filename=name)


@pytest.mark.parametrize(
    ("data", "state"),
    [(GOOD.encode(), "done"), (BAD.encode(), "refused"), (b"PK\x03\x04 not a workbook", "failed")],
)
def test_the_uploaded_file_is_deleted_when_the_import_ends(org, procedure, caplog, data, state):
    item = queued(org, data)
    name = importing.upload_name(item)
    assert storage.read(name) == data
    with caplog.at_level(logging.INFO, logger="procedures.importing"):
        assert importing.process_queue() == 1
    item.refresh_from_db()
    assert item.state == state
    assert storage.read(name) is None  # gone from the shared storage
    assert not [n for n in storage.walk("imports") if n.endswith(".upload")]
    assert item.file == "" and item.sha256 and item.size == len(data)  # the record says so, keeps the fingerprint
    assert f"dossier import {item.pk}" in caplog.text and "uploaded file deleted" in caplog.text


def test_the_import_page_says_the_file_was_deleted(client, org, procedure):
    item = queued(org, GOOD.encode())
    importing.process_queue()
    client.force_login(org.office)
    page = client.get(reverse("procedures:import_detail", args=[item.pk])).content.decode()
    assert 'data-file="deleted"' in page


def test_files_are_kept_for_the_days_set_then_removed_by_the_daily_job(org, procedure, settings):
    settings.IMPORT_FILE_KEEP_DAYS = 3
    item = queued(org, GOOD.encode())
    importing.process_queue()
    item.refresh_from_db()
    name = importing.upload_name(item)
    assert item.state == "done" and storage.read(name) is not None  # kept for now
    today = timezone.localdate()
    assert importing.remove_import_files(today=today) == {"removed": 0}
    DossierImport.objects.filter(pk=item.pk).update(finished_at=timezone.now() - dt.timedelta(days=4))
    assert importing.remove_import_files(today=today) == {"removed": 1}
    item.refresh_from_db()
    assert storage.read(name) is None and item.file == ""


def test_a_waiting_or_running_import_keeps_its_file(org, procedure):
    item = queued(org, GOOD.encode())
    DossierImport.objects.filter(pk=item.pk).update(finished_at=timezone.now() - dt.timedelta(days=9))
    assert importing.remove_import_files(today=timezone.localdate()) == {"removed": 0}
    assert storage.read(importing.upload_name(item)) is not None
