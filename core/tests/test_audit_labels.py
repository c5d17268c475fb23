"""Every action code the product writes to the audit log has a Vietnamese label (core.audit), so no
page shows a raw code such as `dossier.received`."""

import ast
import functools
import importlib.util
import os
import re
from pathlib import Path

from django.apps import apps
from django.template import Context, Template
from django.utils import translation

from core import audit
from core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "tests", "migrations", "bench", "scripts", "static", "node_modules", ".git"}
NOT_ACTIONS = {"store_true", "store_false", "append", "count"}


def _python_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder) / name


def _patterns(node):
    """The action codes an expression can give: constants as they are, f-strings as patterns."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield re.escape(node.value)
    elif isinstance(node, ast.IfExp):
        yield from _patterns(node.body)
        yield from _patterns(node.orelse)
    elif isinstance(node, ast.JoinedStr):
        yield "".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z0-9_]+" for v in node.values)


NOT_CODES = {"daily_job", "queue_handler", "include", "salted_hmac", "dumps", "loads", "Signer", "TimestampSigner"}


def _not_codes(tree):
    """String nodes that name something else with the same dotted look: job names, URL modules,
    signing salts."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if getattr(node.func, "id", getattr(node.func, "attr", "")) in NOT_CODES:
                skip.update(id(a) for a in node.args)
            skip.update(id(kw.value) for kw in node.keywords if kw.arg == "salt")
    return skip


def _is_name_of_something_else(text):
    """A model label (`feedback.attachment`) or a module (`feedback.urls`)."""
    try:
        apps.get_model(text)
        return True
    except (LookupError, ValueError):
        pass
    try:
        return importlib.util.find_spec(text) is not None
    except ModuleNotFoundError:
        return False


@functools.cache
def written_actions():
    """(file, pattern) of every action code the code can write: what is given to log_action,
    audit_entry or the security audit (`action=...`, `record(request, user, code)`), and every other
    string constant of the same subjects (codes kept in a variable or a table before the call)."""
    given, constants = [], []
    for path in _python_files():
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _not_codes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                constants.append((name, node.value))
            if not isinstance(node, ast.Call):
                continue
            values = [kw.value for kw in node.keywords if kw.arg == "action"]
            if getattr(node.func, "id", getattr(node.func, "attr", "")) == "record" and len(node.args) >= 3:
                values.append(node.args[2])
            given += [(name, p) for value in values for p in _patterns(value) if "\\." in p]
    subjects = "|".join(sorted({p.split("\\.")[0] for _f, p in given}))
    code = re.compile(rf"(?:{subjects})\.[a-z][a-z0-9_]*")
    return given + [
        (f, re.escape(text)) for f, text in constants if code.fullmatch(text) and not _is_name_of_something_else(text)
    ]


def test_the_scan_finds_the_codes_it_should():
    """The scan itself works: it sees codes of every app (else the next test proves nothing)."""
    patterns = {p for _f, p in written_actions()}
    for code in ("dossier\\.received", "task\\.approved", "score\\.declared", "auth\\.login", "feedback\\.published"):
        assert code in patterns
    # a module, a model, a daily job and a signing salt: no codes
    assert not {"feedback\\.urls", "feedback\\.attachment", "feedback\\.close", "feedback\\.confirm"} & patterns


def test_names_of_other_things_are_not_taken_for_codes():
    assert _is_name_of_something_else("feedback.attachment")  # a model
    assert _is_name_of_something_else("feedback.urls")  # a module
    assert not _is_name_of_something_else("feedback.published")
    patterns = {p for _f, p in written_actions()}
    assert "feedback\\.close" not in patterns  # a daily job's name
    assert "feedback\\.confirm" not in patterns  # a signing salt


def test_every_written_action_has_a_label():
    missing = sorted(
        f"{file}: {pattern}"
        for file, pattern in written_actions()
        if not any(re.fullmatch(pattern, code) for code in audit.ACTIONS)
    )
    assert missing == []


def test_labels_are_vietnamese_and_unknown_codes_stay_visible():
    with translation.override("vi"):
        assert audit.action_label("auth.login") == "đăng nhập"
        assert audit.action_label("no.such") == "no.such"


def test_the_template_library_shows_labels_fields_and_values(db):
    entry = AuditEntry(action="access.role_changed", object_type="core.membership", object_id="1")
    template = Template(
        "{% load audit %}{{ e.action|action_label }}|{% audit_field e 'role' %}|{% audit_value e 'role' 'leader' %}"
        "|{% audit_value e 'day' '2026-12-07' %}|{% audit_value e 'x' None %}"
    )
    with translation.override("vi"):
        text = template.render(Context({"e": entry}))
    assert text == "đổi vai trò|vai trò|Lãnh đạo cơ quan|07/12/2026|—"
