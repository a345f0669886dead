"""The README stays true: every environment variable and every make command it must name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
README = (BASE_DIR / "README.md").read_text(encoding="utf-8")


def _variables_read_by(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    patterns = (
        r"\benv(?:_bool|_list)?\(\s*\"([A-Z][A-Z0-9_]+)\"",
        r"environ\.get\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']",
        r"environ\[\s*[\"']([A-Z][A-Z0-9_]+)[\"']\s*\]",
        r"getenv\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']",
    )
    return {name for pattern in patterns for name in re.findall(pattern, source)}


@pytest.mark.parametrize("path", ["config/settings.py", "config/gunicorn.conf.py"])
def test_every_environment_variable_is_documented(path: str) -> None:
    names = _variables_read_by(BASE_DIR / path)
    assert len(names) >= 5, f"found too few variables in {path}: the pattern is broken"
    undocumented = sorted(name for name in names if f"`{name}`" not in README)
    assert not undocumented, f"README.md's variable table lacks {undocumented} (read in {path})"


def test_readme_commands_exist_in_the_makefile() -> None:
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    mentioned = set(re.findall(r"`make ([a-z][a-z-]*)", README))
    assert {"run", "test", "test-postgres", "lint", "bench"} <= mentioned
    assert mentioned <= targets, f"README names missing targets: {sorted(mentioned - targets)}"


def test_the_two_commands_come_first() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block
