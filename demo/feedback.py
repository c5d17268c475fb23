"""ILLUSTRATIVE demo feedback for the Ban: a handful of items in every state, two response
templates and two citizen reception sessions (deterministic), so the desk, the statistics and
the portal have something to show. Not real feedback."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.calendar import WorkingCalendar
from core.deadlines import LOCAL
from core.models import Agency, Unit, User
from feedback import services
from feedback.models import Feedback, ReceptionSession, Template

ITEMS = [
    (
        "Công ty TNHH Thương mại Tân Thanh",
        "Hồ sơ đăng ký đầu tư bị yêu cầu nộp bản sao giấy phép không có trong danh mục.",
        "published",
    ),
    ("Nguyễn Văn An", "Thời gian chờ tại Bộ phận Một cửa quá lâu vào buổi sáng thứ Hai.", "published"),
    ("Hoàng Thị Mai", "Đề nghị niêm yết rõ mức phí thẩm định tại quầy tiếp nhận.", "awaiting_approval"),
    (
        "Công ty TNHH Thương mại Tân Thanh",  # the sender of the first item again: a repeat to check
        "Thủ tục cấp phép xây dựng trong khu kinh tế còn yêu cầu xác nhận trùng lặp.",
        "processing",
    ),
    ("Lương Văn Bình", "Phản ánh về việc đền bù giải phóng mặt bằng (thuộc UBND huyện).", "forwarded"),
    ("Không rõ", "Nội dung không rõ, không có địa chỉ liên hệ.", "not_accepted"),
]

STAFF = {"office": "vanphong", "leader": "lanhdao", "officer": "chuyenvien.qldn"}


@transaction.atomic
def load_feedback_demo(*, today: dt.date, cal: WorkingCalendar) -> int:
    agency = Agency.objects.get(code="BQLKKTCK")
    if Feedback.objects.filter(agency=agency).exists():
        return 0
    unit = Unit.objects.filter(agency=agency, code="QLDN").first()
    staff = {role: User.objects.filter(username=username).first() for role, username in STAFF.items()}
    for n, (name, content, target) in enumerate(ITEMS):
        received = dt.datetime.combine(cal.add_working_days(today, -(25 - 3 * n)), dt.time(9), tzinfo=LOCAL)
        item, _key = services.receive(
            agency=agency,
            channel=["online", "phone", "online", "letter", "email", "online"][n],
            name=name,
            address="Lạng Sơn",
            phone=f"09120000{0 if name == ITEMS[0][0] else n:02d}",
            content=content,
            cal=cal,
            received_at=received,
        )
        _take_to(target, item, received=received, staff=staff, unit=unit, cal=cal)
    _templates(agency)
    _reception_sessions(agency, today=today, cal=cal)
    return len(ITEMS)


def _take_to(
    target: str,
    item: Feedback,
    *,
    received: dt.datetime,
    staff: dict[str, User | None],
    unit: Unit | None,
    cal: WorkingCalendar,
) -> None:
    """Walks a received item through the desk's steps until it stands in `target`."""
    office = staff["office"]
    if target == "not_accepted":
        services.not_accept(item=item, actor=office, reason="Không có họ tên, địa chỉ người gửi", now=timezone.now())
        return
    if target == "forwarded":
        services.forward(item=item, actor=office, to="UBND huyện Cao Lộc", now=timezone.now())
        return
    services.classify(item=item, actor=office, category="regulation", within_competence=True, unit=unit)
    if target == "processing":
        return
    services.submit_answer(
        item=item,
        actor=staff["officer"],
        answer=services.answer_opening(item) + "Ban đã kiểm tra và chấn chỉnh; xin cảm ơn.",
    )
    if target == "awaiting_approval":
        return
    services.approve(item=item, actor=staff["leader"], cal=cal, now=received + dt.timedelta(days=6))
    services.publish(item=item, actor=office, now=timezone.now())


def _templates(agency: Agency) -> None:
    """Two response templates: an answer and a refusal."""
    Template.objects.bulk_create(
        [
            Template(
                agency=agency,
                step="answer",
                title="Trả lời: đã chấn chỉnh",
                text="Kính gửi {name}: về phản ánh {code} ngày {date}, Ban Quản lý đã kiểm tra, chấn chỉnh ...",
            ),
            Template(
                agency=agency,
                step="not_accepted",
                title="Thiếu thông tin người gửi",
                text="Phản ánh không ghi đủ họ tên, địa chỉ, số điện thoại theo Nghị định 20/2008/NĐ-CP.",
            ),
        ]
    )


def _reception_sessions(agency: Agency, *, today: dt.date, cal: WorkingCalendar) -> None:
    """Two citizen reception sessions of the last month."""
    ReceptionSession.objects.bulk_create(
        [
            ReceptionSession(
                agency=agency,
                held_on=cal.add_working_days(today, -20),
                received_by="Trưởng Ban",
                leader_present=True,
                citizen="Hộ kinh doanh Hoàng Văn C",
                people=2,
                content="Kiến nghị về mặt bằng kinh doanh tại cửa khẩu",
                handling="Giao Phòng QLDN kiểm tra",
                result="Đã trả lời bằng văn bản",
            ),
            ReceptionSession(
                agency=agency,
                held_on=cal.add_working_days(today, -5),
                received_by="Chánh Văn phòng",
                citizen="Bà Nông Thị D",
                content="Hỏi thủ tục cấp giấy phép lao động cho người nước ngoài",
                handling="Hướng dẫn tại chỗ",
                result="Đã hướng dẫn",
            ),
        ]
    )
