"""Files the directory's import tests upload."""

from __future__ import annotations

import io
import zipfile


def zipped(files: dict[str, str] | dict[str, bytes]) -> bytes:
    """A .zip holding ``files`` (name → text), as an HSDS CSV package is uploaded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
