"""Time comes from an injected clock, so logic is deterministic under test."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """What the core asks of time."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def local_today(clock: Clock, tz: tzinfo | str) -> date:
    """The calendar date of the shop (due dates are calendar dates in the shop's time zone)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return clock.now().astimezone(zone).date()
