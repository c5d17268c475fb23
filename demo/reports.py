"""Demo data: the Ban's CCHC report of the year and of the current period (the same report in
December), with the Office's texts written for every part the Office must write, so the reports
page opens a report that can be exported as it is.

The texts are the Office's words and never state a figure: the system writes the figures from
the registers (reports.outline). They say what the demo's registers show whatever the day it is
loaded: a plan behind schedule with overdue tasks, most dossiers resolved on time but some late,
(never "every task on schedule, every dossier on time")."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.models import Agency, User
from reports.documents import report_defaults
from reports.models import Report
from reports.periods import report_period

# by part key (reports.outline.PARTS): part I's own text beside the system's paragraphs, and the
# parts the Office must write (III.1, III.2, III.3.a, III.3.b, V)
TEXTS = {
    "I": "Lãnh đạo Ban chỉ đạo các phòng, đơn vị triển khai Kế hoạch cải cách hành chính và Kế hoạch nâng cao "
    "Chỉ số PAR INDEX, SIPAS; giao Văn phòng làm đầu mối theo dõi, đôn đốc tiến độ từng nhiệm vụ trên hệ thống "
    "và báo cáo Lãnh đạo Ban các nhiệm vụ chậm tiến độ tại giao ban hằng tháng.",
    "III.1": "Kế hoạch cải cách hành chính của Ban xác định rõ đơn vị chủ trì, đơn vị phối hợp, thời hạn và "
    "sản phẩm của từng nhiệm vụ; tiến độ và tài liệu kiểm chứng của từng nhiệm vụ được cập nhật, theo dõi trên "
    "hệ thống.\n"
    "Bộ phận Một cửa tiếp nhận, giải quyết hồ sơ thủ tục hành chính theo quy định; phần lớn hồ sơ được giải "
    "quyết trước hạn, đúng hạn; tiếp nhận hồ sơ trực tuyến và số hóa hồ sơ được duy trì.",
    "III.2": "Tỷ lệ hoàn thành nhiệm vụ của Kế hoạch còn thấp so với yêu cầu; một số nhiệm vụ đã quá thời hạn "
    "nhưng chưa hoàn thành.\n"
    "Vẫn còn hồ sơ thủ tục hành chính giải quyết quá hạn; việc cập nhật tài liệu kiểm chứng của một số nhiệm vụ "
    "còn chậm.",
    "III.3.a": "Một số nhiệm vụ phụ thuộc vào văn bản hướng dẫn và nền tảng số dùng chung của cơ quan cấp trên, "
    "chưa được ban hành hoặc chưa vận hành đồng bộ; hạ tầng công nghệ thông tin tại các cửa khẩu còn hạn chế.",
    "III.3.b": "Công chức đầu mối cải cách hành chính ở các phòng, đơn vị phần lớn kiêm nhiệm; một số đơn vị "
    "chủ trì chưa bám sát thời hạn của Kế hoạch, chưa cập nhật kịp thời tiến độ và tài liệu kiểm chứng trên "
    "hệ thống.",
    "V": "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ cải cách hành chính và tự đánh giá, chấm điểm Chỉ số "
    "CCHC cho công chức đầu mối của Ban.\n"
    "Đề nghị UBND tỉnh chỉ đạo các sở, ngành liên quan sớm hoàn thiện việc kết nối, chia sẻ dữ liệu giữa Hệ "
    "thống thông tin giải quyết thủ tục hành chính của tỉnh và Nền tảng cửa khẩu số.",
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
    """The year's report and the current period's (one report in December), with the Office's
    texts; the legal basis and the signer as a new report gets them. Returns how many were made."""
    agency = Agency.objects.get(code="BQLKKTCK")
    office = User.objects.filter(username="vanphong").first()
    made = 0
    for kind in dict.fromkeys([current_kind(today), "year"]):
        if Report.objects.filter(agency=agency, year=today.year, kind=kind).exists():
            continue
        Report.objects.create(
            agency=agency,
            year=today.year,
            kind=kind,
            texts=dict(TEXTS),
            created_by=office,
            **report_defaults(agency, kind, today.year),
        )
        made += 1
    return made
