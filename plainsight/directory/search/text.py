"""Turning text into search tokens, the same way for listings and for queries.

A word becomes one or more *tokens*: its English stem for English text, its Spanish
stems for Spanish text, and, at query time, both (a person may type either language on
either page). Tokens are plain ASCII ``[a-z0-9]`` so that SQLite FTS5 and a PostgreSQL
``tsvector`` read them identically: accents are folded (``inmigración`` and
``inmigracion`` meet), and words in other scripts are spelled in hexadecimal.

Spanish is stemmed twice, from the word as written and from the word without accents,
because the Snowball Spanish stemmer treats ``policía`` and ``policia`` differently;
listing and query both get both stems, so they always meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Words longer than this are not real words (ids, URLs run together): not indexed.
MAX_WORD_LENGTH = 40

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _stem(language: str, word: str) -> str:
    # A new stemmer for every word (0.5 µs): a stemmer keeps the last word it was given,
    # so a shared one would hold a visitor's word until the next search, and one
    # shared between threads could mix two words.
    return snowballstemmer.stemmer(language).stemWord(word)


# Function words that carry no meaning in a listing or a query.
STOPWORDS_EN = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "was",
        "we",
        "were",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    ]
)
STOPWORDS_ES = frozenset(
    [
        "a",
        "al",
        "algo",
        "como",
        "con",
        "cual",
        "de",
        "del",
        "desde",
        "donde",
        "el",
        "ella",
        "ellas",
        "ellos",
        "en",
        "entre",
        "era",
        "es",
        "esa",
        "ese",
        "eso",
        "esta",
        "estan",
        "este",
        "esto",
        "fue",
        "ha",
        "hay",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "mas",
        "me",
        "mi",
        "mis",
        "muy",
        "nos",
        "o",
        "para",
        "pero",
        "por",
        "que",
        "se",
        "ser",
        "si",
        "sobre",
        "son",
        "su",
        "sus",
        "te",
        "tu",
        "un",
        "una",
        "uno",
        "unos",
        "unas",
        "y",
        "ya",
        "yo",
    ]
)
STOPWORDS = STOPWORDS_EN | STOPWORDS_ES

# Words people put in a request that say nothing about *what* they need
# ("I need help", "necesito ayuda"): dropped from queries only, never from listings.
REQUEST_WORDS = frozenset(
    [
        "help",
        "helps",
        "helping",
        "need",
        "needs",
        "needed",
        "want",
        "looking",
        "look",
        "find",
        "get",
        "please",
        "near",
        "nearby",
        "around",
        "where",
        "can",
        "could",
        "would",
        "any",
        "some",
        "someone",
        "somebody",
        "something",
        "place",
        "places",
        "ayuda",
        "ayudar",
        "ayudan",
        "ayudenme",
        "necesito",
        "necesita",
        "necesitamos",
        "quiero",
        "queremos",
        "busco",
        "buscar",
        "buscando",
        "encontrar",
        "favor",
        "cerca",
        "donde",
        "alguien",
        "algun",
        "alguna",
        "lugar",
        "lugares",
        "puedo",
        "puede",
    ]
)


def fold(text: str) -> str:
    """Lower case without accents: ``Inmigración`` → ``inmigracion``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of ``text`` in lower case, accents kept (the stemmers want them)."""
    return [w for w in _WORD.findall(text.lower()) if len(w) <= MAX_WORD_LENGTH]


def _ascii(token: str) -> str:
    if token.isascii():
        return token
    # Other scripts: a stable ASCII spelling that both databases index as one token.
    return "x" + token.encode("utf-8").hex()


def english_tokens(word: str) -> tuple[str, ...]:
    folded = fold(word)
    return (_ascii(fold(_stem("english", folded))),)


def spanish_tokens(word: str) -> tuple[str, ...]:
    as_written = _ascii(fold(_stem("spanish", word)))
    plain = fold(word)
    if plain == word:  # nothing to fold: the second stem would be the same
        return (as_written,)
    without_accents = _ascii(fold(_stem("spanish", plain)))
    if as_written == without_accents:
        return (as_written,)
    return (as_written, without_accents)


def word_tokens(word: str, language: str) -> tuple[str, ...]:
    """Tokens of one word written in ``language`` ("en", "es", or "any" for queries)."""
    if language == "en":
        return english_tokens(word)
    if language == "es":
        return spanish_tokens(word)
    seen: dict[str, None] = dict.fromkeys(english_tokens(word))
    seen.update(dict.fromkeys(spanish_tokens(word)))
    return tuple(seen)


# Nothing a visitor types may stay in this process after their search: the functions
# above keep no cache, and queries call them. Listing text (indexing meets the same
# words again and again) goes through this cache instead.
listing_word_tokens = lru_cache(maxsize=200_000)(word_tokens)


def is_stopword(word: str) -> bool:
    return fold(word) in STOPWORDS


def text_words(text: str) -> list[str]:
    """The meaningful words of a listing's text (stopwords and 1-letter words dropped)."""
    return [w for w in words(text) if len(w) > 1 and not is_stopword(w)]


def text_tokens(text: str, language: str) -> set[str]:
    tokens: set[str] = set()
    for word in text_words(text):
        tokens.update(listing_word_tokens(word, language))
    return tokens


def spelling_word(word: str) -> str | None:
    """The form kept in the spelling vocabulary (folded ASCII), or None if unsuitable."""
    folded = fold(word)
    if not folded.isascii() or not folded.isalpha() or len(folded) < 3:
        return None
    return folded


def pad(tokens: set[str] | list[str]) -> str:
    """A space-delimited token list with a space at both ends, so ``' tok '`` finds it."""
    if not tokens:
        return " "
    return " " + " ".join(sorted(tokens)) + " "


def slug(text: str) -> str:
    """A short ASCII code for a name (cities in service areas): ``San José`` → ``sanjose``."""
    return "".join(ch for ch in fold(text) if ch.isascii() and ch.isalnum())
