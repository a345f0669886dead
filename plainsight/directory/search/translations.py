"""Reading the directory's ``translations`` JSON (PlainSight HSDS profile).

The profile stores a record's other-language texts as ``{"es": {"name": "…",
"description": "…"}}``. A ``{"name": {"es": "…"}}`` shape is read too, so data from
either convention shows up.
"""

from __future__ import annotations

from typing import Any


def translated(translations: Any, field: str, language: str) -> str:
    """The ``language`` text of ``field``, or "" when there is none."""
    if not isinstance(translations, dict):
        return ""
    by_language = translations.get(language)
    if isinstance(by_language, dict):
        value = by_language.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    by_field = translations.get(field)
    if isinstance(by_field, dict):
        value = by_field.get(language)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def in_language(obj: Any, field: str, language: str) -> str:
    """``obj.field`` in ``language`` when translated, else the original text."""
    original = getattr(obj, field, "") or ""
    if language and language != "en":
        return translated(getattr(obj, "translations", None), field, language) or original
    return original
