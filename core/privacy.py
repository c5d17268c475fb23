"""Personal data removed from text before it is shown beyond its owner (pure): survey comments
for staff (sipas.md §9.7), feedback on the portal (feedback_pakn.md §7). Personal data law:
Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15."""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTIONS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    # mobile and landline numbers, whatever the grouping: 0912 345 678, 091.234.5678, 0205 3812 345
    (re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[\s.-]?\d){8,10}(?!\d)"), "[số điện thoại]"),
    # personal ID (CCCD, 12 digits), old ID cards (9 digits), tax codes (10 or 13 digits)
    (re.compile(r"(?<![\d-])\d{10}-\d{3}(?![\d-])"), "[mã số thuế]"),
    (re.compile(r"(?<!\d)\d{9}(\d{3})?(?!\d)"), "[số định danh]"),
    (re.compile(r"(?<![\w-])\d{6}-\d{6}-\d{4}(?![\w-])|(?<![\w-])[A-Z0-9.]{2,12}-\d{6}-\d{4}(?![\w-])"), "[mã hồ sơ]"),
]


def redact(text: str, known: Iterable[str] = ()) -> str:
    """The text without e-mail addresses, phone numbers, ID and tax numbers and dossier codes,
    and without the `known` personal details (e.g. the sender's name and address), whatever
    their case."""
    for value in sorted((v.strip() for v in known if v and len(v.strip()) >= 3), key=len, reverse=True):
        text = re.sub(re.escape(value), "[…]", text, flags=re.IGNORECASE)
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text
