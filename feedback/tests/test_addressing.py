"""How an answer addresses the sender (feedback.addressing, pure; D28): "Ông/Bà" and the name, the
organisation by its name; on the portal, the greeting without the removed name."""

import pytest

from feedback.addressing import addressee, public_greeting


@pytest.mark.parametrize(
    ("sender_type", "salutation", "name", "expected"),
    [
        ("person", "mr", "Nguyễn Văn Bình", "Ông Nguyễn Văn Bình"),
        ("person", "ms", " Lò  Thị E ", "Bà Lò Thị E"),
        ("person", "", "Hoàng Thị Mai", "Ông/Bà Hoàng Thị Mai"),
        ("person", "", "", "Ông/Bà"),
        ("organisation", "mr", "Công ty TNHH Đồng Đăng", "Công ty TNHH Đồng Đăng"),
        ("organisation", "", "", "Quý cơ quan, tổ chức"),
    ],
)
def test_addressee(sender_type, salutation, name, expected):
    assert addressee(sender_type, salutation, name) == expected


@pytest.mark.parametrize(
    ("text", "organisation", "expected"),
    [
        ("Kính gửi Ông […]: Ban đã kiểm tra.", False, "Kính gửi Ông: Ban đã kiểm tra."),
        ("Kính gửi bà […], về phản ánh", False, "Kính gửi bà, về phản ánh"),
        ("Kính gửi Ông/Bà […]:", False, "Kính gửi Ông/Bà:"),
        ("Kính gửi ông / bà […]:", False, "Kính gửi ông/bà:"),
        ("Kính gửi […]:", False, "Kính gửi Ông/Bà:"),
        ("kính gửi: […].", False, "kính gửi: Ông/Bà."),
        ("Kính gửi […]:", True, "Kính gửi Quý cơ quan, tổ chức:"),
        ("Ông […] đã gọi điện.", False, "Ông […] đã gọi điện."),  # only the greeting changes
        ("Kính gửi Ông Bình:", False, "Kính gửi Ông Bình:"),  # nothing removed, nothing changed
    ],
)
def test_public_greeting(text, organisation, expected):
    assert public_greeting(text, organisation=organisation) == expected
