"""Every user-facing text exists in every language of the site.

The strings are extracted from the code itself (``makemessages`` over a temporary copy of
the source tree, so the real ``locale/`` is never touched) and merged into a copy of the
Spanish catalogue; the merged catalogue must have no untranslated or fuzzy entry and must
pass ``msgfmt --check``. The deployment profiles (``deployments/*.json``) carry their own
texts and must have each one in every language of ``settings.LANGUAGES``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# The same extraction as `make messages` (Makefile): keep the two in step.
MAKEMESSAGES_ARGS = [
    "--ignore=.venv",
    "--ignore=bench",
    "--ignore=tests",
    "--no-obsolete",
    "--add-location=file",
]
SOURCE_DIRS = ("config", "plainsight")
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def _require_gettext() -> None:
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if not shutil.which(tool)]
    if missing:
        pytest.fail(
            f"GNU gettext is missing ({', '.join(missing)}): run `apt-get install gettext` "
            "(.ci/run installs it).",
            pytrace=False,
        )


def _child_env(tmp: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PLAINSIGHT_", "DATABASE_URL", "CACHE_URL"))
    }
    env["PLAINSIGHT_VAR_DIR"] = str(tmp / "var")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


@pytest.fixture(scope="module")
def extracted_catalogues(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Catalogues as `make messages` would leave them, built in a throw-away copy."""
    _require_gettext()
    tmp = tmp_path_factory.mktemp("messages")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in SOURCE_DIRS:
        shutil.copytree(BASE_DIR / name, tmp / name, ignore=ignore)
    shutil.copy2(BASE_DIR / "manage.py", tmp / "manage.py")
    catalogues = {}
    for language in TRANSLATED_LANGUAGES:
        source = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        assert source.exists(), f"no catalogue for {language}: {source}"
        target = tmp / "locale" / language / "LC_MESSAGES" / "django.po"
        target.parent.mkdir(parents=True)
        shutil.copy2(source, target)
        catalogues[language] = target
    for language in TRANSLATED_LANGUAGES:
        result = subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", language, *MAKEMESSAGES_ARGS],
            cwd=tmp,
            env=_child_env(tmp),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    return catalogues


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_string_in_the_code_is_translated(
    extracted_catalogues: dict[str, Path], language: str
) -> None:
    catalogue = polib.pofile(str(extracted_catalogues[language]))
    # The extraction really found the code's strings (a broken copy would find none).
    msgids = {entry.msgid for entry in catalogue}
    assert "Quick exit" in msgids and "Get help now" in msgids
    missing = [
        entry
        for entry in catalogue
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]
    if missing:
        pending = _pending_translations(language)
        listing = "\n".join(
            f"  - {entry.msgid[:90]!r}{' (fuzzy)' if entry.fuzzy else ''}"
            f" [{', '.join(path for path, _line in entry.occurrences)}]"
            + (f" — waiting in {pending[entry.msgid]}" if entry.msgid in pending else "")
            for entry in missing
        )
        pytest.fail(
            f"{len(missing)} text(s) have no {language} translation in "
            f"locale/{language}/LC_MESSAGES/django.po:\n{listing}\n"
            f"To fix: `make messages`, then `python scripts/po_apply.py "
            f"locale/{language}/pending/<file>.json` for translations waiting in a pending "
            "file (or translate the rest), and commit the catalogue.",
            pytrace=False,
        )


def _pending_translations(language: str) -> dict[str, str]:
    """msgid -> pending file name, for translations not yet applied to the catalogue."""
    found = {}
    for path in sorted((BASE_DIR / "locale" / language / "pending").glob("*.json")):
        for msgid in json.loads(path.read_text(encoding="utf-8")):
            found[msgid] = f"locale/{language}/pending/{path.name}"
    return found


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_passes_msgfmt_check(
    extracted_catalogues: dict[str, Path], language: str
) -> None:
    """msgfmt --check catches broken placeholders (%(name)s) and a bad header."""
    result = subprocess.run(
        [
            "msgfmt",
            "--check",
            "--statistics",
            "-o",
            os.devnull,
            str(extracted_catalogues[language]),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    report = result.stderr.strip()
    assert result.returncode == 0, report
    assert "untranslated" not in report and "fuzzy" not in report, report
    assert re.fullmatch(r"\d+ translated messages?\.", report), report


# --- Deployment profiles ----------------------------------------------------------------

PROFILES = sorted((BASE_DIR / "deployments").glob("*.json"))
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
# A plain string of two or more words is prose a visitor reads: it must be a
# {"en": ..., "es": ...} object instead. Keys starting with "_" are notes for maintainers.
PROSE = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")


def _is_translations(node: Any) -> bool:
    return isinstance(node, dict) and "en" in node


def _walk(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every node, without descending into {"en": ..., "es": ...} objects."""
    yield where, node
    if isinstance(node, dict) and not _is_translations(node):
        for key, value in node.items():
            if not str(key).startswith("_"):
                yield from _walk(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}[{index}]")


def test_there_is_a_deployment_profile() -> None:
    assert PROFILES, "deployments/*.json is empty"
    assert Path(settings.PLAINSIGHT_DEPLOYMENT).resolve() in {p.resolve() for p in PROFILES}


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_every_profile_text_exists_in_every_language(profile: Path) -> None:
    data = json.loads(profile.read_text(encoding="utf-8"))
    problems = []
    for where, node in _walk(data, "$"):
        if _is_translations(node):
            unknown = sorted(set(node) - LANGUAGE_CODES)
            if unknown:
                problems.append(f"{where}: unknown language(s) {unknown}")
            for code in sorted(LANGUAGE_CODES):
                text = node.get(code)
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"{where}: no {code!r} text")
        elif isinstance(node, str) and PROSE.search(node):
            problems.append(f"{where}: {node[:40]!r} is shown to visitors but not translated")
    assert not problems, f"{profile.name}:\n" + "\n".join(problems)


def test_profile_texts_reach_the_page_in_each_language(client: Any, db: Any) -> None:
    data = json.loads(Path(settings.PLAINSIGHT_DEPLOYMENT).read_text(encoding="utf-8"))
    for code in sorted(LANGUAGE_CODES):
        page = client.get(f"/{code}/").content.decode()
        for line in data["local_lines"]:
            assert line["name"][code].replace("&", "&amp;") in page, (code, line["key"])
            assert line["what_it_does"][code] in page, (code, line["key"])
