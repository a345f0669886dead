"""Opening hours: HSDS schedules as rules, "open now", and readable text.

HSDS schedules follow iCalendar (RFC 5545) recurrences. PlainSight reads the ones a
directory actually uses: weekly days (``byday=MO,TU``), monthly days of the month
(``bymonthday=1,15``), monthly weekdays by position (``byday=1MO,-1FR``), weekly
intervals (``interval=2`` from ``dtstart``), validity windows, and periods that run past
midnight (``closes_at`` before ``opens_at``). Rules it cannot read exactly (``count``,
``byweekno``, ``byyearday``, monthly intervals) are never counted as open: the listing
still shows their description.

Times are wall-clock times in the schedule's IANA time zone (else the location's, else
the deployment's), so "open now" stays right across daylight-saving changes: the
current instant is converted to each zone's local date and time, never to a fixed
UTC offset.

The same rules feed the search index (``SearchHours`` rows for the "open now" filter,
and each document's ``opening_rules`` for its result card) and the listing page, and
``is_open`` here is the reference the SQL condition is tested against.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ALL_DAYS = 0b1111111
MINUTES_PER_DAY = 24 * 60


def valid_zone(name: str) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def default_zone() -> str:
    return str(settings.TIME_ZONE)


@dataclass(frozen=True)
class Rule:
    """One open period, repeated. ``tail`` rows are the after-midnight part of a period
    that started the day before: their dates, days of the month and positions refer to
    that day before, but ``days`` is already the day the tail falls on."""

    time_zone: str
    days: int  # bit 0 = Monday … bit 6 = Sunday
    start_minute: int
    end_minute: int  # exclusive; 1440 = midnight at the end of the day
    tail: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    month_day: int = 0  # 0: any day of the month
    week_ordinals: int = 0  # 0: any; see ordinal_mask()
    week_interval: int = 1
    anchor_week: int = 0


# A rule's fields in order; the index stores a rule in SearchHours columns of these names.
RULE_FIELDS = tuple(field.name for field in fields(Rule))
_DATE_FIELDS = ("valid_from", "valid_to")


def encode_rules(rules: Sequence[Rule]) -> str:
    """Rules as compact JSON ("" for none), stored with a search document so that a
    results page knows whether each listing is open without reading ``SearchHours``."""
    if not rules:
        return ""
    rows = []
    for rule in rules:
        row: list[Any] = []
        for name in RULE_FIELDS:
            value = getattr(rule, name)
            if name in _DATE_FIELDS and value is not None:
                value = value.isoformat()
            row.append(int(value) if isinstance(value, bool) else value)
        rows.append(row)
    return json.dumps(rows, separators=(",", ":"))


@lru_cache(maxsize=4096)
def decode_rules(encoded: str) -> tuple[Rule, ...]:
    """The rules ``encode_rules`` wrote. Cached: many listings keep the same hours, and
    a results page decodes the rules of every card."""
    if not encoded:
        return ()
    rules = []
    for row in json.loads(encoded):
        values = dict(zip(RULE_FIELDS, row, strict=True))
        values["tail"] = bool(values["tail"])
        for name in _DATE_FIELDS:
            if values[name] is not None:
                values[name] = dt.date.fromisoformat(values[name])
        rules.append(Rule(**values))
    return tuple(rules)


def week_number(day: dt.date) -> int:
    """Weeks since 0001-01-01 (a Monday), so Monday-based weeks compare by subtraction."""
    return (day.toordinal() - 1) // 7


def ordinal_mask(day: dt.date) -> int:
    """Bits for "the n-th <weekday> of the month" (bits 0 to 4) and "the n-th from the end"
    (bits 5 to 9) that ``day`` is."""
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    from_start = (day.day - 1) // 7  # 0 = first
    from_end = (days_in_month - day.day) // 7  # 0 = last
    return (1 << from_start) | (1 << (5 + from_end))


def ordinal_bit(ordinal: int) -> int:
    if 1 <= ordinal <= 5:
        return 1 << (ordinal - 1)
    if -5 <= ordinal <= -1:
        return 1 << (4 - ordinal)
    return 0


def _shift_days(mask: int) -> int:
    """The next day of each day in ``mask`` (Sunday → Monday)."""
    return ((mask << 1) | (mask >> 6)) & ALL_DAYS


def _parse_byday(byday: str) -> list[tuple[int, int]] | None:
    """``"1MO,-1FR,TU"`` → [(ordinal, day index)], ordinal 0 = every; None if unreadable."""
    entries: list[tuple[int, int]] = []
    for raw in byday.replace(" ", "").upper().split(","):
        if not raw:
            continue
        code = raw[-2:]
        if code not in DAY_CODES:
            return None
        prefix = raw[:-2]
        ordinal = 0
        if prefix:
            try:
                ordinal = int(prefix)
            except ValueError:
                return None
            if ordinal == 0 or abs(ordinal) > 5:
                return None
        entries.append((ordinal, DAY_CODES.index(code)))
    return entries


def _parse_month_days(bymonthday: str) -> list[int] | None:
    days: list[int] = []
    for raw in bymonthday.replace(" ", "").split(","):
        if not raw:
            continue
        try:
            value = int(raw)
        except ValueError:
            return None
        if not 1 <= value <= 31:
            return None  # negative days of the month are not supported
        days.append(value)
    return days


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _periods(opens: int, closes: int) -> list[tuple[int, int, bool]]:
    """(start, end, tail) pieces of one daily period."""
    if closes == opens:  # 00:00 to 00:00 and the like: the whole day
        return [(0, MINUTES_PER_DAY, False)]
    if closes == 23 * 60 + 59:
        closes = MINUTES_PER_DAY
    if closes > opens:
        return [(opens, closes, False)]
    pieces = [(opens, MINUTES_PER_DAY, False)]
    if closes > 0:
        pieces.append((0, closes, True))
    return pieces


@dataclass(frozen=True)
class ScheduleInput:
    """The schedule fields rules are made from (a ``directory.Schedule`` fits)."""

    freq: str
    byday: str
    bymonthday: str
    byweekno: str
    byyearday: str
    interval: int | None
    count: int | None
    dtstart: dt.date | None
    until: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    opens_at: dt.time | None
    closes_at: dt.time | None
    iana_timezone: str


def rules_for(schedule: ScheduleInput, fallback_zone: str) -> list[Rule]:
    """The rules one schedule row stands for; [] when it cannot be read exactly."""
    if schedule.opens_at is None or schedule.closes_at is None:
        return []
    if schedule.count or schedule.byweekno.strip() or schedule.byyearday.strip():
        return []
    freq = (schedule.freq or "WEEKLY").upper()
    interval = schedule.interval or 1
    if freq not in {"WEEKLY", "MONTHLY"} or interval < 1:
        return []
    if freq == "MONTHLY" and interval != 1:
        return []
    zone = valid_zone(schedule.iana_timezone) or fallback_zone
    starts = [d for d in (schedule.valid_from, schedule.dtstart) if d is not None]
    ends = [d for d in (schedule.valid_to, schedule.until) if d is not None]
    valid_from = max(starts) if starts else None
    valid_to = min(ends) if ends else None
    anchor_day = schedule.dtstart or schedule.valid_from
    if interval > 1 and anchor_day is None:
        return []
    anchor = week_number(anchor_day) if (interval > 1 and anchor_day) else 0

    byday = _parse_byday(schedule.byday or "")
    month_days = _parse_month_days(schedule.bymonthday or "")
    if byday is None or month_days is None:
        return []

    # (days mask, month day, ordinal bits) groups
    groups: list[tuple[int, int, int]] = []
    if freq == "WEEKLY":
        if byday and any(ordinal for ordinal, _day in byday):
            return []
        if byday:
            mask = 0
            for _ordinal, day in byday:
                mask |= 1 << day
            groups.append((mask, 0, 0))
        elif schedule.dtstart is not None:
            groups.append((1 << schedule.dtstart.weekday(), 0, 0))
        else:
            groups.append((ALL_DAYS, 0, 0))
    else:  # MONTHLY
        if month_days and byday:
            return []  # "the 13th if it is a Friday": too rare to guess at
        if month_days:
            groups.extend((ALL_DAYS, day, 0) for day in month_days)
        elif byday:
            by_ordinal: dict[int, int] = {}
            for ordinal, day in byday:
                by_ordinal[ordinal] = by_ordinal.get(ordinal, 0) | (1 << day)
            for ordinal, mask in sorted(by_ordinal.items()):
                groups.append((mask, 0, ordinal_bit(ordinal)))
        elif schedule.dtstart is not None:
            groups.append((ALL_DAYS, schedule.dtstart.day, 0))
        else:
            return []

    rules: list[Rule] = []
    for mask, month_day, ordinals in groups:
        for start, end, tail in _periods(_minutes(schedule.opens_at), _minutes(schedule.closes_at)):
            rules.append(
                Rule(
                    time_zone=zone,
                    days=_shift_days(mask) if tail else mask,
                    start_minute=start,
                    end_minute=end,
                    tail=tail,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    month_day=month_day,
                    week_ordinals=ordinals,
                    week_interval=interval,
                    anchor_week=anchor,
                )
            )
    return rules


# The hour-of-week token of listings open around the clock.
ALWAYS = "zoall"


def slot_token(weekday: int, hour: int) -> str:
    """The token of one hour of the week (Monday 0), in a listing's own time."""
    return f"zo{weekday}h{hour}"


