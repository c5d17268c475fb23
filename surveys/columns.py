"""How people see the columns of a SIPAS response file and the questionnaire's items: one place
for the import template, the import's messages, the page that explains the import, the exports
and the dashboard.

An item is named as the form numbers it ("Tiêu chí 15" for `q15`, "Mong đợi 1" for `e1`), with
its text beside it; the codes stay the columns' keys and are still accepted as headers (files
written before, the exchange format of sipas.md §10). core.tabular compares headers without
accents, case or spacing, so "tieu chi 15", "TC15" and "q15" name the same column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.text import fold
from surveys.index import Questionnaire
from surveys.questionnaire import Form

# The channels a file may name: the code, then the Vietnamese words people type (the first is
# the one the exports write).
CHANNEL_WORDS = {
    "online": ("trực tuyến", "qua mạng", "online"),
    "direct": ("tại quầy", "trực tiếp", "direct"),
    "paper": ("phiếu giấy", "giấy", "paper"),
}
# The template's example row carries this form number: a file that still holds it is refused on
# that row (a forgotten example must never be counted as a citizen's answer).
EXAMPLE_ID = "VÍ DỤ - xóa dòng này"


def item_number(code: str) -> str:
    """The number of an item or an expectation on the form ("q15" -> "15", "e1" -> "1")."""
    found = re.search(r"\d+", code)
    return found.group(0) if found else code


def item_label(code: str, *, expectation: bool = False) -> str:
    """The short Vietnamese name of an item ("Tiêu chí 15") or an expectation ("Mong đợi 1")."""
    if expectation:
        return _("Expectation %(n)s") % {"n": item_number(code)}
    return _("Item %(n)s") % {"n": item_number(code)}


def label(form: Form, code: str) -> str:
    """item_label for a code of the form, an item or an expectation."""
    return item_label(code, expectation=code in form.questionnaire.expectations)


def channel_code(text: str) -> str | None:
    """The channel a file names, by its code or a Vietnamese word; None when it names none."""
    folded = fold(text)
    return next((code for code, words in CHANNEL_WORDS.items() if folded in {fold(w) for w in words}), None)


def channel_word(code: str) -> str:
    """The word the exports write for a channel ("phiếu giấy" for paper)."""
    return CHANNEL_WORDS.get(code, (code,))[0]


def names(questionnaire: Questionnaire) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each column of the exchange file: its key -> (the header written, other headers accepted)."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {
        "response_id": (_("Form number"), ("response_id", "mã phiếu", "số phiếu", "mã phiếu khảo sát")),
    }
    for code in questionnaire.items:
        n = item_number(code)
        out[code] = (item_label(code), (code, f"TC{n}", f"TC {n}", f"Tiêu chí {n}", f"Câu {n}"))
    for code in questionnaire.expectations:
        n = item_number(code)
        out[code] = (item_label(code, expectation=True), (code, f"MĐ{n}", f"Mong đợi {n}"))
    out["unit"] = (_("Unit"), ("unit", "đơn vị", "phòng", "bộ phận"))
    out["procedure_code"] = (_("Procedure code"), ("procedure_code", "mã TTHC", "mã thủ tục hành chính"))
    out["channel"] = (_("Channel"), ("channel", "kênh", "kênh khảo sát"))
    out["date"] = (_("Date on the form"), ("date", "ngày", "ngày khảo sát", "ngày trên phiếu"))
    return out


@dataclass(frozen=True)
class FileColumn:
    key: str  # the program's name (response_id, q15, e1, unit, gender...)
    header: str  # the header the template and the exports write
    aliases: tuple[str, ...]  # other headers accepted
    description: str  # what to type in it, for the import page and the guide sheet
    example: str  # the template's example row
    required: bool = False  # the file must have the column


def _described(form: Form) -> dict[str, tuple[str, str, bool]]:
    """key -> (what to type, an example, whether the column must be there)."""
    q = form.questionnaire
    answer = _("“%(text)s”: an answer from 1 to 5, blank when not answered.")
    expected = _("“%(text)s”: an answer from 1 to 3, blank when not answered. Optional column.")
    channels = ", ".join(words[0] for words in CHANNEL_WORDS.values())
    return {
        "response_id": (
            _("The number written on the paper form: one row per form, never imported before."),
            "P-2026-001",
            True,
        ),
        **{c: (answer % {"text": form.item_text[c]}, "4", True) for c in q.items},
        **{c: (expected % {"text": form.expectation_text[c]}, "2", False) for c in q.expectations},
        "unit": (_("The unit's code or name (optional)."), "", False),
        "procedure_code": (_("The procedure's code in the agency's catalogue (optional)."), "", False),
        "channel": (_("One of: %(list)s; blank: paper form.") % {"list": channels}, channel_word("paper"), False),
        "date": (_("The date written on the form, dd/mm/yyyy (required in each row)."), "15/03/2026", True),
    }


def file_columns(form: Form) -> list[FileColumn]:
    """Every column of the import file for this questionnaire, in the template's order: the
    exchange file's, then the respondent's profile and the comment."""
    described = _described(form)
    out = [
        FileColumn(key, header, aliases, *described[key])
        for key, (header, aliases) in names(form.questionnaire).items()
    ]
    for key, (title, choices) in form.profile.items():
        text = _("One of: %(list)s (optional).") % {"list": ", ".join(choices.values())}
        out.append(FileColumn(key, title, (key,), text, next(iter(choices.values()), "")))
    comment = _("The respondent's other comments, at most %(n)s characters; never names or phone numbers.")
    aliases = ("comment", "ý kiến", "ý kiến khác", *([form.comment_title] if form.comment_title else []))
    out.append(FileColumn("comment", _("Other comments"), aliases, comment % {"n": form.comment_max_length}, ""))
    return out


def others(form: Form) -> list[FileColumn]:
    """The import's columns beyond the exchange file's (profile and comment)."""
    exchange = names(form.questionnaire)
    return [c for c in file_columns(form) if c.key not in exchange]


def scales(form: Form) -> str:
    """What the answers mean, said once for every item and expectation column."""
    return _("Items: %(scale)s. Expectations: %(high)s.") % {
        "scale": ", ".join(f"{k} = {v}" for k, v in form.scale.items()),
        "high": ", ".join(f"{k} = {v}" for k, v in form.expectation_scale.items()),
    }
