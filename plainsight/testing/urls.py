"""Helpers to enumerate the project's URL patterns (used by header and access tests)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" or the pattern text when unnamed
    pattern: str  # the full regex/route text, for messages
    callback: object
    sample_path: str  # a concrete path with sample values filled in


_SAMPLE_VALUES = {
    "int": "1",
    "uuid": str(uuid.UUID(int=1)),
    "slug": "sample",
    "str": "sample",
    "path": "sample",
}


def _sample(route_text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return _SAMPLE_VALUES.get(converter, "sample")

    text = re.sub(r"<(?:(\w+):)?\w+>", repl, route_text)
    # Regex patterns (i18n prefixes, re_path): keep the literal parts.
    text = text.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return text


def iter_routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every URL pattern of the project, with a sample path (language prefix 'en')."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            part = str(entry.pattern)
            if getattr(entry.pattern, "language_prefix", None) is not None or (
                type(entry.pattern).__name__ == "LocalePrefixPattern"
            ):
                part = "en/"
            ns = entry.namespace or namespace
            yield from iter_routes(entry, prefix + _sample(part), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or str(entry.pattern)
            full_name = f"{namespace}:{name}" if namespace and entry.name else name
            path = "/" + prefix + _sample(str(entry.pattern))
            yield Route(full_name, prefix + str(entry.pattern), entry.callback, path)
