"""Personal data removed from text before it is shown beyond its owner (pure): survey comments
for staff (sipas.md §9.7), feedback on the portal (feedback_pakn.md §7). Personal data law:
Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15.

How it finds personal data:

1. The text is normalised into a copy that matches however it was typed: compatibility forms
   folded (NFKD: full-width digits and ＠ become ASCII), diacritics dropped, đ/Đ to d, lower case.
   Each character of the copy remembers the character of the original it came from (an index
   map), so what is found in the copy is replaced in the original, whether the original was in
   NFC or NFD.
2. What must stay is set aside first: procedure codes (1.004227, 2.002155.000.00.00.H38), dates,
   times, document numbers (766/QĐ-TTg, 30/2020/NĐ-CP), amounts with their currency and
   percentages.
3. Then, in this order: the sender's own details given as `known` (name, address, phone, e-mail,
   dossier code: with or without diacritics, in any case, with any punctuation between words;
   the short forms of a name are matched more strictly, see 4),
   e-mail addresses (also written `at`, `(at)`, `[at]`, `a còng`, ` dot `, `(dot)`, `chấm`),
   dossier codes (which link the text to an applicant), tax codes, phone numbers (Google's
   libphonenumber, `phonenumbers`, with the VN region: any grouping, brackets, +84, 0084;
   hotlines 1800/1900 are public and stay), and finally any remaining run of 9 or more digits
   with spaces, dots, dashes or brackets between them (CMND 9 digits, CCCD 12 digits, a phone
   number the library found invalid, a bank account).
4. A full name of three words or more is matched in the normalised copy, so also without
   diacritics. Its short forms (family and given name "Trần Hải", a two-word name, the given name
   after an honorific "ông Hải", "chị Ngọc Anh") are words of the language too (hải/hai, năm,
   an, tư, bảy, hoa, xuân, thu, đông, hà ...), and so are the honorifics without their marks (có
   and cô, chỉ and chị, đi and dì, ba and bà, cũ and cụ). They are matched word by word on the
   text itself: a word written with diacritics matches only the same letters with the same marks
   (wherever the tone mark sits: Hoà = Hòa; đ is not d), a word written without any (or a name
   the sender typed without any) matches the letters alone; a capitalised name (as the sender
   typed it) matches only a capitalised word, since Vietnamese writes a name after an honorific
   capitalised ("ông An" is a name, "ông an tâm" is not; in all-capitals text every word
   counts as capitalised); and a name followed by another capitalised word is a longer name or a
   place ("anh Minh Quang", "An Giang"), not the sender's.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

NAME = "[…]"
EMAIL = "[email]"
PHONE = "[số điện thoại]"
TAX = "[mã số thuế]"
ID = "[số định danh]"
DOSSIER = "[mã hồ sơ]"
MASK = "\x00"  # stands for a character already set aside in the normalised copy

# What stays, matched in the normalised copy (lower case, no diacritics, đ -> d).
KEEP = [
    # procedure codes of the national catalogue: 1.004227 and 2.002155.000.00.00.H38
    re.compile(r"(?<![\d.])\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[a-z]\d{2})?(?![\d])"),
    # dates 12/03/2026, 12-03-2026, 12.03.2026, 2026-03-12; times 08:30, 8h30
    re.compile(r"(?<![\d.,/-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\d/-])"),
    re.compile(r"(?<![\d.,/-])\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?![\d/-])"),
    re.compile(r"(?<![\d.,])\d{1,2}[:h]\d{2}(?![\d])"),
    # document numbers: 766/QĐ-TTg, 30/2020/NĐ-CP, 01/2026/TT-BNV, 125/KH-BQLKKTCK
    re.compile(r"(?<![\d.,/])\d{1,5}(?:/\d{4})?/[a-z]{1,12}(?:-[a-z0-9]{1,12})*"),
    # amounts with their currency or unit: 1.500.000 đồng, 500,000 VND, 2,5 triệu; percentages
    re.compile(
        r"(?<![\d.,])\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d+)?\s*"
        r"(?:dong|d\b|vnd|usd|eur|trieu|ty|nghin|ngan|%|phan tram)"
    ),
]

_AT = r"(?:\s*@\s*|\s*[(\[{<]\s*(?:at|@|a\s*cong)\s*[)\]}>]\s*|\s+(?:at|a\s*cong)\s+)"
_DOT = r"(?:\.|\s*[(\[{<]\s*(?:dot|cham|\.)\s*[)\]}>]\s*|\s+(?:dot|cham)\s+)"
EMAILS = re.compile(rf"[\w.+-]*\w{_AT}[\w-]+(?:{_DOT}[\w-]+)*")
# dossier codes `{agency ID}-{YYMMDD}-{NNNN}` (procedures.services.next_code): the agency ID is the
# electronic identifier, short (H38.15) or the national portal's long one (000.00.12.H38), or the
# agency's code; the day's sequence has 4 digits or more
DOSSIERS = re.compile(
    r"(?<![\w-])\d{6}-\d{6}-\d{4}(?![\w-])"
    r"|(?<![\w.-])[a-z0-9]{1,12}(?:[._-][a-z0-9]{1,12}){0,6}-\d{6}-\d{4,7}(?![\w-])"
)
TAX_CODES = re.compile(r"(?<![\d-])\d{10}-\d{3}(?![\d-])")
# a run of digits with at most three separators (space, dot, dash, brackets, +) between groups
DIGIT_RUNS = re.compile(r"\+?\(?\d(?:[ \t.\-()\u00a0]{0,3}\d)+\)?")
THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
ID_CONTEXT = re.compile(
    r"(?:cccd|cmnd|cmt|can cuoc|chung minh|dinh danh|ho chieu|mst|ma so thue|tai khoan|stk|so the|bhxh|bhyt)"
    r"[^\w]{0,4}(?:so)?[^\w]{0,4}$"
)
PUBLIC_LINES = {
    phonenumbers.PhoneNumberType.TOLL_FREE,  # 1800: free hotlines of the agencies
    phonenumbers.PhoneNumberType.PREMIUM_RATE,  # 1900
    phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.UAN,
}
HONORIFICS = ("ông", "bà", "anh", "chị", "cô", "chú", "bác", "dì", "em", "cụ")


@dataclass(frozen=True)
class Found:
    """A piece of personal data: its place in the original text and what replaces it."""

    start: int
    end: int
    placeholder: str


def normalise(text: str) -> tuple[str, list[int]]:
    """The matching copy of `text` and, for each of its characters, the index of the original
    character it comes from."""
    out: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        if char in "đĐ":
            folded = "d"
        else:
            folded = "".join(c for c in unicodedata.normalize("NFKD", char).lower() if not unicodedata.combining(c))
        out.append(folded)
        index.extend([position] * len(folded))
    return "".join(out), index


@dataclass(frozen=True)
class Word:
    """A word of a text, with what the short forms of a name are compared on (module docstring, 4)."""

    start: int
    end: int
    folded: str  # the letters without diacritics, đ -> d, lower case
    key: tuple[str, tuple[str, ...]]  # the letters (đ kept) and their marks, wherever they sit
    capitalised: bool

    @property
    def marked(self) -> bool:
        return bool(self.key[1]) or "đ" in self.key[0]

    def same(self, other: Word) -> bool:
        """The same word with its diacritics when both have them, otherwise by its letters."""
        if self.marked and other.marked:
            return self.key == other.key
        return self.folded == other.folded


def split_words(text: str) -> list[Word]:
    """The words of `text` (letters and digits with their combining marks, NFC or NFD)."""
    found = []
    for match in re.finditer(r"(?:[^\W_]|[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff])+", text):
        word = match.group()
        letters, marks = [], []
        for char in unicodedata.normalize("NFKD", word):
            if unicodedata.combining(char):
                marks.append(char)
            else:
                letters.append(char.lower())
        first = unicodedata.normalize("NFKD", word[0])[0]
        found.append(
            Word(
                match.start(),
                match.end(),
                normalise(word)[0],
                ("".join(letters), tuple(sorted(marks))),
                first.isupper(),
            )
        )
    return found


HONORIFIC_WORDS = [w for h in HONORIFICS for w in split_words(h)]


def _is_honorific(word: Word) -> bool:
    """ông, Bà, CHỊ ... with their own marks (có, chỉ, đi, cũ are not honorifics); a word written
    without any marks (ong, ba, chi) is read as typed without diacritics."""
    if word.marked:
        return any(word.key == h.key for h in HONORIFIC_WORDS)
    return any(word.folded == h.folded for h in HONORIFIC_WORDS)


@dataclass(frozen=True)
class ShortForm:
    """A short form of the sender's name: its words, after an honorific or alone."""

    words: tuple[Word, ...]
    after_honorific: bool

    def matches(self, text: str, found: list[Word]) -> list[tuple[int, int]]:
        """Spans of this form in `text` (whose words are `found`), the honorific left out."""
        spans = []
        size = len(self.words)
        first = 1 if self.after_honorific else 0
        for i in range(len(found) - first - size + 1):
            run = found[i : i + first + size]
            if self.after_honorific and not _is_honorific(run[0]):
                continue
            if not all(_inline(text, a, b) for a, b in zip(run, run[1:], strict=False)):
                continue
            if not all(_fits(word, wanted) for word, wanted in zip(run[first:], self.words, strict=True)):
                continue
            after = i + first + size
            if after < len(found) and _inline(text, run[-1], found[after]) and _title(text, found[after]):
                continue  # a longer name or a place: anh Minh Quang, An Giang
            spans.append((run[first].start, run[-1].end))
        return spans


