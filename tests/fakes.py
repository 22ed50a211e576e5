"""Fakes shared by the tests: a clock the test advances."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


class FakeClock:
    """A clock that stands still until the test moves it. Starts at noon UTC on `day`."""

    def __init__(self, day: date = date(2026, 11, 25)) -> None:
        self._now = datetime.combine(day, time(12, 0), tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set_day(self, day: date) -> None:
        self._now = datetime.combine(day, time(12, 0), tzinfo=UTC)
