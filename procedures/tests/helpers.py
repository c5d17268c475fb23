"""Shared by the procedures tests: local times, a workbook from rows, a dossier file uploaded and
claimed for import, a push to the dossier API."""

import datetime as dt
import io
import json

from django.urls import reverse
from openpyxl import Workbook

from core.deadlines import LOCAL
from procedures import importing
from procedures.models import DossierImport

T = dt.datetime
D = dt.date

# the columns of a provincial export, as the CSV imports below use them
CSV = (
    "Mã hồ sơ,Mã TTHC,Đơn vị,Kênh,Ngày tiếp nhận,Thời hạn giải quyết,Đơn vị tính,Trạng thái,Ngày kết thúc xử lý,"
    "Kết quả bản giấy,Kết quả điện tử,Thanh toán trực tuyến,Có phí, lệ phí\n"
)

# a small file of three dossiers with hand-checked due dates and outcomes (Q1 2026)
SMALL_FILE = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Thời hạn giải quyết,Đơn vị tính,Trạng thái,Ngày kết thúc xử lý,"
    "Kết quả bản giấy,Kết quả điện tử"
    """
H1,1.001,2,09/03/2026 09:00,10,ngày làm việc,Đã xử lý xong,20/03/2026 10:00,1,1
H2,1.001,1,2026-03-09T09:00,10,working_days,finished,2026-03-24T09:00,0,0
H3,1.002,direct,13/02/2026 15:30,3,working_days,Đang giải quyết,,0,0
"""
)


def at(*args):
    """A local (Asia/Ho_Chi_Minh) moment."""
    return T(*args, tzinfo=LOCAL)


def workbook(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(org, text, name="hs.csv"):
    """The file stored and its import claimed (running), as a worker would have it."""
    data = text.encode("utf-8-sig") if isinstance(text, str) else text
    item = importing.save_upload(agency=org.agency, actor=org.office, fileobj=io.BytesIO(data), filename=name)
    DossierImport.objects.filter(pk=item.pk).update(state="running")
    item.refresh_from_db()
    return item


def push(client, **fields):
    body = {
        "agency": "BQLKKTCK",
        "dossier_code": "API-1",
        "procedure_code": "1.001",
        "received_at": "2026-03-09T09:00",
        "status": "processing",
        **fields,
    }
    return client.post(reverse("api:push_dossier"), json.dumps(body), content_type="application/json")


def content(response) -> bytes:
    """The body of a page or of a download (a streamed file response)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