def _inline(text: str, before: Word, after: Word) -> bool:
    return re.fullmatch(r"[ \t\u00a0]+", text[before.end : after.start]) is not None


def _title(text: str, word: Word) -> bool:
    """Capitalised, the rest in lower case (not text written all in capitals)."""
    piece = text[word.start : word.end]
    return word.capitalised and any(c.islower() for c in piece[1:])


def _fits(word: Word, wanted: Word) -> bool:
    return (word.capitalised or not wanted.capitalised) and word.same(wanted)


def _short_forms(value: str) -> list[ShortForm]:
    """The short forms of a name of 1 to 5 words (module docstring, 4)."""
    name = [w for w in split_words(value) if not w.folded.isdigit()]
    if not 1 <= len(name) <= 5 or len(name[-1].folded) < 2:
        return []
    forms = [ShortForm((name[-1],), after_honorific=True)]
    if len(name) >= 2:
        forms.append(ShortForm((name[0], name[-1]), after_honorific=False))  # Trần Bích, Lê Năm
    if len(name) >= 3:
        forms.append(ShortForm((name[-2], name[-1]), after_honorific=True))  # chị Ngọc Anh
    return forms


def _known_patterns(known: Iterable[str]) -> list[tuple[re.Pattern[str], str]]:
    """Patterns for the sender's own details in the normalised form, with their placeholder."""
    patterns = []
    for value in known:
        value = (value or "").strip()
        if len(value) < 3:
            continue
        folded, _index = normalise(value)
        digits = re.sub(r"\D", "", folded)
        if "@" in folded:
            patterns.append((re.compile(re.escape(folded)), EMAIL))
        elif DOSSIERS.fullmatch(folded):
            patterns.append((re.compile(rf"(?<![\w.-]){re.escape(folded)}(?![\w-])"), DOSSIER))
        elif len(digits) >= 8 and re.fullmatch(r"[\d\s.\-()+]+", folded):
            # a phone or ID number: its digits with anything between, also +84 for a leading 0
            body = r"[\s.\-()]*".join(digits[1:] if digits.startswith("0") else digits)
            lead = r"(?:0|\+?\s*\(?\s*84\s*\)?\s*)" if digits.startswith("0") else ""
            kind = PHONE if digits.startswith("0") and len(digits) in (10, 11) else ID
            patterns.append((re.compile(rf"(?<!\d){lead}{body}(?!\d)"), kind))
        else:
            parts = [re.findall(r"\w+", part) for part in folded.split(",")]
            words = [w for part in parts for w in part]
            if not words:
                continue
            variants = []
            if len(parts) > 1 or len(words) >= 3:
                variants.append(words)  # an address, a full name: also without diacritics
            if len(parts) > 1 and len(parts[0]) >= 2:
                variants.append(parts[0])  # the most precise part of an address
            for variant in variants:
                pattern = r"(?<!\w)" + r"[^\w]+".join(map(re.escape, variant)) + r"(?!\w)"
                patterns.append((re.compile(pattern), NAME))
    return patterns


