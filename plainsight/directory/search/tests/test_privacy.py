"""What a visitor typed does not stay in the process once the page is answered.

The words of a search are never written anywhere (tests/test_no_visitor_trace.py looks
in the database, cache, files and logs). They must not linger in memory either: a
process lives for days, and a memory dump (a crash report, a swapped page, a debugger)
would then list what people searched for. Caches that outlive a request may only hold
what belongs to the listings.
"""

from __future__ import annotations

import gc
import secrets
import types

import pytest
from django.test import Client

from plainsight.directory.search import query, text
from plainsight.directory.search.engine import SearchRequest, search

pytestmark = pytest.mark.django_db

CONSONANTS = "bcdfghjklmnpqrstvwxz"


def _made_up_word() -> str:
    """A word no listing has and no dictionary knows (so no stem or correction)."""
    return "zq" + "".join(secrets.choice(CONSONANTS) for _ in range(10))


def _strings_holding(needle: str) -> list[str]:
    """Every string (or bytes) reachable in this process that contains ``needle``, with
    the types of the objects that lead to it.

    Walks from every object the garbage collector tracks through what each refers to:
    a container holding only strings (an ``lru_cache``'s table, say) is not tracked
    itself, so ``gc.get_objects()`` alone would miss it. Frames are not followed, so
    the test's own variables do not count.
    """
    gc.collect()
    found = []
    holder: dict[int, object] = {}
    seen: set[int] = set()
    stack = gc.get_objects()
    encoded = needle.encode()
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        kind = type(obj)  # not isinstance: it would wake Django's lazy objects
        if kind in (str, bytes, bytearray):
            if (needle if kind is str else encoded) in obj:  # type: ignore[operator]
                path, current = [], id(obj)
                while current in holder and len(path) < 6:
                    path.append(type(holder[current]).__name__)
                    current = id(holder[current])
                found.append(f"{obj[:60]!r} in {' < '.join(path)}")
            continue
        if kind is types.FrameType:
            continue
        for referent in gc.get_referents(obj):
            holder.setdefault(id(referent), obj)
            stack.append(referent)
    return found


def test_the_words_of_a_search_page_are_not_kept_after_it(kern) -> None:
    word, place = _made_up_word(), _made_up_word()
    # Typed with capitals and an accent, so that a kept lower-case, folded or stemmed
    # form is found by its plain letters; the test itself holds only the typed form.
    typed = word.upper()[:4] + "É" + word.upper()[4:]
    needle = word[:4] + "e" + word[4:]

    client = Client()
    # A search with the word (the place is known), then a place no table has.
    for data in ({"q": f"shelter {typed}", "near": "93301"}, {"near": place.title()}):
        response = client.post("/en/find-help/", data)
        assert response.status_code == 200
        del response

    assert _strings_holding(needle) == []
    assert _strings_holding(place) == []


def test_a_search_keeps_only_listing_words_in_its_caches(kern) -> None:
    word = _made_up_word()
    before = text.listing_word_tokens.cache_info().currsize

    results = search(SearchRequest(text=f"legal {word}"))

    assert results.analyzed.ignored == [word]
    # The token counts kept between searches are those of the whole index, whatever
    # was searched.
    kept = query._counts_cache.tokens
    assert kept == query._read_counts(None)
    # Stemming a query fills no cache (indexing's cache is for listing words).
    assert text.listing_word_tokens.cache_info().currsize == before
    assert not hasattr(text.fold, "cache_info")
    assert not hasattr(text.word_tokens, "cache_info")


def test_the_words_of_an_api_search_are_not_kept_after_it(kern) -> None:
    word = _made_up_word()
    for path in ("/api/hsds/services", "/api/hsds/organizations", "/api/hsds/taxonomy_terms"):
        response = Client().get(path, {"search": f"legal {word.upper()}"})
        assert response.status_code == 200, response.content
        del response

    assert _strings_holding(word) == []
