"""Custody records as the CLI and the console show them: lists, the due list, one record.

Lists are read column-wise (one query: the records with their drive, customer and holds), never as ORM
objects one by one, so 100 000 records stay close to the cost of the bare SQL (`bench/store_bench.py`). Due
dates come from the retention rule (`retention.effective_due`).

The views of a list (`RecordView`, its `DriveInfo` and `HoldView`s) are NamedTuples: immutable like the other
views, and made about as fast as a tuple (a frozen dataclass sets each field through `object.__setattr__`, 32
calls a record). The garbage collector is left alone (it was paused around the list, process-wide, before issue
26): the rows are streamed so that fewer objects are alive when it runs. Measured in `bench/store_bench.py`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from wipestation.records.retention import effective_due
from wipestation.store.models import OPEN_STATES, CustodyKind, CustodyRecord, CustodyState, Hold
from wipestation.views.rows import DRIVE_COLUMNS, RECORD_COLUMNS, RecordRow, records_stmt

SHOP_OWNER = "the shop's own drive"  # shown where a customer's name would be (kind shop)
CLOSED_STATES = tuple(s for s in CustodyState if s not in OPEN_STATES)


class HoldView(NamedTuple):
    id: int
    until: date
    reason: str
    by: str
    released_at: datetime | None
    release_reason: str | None

    @property
    def released(self) -> bool:
        return self.released_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "until": self.until,
            "reason": self.reason,
            "by": self.by,
            "released": self.released,
            "released_at": self.released_at,
            "release_reason": self.release_reason,
        }


class DriveInfo(NamedTuple):
    serial: str
    model: str | None
    vendor: str | None
    capacity_bytes: int | None
    bus: str | None
    media: str | None
    wwn: str | None
    owner: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "model": self.model,
            "vendor": self.vendor,
            "capacity_bytes": self.capacity_bytes,
            "bus": self.bus,
            "media": self.media,
            "wwn": self.wwn,
            "owner": self.owner,
        }


class RecordView(NamedTuple):
    """One record on one day: its display state, effective due date, holds and drive."""

    id: int
    kind: str
    state: str  # display state: holding / stored / due / erasing / erased / destroyed
    stored_state: CustodyState
    customer_id: int | None  # None: the shop's own drive queued for destruction (kind shop)
    customer_name: str  # SHOP_OWNER for the shop's own drive
    job: str | None
    started_on: date
    due_on: date  # effective: after early deletion and holds
    rule_due_on: date
    days_left: int
    deletion_requested_on: date | None
    deletion_reason: str | None
    destroy_reason: str | None  # kind shop: why the shop destroys its own drive
    hold_until: date | None  # the active hold's end, if one is running
    holds: tuple[HoldView, ...]
    location: str | None
    host_computer: str | None
    seal_number: str | None
    received_on: date | None
    drive: DriveInfo
    created_at: datetime
    created_by: str
    closed_at: datetime | None

    @property
    def serial(self) -> str:
        return self.drive.serial

    @property
    def on_hold(self) -> bool:
        return self.hold_until is not None

    @property
    def is_open(self) -> bool:
        return self.stored_state in OPEN_STATES

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)

    def to_dict(self) -> dict[str, Any]:
        """The record as `--json` shows it (`list`, `show`, `due`, the registrations)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "serial": self.serial,
            "customer_id": self.customer_id,
            "customer_name": self.customer_name,
            "job": self.job,
            "started_on": self.started_on,
            "due_on": self.due_on,
            "rule_due_on": self.rule_due_on,
            "days_left": self.days_left,
            "deletion_requested_on": self.deletion_requested_on,
            "deletion_reason": self.deletion_reason,
            "destroy_reason": self.destroy_reason,
            "on_hold": self.on_hold,
            "hold_until": self.hold_until,
            "holds": [h.to_dict() for h in self.holds],
            "location": self.location,
            "host_computer": self.host_computer,
            "seal_number": self.seal_number,
            "received_on": self.received_on,
            "drive": self.drive.to_dict(),
            "created_at": self.created_at,
            "created_by": self.created_by,
            "closed_at": self.closed_at,
        }


def _hold(r: RecordRow) -> HoldView:
    assert r.hold_id is not None and r.hold_until is not None and r.hold_reason is not None and r.hold_by is not None
    return HoldView(r.hold_id, r.hold_until, r.hold_reason, r.hold_by, r.hold_released_at, r.hold_release_reason)


