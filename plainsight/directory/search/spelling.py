"""Typing mistakes: which ones are tolerated, and how a known word is found.

A symmetric-deletion table (``SearchSpelling``) stores every known word under itself and
its forms with one letter deleted (two for long words). A typed word's own deletion
forms then meet the key of any known word within that many mistakes; the true distance
(with swapped neighbouring letters counting once) decides among the candidates.
"""

from __future__ import annotations


def max_edit_distance(length: int) -> int:
    """Typing mistakes tolerated: none below 4 letters, 1 up to 7, 2 from 8."""
    if length < 4:
        return 0
    return 1 if length <= 7 else 2


def spelling_keys(word: str) -> set[str]:
    """The word and its forms with one (or, for long words, two) letters deleted."""
    keys = {word}
    frontier = {word}
    for _ in range(max_edit_distance(len(word))):
        following: set[str] = set()
        for item in frontier:
            for index in range(len(item)):
                following.add(item[:index] + item[index + 1 :])
        keys |= following
        frontier = following
    return {key for key in keys if key}


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one mistake."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[len(b)]
