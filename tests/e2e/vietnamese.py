"""What a Vietnamese page must not show: English interface words, raw audit codes, UTC timestamps.

The English vocabulary is taken from the interface's own message catalogue (every word of an
English msgid, Django's included), less every word that also occurs in a Vietnamese translation
(so syllables written without diacritics, such as "to", "tin" or "ban", are not taken for
English). Abbreviations written in capitals (PAR, SIPAS, PDF) and proper names listed below are
allowed; an English word found in a page is reported with the text around it.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

from django.utils import translation

WORD = re.compile(r"[A-Za-zÀ-ỹĐđ]+")
# Words the Vietnamese interface legitimately shows though they are spelled like English words:
# product, standard and technical names, units, and Vietnamese syllables without diacritics that
# no translation happens to contain.
ALLOWED = {"email", "zalo", "excel", "word", "http", "https", "www", "gov", "pdf", "docx", "xlsx", "csv"}
ALLOWED |= {"yaml", "json", "api", "token", "hotline", "website", "internet", "chromium", "firefox"}
# Raw data that must never reach a page: an audit action code (subject.verb) and a UTC ISO time.
RAW_CODE = re.compile(
    r"\b(?:dossier|task|feedback|scorecard|plan|survey|campaign|report|document|evidence|user|membership|"
    r"unit|agency|signer|calendar|round|inspection|procedure|token|post|obstacle)\.[a-z_]+\b"
)
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Codes and file names are data, not words: snake_case keys (`disbursement_rate`), file names
# (`plan_2026.yaml`), user names (`chuyenvien.qldn`) and addresses are left out of the word check.
IDENTIFIER = re.compile(r"[\w@-]+(?:[_.@][\w-]+)+")


@functools.cache
def english_words() -> frozenset[str]:
    with translation.override("vi"):
        catalog = translation.trans_real.translation("vi")._catalog  # noqa: SLF001
        english: set[str] = set()
        vietnamese: set[str] = set()
        for key, value in catalog.items():
            msgid = key[0] if isinstance(key, tuple) else key
            english.update(w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)[sd]|\{[^}]*\}", " ", msgid)))
            vietnamese.update(w.lower() for w in WORD.findall(str(value)))
    words = {w for w in english - vietnamese - ALLOWED if len(w) >= 3 and w.isascii()}
    return frozenset(words)


class _Text(HTMLParser):
    """The text a person reads on a page: text nodes outside script/style, and the placeholder,
    title and aria-label attributes."""

    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems(html: str) -> list[str]:
    """What is wrong with a page's text: English words, raw audit codes, ISO timestamps."""
    text = visible_text(html)
    found: list[str] = []
    vocabulary = english_words()
    for match in WORD.finditer(IDENTIFIER.sub(" ", text)):
        word = match.group(0)
        if word.isupper() and len(word) > 1:  # an abbreviation: PAR, SIPAS, TTHC
            continue
        if word.lower() in vocabulary:
            found.append(f"English word {word!r}: …{match.string[max(0, match.start() - 40) : match.end() + 40]}…")
    found += [f"raw code {m.group(0)!r}" for m in RAW_CODE.finditer(text)]
    found += [f"ISO time {m.group(0)!r}" for m in ISO_TIME.finditer(text)]
    return found
