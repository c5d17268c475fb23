"""The layering contract (pyproject `[tool.importlinter]`): the apps point one way, and the check
does catch a lower layer importing a higher one."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACT = CONFIG["contracts"][0]["name"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("lint-imports")
    command = str(script) if script.exists() else shutil.which("lint-imports")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(  # noqa: S603  (our own tool on our own tree)
        [command, "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_apps_keep_the_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACT} KEPT" in result.stdout


def python_only(folder: str, names: list[str]) -> set[str]:
    """What copytree leaves out: caches and every file but Python's."""
    kept = {name for name in names if name.endswith(".py") or Path(folder, name).is_dir()}
    return {name for name in names if name not in kept or name == "__pycache__"}


def test_a_lower_layer_importing_a_higher_one_breaks_it(tmp_path):
    """The tree's Python files copied, one function-level import from core up to reports added."""
    for package in CONFIG["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    text = tmp_path / "core" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\n\ndef _upward():\n    import reports  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert f"{CONTRACT} BROKEN" in result.stdout
    assert "core.text -> reports" in result.stdout
