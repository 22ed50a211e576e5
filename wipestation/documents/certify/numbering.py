"""Certificate numbers: `PREFIX-YEAR-NNNNNN`, gap-free per year, the year's counter row locked while
a number is taken."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wipestation.common.env import Env
from wipestation.store.models import (
    CertificateCounter,
)


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:06d}"


def next_number(session: Session, env: Env) -> tuple[int, int, str]:
    """Take the next number of this year: (year, seq, number). The counter row stays locked until
    the caller's transaction ends, so numbers are unique and gap-free across processes."""
    year = env.today().year
    stmt = select(CertificateCounter).where(CertificateCounter.year == year).with_for_update()
    counter = session.execute(stmt).scalar_one_or_none()
    if counter is None:
        try:
            with session.begin_nested():
                session.add(CertificateCounter(year=year, last_seq=0))
        except IntegrityError:  # another workstation created this year's row first
            pass
        counter = session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    counter.last_seq += 1
    session.flush()
    return year, counter.last_seq, format_number(env.config.certificates.prefix, year, counter.last_seq)
