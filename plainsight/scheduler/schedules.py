"""When a periodic job is due. Each schedule names, for any moment, its latest slot.

A slot is a fixed instant derived from the schedule alone (not from when a scheduler
happened to wake up), so every scheduler process computes the same slot and the
database's unique (job, slot) constraint can keep all but one from enqueuing it.
A scheduler that was down catches up with the latest slot only, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Daily:
    """Every day at a wall-clock time in the deployment's time zone (settings.TIME_ZONE).

    On the day clocks spring forward a time inside the gap (02:30) falls one hour
    later in wall-clock terms; on the day they fall back an ambiguous time runs at its
    first occurrence. Either way there is exactly one slot per calendar day.
    """

    at: time

    def latest_slot(self, now: datetime) -> datetime:
        zone = timezone.get_default_timezone()
        today = now.astimezone(zone).date()
        for day in (today, today - timedelta(days=1)):
            slot = datetime.combine(day, self.at, tzinfo=zone).astimezone(UTC)
            if slot <= now:
                return slot
        raise AssertionError("unreachable: yesterday's slot is always in the past")


@dataclass(frozen=True)
class Every:
    """Every ``interval``, on slots counted from 2000-01-01 00:00 UTC."""

    interval: timedelta

    def __post_init__(self) -> None:
        if self.interval < timedelta(minutes=1):
            raise ValueError("periodic jobs run at most once a minute")

    def latest_slot(self, now: datetime) -> datetime:
        return _EPOCH + ((now - _EPOCH) // self.interval) * self.interval


Schedule = Daily | Every
