import pytest

from core.text import fold, small_int


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026", 2026), ("", 7), (None, 7), ("²", 7), ("٣", 7), ("-1", 7), ("1e3", 7), ("9" * 10, 7), ("042", 42)],
)
def test_small_int_takes_only_plain_digits(text, expected):
    assert small_int(text, 7) == expected
