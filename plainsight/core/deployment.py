"""The deployment profile: what is local to one coalition (region, local help lines).

Nothing in the code is specific to one county; the profile named by
``PLAINSIGHT_DEPLOYMENT`` (a JSON file under ``deployments/``) carries it, with every
text in each of the site's languages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language


@dataclass(frozen=True)
class LocalLine:
    key: str
    name: str
    call: str
    call_display: str
    what_it_does: str
    hours: str
    makes_report: bool


@cache
def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def profile() -> dict:
    return _load(str(settings.PLAINSIGHT_DEPLOYMENT))


def _pick(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts["en"]


def region_name(language: str | None = None) -> str:
    return _pick(profile()["region"], language or get_language() or "en")


def local_lines(language: str | None = None) -> list[LocalLine]:
    lang = language or get_language() or "en"
    return [
        LocalLine(
            key=line["key"],
            name=_pick(line["name"], lang),
            call=line["call"],
            call_display=line["call_display"],
            what_it_does=_pick(line["what_it_does"], lang),
            hours=_pick(line["hours"], lang),
            makes_report=bool(line["makes_report"]),
        )
        for line in profile()["local_lines"]
    ]