def _build(r: RecordRow, holds: tuple[HoldView, ...], today: date) -> RecordView:
    """A view from one `RecordRow` and the record's holds (this runs once per record of a 100 000-row list)."""
    live = [h.until for h in holds if h.released_at is None]
    due = r.due_on
    if live or r.deletion_requested_on:
        due = effective_due(r.due_on, deletion_requested_on=r.deletion_requested_on, holds_until=live)
    running = [u for u in live if u >= today]
    stored = _STATES[r.state]
    shown = "due" if due <= today and stored in _KEPT else r.state
    return RecordView(
        id=r.id,
        kind=r.kind,
        state=shown,
        stored_state=stored,
        customer_id=r.customer_id,
        customer_name=r.customer_name if r.customer_name is not None else SHOP_OWNER,
        job=r.job_ref,
        started_on=r.started_on,
        due_on=due,
        rule_due_on=r.due_on,
        days_left=(due - today).days,
        deletion_requested_on=r.deletion_requested_on,
        deletion_reason=r.deletion_reason,
        destroy_reason=r.destroy_reason,
        hold_until=max(running) if running else None,
        holds=holds,
        location=r.location,
        host_computer=r.host_computer,
        seal_number=r.seal_number,
        received_on=r.received_on,
        drive=DriveInfo(r.serial, r.model, r.vendor, r.capacity_bytes, r.bus, r.media, r.wwn, r.owner),
        created_at=r.created_at,
        created_by=r.created_by,
        closed_at=r.closed_at,
    )


def record_to_dict(record: CustodyRecord, today: date) -> dict[str, Any]:
    """The record as the CLI's JSON shows it (its view, as a dict)."""
    return record_view(record, today).to_dict()


def record_view(record: CustodyRecord, today: date) -> RecordView:
    """The view of a record already loaded (a service's result)."""
    holds = tuple(
        HoldView(h.id, h.until, h.reason, h.created_by, h.released_at, h.release_reason) for h in record.holds
    )
    values = {c: _plain(getattr(record, c)) for c in RECORD_COLUMNS}
    values |= {c: _plain(getattr(record.drive, c)) for c in DRIVE_COLUMNS}
    name = record.customer.name if record.customer is not None else None
    return _build(RecordRow(**values, customer_name=name), holds, today)


def _plain(value: Any) -> Any:
    """Enums as the strings the column-wise query reads."""
    return value.value if isinstance(value, enum.Enum) else value


_STATES = {s.value: s for s in CustodyState}
_KEPT = (CustodyState.HOLDING, CustodyState.STORED)


def select_records(session: Session, today: date, *conditions: ColumnElement[bool]) -> list[RecordView]:
    """The records matching `conditions` (SQL on `CustodyRecord`/`Drive`/`Customer`), by id: one query,
    run as Core SQL on the session's connection (the ORM's row loading is not needed for plain columns)."""
    out: list[RecordView] = []
    current: RecordRow | None = None
    holds: list[HoldView] = []
    make = tuple.__new__
    # Streamed (a server-side cursor on PostgreSQL, SQLite's own stepping), 1000 rows at a time: the rows of a
    # 100 000-record list are never all alive at once, so the garbage collector's full passes, which walk every
    # live object, come half as often and walk half as much (bench/store_bench.py).
    stream = session.connection().execution_options(stream_results=True, max_row_buffer=1000)
    for row in stream.execute(records_stmt(*conditions)):
        r: RecordRow = make(RecordRow, row)
        if current is not None and r.id != current.id:
            out.append(_build(current, tuple(holds), today))
            holds = []
        current = r
        if r.hold_id is not None:
            holds.append(_hold(r))
    if current is not None:
        out.append(_build(current, tuple(holds), today))
    return out


def record_list(
    session: Session, today: date, *, kind: str | None = None, state: str | None = None, limit: int | None = None
) -> list[RecordView]:
    """`wipestation list` and the console's records screen: by id; `state` is a display state, or
    `open` / `closed`; `limit`: only the first records (the console's first page)."""
    conditions: list[ColumnElement[bool]] = []
    if kind:
        conditions.append(CustodyRecord.kind == CustodyKind(kind))
    if state == "open":
        conditions.append(CustodyRecord.state.in_(OPEN_STATES))
    elif state == "closed":
        conditions.append(CustodyRecord.state.in_(CLOSED_STATES))
    elif state in ("erased", "destroyed", "erasing"):
        conditions.append(CustodyRecord.state == CustodyState(state))
    elif state == "due":
        conditions += [CustodyRecord.state.in_(_KEPT), _due_condition(today)]
    elif state in ("holding", "stored"):
        conditions += [CustodyRecord.state == CustodyState(state), ~_due_condition(today)]
    if limit is not None:
        first = select(CustodyRecord.id).where(*conditions).order_by(CustodyRecord.id).limit(limit)
        conditions = [CustodyRecord.id.in_(first)]
    return select_records(session, today, *conditions)


