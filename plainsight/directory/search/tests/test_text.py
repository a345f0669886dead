"""Words into tokens, the same way for listings and queries."""

from __future__ import annotations

from plainsight.directory.search import text, vocabulary


def test_accents_and_case_are_folded():
    assert text.fold("Inmigración NIÑOS") == "inmigracion ninos"


def test_spanish_with_and_without_accents_meet():
    for written, typed in (
        ("policía", "policia"),
        ("inmigración", "inmigracion"),
        ("niños", "ninos"),
    ):
        assert set(text.word_tokens(typed, "any")) & set(text.word_tokens(written, "es"))


def test_english_and_spanish_stems():
    assert text.word_tokens("shelters", "en") == ("shelter",)
    assert "abog" in text.word_tokens("abogados", "es")


def test_tokens_are_plain_ascii_letters_and_digits():
    for word in ("Việt", "中文", "ñandú", "93301"):
        for token in text.word_tokens(text.words(word)[0], "any"):
            assert token.isascii() and token.isalnum() and token == token.lower()


def test_listings_keep_words_that_queries_drop():
    assert "help" in text.text_words("Help for survivors")
    assert "help" in text.REQUEST_WORDS
    assert text.text_words("the food of the day") == ["food", "day"]


def test_pad_and_slug():
    assert text.pad({"b", "a"}) == " a b "
    assert text.pad(set()) == " "
    assert text.slug("San José") == "sanjose"


def test_concepts_join_english_and_spanish():
    assert vocabulary.concept_tokens(set(text.word_tokens("abogado", "es")), "es") == {"zklegal"}
    assert "zklegal" in vocabulary.concept_tokens(set(text.word_tokens("attorney", "en")), "en")
    # An English ".com" must not bring the Spanish stem of "comida".
    assert not vocabulary.concept_tokens(set(text.word_tokens("com", "en")), "en")


def test_phrases_are_read_before_words():
    folded = ["trabajo", "sin", "pago"]
    assert vocabulary.match_phrase(folded, 0) == (3, "concept", "wages")
    assert vocabulary.match_phrase(["no", "police", "report"], 0) == (
        3,
        "filter",
        "no_police_report",
    )
    assert vocabulary.match_phrase(["police"], 0) is None
