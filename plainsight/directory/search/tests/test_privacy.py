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

from plainsight.directory.search import places, query, text
from plainsight.directory.search.engine import SearchRequest, search

pytestmark = pytest.mark.django_db

CONSONANTS = "bcdfghjklmnpqrstvwxz"
CYRILLIC_CONSONANTS = "бвгджзклмнпрстфхцчшщ"


def _made_up_word() -> str:
    """A word no listing has and no dictionary knows (so no stem or correction)."""
    return "zq" + "".join(secrets.choice(CONSONANTS) for _ in range(12))


def _made_up_cyrillic_word() -> str:
    """The same in another script: its search tokens are spelled in hexadecimal."""
    return "".join(secrets.choice(CYRILLIC_CONSONANTS) for _ in range(12))


def _typed(word: str) -> str:
    """``word`` as the test types it: in capitals, with an accent after four letters, so
    that no form a search makes of it (lower case, folded, stemmed) is the typed one."""
    return word.upper()[:4] + "É" + word.upper()[4:]


def _marks(word: str) -> tuple[str, ...]:
    """What every form of ``word`` holds, in any letter case: its letters after the
    fourth (where ``_typed`` puts the accent) but for the last two (a stemmer may drop
    an ending); for a word in another script, also their hexadecimal spelling."""
    middle = word[4:-2]
    if middle.isascii():
        return (middle,)
    return (middle, middle.encode().hex())


def _strings_holding(*marks: str) -> list[str]:
    """Every string (or bytes) reachable in this process that contains one of ``marks``
    in any letter case, with the types of the objects that lead to it.

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
    wanted = [mark.lower() for mark in marks]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        kind = type(obj)  # not isinstance: it would wake Django's lazy objects
        if kind in (str, bytes, bytearray) and isinstance(obj, str | bytes | bytearray):
            # Bytes too in any case: a statement's text, a UTF-8 copy of a word.
            as_text = obj if isinstance(obj, str) else bytes(obj).decode(errors="replace")
            lowered = as_text.lower()
            if any(mark in lowered for mark in wanted):
                path: list[str] = []
                current = id(obj)
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


# Reachable from sys.modules: what a test plants here, the walk must find.
_planted: list[str] = []


@pytest.mark.parametrize("form", ["typed", "lower", "title", "folded", "stem", "hex"])
def test_the_walk_finds_a_typed_word_however_it_is_kept(form: str) -> None:
    """Whatever form a search makes of a typed word, ``_strings_holding`` sees it kept:
    otherwise the tests below could pass with a visitor's word still in memory."""
    word = _made_up_word() + "s"  # English stemming drops the final s
    other = _made_up_cyrillic_word()
    typed = _typed(word)
    kept = {
        "typed": typed,  # request.POST, a form's data
        "lower": typed.lower(),  # text.words: accent kept (QueryWord.typed, ignored)
        "title": typed.title(),
        "folded": text.fold(typed),
        "stem": text.word_tokens(typed.lower(), "en")[0],
        "hex": text.word_tokens(other, "en")[0],
    }[form]
    _planted.append(kept)
    try:
        assert _strings_holding(*_marks(other if form == "hex" else word)) != []
    finally:
        _planted.clear()


def test_the_words_of_a_search_page_are_not_kept_after_it(kern) -> None:
    word, other, place = _made_up_word(), _made_up_cyrillic_word(), _made_up_word()

    client = Client()
    # A search with the words (the place is known), then a place no table has.
    for data in (
        {"q": f"shelter {_typed(word)} {other.upper()}", "near": "93301"},
        {"near": _typed(place).title()},
    ):
        response = client.post("/en/find-help/", data)
        assert response.status_code == 200
        del response

    assert _strings_holding(*_marks(word), *_marks(other)) == []
    assert _strings_holding(*_marks(place)) == []


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
        response = Client().get(path, {"search": f"legal {_typed(word)}"})
        assert response.status_code == 200, response.content
        del response

    assert _strings_holding(*_marks(word)) == []


def test_a_search_leaves_no_statement_naming_its_words_or_place(kern) -> None:
    """Words the index knows and a known place reach the search's statements. Drivers
    keep the text of recent statements (psycopg: the last 128, for the life of the
    process; sqlite3: each connection's compiled statements), so that text may hold
    placeholders only, never a token or a coordinate."""
    place = places.find_place("93301")
    assert place is not None
    response = Client().post("/en/find-help/", {"q": "legal", "near": "93301"})
    assert response.status_code == 200 and "results-heading" in response.content.decode()
    del response

    # A token as the score looks for it, and the place's latitude as SQL would write it.
    assert _strings_holding("' legal '", f"latitude - {place.latitude!r}") == []
