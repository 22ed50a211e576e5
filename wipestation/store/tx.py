"""Transactions that survive concurrent writers.

SQLite: every transaction begins IMMEDIATE (db.py), so writers queue on the busy timeout and a
decision is never taken on a stale read. PostgreSQL: state-changing services lock the rows they
decide on (`SELECT ... FOR UPDATE`); what can still collide — a deadlock, a serialization failure,
two workstations inserting the same new key at once — is retried with a fresh transaction, where the
loser then sees the winner's row and gets the ordinary, clear refusal.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "23505"})  # serialization, deadlock, unique key raced
ATTEMPTS = 8


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and _sqlstate(exc) in RETRYABLE_SQLSTATES


def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `work` in one transaction; retry it whole when PostgreSQL reports a race it lost."""
    for attempt in range(1, attempts + 1):
        try:
            with sessions.begin() as session:
                return work(session)
        except DBAPIError as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            time.sleep(random.uniform(0, 0.02 * attempt))  # jitter, not crypto
    raise AssertionError("unreachable")
