"""How an amount of a capacity unit reads: "3 beds", "3 camas", "1 kilogram".

HSDS names a capacity's unit with free text (``unit.name``, such as "bed" or
"Kilogram"), in whatever language the publisher wrote it. Units PlainSight knows are
shown in the visitor's language with the right plural form; any other unit (a name
from an imported file) is shown as its publisher named it, next to the number.

Every known unit is translated with the context "capacity unit": the same English
word means something else elsewhere on the site ("place" is a location there, a
space in a shelter here; "unit" a housing unit, not a unit of measure).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils import formats
from django.utils.translation import npgettext, pgettext

# Each known unit, under every spelling publishers use for it (compared in lower case,
# ignoring surrounding spaces), gives its sentence for an amount.
_Phrase = Callable[[int], str]


def _bed(n: int) -> str:
    return npgettext("capacity unit", "%(count)s bed", "%(count)s beds", n)


def _room(n: int) -> str:
    return npgettext("capacity unit", "%(count)s room", "%(count)s rooms", n)


def _housing_unit(n: int) -> str:
    return npgettext("capacity unit", "%(count)s housing unit", "%(count)s housing units", n)


def _place(n: int) -> str:
    return npgettext("capacity unit", "%(count)s place", "%(count)s places", n)


def _appointment(n: int) -> str:
    return npgettext("capacity unit", "%(count)s appointment", "%(count)s appointments", n)


def _seat(n: int) -> str:
    return npgettext("capacity unit", "%(count)s seat", "%(count)s seats", n)


def _person(n: int) -> str:
    return npgettext("capacity unit", "%(count)s person", "%(count)s people", n)


def _family(n: int) -> str:
    return npgettext("capacity unit", "%(count)s family", "%(count)s families", n)


def _meal(n: int) -> str:
    return npgettext("capacity unit", "%(count)s meal", "%(count)s meals", n)


def _kilogram(n: int) -> str:
    return npgettext("capacity unit", "%(count)s kilogram", "%(count)s kilograms", n)


def _pound(n: int) -> str:
    return npgettext("capacity unit", "%(count)s pound", "%(count)s pounds", n)


KNOWN_UNITS: dict[str, _Phrase] = {
    **dict.fromkeys(("bed", "beds", "shelter bed", "shelter beds"), _bed),
    **dict.fromkeys(("room", "rooms"), _room),
    **dict.fromkeys(
        ("unit", "units", "housing unit", "housing units", "apartment", "apartments"),
        _housing_unit,
    ),
    **dict.fromkeys(
        (
            "place",
            "places",
            "space",
            "spaces",
            "spot",
            "spots",
            "slot",
            "slots",
            "opening",
            "openings",
        ),
        _place,
    ),
    **dict.fromkeys(("appointment", "appointments"), _appointment),
    **dict.fromkeys(("seat", "seats"), _seat),
    **dict.fromkeys(("person", "persons", "people"), _person),
    **dict.fromkeys(("family", "families"), _family),
    **dict.fromkeys(("meal", "meals"), _meal),
    **dict.fromkeys(("kilogram", "kilograms", "kg"), _kilogram),
    **dict.fromkeys(("pound", "pounds", "lb", "lbs"), _pound),
}


def is_known(unit_name: str) -> bool:
    return unit_name.strip().lower() in KNOWN_UNITS


def number_text(amount: Decimal | int) -> str:
    """``Decimal("3.00")`` → ``3``; ``Decimal("2.50")`` → ``2.5`` (``2,5`` in Spanish)."""
    value = Decimal(amount)
    if value == value.to_integral_value():
        return formats.number_format(int(value), use_l10n=True)
    return formats.number_format(value.normalize(), use_l10n=True)


def _plural_count(value: Decimal) -> int:
    # A fraction reads as a plural in English and Spanish ("1.5 beds", "1,5 camas").
    if value == value.to_integral_value():
        return int(value)
    return 2 if value > 1 else 0


def amount_text(amount: Decimal | int, unit_name: str) -> str:
    """An amount of a unit in the active language: ``amount_text(3, "bed")`` → "3 beds".

    A unit PlainSight does not know keeps the name its publisher gave it.
    """
    value = Decimal(amount)
    count = number_text(value)
    phrase = KNOWN_UNITS.get(unit_name.strip().lower())
    if phrase is not None:
        return phrase(_plural_count(value)) % {"count": count}
    name = unit_name.strip()
    if not name:
        return count
    return pgettext("an amount of a unit known only by its name", "%(count)s %(unit)s") % {
        "count": count,
        "unit": name,
    }