def _known_short_forms(known: Iterable[str]) -> list[ShortForm]:
    """The short forms of the names among the sender's details (a value without commas, not a
    number, an e-mail or a dossier code)."""
    forms = []
    for value in known:
        value = (value or "").strip()
        folded, _index = normalise(value)
        if len(value) < 2 or "," in value or "@" in folded or DOSSIERS.fullmatch(folded):
            continue
        if re.fullmatch(r"[\d\s.\-()+]+", folded):
            continue
        forms.extend(_short_forms(value))
    return forms


def _mask(norm: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(norm)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def _phones(masked: str) -> list[tuple[int, int]]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(masked, "VN", leniency=phonenumbers.Leniency.VALID):
        if phonenumbers.number_type(match.number) not in PUBLIC_LINES:
            found.append((match.start, match.end))
    return found


def _digit_run_kind(norm: str, match: re.Match[str]) -> str | None:
    """What a run of digits left after the other rules is, or None when it stays."""
    run = match.group().strip("()")
    digits = re.sub(r"\D", "", run)
    if len(digits) < 9:
        return None
    before = norm[max(0, match.start() - 24) : match.start()]
    if ID_CONTEXT.search(before):
        return TAX if "mst" in before or "thue" in before else ID
    if THOUSANDS.fullmatch(run):
        return None  # 1.500.000.000: an amount
    if digits.startswith(("0", "84")) and len(digits) in (10, 11):
        return PHONE
    if len(digits) in (10, 13):
        return TAX
    return ID


def find(text: str, known: Iterable[str] = ()) -> list[Found]:
    """The personal data in `text`, in order, not overlapping (module docstring)."""
    norm, index = normalise(text)
    kept = [m.span() for pattern in KEEP for m in pattern.finditer(norm)]
    hits: list[tuple[int, int, str]] = []

    def add(spans: Iterable[tuple[int, int]], placeholder: str) -> None:
        hits.extend((s, e, placeholder) for s, e in spans if e > s)

    def masked() -> str:
        return _mask(norm, [*kept, *((s, e) for s, e, _p in hits)])

    known = list(known)
    for pattern, placeholder in _known_patterns(known):
        add([m.span() for m in pattern.finditer(norm)], placeholder)
    found = split_words(text)
    for form in _known_short_forms(known):
        add([_in_copy(index, start, end) for start, end in form.matches(text, found)], NAME)
    add([m.span() for m in EMAILS.finditer(masked())], EMAIL)
    add([m.span() for m in DOSSIERS.finditer(masked())], DOSSIER)
    add([m.span() for m in TAX_CODES.finditer(masked())], TAX)
    add(_phones(masked()), PHONE)
    for match in DIGIT_RUNS.finditer(masked()):
        kind = _digit_run_kind(norm, match)
        if kind is not None:
            add([match.span()], kind)
    return _to_original(text, index, hits)


def _in_copy(index: list[int], start: int, end: int) -> tuple[int, int]:
    """A span of the original as a span of the normalised copy."""
    return bisect.bisect_left(index, start), bisect.bisect_left(index, end)


def _to_original(text: str, index: list[int], hits: list[tuple[int, int, str]]) -> list[Found]:
    """Spans of the normalised copy as spans of the original, overlapping ones merged."""
    spans = []
    for start, end, placeholder in hits:
        first, last = index[start], index[end - 1] + 1
        while last < len(text) and unicodedata.combining(text[last]):
            last += 1  # the marks of the last letter, in NFD text
        spans.append((first, last, placeholder))
    merged: list[Found] = []
    for start, end, placeholder in sorted(spans):
        if merged and start < merged[-1].end:
            previous = merged[-1]
            merged[-1] = Found(previous.start, max(previous.end, end), previous.placeholder)
        else:
            merged.append(Found(start, end, placeholder))
    return merged


PLACEHOLDERS = re.compile("|".join(re.escape(p) for p in (NAME, EMAIL, PHONE, TAX, ID, DOSSIER)))


def _kept(piece: str) -> list[tuple[str, str | None]]:
    """A kept piece, with the placeholders it holds already (redacted earlier) marked as such."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in PLACEHOLDERS.finditer(piece):
        if match.start() > position:
            pieces.append((piece[position : match.start()], None))
        pieces.append((match.group(), ""))
        position = match.end()
    if position < len(piece):
        pieces.append((piece[position:], None))
    return pieces


def segments(text: str, known: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """The redacted text as pieces: (kept text, None) or (placeholder, removed text; "" when it
    was removed earlier), for showing staff what redaction takes out before they publish."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for found in find(text, known):
        pieces += _kept(text[position : found.start])
        pieces.append((found.placeholder, text[found.start : found.end]))
        position = found.end
    return pieces + _kept(text[position:])


def redact(text: str, known: Iterable[str] = ()) -> str:
    """The text without e-mail addresses, phone numbers, ID and tax numbers and dossier codes,
    and without the `known` personal details (e.g. the sender's name and address), whatever
    their case, diacritics or Unicode form."""
    return "".join(piece for piece, _removed in segments(text, known))
