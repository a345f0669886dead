"""HSDS schedules as opening rules, and "open now" in the listing's own time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from plainsight.directory.search import hours

LA = "America/Los_Angeles"


def schedule(**overrides) -> hours.ScheduleInput:
    values: dict[str, Any] = {
        "freq": "WEEKLY",
        "byday": "MO,TU,WE,TH,FR",
        "bymonthday": "",
        "byweekno": "",
        "byyearday": "",
        "interval": None,
        "count": None,
        "dtstart": None,
        "until": None,
        "valid_from": None,
        "valid_to": None,
        "opens_at": dt.time(9),
        "closes_at": dt.time(17),
        "iana_timezone": "",
    }
    values.update(overrides)
    return hours.ScheduleInput(**values)


def at(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args).replace(tzinfo=ZoneInfo(zone))  # type: ignore[arg-type]


def is_open(s: hours.ScheduleInput, moment: dt.datetime, zone: str = LA) -> bool:
    return hours.is_open(hours.rules_for(s, zone), moment)


def test_weekdays_nine_to_five():
    [rule] = hours.rules_for(schedule(), LA)
    assert rule.days == 0b0011111 and (rule.start_minute, rule.end_minute) == (540, 1020)
    assert is_open(schedule(), at(LA, 2026, 11, 2, 9, 0))  # Monday 9:00
    assert not is_open(schedule(), at(LA, 2026, 11, 2, 17, 0))  # closing time
    assert not is_open(schedule(), at(LA, 2026, 11, 1, 12, 0))  # Sunday


def test_a_period_past_midnight_belongs_to_the_day_it_started():
    friday_night = schedule(byday="FR", opens_at=dt.time(22), closes_at=dt.time(6))
    rules = hours.rules_for(friday_night, LA)
    assert [(r.days, r.tail) for r in rules] == [(1 << 4, False), (1 << 5, True)]
    assert is_open(friday_night, at(LA, 2026, 11, 6, 23, 0))
    assert is_open(friday_night, at(LA, 2026, 11, 7, 5, 59))  # Saturday morning
    assert not is_open(friday_night, at(LA, 2026, 11, 8, 5, 0))  # Sunday morning
    sunday_night = schedule(byday="SU", opens_at=dt.time(20), closes_at=dt.time(2))
    assert hours.rules_for(sunday_night, LA)[1].days == 1  # the tail falls on Monday


def test_whole_days_and_end_of_day():
    assert is_open(schedule(opens_at=dt.time(0), closes_at=dt.time(0)), at(LA, 2026, 11, 2, 3, 0))
    late = schedule(opens_at=dt.time(8), closes_at=dt.time(23, 59))
    assert is_open(late, at(LA, 2026, 11, 2, 23, 59, 30))


def test_monthly_by_position_and_by_day_of_month():
    first_saturday = schedule(freq="MONTHLY", byday="1SA")
    assert is_open(first_saturday, at(LA, 2026, 11, 7, 10))
    assert not is_open(first_saturday, at(LA, 2026, 11, 14, 10))
    last_friday = schedule(freq="MONTHLY", byday="-1FR")
    assert is_open(last_friday, at(LA, 2026, 11, 27, 10))
    assert not is_open(last_friday, at(LA, 2026, 11, 20, 10))
    fifteenth = schedule(freq="MONTHLY", byday="", bymonthday="1,15")
    assert is_open(fifteenth, at(LA, 2026, 11, 15, 10))  # a Sunday: any weekday counts
    assert not is_open(fifteenth, at(LA, 2026, 11, 16, 10))


def test_every_other_week_from_the_first_date():
    biweekly = schedule(byday="TU", interval=2, dtstart=dt.date(2026, 11, 3))
    assert is_open(biweekly, at(LA, 2026, 11, 3, 10))
    assert not is_open(biweekly, at(LA, 2026, 11, 10, 10))
    assert is_open(biweekly, at(LA, 2026, 11, 17, 10))
    assert not is_open(biweekly, at(LA, 2026, 10, 20, 10))  # before it started


def test_validity_window():
    summer = schedule(valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2026, 8, 31))
    assert is_open(summer, at(LA, 2026, 7, 1, 10))
    assert not is_open(summer, at(LA, 2026, 9, 1, 10))


def test_rules_that_cannot_be_read_exactly_are_never_open():
    for unreadable in (
        schedule(count=10),
        schedule(byweekno="1"),
        schedule(byday="XX"),
        schedule(freq="DAILY"),
        schedule(freq="MONTHLY", interval=2, byday="1MO"),
        schedule(opens_at=None),
        schedule(interval=2),  # every other week, but from when?
    ):
        assert hours.rules_for(unreadable, LA) == []


def test_the_schedule_time_zone_wins_over_the_location_one():
    [rule] = hours.rules_for(schedule(iana_timezone="America/New_York"), LA)
    assert rule.time_zone == "America/New_York"
    [rule] = hours.rules_for(schedule(iana_timezone="Mars/Olympus"), LA)
    assert rule.time_zone == LA


def test_daylight_saving_uses_wall_clock_time():
    # In winter (PST, UTC-8) 17:30 UTC is 09:30 in Los Angeles; in summer (PDT,
    # UTC-7) it is 10:30. A 10:00 opening tells them apart.
    ten_am = schedule(opens_at=dt.time(10), closes_at=dt.time(12))
    winter = dt.datetime(2026, 3, 6, 17, 30, tzinfo=dt.UTC)  # Friday, PST
    summer = dt.datetime(2026, 3, 9, 17, 30, tzinfo=dt.UTC)  # Monday, PDT
    assert not is_open(ten_am, winter)
    assert is_open(ten_am, summer)
    # Arizona keeps standard time all year: the same instants are 10:30 both times.
    phoenix = schedule(iana_timezone="America/Phoenix", opens_at=dt.time(10), closes_at=dt.time(12))
    assert is_open(phoenix, winter) and is_open(phoenix, summer)


def test_ordinal_bits_of_a_date():
    assert hours.ordinal_mask(dt.date(2026, 11, 7)) == (1 << 0) | (1 << (5 + 3))
    assert hours.ordinal_mask(dt.date(2026, 11, 30)) & hours.ordinal_bit(-1)
    assert hours.ordinal_bit(1) == 1 and hours.ordinal_bit(-1) == 1 << 5


def test_rules_stored_with_a_document_read_back_the_same():
    rules = [
        hours.Rule("America/Los_Angeles", 0b0011111, 480, 1020),
        hours.Rule(
            "America/Denver",
            0b1000000,
            0,
            420,
            tail=True,
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2026, 12, 31),
            month_day=15,
            week_ordinals=0b100001,
            week_interval=2,
            anchor_week=105700,
        ),
    ]
    encoded = hours.encode_rules(rules)
    assert hours.decode_rules(encoded) == tuple(rules)
    assert hours.encode_rules([]) == "" and hours.decode_rules("") == ()
