"""The retention rules of the privacy policy, as pure calendar arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from wipestation.common.config import RetentionConfig
from wipestation.common.i18n import _, ngettext
from wipestation.store.models import CustodyState


def backup_due(made_on: date, rules: RetentionConfig) -> date:
    """A backup is kept `backup_days` days (30) after it was made."""
    return made_on + timedelta(days=rules.backup_days)


def abandoned_due(abandoned_on: date, rules: RetentionConfig) -> date:
    """An abandoned disk is kept `abandoned_months` calendar months (3): 31 Aug + 3 months = 30 Nov."""
    return abandoned_on + relativedelta(months=rules.abandoned_months)


def record_retention_end(closed_on: date, rules: RetentionConfig) -> date:
    """Transaction records are kept `record_years` years (7, tax law) after they were closed."""
    return closed_on + relativedelta(years=rules.record_years)


def effective_due(base_due: date, *, deletion_requested_on: date | None, holds_until: list[date]) -> date:
    """The date a record must be erased or destroyed.

    A customer's request for early deletion makes it due that day; a hold (dispute, police request)
    is never overridden by a request: the record is not due before the latest unreleased hold ends.
    """
    due = min(base_due, deletion_requested_on) if deletion_requested_on else base_due
    for until in holds_until:
        due = max(due, until)
    return due


def days_text(n: int) -> str:
    """Days until a due date in words: `in 3 days`, `today`, `2 days overdue`."""
    if n > 0:
        return ngettext("in {n} day", "in {n} days", n).format(n=n)
    if n == 0:
        return _("today")
    return ngettext("{n} day overdue", "{n} days overdue", -n).format(n=-n)


def due_words(n: int) -> str:
    """The same, said of a due date: `due in 3 days`, `due today`, `overdue by 2 days`."""
    if n < 0:
        return ngettext("overdue by {n} day", "overdue by {n} days", -n).format(n=-n)
    if n == 0:
        return _("due today")
    return ngettext("due in {n} day", "due in {n} days", n).format(n=n)


def state_shown(state: CustodyState, due: date, today: date) -> str:
    """The state a person sees: a kept record whose effective due date has come is `due`."""
    if state in (CustodyState.HOLDING, CustodyState.STORED) and due <= today:
        return "due"
    return state.value