def slot_tokens(rules: Iterable[Rule]) -> set[str]:
    """Hours of the week during which a rule may be open: a quick first filter for
    "open now" (dates, months and intervals are checked exactly afterwards)."""
    tokens: set[str] = set()
    for rule in rules:
        hours = range(rule.start_minute // 60, (rule.end_minute - 1) // 60 + 1)
        for day in range(7):
            if rule.days & (1 << day):
                tokens.update(slot_token(day, hour) for hour in hours)
    return tokens


@dataclass(frozen=True)
class LocalMoment:
    """What a rule needs to know about "now" in one time zone."""

    day_bit: int
    minute: int
    today: dt.date
    yesterday: dt.date

    @property
    def slot(self) -> str:
        return slot_token(self.today.weekday(), self.minute // 60)

    @classmethod
    def at(cls, moment: dt.datetime, zone: str) -> LocalMoment:
        local = moment.astimezone(ZoneInfo(zone))
        today = local.date()
        return cls(
            day_bit=1 << today.weekday(),
            minute=local.hour * 60 + local.minute,
            today=today,
            yesterday=today - dt.timedelta(days=1),
        )


def _date_matches(rule: Rule, day: dt.date) -> bool:
    if rule.valid_from is not None and day < rule.valid_from:
        return False
    if rule.valid_to is not None and day > rule.valid_to:
        return False
    if rule.month_day and rule.month_day != day.day:
        return False
    if rule.week_ordinals and not rule.week_ordinals & ordinal_mask(day):
        return False
    return not (
        rule.week_interval > 1 and (week_number(day) - rule.anchor_week) % rule.week_interval
    )


def rule_is_open(rule: Rule, moment: dt.datetime, local: LocalMoment | None = None) -> bool:
    local = local or LocalMoment.at(moment, rule.time_zone)
    if not rule.days & local.day_bit:
        return False
    if not rule.start_minute <= local.minute < rule.end_minute:
        return False
    return _date_matches(rule, local.yesterday if rule.tail else local.today)


def is_open(
    rules: Iterable[Rule], moment: dt.datetime, zones: dict[str, LocalMoment] | None = None
) -> bool:
    """Whether any rule is open at ``moment``. ``zones`` caches each zone's local time
    across calls for the same moment."""
    zones = {} if zones is None else zones
    for rule in rules:
        local = zones.get(rule.time_zone)
        if local is None:
            local = zones[rule.time_zone] = LocalMoment.at(moment, rule.time_zone)
        if rule_is_open(rule, moment, local):
            return True
    return False


def sql_parameters(zones: Sequence[str], moment: dt.datetime) -> dict[str, dict[str, object]]:
    """Per time zone, the values the SQL "open now" condition compares rows with."""
    values: dict[str, dict[str, object]] = {}
    for zone in zones:
        local = LocalMoment.at(moment, zone)
        values[zone] = {
            "day_bit": local.day_bit,
            "minute": local.minute,
            "today": local.today,
            "today_dom": local.today.day,
            "today_ordinals": ordinal_mask(local.today),
            "today_week": week_number(local.today),
            "yesterday": local.yesterday,
            "yesterday_dom": local.yesterday.day,
            "yesterday_ordinals": ordinal_mask(local.yesterday),
            "yesterday_week": week_number(local.yesterday),
        }
    return values
