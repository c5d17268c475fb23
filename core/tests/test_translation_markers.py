"""Every interface text reaches the Vietnamese catalogue: `makemessages` (xgettext) finds only
calls to the standard names (`_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`, ...) and never
reads inside an f-string. A text marked with another alias (`gettext_lazy as _lazy`) or translated
inside an f-string is silently left out of the catalogue and shows in English ("First 6 months",
"Where should the agency make more effort?" did)."""

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "tests", "migrations", "node_modules", ".git", "static", "locale"}
KNOWN = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _sources():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder) / name
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", getattr(call.func, "attr", ""))


def test_translation_functions_are_imported_under_names_xgettext_reads():
    wrong = [
        f"{path.relative_to(ROOT)}:{node.lineno} {alias.name} as {alias.asname}"
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in KNOWN and alias.asname not in (None, "_")
    ]
    assert not wrong, wrong


def test_no_text_is_translated_inside_an_f_string():
    wrong = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, tree in _sources()
        for fstring in ast.walk(tree)
        if isinstance(fstring, ast.JoinedStr)
        for call in ast.walk(fstring)
        if isinstance(call, ast.Call) and _name(call) in KNOWN | {"_"} and call.args
        if isinstance(call.args[0], ast.Constant)
    ]
    assert not wrong, wrong


def test_the_guard_sees_both_mistakes(tmp_path):
    """The two checks above fail on the mistakes they describe."""
    bad = ast.parse(
        "from django.utils.translation import gettext_lazy as _lazy\n"
        "from django.utils.translation import gettext\n"
        "x = f'<h2>{gettext(\"About you\")}</h2>'\n"
    )
    imports = [a.asname for n in ast.walk(bad) if isinstance(n, ast.ImportFrom) for a in n.names]
    assert "_lazy" in imports
    calls = [c for f in ast.walk(bad) if isinstance(f, ast.JoinedStr) for c in ast.walk(f) if isinstance(c, ast.Call)]
    assert [_name(c) for c in calls] == ["gettext"]
