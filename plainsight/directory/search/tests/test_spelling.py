"""Typing mistakes: the deletion keys and the distance."""

from __future__ import annotations

from plainsight.directory.search.spelling import (
    damerau_levenshtein,
    max_edit_distance,
    spelling_keys,
)


def test_short_words_are_never_corrected():
    assert max_edit_distance(3) == 0 and spelling_keys("dv") == {"dv"}
    assert max_edit_distance(5) == 1 and max_edit_distance(9) == 2


def test_a_missing_letter_meets_the_word():
    assert "sheltr" in spelling_keys("shelter")
    assert spelling_keys("sheltr") & spelling_keys("shelter")


def test_two_mistakes_in_long_words():
    assert spelling_keys("inmigrasion") & spelling_keys("inmigracion")
    assert "inmgracin" in spelling_keys("inmigracion")


def test_distance_counts_a_swap_once():
    assert damerau_levenshtein("lawyer", "lawyre") == 1
    assert damerau_levenshtein("sheltr", "shelter") == 1
    assert damerau_levenshtein("abogado", "abogado") == 0
    assert damerau_levenshtein("food", "comida") == 4
