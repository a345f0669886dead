"""Apply Spanish translations from a JSON file to the gettext catalogue.

Usage: python scripts/po_apply.py translations.json [locale/es/LC_MESSAGES/django.po]

The JSON maps each English msgid to its Spanish text (or, for plural entries, to a
list of forms). Run `make messages` first so the msgids exist in the catalogue. Entries
marked fuzzy by msgmerge are cleared of the flag once translated.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import polib


def apply(translations: dict[str, str | list[str]], po_path: Path) -> tuple[int, list[str]]:
    catalogue = polib.pofile(str(po_path), wrapwidth=79)
    applied = 0
    for entry in catalogue:
        if entry.obsolete or entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(3)}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
        applied += 1
    catalogue.metadata.update(
        {
            "Project-Id-Version": "PlainSight",
            "Language": "es",
            "Language-Team": "Spanish",
            "Content-Type": "text/plain; charset=UTF-8",
            "Last-Translator": "PlainSight developers",
            "PO-Revision-Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000"),
        }
    )
    # makemessages marks a new header fuzzy; msgfmt would then ignore it (charset, plurals).
    catalogue.metadata_is_fuzzy = []
    catalogue.save()
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    return applied, missing


def main() -> None:
    source = Path(sys.argv[1])
    po_path = Path(sys.argv[2] if len(sys.argv) > 2 else "locale/es/LC_MESSAGES/django.po")
    applied, missing = apply(json.loads(source.read_text(encoding="utf-8")), po_path)
    print(f"applied {applied}; still untranslated or fuzzy: {len(missing)}")
    for msgid in missing:
        print("  -", msgid[:100].replace("\n", " "))


if __name__ == "__main__":
    main()
