"""Reading criteria and value files (YAML or JSON) with errors that name the file and line."""

from pathlib import Path
from typing import Any

import yaml

from scorecards.criteria import CriteriaError, Problem


def read_yaml(path: Path) -> Any:
    """Safe YAML (JSON is YAML too); a missing file or bad syntax is a CriteriaError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CriteriaError([Problem(str(path), "file not found")]) from None
    except UnicodeDecodeError:
        raise CriteriaError([Problem(str(path), "not UTF-8 text")]) from None
    return load_yaml_text(text, source=str(path))


def load_yaml_text(text: str, *, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}: line {mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise CriteriaError([Problem(where, f"YAML syntax error: {problem}")]) from None
