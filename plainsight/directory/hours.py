"""Is it open now? HSDS schedules read in their IANA time zone, correct across DST.

Schedule times are local wall-clock times in the schedule's ``iana_timezone``, else its
location's, else the deployment's zone. A schedule given only HSDS's numeric
``timezone`` (a fixed UTC offset) is read with that offset. Supported rules (RFC 5545
subset used by HSDS): WEEKLY with BYDAY and INTERVAL (counted from DTSTART), MONTHLY
with BYDAY ("2MO", "-1FR") or BYMONTHDAY, bounded by valid_from/valid_to, DTSTART and
UNTIL. A closing time at or before the opening time means the period runs past
midnight; "23:59" closes at the end of the day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
END_OF_DAY = dt.time(23, 59)


class ScheduleLike(Protocol):
    freq: str
    byday: str
    bymonthday: str
    interval: int | None
    dtstart: dt.date | None
    until: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    opens_at: dt.time | None
    closes_at: dt.time | None
    iana_timezone: str
    timezone: float | None


def zone_for(schedule: ScheduleLike, location_zone: str = "") -> dt.tzinfo:
    name = schedule.iana_timezone or location_zone
    if not name and schedule.timezone is not None:
        return dt.timezone(dt.timedelta(hours=schedule.timezone))
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _weekday_tokens(byday: str) -> list[tuple[int | None, int]]:
    """ "MO,2TU,-1FR" → [(None, 0), (2, 1), (-1, 4)]."""
    tokens = []
    for part in byday.split(","):
        part = part.strip().upper()
        if len(part) < 2 or part[-2:] not in DAY_CODES:
            continue
        ordinal = part[:-2]
        tokens.append((int(ordinal) if ordinal else None, DAY_CODES.index(part[-2:])))
    return tokens


def _nth_weekday(day: dt.date) -> tuple[int, int]:
    """(n from the start, -n from the end) of this weekday within its month."""
    last = calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1, -((last - day.day) // 7 + 1)


def occurs_on(schedule: ScheduleLike, day: dt.date) -> bool:
    """Whether the schedule has an opening period that starts on ``day`` (local)."""
    for start in (schedule.valid_from, schedule.dtstart):
        if start and day < start:
            return False
    for end in (schedule.valid_to, schedule.until):
        if end and day > end:
            return False
    freq = (schedule.freq or "WEEKLY").upper()
    tokens = _weekday_tokens(schedule.byday or "")
    if freq == "WEEKLY":
        if tokens and day.weekday() not in {weekday for _n, weekday in tokens}:
            return False
        starts = schedule.dtstart
        if not tokens and starts is not None and day.weekday() != starts.weekday():
            return False
        interval = schedule.interval or 1
        if interval > 1 and schedule.dtstart:
            week0 = schedule.dtstart - dt.timedelta(days=schedule.dtstart.weekday())
            week = day - dt.timedelta(days=day.weekday())
            if ((week - week0).days // 7) % interval:
                return False
        return True
    if freq == "MONTHLY":
        if schedule.bymonthday:
            last = calendar.monthrange(day.year, day.month)[1]
            wanted = set()
            for part in schedule.bymonthday.split(","):
                try:
                    number = int(part)
                except ValueError:
                    continue
                wanted.add(number if number > 0 else last + number + 1)
            if day.day not in wanted:
                return False
        if tokens:
            forward, backward = _nth_weekday(day)
            return any(
                weekday == day.weekday() and (n is None or n in (forward, backward))
                for n, weekday in tokens
            )
        return bool(schedule.bymonthday)
    return False


def is_open_at(
    schedules: Iterable[ScheduleLike], moment: dt.datetime, *, location_zone: str = ""
) -> bool | None:
    """True or False when the schedules say; None when none gives opening hours."""
    known = False
    for schedule in schedules:
        if schedule.opens_at is None or schedule.closes_at is None:
            continue
        known = True
        local = moment.astimezone(zone_for(schedule, location_zone))
        today, now = local.date(), local.time().replace(tzinfo=None)
        opens, closes = schedule.opens_at, schedule.closes_at
        if closes == END_OF_DAY:
            closes = dt.time(23, 59, 59, 999999)
        if opens < closes:
            if occurs_on(schedule, today) and opens <= now < closes:
                return True
        else:
            # Past midnight: open from ``opens`` today, or until ``closes`` after
            # yesterday's opening.
            if occurs_on(schedule, today) and now >= opens:
                return True
            if occurs_on(schedule, today - dt.timedelta(days=1)) and now < closes:
                return True
    return False if known else None