def _due_condition(on: date) -> ColumnElement[bool]:
    """Open, and due on `on` by `retention.effective_due`: the rule date or the early-deletion request
    reached, and no unreleased hold running past `on` (a hold only ever pushes the date later). The
    held records are one uncorrelated subquery, read once: no probe of the holds per record."""
    requested = CustodyRecord.deletion_requested_on
    held_past = select(Hold.record_id).where(Hold.released_at.is_(None), Hold.until > on)
    return and_(
        CustodyRecord.state.in_(OPEN_STATES),
        or_(CustodyRecord.due_on <= on, and_(requested.is_not(None), requested <= on)),  # never NULL: it is negated
        CustodyRecord.id.not_in(held_past),
    )


def _effective_due_sql() -> tuple[ColumnElement[date], Any]:
    """`retention.effective_due` in SQL (SQLite and PostgreSQL), with the subquery of the latest
    unreleased hold per record that it reads (to be outer-joined on `record_id`)."""
    latest = (
        select(Hold.record_id, func.max(Hold.until).label("until"))
        .where(Hold.released_at.is_(None))
        .group_by(Hold.record_id)
        .subquery()
    )
    requested = CustodyRecord.deletion_requested_on
    base = case((and_(requested.is_not(None), requested < CustodyRecord.due_on), requested), else_=CustodyRecord.due_on)
    return case((and_(latest.c.until.is_not(None), latest.c.until > base), latest.c.until), else_=base), latest


def due_list(session: Session, on: date, *, kinds: tuple[str, ...] | None = None) -> list[RecordView]:
    """Open records due or overdue on `on`, most overdue first, then by id (`wipestation due`, the digest);
    `kinds`: only these kinds, and none being erased (the destroy screen's choice)."""
    conditions = [_due_condition(on)]
    if kinds is not None:
        conditions += [CustodyRecord.kind.in_([CustodyKind(k) for k in kinds]), CustodyRecord.state.in_(_KEPT)]
    rows = select_records(session, on, *conditions)
    rows.sort(key=attrgetter("days_left"))  # stable: the rows come by id
    return rows


@dataclass(frozen=True, slots=True)
class DuePage:
    """The most urgent due records (as `due_list` orders them, at most `limit`) and the counts of all."""

    rows: list[RecordView]
    total: int
    overdue: int  # of `total`, due before `on`


def due_page(session: Session, on: date, limit: int) -> DuePage:
    """The first `limit` rows of `due_list` and how many there are in all (the dashboard's pane): the
    ordering, cut and counts run in SQL, so the cost does not grow with the number of due records."""
    effective, latest = _effective_due_sql()
    due = _due_condition(on)
    total, overdue = session.execute(
        select(func.count(CustodyRecord.id), func.coalesce(func.sum(case((effective < on, 1), else_=0)), 0))
        .outerjoin(latest, latest.c.record_id == CustodyRecord.id)
        .where(due)
    ).one()
    first = (
        select(CustodyRecord.id)
        .outerjoin(latest, latest.c.record_id == CustodyRecord.id)
        .where(due)
        .order_by(effective, CustodyRecord.id)
        .limit(limit)
    )
    rows = select_records(session, on, CustodyRecord.id.in_(first))
    rows.sort(key=attrgetter("days_left"))
    return DuePage(rows, int(total), int(overdue))


def records_of_drive(session: Session, today: date, drive_id: int, *, open_only: bool = False) -> list[RecordView]:
    conditions = [CustodyRecord.drive_id == drive_id]
    if open_only:
        conditions.append(CustodyRecord.state.in_(OPEN_STATES))
    return select_records(session, today, *conditions)


def records_of_customer(session: Session, today: date, customer_id: int) -> list[RecordView]:
    return select_records(session, today, CustodyRecord.customer_id == customer_id)
