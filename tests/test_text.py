import pytest

from core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cải cách hành chính", "cai cach hanh chinh"),
        ("Đồng Đăng - Lạng Sơn", "dong dang - lang son"),
        ("  THỦ TỤC   hành chính ", "thu tuc hanh chinh"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_idempotent():
    assert fold(fold("Nâng cao Chỉ số SIPAS")) == "nang cao chi so sipas"
