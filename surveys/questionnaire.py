"""Questionnaire versions as data files (data/surveys/*.yaml), checked when loaded.

A file names its elements and items, the answer scales, which answers count as satisfied (and
as a high expectation), optional weights, the respondent profile and the comment. Problems are
reported with the place in the file; a file with any problem is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from surveys.index import Element, Questionnaire

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "surveys"
DEFAULT = "sipas-service-2026"
CODE = re.compile(r"[a-z][a-z0-9_]*")


class QuestionnaireError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Form:
    """A questionnaire version: the index's view of it plus what the form shows."""

    questionnaire: Questionnaire
    title: str
    method: str
    scale: dict[int, str]
    expectation_scale: dict[int, str]
    item_text: dict[str, str]
    element_titles: dict[str, str]
    expectation_text: dict[str, str]
    profile: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    comment_title: str = ""
    comment_max_length: int = 2000

    @property
    def code(self) -> str:
        return self.questionnaire.code


def _weight(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        weight = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{where}: weight {value!r} is not a number")
        return Decimal(1)
    if weight < 0 or not weight.is_finite():
        problems.append(f"{where}: weight {value!r} must be zero or more")
    return weight


def _scale(data: Any, where: str, size: int, problems: list[str]) -> dict[int, str]:
    if not isinstance(data, dict) or sorted(data) != list(range(1, size + 1)):
        problems.append(f"{where}: give labels for the answers 1 to {size}")
        return {}
    return {int(k): str(v) for k, v in data.items()}


def _answers(data: Any, where: str, size: int, problems: list[str]) -> frozenset[int]:
    if not isinstance(data, list) or not data or any(a not in range(1, size + 1) for a in data):
        problems.append(f"{where}: a list of answers between 1 and {size}")
        return frozenset()
    return frozenset(data)


def parse(data: Any, source: str = "questionnaire") -> Form:  # noqa: C901, PLR0912
    problems: list[str] = []
    if not isinstance(data, dict):
        raise QuestionnaireError([f"{source}: not a mapping of keys"])
    code = str(data.get("code", ""))
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", code):
        problems.append(f"{source}: code {code!r}: lower-case letters, digits, '.' and '-'")
    scale = _scale(data.get("scale"), f"{source}: scale", 5, problems)
    expectation_scale = _scale(data.get("expectation_scale"), f"{source}: expectation_scale", 3, problems)
    satisfied = _answers(data.get("satisfied", [4, 5]), f"{source}: satisfied", 5, problems)
    high = _answers(data.get("expectation_high", [2, 3]), f"{source}: expectation_high", 3, problems)
    elements: list[Element] = []
    item_text: dict[str, str] = {}
    item_weights: dict[str, Decimal] = {}
    titles: dict[str, str] = {}
    raw_elements = data.get("elements")
    if not isinstance(raw_elements, list) or not raw_elements:
        problems.append(f"{source}: elements: a list of elements, each with its items")
        raw_elements = []
    for position, raw in enumerate(raw_elements, start=1):
        where = f"{source}: elements[{position}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: not a mapping")
            continue
        element_code = str(raw.get("code", ""))
        if not CODE.fullmatch(element_code) or element_code in titles:
            problems.append(f"{where}: code {element_code!r} missing, badly formed or repeated")
        titles[element_code] = str(raw.get("title", ""))
        raw_items = raw.get("items")
        if not isinstance(raw_items, dict) or not raw_items:
            problems.append(f"{where}: items: a mapping of item code to its text")
            raw_items = {}
        codes = []
        for item_code, text in raw_items.items():
            if isinstance(text, dict):
                item_weights[str(item_code)] = _weight(text.get("weight", 1), f"{where}.{item_code}", problems)
                text = text.get("text", "")
            if not CODE.fullmatch(str(item_code)) or item_code in item_text:
                problems.append(f"{where}: item {item_code!r} badly formed or repeated")
            item_text[str(item_code)] = str(text)
            codes.append(str(item_code))
        weight = _weight(raw.get("weight", 1), where, problems)
        elements.append(Element(element_code, titles[element_code], tuple(codes), weight))
    expectations = data.get("expectations") or {}
    if not isinstance(expectations, dict):
        problems.append(f"{source}: expectations: a mapping of code to text")
        expectations = {}
    for expectation in expectations:
        if not CODE.fullmatch(str(expectation)) or expectation in item_text:
            problems.append(f"{source}: expectation {expectation!r} badly formed or the code of an item")
    profile: dict[str, tuple[str, dict[str, str]]] = {}
    raw_profile = data.get("profile") or {}
    if not isinstance(raw_profile, dict):
        problems.append(f"{source}: profile: a mapping of question code to its title and choices")
        raw_profile = {}
    for key, question in raw_profile.items():
        choices = question.get("choices") if isinstance(question, dict) else None
        if not isinstance(choices, dict) or not choices or any(v is None for v in choices.values()):
            problems.append(f"{source}: profile.{key}: give a title and choices (code: label)")
            continue
        profile[str(key)] = (str(question.get("title", key)), {str(k): str(v) for k, v in choices.items()})
    comment = data.get("comment") or {}
    if not isinstance(comment, dict) or not str(comment.get("max_length", 2000)).isdigit():
        problems.append(f"{source}: comment: a title and a max_length (a whole number)")
        comment = {}
    if problems:
        raise QuestionnaireError(problems)
    return Form(
        questionnaire=Questionnaire(
            code=code,
            elements=tuple(elements),
            expectations=tuple(str(e) for e in expectations),
            satisfied=satisfied,
            expectation_high=high,
            item_weights=item_weights,
        ),
        title=str(data.get("title", code)),
        method=str(data.get("method", "")),
        scale=scale,
        expectation_scale=expectation_scale,
        item_text=item_text,
        element_titles=titles,
        expectation_text={str(k): str(v) for k, v in expectations.items()},
        profile=profile,
        comment_title=str(comment.get("title", "")),
        comment_max_length=int(comment.get("max_length", 2000)),
    )


def load(code: str = DEFAULT, directory: Path = DATA_DIR) -> Form:
    """The questionnaire version `code` from the data directory."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", code):
        raise QuestionnaireError([f"{code!r}: not a questionnaire code"])
    path = directory / f"{code}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuestionnaireError([f"{path.name}: {exc.strerror or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"{path.name}: not valid YAML ({exc})"]) from exc
    form = parse(data, path.name)
    if form.code != code:
        raise QuestionnaireError([f"{path.name}: its code is {form.code!r}, not {code!r}"])
    return form
