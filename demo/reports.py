"""Demo data: the current quarter's CCHC report of the Ban, with the Office's texts started, so
the reports page has something to open and export."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.models import Agency, User
from reports.documents import report_defaults
from reports.models import Report
from reports.periods import report_period

TEXTS = {
    "I": "Lãnh đạo Ban chỉ đạo các phòng, đơn vị triển khai Kế hoạch nâng cao Chỉ số PAR INDEX, SIPAS; "
    "Văn phòng theo dõi, đôn đốc hằng tháng trên hệ thống.",
    "III": "1. Ưu điểm\nCác nhiệm vụ trọng tâm được triển khai đúng tiến độ; hồ sơ TTHC được giải quyết đúng hạn.\n"
    "2. Tồn tại, hạn chế\nMột số nhiệm vụ chậm cập nhật tài liệu kiểm chứng.\n"
    "3. Nguyên nhân\nCông chức kiêm nhiệm nhiều việc.",
    "V": "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ cải cách hành chính cho công chức đầu mối.",
}


def current_kind(today: dt.date) -> str:
    """The report whose window holds `today` (the window ends on the 14th of its last month)."""
    for kind in ("q1", "half", "q3", "year"):
        period = report_period(kind, today.year)
        if period.start <= today <= period.end:
            return kind
    return "year"


@transaction.atomic
def load_reports_demo(*, today: dt.date) -> int:
    agency = Agency.objects.get(code="BQLKKTCK")
    kind = current_kind(today)
    if Report.objects.filter(agency=agency, year=today.year, kind=kind).exists():
        return 0
    Report.objects.create(
        agency=agency,
        year=today.year,
        kind=kind,
        texts=TEXTS,
        created_by=User.objects.filter(username="vanphong").first(),
        **report_defaults(agency, kind, today.year),
    )
    return 1
