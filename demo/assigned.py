"""Demo tasks assigned by the province (issue 22): twelve tasks of the Ban Quản lý Khu kinh tế cửa
khẩu Đồng Đăng - Lạng Sơn from documents of the UBND tỉnh Lạng Sơn, its Chairman and
Vice-Chairmen and a ministry: most done on time, one done late, some open, one overdue, one
withdrawn. Dates are counted back from `today`, so the register always shows these states.
Idempotent: a code already in the register is left as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from core.models import Agency, Unit, User
from plans import assigned
from plans.models import AssignedTask

AGENCY = "BQLKKTCK"
By = AssignedTask.Issuer


@dataclass(frozen=True)
class Demo:
    number: str
    issued: int  # days before today
    issuer: str
    issuer_name: str
    excerpt: str
    content: str
    due: int | None  # days from today (negative: past)
    lead: str | None
    coordinating: tuple[str, ...] = ()
    done: int | None = None  # days before today it was completed
    report: str = ""
    withdrawn: bool = False


TASKS = (
    Demo(
        "1234/UBND-KT",
        150,
        By.CHAIRMAN,
        "Chủ tịch UBND tỉnh",
        "V/v triển khai Nền tảng cửa khẩu số tại các cửa khẩu trên địa bàn tỉnh",
        "Chủ trì, phối hợp với các lực lượng chức năng tại cửa khẩu vận hành thử nghiệm Nền tảng cửa khẩu "
        "số tại cửa khẩu quốc tế Hữu Nghị; báo cáo kết quả về UBND tỉnh.",
        -100,
        "TTQLCK",
        ("KHTH",),
        done=104,
        report="412/BC-BQLKKTCK",
    ),
    Demo(
        "567/UBND-KT",
        130,
        By.VICE_CHAIRMAN,
        "Phó Chủ tịch UBND tỉnh Đoàn Thu Hà",
        "V/v đẩy nhanh tiến độ giải ngân vốn đầu tư công năm 2026",
        "Báo cáo tiến độ giải ngân vốn đầu tư công các dự án do Ban làm chủ đầu tư; đề xuất điều chuyển "
        "vốn của dự án chậm giải ngân.",
        -110,
        "KHTH",
        done=112,
        report="398/BC-BQLKKTCK",
    ),
    Demo(
        "890/UBND-NC",
        120,
        By.PROVINCE,
        "UBND tỉnh",
        "V/v rà soát, công bố danh mục thủ tục hành chính năm 2026",
        "Rà soát thủ tục hành chính thuộc thẩm quyền giải quyết của Ban; đề xuất Chủ tịch UBND tỉnh công bố "
        "danh mục sửa đổi, bổ sung.",
        -90,
        "VP",
        ("QLDN", "QHXD"),
        done=95,
        report="455/BC-BQLKKTCK",
    ),
    Demo(
        "145/UBND-KT",
        110,
        By.VICE_CHAIRMAN,
        "Phó Chủ tịch UBND tỉnh Đoàn Thu Hà",
        "V/v báo cáo tình hình thu hút đầu tư vào Khu kinh tế cửa khẩu",
        "Báo cáo tình hình thu hút đầu tư, khó khăn của doanh nghiệp trong Khu kinh tế cửa khẩu Đồng Đăng - "
        "Lạng Sơn và đề xuất giải pháp tháo gỡ.",
        -80,
        "QLDN",
        ("KHTH",),
        done=71,
        report="503/BC-BQLKKTCK",
    ),
    Demo(
        "2011/UBND-KGVX",
        100,
        By.PROVINCE,
        "UBND tỉnh",
        "V/v triển khai Đề án 06 và chuyển đổi số trong giải quyết thủ tục hành chính",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; tái sử dụng dữ liệu đã số hóa; báo cáo kết quả "
        "thực hiện chỉ tiêu số hóa.",
        -60,
        "VP",
        done=63,
        report="521/BC-BQLKKTCK",
    ),
    Demo(
        "3345/BCT-XNK",
        90,
        By.MINISTRY,
        "Bộ Công Thương",
        "V/v báo cáo tình hình xuất nhập khẩu hàng hóa qua các cửa khẩu biên giới",
        "Tổng hợp, báo cáo tình hình xuất nhập khẩu hàng hóa qua các cửa khẩu trên địa bàn Khu kinh tế 9 "
        "tháng đầu năm 2026.",
        -55,
        "KHTH",
        ("TTQLCK",),
        done=56,
        report="530/BC-BQLKKTCK",
    ),
    Demo(
        "1888/UBND-NC",
        80,
        By.CHAIRMAN,
        "Chủ tịch UBND tỉnh",
        "V/v khắc phục hạn chế của Chỉ số CCHC (PAR INDEX) và SIPAS năm 2025",
        "Xây dựng kế hoạch khắc phục các tiêu chí bị trừ điểm của Chỉ số PAR INDEX và SIPAS năm 2025; báo "
        "cáo kết quả về Sở Nội vụ.",
        -40,
        "VP",
        ("KHTH", "QLDN"),
        done=42,
        report="560/BC-BQLKKTCK",
    ),
    Demo(
        "980/UBND-KT",
        75,
        By.PROVINCE,
        "UBND tỉnh",
        "V/v kiểm tra công trình xây dựng trong Khu kinh tế",
        "Kiểm tra, xử lý các công trình xây dựng không phép trong khu phi thuế quan; báo cáo UBND tỉnh.",
        -30,
        "QHXD",
        withdrawn=True,
    ),
    Demo(
        "76/TB-UBND",
        60,
        By.CHAIRMAN,
        "Chủ tịch UBND tỉnh",
        "Thông báo kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Ban Quản lý Khu kinh tế",
        "Hoàn thành giải phóng mặt bằng Khu trung chuyển hàng hóa cửa khẩu Tân Thanh; báo cáo kết quả về UBND tỉnh.",
        -12,
        "QHXD",
        ("KHTH",),
    ),
    Demo(
        "1502/UBND-KT",
        20,
        By.VICE_CHAIRMAN,
        "Phó Chủ tịch UBND tỉnh Đoàn Thu Hà",
        "V/v phân luồng phương tiện qua cửa khẩu quốc tế Hữu Nghị dịp cao điểm cuối năm",
        "Xây dựng phương án phân luồng phương tiện chở hàng xuất khẩu dịp cao điểm cuối năm, tránh ùn tắc tại "
        "cửa khẩu quốc tế Hữu Nghị.",
        5,
        "TTQLCK",
        ("QHXD",),
    ),
    Demo(
        "1650/UBND-NC",
        15,
        By.PROVINCE,
        "UBND tỉnh",
        "V/v báo cáo công tác cải cách hành chính năm 2026",
        "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2026 và tự đánh giá Chỉ số CCHC.",
        20,
        "VP",
    ),
    Demo(
        "1701/UBND-KT",
        10,
        By.VICE_CHAIRMAN,
        "Phó Chủ tịch UBND tỉnh Đoàn Thu Hà",
        "V/v giải ngân 100% kế hoạch vốn đầu tư công năm 2026",
        "Giải ngân 100% kế hoạch vốn đầu tư công được giao năm 2026; báo cáo kết quả trước ngày 31/01 năm sau.",
        40,
        "KHTH",
    ),
)


@transaction.atomic
def load_assigned_demo(*, today: dt.date) -> None:
    agency = Agency.objects.filter(code=AGENCY).first()
    if agency is None:
        return
    units = {u.code: u for u in Unit.objects.filter(agency=agency)}
    actor = User.objects.filter(username="vanphong").first()
    existing = set(AssignedTask.objects.filter(agency=agency).values_list("code", flat=True))
    for item in TASKS:
        if item.number in existing:
            continue
        day = lambda days: today - dt.timedelta(days=days)  # noqa: E731
        done = item.done is not None
        data = {
            "code": item.number,
            "document_number": item.number,
            "document_date": day(item.issued),
            "issuer": item.issuer,
            "issuer_name": item.issuer_name,
            "excerpt": item.excerpt,
            "content": item.content,
            "due_date": None if item.due is None else today + dt.timedelta(days=item.due),
            "lead_unit": units.get(item.lead) if item.lead else None,
            "coordinating_units": [units[c] for c in item.coordinating if c in units],
        }
        task = assigned.create_assigned(actor=actor, agency=agency, data=data, source="import", today=today)
        if done:
            assigned.complete_assigned(
                actor=actor,
                task=task,
                completed_on=day(item.done),
                report_number=item.report,
                report_date=day(item.done),
                today=today,
            )
        elif item.withdrawn:
            assigned.withdraw_assigned(
                actor=actor, task=task, reason="UBND tỉnh giao nhiệm vụ này cho Sở Xây dựng (Văn bản điều chỉnh)."
            )
