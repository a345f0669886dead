"""How listings read on the public pages: phone links, hours, dates, distances.

Small, pure helpers shared by the results page, the listing page and its print view,
so that a phone number, a "last verified" date or a schedule reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from plainsight.directory import models as directory
from plainsight.directory.search import hours

DAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
ORDINALS = {
    1: gettext_lazy("First"),
    2: gettext_lazy("Second"),
    3: gettext_lazy("Third"),
    4: gettext_lazy("Fourth"),
    5: gettext_lazy("Fifth"),
    -1: gettext_lazy("Last"),
}
ZONE_NAMES = {
    "America/Los_Angeles": gettext_lazy("Pacific Time"),
    "America/Phoenix": gettext_lazy("Arizona Time"),
    "America/Denver": gettext_lazy("Mountain Time"),
    "America/Chicago": gettext_lazy("Central Time"),
    "America/New_York": gettext_lazy("Eastern Time"),
    "America/Anchorage": gettext_lazy("Alaska Time"),
    "Pacific/Honolulu": gettext_lazy("Hawaii Time"),
}


def zone_name(zone: str) -> str:
    return str(ZONE_NAMES.get(zone, zone.replace("_", " ")))


# --- Phones ------------------------------------------------------------------------


def dial_string(number: str) -> str:
    """``(661) 327-1091`` → ``+16613271091``; short codes (911, 988, 233733) stay short."""
    keep = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    digits = keep.lstrip("+")
    if keep.startswith("+"):
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return digits


def tel_href(number: str, extension: int | None = None) -> str:
    dial = dial_string(number)
    if not dial:
        return ""
    # A comma is a pause: most phones then dial the extension by themselves.
    return f"tel:{dial}" + (f",{extension}" if extension else "")


def sms_href(number: str) -> str:
    dial = dial_string(number)
    return f"sms:{dial}" if dial else ""


def call_outcome_label(code: str) -> str:
    if code in directory.CallOutcome.values:
        return str(directory.CallOutcome(code).label)
    return ""


REPORTING_OUTCOMES = {
    directory.CallOutcome.REPORT_TO_CHILD_WELFARE,
    directory.CallOutcome.REPORT_TO_LAW_ENFORCEMENT,
    directory.CallOutcome.EMERGENCY,
}


@dataclass(frozen=True)
class PhoneLink:
    number: str
    extension: int | None
    call_href: str
    text_href: str  # "" when the number does not take text messages
    label: str  # the provider's own words ("24-hour crisis line")
    outcome: str  # what calling does
    makes_report: bool
    available_24_7: bool


# Phone types that cannot take a call: no "Call" link, on a listing or a result card.
NOT_FOR_CALLS = frozenset({"text", "fax", "pager"})


def phone_link(
    *,
    number: str,
    extension: int | None,
    kind: str,
    description: str,
    outcome: str,
    available_24_7: bool = False,
) -> PhoneLink:
    takes_text = kind in {"text"}
    return PhoneLink(
        number=number,
        extension=extension,
        call_href="" if kind in NOT_FOR_CALLS else tel_href(number, extension),
        text_href=sms_href(number) if takes_text else "",
        label=description,
        outcome=call_outcome_label(outcome),
        makes_report=outcome in REPORTING_OUTCOMES,
        available_24_7=available_24_7,
    )


# --- Dates and distances ------------------------------------------------------------


# ISO 639 codes for what is not one language, which Django does not name: a hotline
# with interpreters for hundreds of languages gives "mul".
OTHER_LANGUAGE_NAMES = {
    "mul": gettext_lazy("Many languages"),
    "sgn": gettext_lazy("Sign language"),
    "ase": gettext_lazy("American Sign Language"),
}


def language_name(code: str, fallback: str = "") -> str:
    """A language's name in the page's language ("Español" on a Spanish page), the same in
    the search form's menu and on a listing; the name the data gives (or the code) for a
    language neither Django nor ``OTHER_LANGUAGE_NAMES`` knows."""
    if code in OTHER_LANGUAGE_NAMES:
        return str(OTHER_LANGUAGE_NAMES[code])
    try:
        info = get_language_info(code)
    except KeyError:
        return fallback or code
    return _(info["name"])


def verified_text(assured: dt.date | None) -> str:
    if assured is None:
        return _("Not verified")
    return _("Last verified %(date)s") % {"date": formats.date_format(assured, "DATE_FORMAT")}


def distance_text(miles: float | None) -> str:
    if miles is None:
        return ""
    if miles < 0.95:
        return _("Less than 1 mile away")
    rounded = round(miles)
    return ngettext("%(miles)s mile away", "%(miles)s miles away", rounded) % {"miles": rounded}


# --- Hours --------------------------------------------------------------------------


def _days_text(mask: int) -> str:
    days = [i for i in range(7) if mask & (1 << i)]
    if len(days) == 7:
        return _("Every day")
    runs: list[tuple[int, int]] = []
    for day in days:
        if runs and day == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    parts = []
    for start, end in runs:
        if end - start >= 2:
            parts.append(
                _("%(first)s to %(last)s") % {"first": DAY_NAMES[start], "last": DAY_NAMES[end]}
            )
        else:
            parts.extend(str(DAY_NAMES[d]) for d in range(start, end + 1))
    if len(parts) == 1:
        return parts[0]
    return _("%(list)s and %(last)s") % {"list": ", ".join(parts[:-1]), "last": parts[-1]}


def _time_text(value: dt.time) -> str:
    return formats.time_format(value, "TIME_FORMAT")


def schedule_text(schedule: hours.ScheduleInput) -> str:
    """One schedule row in words, or "" when its rule cannot be read."""
    rules = [r for r in hours.rules_for(schedule, settings.TIME_ZONE) if not r.tail]
    if not rules or schedule.opens_at is None or schedule.closes_at is None:
        return ""
    first = rules[0]
    if first.start_minute == 0 and first.end_minute == hours.MINUTES_PER_DAY:
        times = _("open 24 hours")
    elif schedule.closes_at < schedule.opens_at:
        times = _("%(opens)s to %(closes)s the next day") % {
            "opens": _time_text(schedule.opens_at),
            "closes": _time_text(schedule.closes_at),
        }
    else:
        times = _("%(opens)s to %(closes)s") % {
            "opens": _time_text(schedule.opens_at),
            "closes": _time_text(schedule.closes_at),
        }
    lines = []
    for rule in rules:
        if rule.month_day:
            when = _("Day %(day)s of each month") % {"day": rule.month_day}
        elif rule.week_ordinals:
            ordinal = next((o for o in ORDINALS if rule.week_ordinals & hours.ordinal_bit(o)), 1)
            when = _("%(ordinal)s %(days)s of the month") % {
                "ordinal": ORDINALS[ordinal],
                "days": _days_text(rule.days),
            }
        else:
            when = _days_text(rule.days)
            if rule.week_interval > 1:
                when = _("%(days)s, every %(weeks)s weeks") % {
                    "days": when,
                    "weeks": rule.week_interval,
                }
        lines.append(_("%(when)s: %(times)s") % {"when": when, "times": times})
    return "; ".join(dict.fromkeys(lines))


def schedules_text(schedules: Sequence[hours.ScheduleInput]) -> list[str]:
    return [line for s in schedules if (line := schedule_text(s))]
