"""Stored files on S3-compatible object storage (FILE_STORAGE=s3, django-storages), against an
in-process S3 (moto): evidence, dossier imports, uploads waiting for confirmation and backups all
go through the bucket, and nothing needs a local path shared between app machines."""

import hashlib
import io

import boto3
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from moto import mock_aws

from config.tests.test_settings import load
from core import backup, storage
from core.services import create_document
from plans.excel import COLUMNS
from plans.models import Task
from procedures import importing
from procedures.models import Dossier, DossierImport, Procedure

BUCKET = "cchc-minh-chung"
PDF = b"%PDF-1.4\n% tai lieu kiem chung\n%%EOF\n"


@pytest.fixture
def bucket(settings):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        s3.create_bucket(Bucket=BUCKET)
        options = {
            "bucket_name": BUCKET,
            "region_name": "us-east-1",
            "access_key": "k",
            "secret_key": "s",
            "default_acl": None,
            "file_overwrite": True,
        }
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        }
        yield s3


def keys(s3) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def test_evidence_is_kept_in_the_bucket_and_served_only_after_the_access_check(bucket, login, org, tmp_path):
    document = create_document(
        actor=org.office,
        agency=org.agency,
        unit=org.unit_a,
        fileobj=io.BytesIO(PDF),
        filename="kế hoạch.pdf",
        abstract="Kế hoạch",
    )
    stored = keys(bucket)
    assert list(stored.values()) == [PDF] and next(iter(stored)).startswith("evidence/")
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.pdf"))
    version = document.versions.get()
    response = login(org.office).get(reverse("evidence_file", args=[version.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert login(org.outsider).get(reverse("evidence_file", args=[version.pk])).status_code == 404


def test_a_dossier_import_runs_from_the_bucket(bucket, org, cal):
    Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp giấy chứng nhận", limit=10)
    text = (
        "Mã hồ sơ,Mã TTHC,Đơn vị,Kênh,Ngày tiếp nhận,Trạng thái\n"
        "S3-1,1.001,QLDN,1,09/03/2026 09:00,processing\n"
        "S3-2,1.001,QLDN,2,10/03/2026 09:00,processing\n"
    )
    item = importing.save_upload(
        agency=org.agency, actor=org.office, fileobj=io.BytesIO(text.encode()), filename="hs.csv"
    )
    assert keys(bucket)[importing.upload_name(item)] == text.encode()
    DossierImport.objects.filter(pk=item.pk).update(state="running")
    item.refresh_from_db()
    item = importing.run_import(item, cal=cal)
    assert item.state == "done" and Dossier.objects.filter(code__startswith="S3-").count() == 2
    assert importing.read_progress(item) == {"processed": 2, "total": 2}  # read back from the bucket


def test_an_import_left_running_without_progress_is_claimed_again(bucket, org):
    """A worker that died before writing any progress: the missing object is no error."""
    from django.utils import timezone

    long_ago = timezone.now() - 2 * importing.STALE
    item = DossierImport.objects.create(
        agency=org.agency, original_name="hs.csv", file="x.upload", state="running", started_at=long_ago
    )
    assert storage.modified(importing.progress_name(item)) is None
    assert importing.claim_next() == item


def test_a_checked_upload_waits_in_the_bucket_for_its_confirmation(bucket, login, org, plan):
    book = openpyxl.Workbook()
    book.active.append([vi for _key, vi, _required, _width in COLUMNS])
    row = {
        "code": "S01",
        "section": "II.1.c",
        "title": "Rà soát TTHC",
        "lead_unit": "QLDN",
        "deadline": "30/12/2026",
        "expected_product": "Báo cáo",
    }
    book.active.append([row.get(key) for key, *_rest in COLUMNS])
    data = io.BytesIO()
    book.save(data)
    client = login(org.office)
    url = reverse("plans:import", args=[plan.pk])
    preview = client.post(url, {"file": SimpleUploadedFile("kh.xlsx", data.getvalue())})
    token = preview.context["token"]
    assert keys(bucket) == {f"held/{token}.xlsx": data.getvalue()}  # any app machine can confirm it
    assert client.post(url, {"token": token}).status_code == 302
    assert Task.objects.filter(code="S01").exists() and keys(bucket) == {}


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_bucket_files_and_restores_them(bucket, org, tmp_path):
    create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=io.BytesIO(PDF), filename="a.pdf", abstract="Tài liệu"
    )
    before = {key: hashlib.sha256(body).hexdigest() for key, body in keys(bucket).items()}
    archive = tmp_path / "backup.tar.gz"
    manifest = backup.create(archive)
    assert {name: facts["sha256"] for name, facts in manifest["files"].items()} == before
    call_command("flush", interactive=False)
    for key in before:
        bucket.delete_object(Bucket=BUCKET, Key=key)
    report = backup.restore(archive)
    assert report["files"] == [] and report["tables"] == {}
    assert {key: hashlib.sha256(body).hexdigest() for key, body in keys(bucket).items()} == before


def test_s3_storage_is_configured_from_the_environment():
    missing = load({"FILE_STORAGE": "s3"})
    assert missing.returncode != 0 and "S3_BUCKET" in missing.stderr
    shown = 'settings.STORAGES["default"]["BACKEND"], settings.STORAGES["default"]["OPTIONS"]["endpoint_url"]'
    configured = load(
        {"FILE_STORAGE": "s3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": "https://s3.example.vn"}, show=shown
    )
    assert configured.stdout.strip() == "storages.backends.s3.S3Storage https://s3.example.vn"
    wrong = load({"FILE_STORAGE": "ftp"})
    assert wrong.returncode != 0 and "local or s3" in wrong.stderr


def test_put_replaces_a_file_whole_on_the_file_system(settings, tmp_path):
    from core import storage

    storage.put("imports/1.progress.json", b'{"processed": 1}')
    storage.put("imports/1.progress.json", io.BytesIO(b'{"processed": 2}'))
    folder = tmp_path / "media" / "imports"
    assert [p.name for p in folder.iterdir()] == ["1.progress.json"]  # nothing left aside
    assert storage.read("imports/1.progress.json") == b'{"processed": 2}'
    assert list(storage.walk()) == ["imports/1.progress.json"]
