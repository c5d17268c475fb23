"""Vietnamese text normalisation for diacritics-insensitive search (pure)."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d: "Cải cách Đồng Đăng" -> "cai cach dong dang"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def small_int(text: object, default: int = 0) -> int:
    """A whole number typed in a query or a form (an id, a year): ASCII digits only, at most
    nine of them, else `default`. `str.isdigit` alone takes "²" or "٣", which `int` refuses."""
    value = str(text or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else default
