"""Open now, read in the schedule's IANA zone — right on both sides of DST."""

from __future__ import annotations

import datetime as dt

import pytest

from plainsight.directory import hours
from plainsight.directory.models import Schedule


def schedule(**values) -> Schedule:
    defaults = {
        "freq": "WEEKLY",
        "byday": "MO,TU,WE,TH,FR",
        "opens_at": dt.time(8, 0),
        "closes_at": dt.time(17, 0),
        "iana_timezone": "America/Los_Angeles",
    }
    return Schedule(**{**defaults, **values})


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-01-12T16:30", True),  # Monday 08:30 PST (UTC-8)
        ("2026-01-12T15:30", False),  # Monday 07:30 PST
        ("2026-03-09T15:30", True),  # Monday after DST began: 08:30 PDT (UTC-7)
        ("2026-03-09T00:30", False),  # Sunday 17:30 PDT
        ("2026-03-10T00:00", False),  # Monday 17:00 PDT: closing time is exclusive
        ("2026-03-14T18:00", False),  # Saturday
        ("2026-11-02T16:30", True),  # Monday after DST ended: 08:30 PST
    ],
)
def test_family_justice_center_hours(moment, expected):
    assert hours.is_open_at([schedule()], utc(moment)) is expected


def test_a_fixed_offset_would_be_wrong_in_summer():
    fixed = schedule(iana_timezone="", timezone=-8)
    # 08:30 PDT on a Monday in March is 07:30 at a fixed UTC-8.
    assert hours.is_open_at([fixed], utc("2026-03-09T15:30")) is False
    assert hours.is_open_at([schedule()], utc("2026-03-09T15:30")) is True


def test_overnight_and_round_the_clock():
    night = schedule(byday="MO", opens_at=dt.time(20, 0), closes_at=dt.time(6, 0))
    assert hours.is_open_at([night], utc("2026-01-13T10:00")) is True  # Tue 02:00 PST
    assert hours.is_open_at([night], utc("2026-01-14T10:00")) is False  # Wed 02:00
    always = schedule(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=dt.time(0), closes_at=dt.time(23, 59))
    assert hours.is_open_at([always], utc("2026-01-18T07:59")) is True  # Sat 23:59:xx


def test_monthly_rules_and_validity():
    second_tuesday = schedule(freq="MONTHLY", byday="2TU")
    assert hours.is_open_at([second_tuesday], utc("2026-01-13T18:00")) is True
    assert hours.is_open_at([second_tuesday], utc("2026-01-20T18:00")) is False
    last_friday = schedule(freq="MONTHLY", byday="-1FR")
    assert hours.is_open_at([last_friday], utc("2026-01-30T18:00")) is True
    fifteenth = schedule(freq="MONTHLY", byday="", bymonthday="15,-1")
    assert hours.is_open_at([fifteenth], utc("2026-01-15T18:00")) is True
    assert hours.is_open_at([fifteenth], utc("2026-01-31T18:00")) is True
    ended = schedule(valid_to=dt.date(2026, 1, 1))
    assert hours.is_open_at([ended], utc("2026-01-12T18:00")) is False
    fortnightly = schedule(byday="MO", interval=2, dtstart=dt.date(2026, 1, 5))
    assert hours.is_open_at([fortnightly], utc("2026-01-19T18:00")) is True
    assert hours.is_open_at([fortnightly], utc("2026-01-12T18:00")) is False


def test_unknown_without_hours():
    assert (
        hours.is_open_at([schedule(opens_at=None, closes_at=None)], utc("2026-01-12T18:00")) is None
    )
    assert hours.is_open_at([], utc("2026-01-12T18:00")) is None
