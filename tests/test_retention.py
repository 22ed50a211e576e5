from __future__ import annotations

from datetime import date

import pytest

from wipestation.common.config import RetentionConfig
from wipestation.records.retention import abandoned_due, backup_due, effective_due, record_retention_end

RULES = RetentionConfig()


@pytest.mark.parametrize(
    ("made_on", "due"),
    [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 1, 31), date(2026, 3, 2)),  # 30 days, across a 28-day February
        (date(2028, 1, 31), date(2028, 3, 1)),  # leap year: February has 29 days
        (date(2026, 12, 15), date(2027, 1, 14)),  # across the year end
        (date(2024, 2, 29), date(2024, 3, 30)),
    ],
)
def test_backup_is_due_30_days_after_it_was_made(made_on: date, due: date) -> None:
    assert backup_due(made_on, RULES) == due


@pytest.mark.parametrize(
    ("abandoned_on", "due"),
    [
        (date(2026, 8, 31), date(2026, 11, 30)),  # the example: no 31 November
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        (date(2026, 11, 29), date(2027, 2, 28)),
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 10, 31), date(2027, 1, 31)),
    ],
)
def test_abandoned_disk_is_due_three_calendar_months_later(abandoned_on: date, due: date) -> None:
    assert abandoned_due(abandoned_on, RULES) == due


def test_periods_come_from_the_configuration() -> None:
    rules = RetentionConfig(backup_days=14, abandoned_months=6, record_years=10)
    assert backup_due(date(2026, 1, 1), rules) == date(2026, 1, 15)
    assert abandoned_due(date(2026, 8, 31), rules) == date(2027, 2, 28)
    assert record_retention_end(date(2020, 2, 29), rules) == date(2030, 2, 28)


def test_seven_years_for_transaction_records() -> None:
    assert record_retention_end(date(2024, 2, 29), RULES) == date(2031, 2, 28)


def test_early_deletion_makes_it_due_that_day_and_a_hold_wins() -> None:
    base = date(2026, 12, 20)
    assert effective_due(base, deletion_requested_on=None, holds_until=[]) == base
    assert effective_due(base, deletion_requested_on=date(2026, 11, 25), holds_until=[]) == date(2026, 11, 25)
    assert effective_due(base, deletion_requested_on=date(2026, 11, 25), holds_until=[date(2027, 1, 10)]) == date(
        2027, 1, 10
    )
    assert effective_due(base, deletion_requested_on=None, holds_until=[date(2026, 12, 1)]) == base
    assert effective_due(base, deletion_requested_on=None, holds_until=[date(2027, 1, 5), date(2027, 2, 1)]) == date(
        2027, 2, 1
    )
