"""How an answer addresses the sender (pure): a person as "Ông", "Bà" or, when the sender did not
say, "Ông/Bà" before their name, an organisation by its name, as Vietnamese administrative letters
do ("Kính gửi Ông Nguyễn Văn Bình:"; Decree 30/2020/NĐ-CP writes the addressee in full).

On the portal the sender's name is removed (core.privacy), which would leave "Kính gửi Ông […]:".
`public_greeting` turns such a greeting into one without a name: "Kính gửi Ông:", "Kính gửi
Ông/Bà:" when no title is left, "Kính gửi Quý cơ quan, tổ chức:" for an organisation.
"""

from __future__ import annotations

import re

TITLES = {"mr": "Ông", "ms": "Bà"}
ANY_TITLE = "Ông/Bà"
ORGANISATION = "organisation"
ORGANISATION_PUBLIC = "Quý cơ quan, tổ chức"
REMOVED = "[…]"

# "Kính gửi" (any case, an optional colon), an optional title, then the removed name
_GREETING = re.compile(
    r"(?P<head>kính gửi\s*:?\s*)(?P<title>(?:ông\s*/\s*bà|ông|bà|anh|chị)\s+)?" + re.escape(REMOVED),
    re.IGNORECASE,
)


def addressee(sender_type: str, salutation: str, name: str) -> str:
    """The sender as the answer names them: "Ông Nguyễn Văn Bình", "Ông/Bà Lò Thị E" (no title
    given), "Công ty TNHH Đồng Đăng" (an organisation); without a name, the title alone."""
    name = " ".join(name.split())
    if sender_type == ORGANISATION:
        return name or ORGANISATION_PUBLIC
    title = TITLES.get(salutation, ANY_TITLE)
    return f"{title} {name}" if name else title


def public_greeting(text: str, *, organisation: bool = False) -> str:
    """The greetings of a redacted text without the removed name: "Kính gửi Ông […]:" becomes
    "Kính gửi Ông:", "Kính gửi […]:" becomes "Kính gửi Ông/Bà:" (or "Kính gửi Quý cơ quan, tổ
    chức:" for an organisation)."""

    def replace(match: re.Match[str]) -> str:
        title = match.group("title")
        if title:
            return match.group("head") + " ".join(title.split()).replace(" / ", "/").replace(" /", "/")
        return match.group("head") + (ORGANISATION_PUBLIC if organisation else ANY_TITLE)

    return _GREETING.sub(replace, text)
