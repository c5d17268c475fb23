"""Vietnamese text normalisation for diacritics-insensitive search (pure)."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d: "Cải cách Đồng Đăng" -> "cai cach dong dang"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
