"""Capacity units read in the visitor's language, with plural forms."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation

from plainsight.directory import demo, models, units


@pytest.mark.parametrize(
    ("language", "amount", "unit", "expected"),
    [
        ("en", 1, "bed", "1 bed"),
        ("en", 3, "bed", "3 beds"),
        ("en", 0, "bed", "0 beds"),
        ("en", Decimal("3.00"), "Beds", "3 beds"),  # a publisher's plural, capitalised
        ("en", Decimal("2.50"), "Kilogram", "2.5 kilograms"),  # the HSDS examples' unit
        ("en", 1, "people", "1 person"),
        ("es", 1, "bed", "1 cama"),
        ("es", 3, "bed", "3 camas"),
        ("es", 0, " Bed ", "0 camas"),
        ("es", Decimal("1.5"), "kilogram", "1,5 kilogramos"),
        ("es", 1, "room", "1 habitación"),
        ("es", 2, "apartment", "2 viviendas"),
        ("es", 4, "family", "4 familias"),
        # "place" in a shelter is a space there, not a location: it has its own context.
        ("es", 2, "spots", "2 lugares"),
        ("es", 1000000, "bed", "1000000 de camas"),
    ],
)
def test_known_units_in_english_and_spanish(language, amount, unit, expected):
    with translation.override(language):
        assert units.amount_text(amount, unit) == expected


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_unknown_unit_keeps_the_name_it_was_given(language):
    with translation.override(language):
        assert units.amount_text(Decimal("12.00"), "cajas de comida") == "12 cajas de comida"
        assert units.amount_text(5, "Vouchers ") == "5 Vouchers"
        assert units.amount_text(5, "") == "5"
    assert not units.is_known("cajas de comida")


def test_every_unit_translation_has_its_number():
    """A plural form that dropped "%(count)s" would show a unit without its number."""
    for language in ("en", "es"):
        with translation.override(language):
            for name in units.KNOWN_UNITS:
                for n in (0, 1, 2, 7, 1000000):
                    assert str(n) in units.amount_text(n, name), (language, name, n)


@pytest.mark.django_db
def test_every_unit_the_demo_or_staff_create_is_known():
    from plainsight.directory.upkeep.services import _bed_unit

    demo.load(io.StringIO())
    _bed_unit()
    names = set(models.Unit.objects.values_list("name", flat=True))
    assert names, "the demo has shelters with beds"
    assert all(units.is_known(name) for name in names), names
