"""Schedules name one slot per period, the same in every process, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plainsight.scheduler.schedules import Daily, Every

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture(autouse=True)
def _los_angeles(settings):
    settings.TIME_ZONE = "America/Los_Angeles"


def _la(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LA)


def test_daily_slot_is_today_once_the_time_has_passed():
    schedule = Daily(at=time(3, 15))

    assert schedule.latest_slot(_la(2026, 6, 10, 3, 15)) == _la(2026, 6, 10, 3, 15)
    assert schedule.latest_slot(_la(2026, 6, 10, 23, 59)) == _la(2026, 6, 10, 3, 15)


def test_daily_slot_is_yesterday_before_the_time():
    schedule = Daily(at=time(3, 15))

    assert schedule.latest_slot(_la(2026, 6, 10, 3, 14)) == _la(2026, 6, 9, 3, 15)


def test_daily_slot_follows_the_deployment_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    now = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 04:00 in New York, 01:00 in LA

    assert Daily(at=time(3, 15)).latest_slot(now) == datetime(2026, 6, 10, 7, 15, tzinfo=UTC)


def test_daily_slot_is_returned_in_utc():
    slot = Daily(at=time(3, 15)).latest_slot(datetime(2026, 1, 5, 20, 0, tzinfo=UTC))

    assert slot.tzinfo is UTC
    assert slot == datetime(2026, 1, 5, 11, 15, tzinfo=UTC)  # 03:15 PST


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (time(2, 30), (2026, 3, 8)),  # clocks spring forward: 02:30 does not exist
        (time(1, 30), (2026, 11, 1)),  # clocks fall back: 01:30 happens twice
    ],
)
def test_daily_has_exactly_one_slot_on_dst_days(at, day):
    schedule = Daily(at=at)
    start = datetime(day[0], day[1], day[2], tzinfo=LA).astimezone(UTC)
    slots = {
        schedule.latest_slot(start + timedelta(minutes=minute)) for minute in range(0, 48 * 60, 5)
    }
    days = sorted({slot.astimezone(LA).date() for slot in slots})

    assert len(slots) == len(days)  # one slot per calendar day, never two


def test_every_slots_are_aligned_and_shared():
    schedule = Every(interval=timedelta(minutes=15))

    assert schedule.latest_slot(datetime(2026, 6, 10, 12, 7, 59, tzinfo=UTC)) == datetime(
        2026, 6, 10, 12, 0, tzinfo=UTC
    )
    assert schedule.latest_slot(datetime(2026, 6, 10, 12, 15, tzinfo=UTC)) == datetime(
        2026, 6, 10, 12, 15, tzinfo=UTC
    )


def test_every_refuses_sub_minute_intervals():
    with pytest.raises(ValueError):
        Every(interval=timedelta(seconds=10))


moments = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
)


@given(now=moments, hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_daily_slot_is_the_latest_within_a_day(now, hour, minute):
    slot = Daily(at=time(hour, minute)).latest_slot(now)

    assert slot <= now
    assert now - slot < timedelta(hours=25)  # a day, plus an hour on DST days
    local = slot.astimezone(LA)
    # The wall-clock time matches, except inside a spring-forward gap (one hour later).
    assert (local.hour, local.minute) in {(hour, minute), ((hour + 1) % 24, minute)}


@given(now=moments, minutes=st.integers(1, 24 * 60))
def test_every_slot_is_the_latest_within_its_interval(now, minutes):
    interval = timedelta(minutes=minutes)
    slot = Every(interval=interval).latest_slot(now)

    assert slot <= now < slot + interval
