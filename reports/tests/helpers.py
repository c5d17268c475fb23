"""Shared by the reports tests: a report with the Office's details, a file made by the worker and
read back, the texts of a DOCX table cell."""

import datetime as dt

from reports import jobs
from reports.models import Report

D = dt.date
UTC7 = dt.timezone(dt.timedelta(hours=7))


def at(*args):
    return dt.datetime(*args, tzinfo=UTC7)


def make_report(org, kind="year", **fields):
    defaults = {
        "title": "Tình hình, kết quả thực hiện công tác cải cách hành chính năm 2026",
        "number": 7,
        "issued_on": D(2026, 12, 16),
        "signer_authority": "KT. TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "Hoàng Việt Đông",
        "recipients": "UBND tỉnh (b/c)\nSở Nội vụ",
        "texts": {"III": "1. Ưu điểm\nHoàn thành đúng hạn phần lớn nhiệm vụ.", "V": "Đề nghị Sở Nội vụ tập huấn."},
    }
    defaults.update(fields)
    return Report.objects.create(agency=org.agency, year=2026, kind=kind, **defaults)


def produce(org, kind, **target):
    item = jobs.generate(jobs.request_file(kind=kind, agency=org.agency, actor=org.office, **target))
    assert item.state == "done", item.error
    with item.file.open("rb") as handle:
        return item, handle.read()


def cell_texts(cell):
    return [p.text for p in cell.paragraphs if p.text]
