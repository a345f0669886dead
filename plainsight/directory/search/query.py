"""Understanding what a person typed.

``analyze`` (no database) splits the text into words, reads phrases that are filters
("no police", "gratis") or everyday ways to name a need ("trabajo sin pago"), and drops
words that say nothing about the need ("I need help with…"). ``resolve`` then looks
each word up in the index vocabulary: a word the index knows keeps its own stems; an
unknown word is corrected to the nearest known word within one or two typing mistakes
(by length), using the symmetric-deletion spelling table; a word with no match at all
is set aside rather than emptying the results.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from plainsight.directory.search import bulk, text, vocabulary
from plainsight.directory.search.spelling import (
    damerau_levenshtein,
    max_edit_distance,
    spelling_keys,
)

MAX_WORDS = 8
MAX_QUERY_LENGTH = 200

# How much a match through another route counts, next to the word itself.
CONCEPT_WEIGHT = 0.75
CORRECTED_WEIGHT = 0.85


@dataclass
class QueryWord:
    typed: str
    # token → weight before rarity
    tokens: dict[str, float]
    concept: bool = False
    corrected_to: str = ""


@dataclass
class AnalyzedQuery:
    words: list[QueryWord] = field(default_factory=list)
    implied_filters: set[str] = field(default_factory=set)
    ignored: list[str] = field(default_factory=list)

    @property
    def corrections(self) -> list[tuple[str, str]]:
        return [(w.typed, w.corrected_to) for w in self.words if w.corrected_to]


def analyze(raw: str) -> AnalyzedQuery:
    """Words, phrases and implied filters of a query (no database access)."""
    result = AnalyzedQuery()
    typed = text.words(raw[:MAX_QUERY_LENGTH])
    folded = [text.fold(w) for w in typed]
    index = 0
    while index < len(typed) and len(result.words) < MAX_WORDS:
        phrase = vocabulary.match_phrase(folded, index)
        if phrase is not None:
            length, kind, name = phrase
            if kind == "filter":
                result.implied_filters.add(name)
            else:
                concept = vocabulary.CONCEPTS_BY_KEY[name]
                result.words.append(
                    QueryWord(
                        typed=" ".join(typed[index : index + length]),
                        tokens={concept.token: 1.0},
                        concept=True,
                    )
                )
            index += length
            continue
        word, plain = typed[index], folded[index]
        index += 1
        if len(plain) < 2 or plain in text.STOPWORDS or plain in text.REQUEST_WORDS:
            continue
        tokens = dict.fromkeys(text.word_tokens(word, "any"), 1.0)
        for concept_token in vocabulary.concept_tokens(set(tokens), "any"):
            tokens.setdefault(concept_token, CONCEPT_WEIGHT)
        result.words.append(QueryWord(typed=word, tokens=tokens))
    return result


def _corrections(words: list[str]) -> dict[str, list[str]]:
    """Typed (folded) word → the nearest known words, best first (at most two)."""
    keys_by_word = {word: spelling_keys(word) for word in words}
    all_keys = set().union(*keys_by_word.values()) if keys_by_word else set()
    if not all_keys:
        return {}
    candidates: dict[str, set[str]] = {}
    ordered_keys = sorted(all_keys)
    for key, known in bulk.select(
        "SELECT key, word FROM directory_search_searchspelling"  # noqa: S608
        f" WHERE key IN ({bulk.placeholders(len(ordered_keys))})",
        ordered_keys,
    ):
        for word, keys in keys_by_word.items():
            if key in keys:
                candidates.setdefault(word, set()).add(known)
    known_words = sorted(set().union(*candidates.values()) if candidates else set())
    counts: dict[str, int] = {}
    if known_words:
        counts = dict(
            bulk.select(
                "SELECT word, document_count FROM directory_search_searchword"  # noqa: S608
                f" WHERE word IN ({bulk.placeholders(len(known_words))})",
                known_words,
            )
        )
    found: dict[str, list[str]] = {}
    for word, nearby in candidates.items():
        limit = max_edit_distance(len(word))
        scored = sorted(
            (damerau_levenshtein(word, known), -counts.get(known, 0), known)
            for known in nearby
            if known != word
        )
        scored = [item for item in scored if item[0] <= limit]
        if scored:
            best = scored[0][0]
            found[word] = [known for distance, _n, known in scored if distance == best][:2]
    return found


# Where a word is found: its weight (the name says most about a listing).
FIELD_WEIGHTS = {"name": 10.0, "category": 7.0, "organization": 4.0, "text": 2.0}


@dataclass(frozen=True)
class _CountsCache:
    """The counts of every token of one version of the index (they change only with it).

    Read whole, once per version, rather than token by token as searches ask: what a
    process keeps between searches then depends on the listings alone, never on which
    words or places visitors searched for (test_privacy.py). One statement per change
    of the index, and none per search."""

    version: Hashable
    # token → (documents having it, weight of its best field)
    tokens: dict[str, tuple[int, float]]


_counts_cache = _CountsCache(version=None, tokens={})


def _best_field(in_name: int, in_category: int, in_organization: int) -> float:
    if in_name:
        return FIELD_WEIGHTS["name"]
    if in_category:
        return FIELD_WEIGHTS["category"]
    if in_organization:
        return FIELD_WEIGHTS["organization"]
    return FIELD_WEIGHTS["text"]


def _read_counts(tokens: set[str] | None) -> dict[str, tuple[int, float]]:
    """The counts of ``tokens`` (None: of every token) that some document has."""
    sql = (
        "SELECT token, document_count, name_count, category_count, organization_count"
        " FROM directory_search_searchtoken WHERE document_count > 0"
    )
    params: list[str] = []
    if tokens is not None:
        params = sorted(tokens)
        sql += f" AND token IN ({bulk.placeholders(len(params))})"
    return {row[0]: (row[1], _best_field(*row[2:])) for row in bulk.select(sql, params)}


def _frequencies(
    tokens: set[str], best_field: dict[str, float], *, index_version: Hashable = None
) -> dict[str, int]:
    """Token → number of documents having it (tokens the index does not have are left
    out); ``best_field`` receives the weight of the best field any document has it in.

    With ``index_version`` (the index state the search read), from the counts of that
    version kept in memory; without, read now.
    """
    global _counts_cache
    if not tokens:
        return {}
    if index_version is None:
        found = _read_counts(tokens)
    else:
        cache = _counts_cache
        if cache.version != index_version:
            # Swapped whole: a thread still reading the old one never mixes versions.
            cache = _counts_cache = _CountsCache(index_version, _read_counts(None))
        found = {t: cache.tokens[t] for t in tokens.intersection(cache.tokens)}
    for token, (_count, weight) in found.items():
        best_field[token] = weight
    return {token: count for token, (count, _weight) in found.items()}


@dataclass
class ResolvedQuery:
    analyzed: AnalyzedQuery
    # per word: token → weight including rarity; only tokens the index has
    groups: list[dict[str, float]]
    document_count: int
    # Per word: the highest score any document could get for it (from where the index
    # has its tokens), so a search knows when nothing unread could rank higher.
    best: list[float] = field(default_factory=list)
    # Token → number of documents having it, for the words' tokens and the ``counted``
    # ones (filters, place cells); a token no document has is not there.
    counts: dict[str, int] = field(default_factory=dict)


def resolve(
    analyzed: AnalyzedQuery,
    *,
    document_count: int,
    counted: Iterable[str] = (),
    index_version: Hashable = None,
) -> ResolvedQuery:
    """Keep the tokens the index has, correct unknown words, weigh rare tokens higher.

    ``counted``: more tokens whose counts the search needs, read in the same query
    (one round trip less per search). ``index_version``: the state of the index the
    search read, under which counts already read are reused.
    """
    wanted: set[str] = set(counted)
    for word in analyzed.words:
        wanted.update(word.tokens)
    best_field: dict[str, float] = {}
    frequency = _frequencies(wanted, best_field, index_version=index_version)

    unknown = [
        text.fold(w.typed)
        for w in analyzed.words
        if not w.concept and not any(t in frequency for t in w.tokens)
    ]
    unknown = [w for w in unknown if w.isascii() and w.isalpha() and max_edit_distance(len(w))]
    corrections = _corrections(unknown) if unknown else {}
    extra: set[str] = set()
    replacement: dict[str, dict[str, float]] = {}
    for typed, fixes in corrections.items():
        tokens: dict[str, float] = {}
        for fix in fixes:
            for token in text.word_tokens(fix, "any"):
                tokens.setdefault(token, CORRECTED_WEIGHT)
            for concept_token in vocabulary.concept_tokens(
                set(text.word_tokens(fix, "any")), "any"
            ):
                tokens.setdefault(concept_token, CORRECTED_WEIGHT * CONCEPT_WEIGHT)
        replacement[typed] = tokens
        extra.update(tokens)
    if extra:
        frequency.update(_frequencies(extra, best_field, index_version=index_version))

    total = max(document_count, 1)
    groups: list[dict[str, float]] = []
    best: list[float] = []
    kept: list[QueryWord] = []
    for word in analyzed.words:
        tokens = word.tokens
        plain = text.fold(word.typed)
        if not word.concept and plain in replacement and not any(t in frequency for t in tokens):
            tokens = replacement[plain]
            word.corrected_to = corrections[plain][0]
        weighted = {
            token: weight * math.log(1 + total / frequency[token])
            for token, weight in tokens.items()
            if token in frequency
        }
        if weighted:
            groups.append(weighted)
            best.append(max(w * best_field[t] for t, w in weighted.items()))
            kept.append(word)
        else:
            analyzed.ignored.append(word.typed)
    analyzed.words = kept
    return ResolvedQuery(
        analyzed=analyzed,
        groups=groups,
        document_count=document_count,
        best=best,
        counts=frequency,
    )
