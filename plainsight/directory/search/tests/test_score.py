"""The relevance score in SQL against its definition in Python, on both databases.

Per word: the best of its tokens, each weighted by the best field it is in (name >
category > organization > anywhere else); the words' scores add up.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection

from plainsight.directory.search.engine import _score_sql
from plainsight.directory.search.query import FIELD_WEIGHTS

pytestmark = pytest.mark.django_db

TOKENS = ["abogado", "zklegal", "legal", "help", "food", "zkfood", "shelter"]


def _expected(document: dict[str, set[str]], groups: list[dict[str, float]]) -> float:
    total = 0.0
    for group in groups:
        best = 0.0
        for token, weight in group.items():
            for field in ("name", "category", "organization", "text"):
                if token in document[field]:
                    best = max(best, FIELD_WEIGHTS[field] * weight)
        total += best
    return total


def _scored(document: dict[str, set[str]], score: tuple[str, list]) -> float:
    def column(tokens: set[str]) -> str:
        return " " + " ".join(sorted(tokens)) + " "

    sql, params = score
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM (SELECT %s AS name_tokens, %s AS category_tokens,"  # noqa: S608
            " %s AS organization_tokens, %s AS tokens) d",
            [
                *params,
                column(document["name"]),
                column(document["category"]),
                column(document["organization"]),
                column(document["text"]),
            ],
        )
        return float(cursor.fetchone()[0])


def _document(rng: random.Random) -> dict[str, set[str]]:
    fields = {
        field: set(rng.sample(TOKENS, rng.randint(0, 2)))
        for field in ("name", "category", "organization")
    }
    # ``tokens`` holds every token of the document, whatever its field.
    fields["text"] = set().union(*fields.values(), rng.sample(TOKENS, rng.randint(0, 3)))
    return fields


def _groups(rng: random.Random) -> list[dict[str, float]]:
    return [
        {token: round(rng.uniform(0.5, 4.0), 3) for token in rng.sample(TOKENS, rng.randint(1, 3))}
        for _ in range(rng.randint(1, 3))
    ]


def test_score_is_the_best_token_and_field_of_each_word_added_up():
    rng = random.Random(4)
    checked = 0
    for _ in range(120):
        document, groups = _document(rng), _groups(rng)
        relaxed_sql = _score_sql(groups, every_word_matched=False)
        assert _scored(document, relaxed_sql) == pytest.approx(_expected(document, groups))
        if all(any(token in document["text"] for token in group) for group in groups):
            # Only documents having every word are scored this way (the index saw to it).
            sql = _score_sql(groups, every_word_matched=True)
            assert _scored(document, sql) == pytest.approx(_expected(document, groups))
            checked += 1
    assert checked > 20  # the shortcut for "every word found" was exercised


def test_a_word_in_the_name_outranks_the_same_word_in_the_text():
    groups = [{"shelter": 1.0}]
    sql = _score_sql(groups, every_word_matched=True)
    in_name = {"name": {"shelter"}, "category": set(), "organization": set(), "text": {"shelter"}}
    in_text = {"name": set(), "category": set(), "organization": set(), "text": {"shelter"}}
    assert _scored(in_name, sql) > _scored(in_text, sql) > 0


def test_no_words_score_nothing():
    assert _score_sql([], every_word_matched=True) == ("0.0", [])
