"""ILLUSTRATIVE demo posts for the Ban's public CCHC page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import Agency
from portal.models import Post


def load_portal_demo(*, today: dt.date) -> int:
    agency = Agency.objects.get(code="BQLKKTCK")
    if Post.objects.filter(agency=agency).exists():
        return 0
    now = timezone.now()
    Post.objects.bulk_create(
        [
            Post(
                agency=agency,
                kind="news",
                title="Ban Quản lý triển khai Kế hoạch cải cách hành chính năm 2026",
                body="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn ban hành Kế hoạch CCHC năm 2026 "
                "với các nhiệm vụ trọng tâm về cải cách thủ tục hành chính và chuyển đổi số.\n\n"
                "Người dân, doanh nghiệp có thể theo dõi tiến độ thực hiện trên trang này.",
                published_at=now - dt.timedelta(days=30),
            ),
            Post(
                agency=agency,
                kind="bulletin",
                title="Khảo sát sự hài lòng của người dân, doanh nghiệp 6 tháng cuối năm",
                body="Mỗi giấy tiếp nhận hồ sơ có mã QR để Ông/Bà đánh giá sự phục vụ. Phiếu khảo sát không ghi danh.",
                published_at=now - dt.timedelta(days=3),
            ),
        ]
    )
    return 2
