"""How a listing's facts read on the public pages."""

from __future__ import annotations

import pytest
from django.utils import translation

from plainsight.directory.search.presentation import language_name


@pytest.mark.parametrize(
    ("code", "english", "spanish"),
    [
        ("es", "Spanish", "Español"),
        ("mul", "Many languages", "Muchos idiomas"),  # a hotline's interpreters
        ("ase", "American Sign Language", "Lengua de señas americana"),
    ],
)
def test_a_language_is_named_in_the_page_language(code, english, spanish):
    with translation.override("en"):
        assert language_name(code, "200+ languages") == english
    with translation.override("es"):
        assert language_name(code, "200+ languages") == spanish


def test_a_language_nobody_names_keeps_the_name_the_data_gives():
    with translation.override("es"):
        assert language_name("qaa", "Local dialect") == "Local dialect"
        assert language_name("qaa") == "qaa"
