"""Custody records as the CLI and the console show them: lists, the due list, one record. Lists are
read column-wise in one query (the records joined with their drive, customer and holds), never as ORM
objects one by one, so 100 000 records stay close to the cost of the bare SQL (`bench/store_bench.py`);
due dates come from the retention rule (`retention.effective_due`)."""

from __future__ import annotations

import enum
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from wipestation.records.retention import effective_due
from wipestation.store.models import OPEN_STATES, CustodyKind, CustodyRecord, CustodyState, Customer, Drive, Hold

SHOP_OWNER = "the shop's own drive"  # shown where a customer's name would be (kind shop)
CLOSED_STATES = tuple(s for s in CustodyState if s not in OPEN_STATES)


@dataclass(frozen=True, slots=True)
class HoldView:
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


@dataclass(frozen=True, slots=True)
class DriveInfo:
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


@dataclass(frozen=True, slots=True)
class RecordView:
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


def _build(row: tuple[Any, ...], holds: tuple[HoldView, ...], today: date) -> RecordView:
    """A view from one row of `_records_stmt` (positional: this runs once per record of a 100 000-row list)."""
    (rid, kind, state, customer_id, job, started_on, rule_due, deletion_on, deletion_reason, destroy_reason,
     location, host, seal, received_on, created_at, created_by, closed_at, serial, model, vendor, capacity, bus,
     media, wwn, owner, customer_name) = row[:_HOLD_AT]  # fmt: skip
    live = [h.until for h in holds if h.released_at is None]
    due = rule_due
    if live or deletion_on:
        due = effective_due(rule_due, deletion_requested_on=deletion_on, holds_until=live)
    running = [u for u in live if u >= today]
    stored = _STATES[state]
    shown = "due" if due <= today and stored in _KEPT else state
    return RecordView(
        rid,
        kind,
        shown,
        stored,
        customer_id,
        customer_name if customer_name is not None else SHOP_OWNER,
        job,
        started_on,
        due,
        rule_due,
        (due - today).days,
        deletion_on,
        deletion_reason,
        destroy_reason,
        max(running) if running else None,
        holds,
        location,
        host,
        seal,
        received_on,
        DriveInfo(serial, model, vendor, capacity, bus, media, wwn, owner),
        created_at,
        created_by,
        closed_at,
    )


def record_to_dict(record: CustodyRecord, today: date) -> dict[str, Any]:
    """The record as the CLI's JSON shows it (its view, as a dict)."""
    return record_view(record, today).to_dict()


def record_view(record: CustodyRecord, today: date) -> RecordView:
    """The view of a record already loaded (a service's result)."""
    holds = tuple(
        HoldView(h.id, h.until, h.reason, h.created_by, h.released_at, h.release_reason) for h in record.holds
    )
    row = tuple(_plain(getattr(record, c)) for c in _RECORD_COLUMNS)
    row += tuple(_plain(getattr(record.drive, c)) for c in _DRIVE_COLUMNS)
    return _build((*row, record.customer.name if record.customer is not None else None), holds, today)


def _plain(value: Any) -> Any:
    """Enums as the strings the column-wise query reads."""
    return value.value if isinstance(value, enum.Enum) else value


_STATES = {s.value: s for s in CustodyState}
_KEPT = (CustodyState.HOLDING, CustodyState.STORED)
_ENUM_COLUMNS = {"kind", "state", "owner"}  # read as their stored strings: cheaper than the Enum type


_RECORD_COLUMNS = [
    "id",
    "kind",
    "state",
    "customer_id",
    "job_ref",
    "started_on",
    "due_on",
    "deletion_requested_on",
    "deletion_reason",
    "destroy_reason",
    "location",
    "host_computer",
    "seal_number",
    "received_on",
    "created_at",
    "created_by",
    "closed_at",
]
_DRIVE_COLUMNS = ("serial", "model", "vendor", "capacity_bytes", "bus", "media", "wwn", "owner")
_HOLD_COLUMNS = ("id", "until", "reason", "created_by", "released_at", "release_reason")
_HOLD_AT = len(_RECORD_COLUMNS) + len(_DRIVE_COLUMNS) + 1  # after the customer name


def _column(model: Any, name: str) -> Any:
    column = getattr(model, name)
    return type_coerce(column, String).label(name) if name in _ENUM_COLUMNS else column


def _records_stmt(*conditions: ColumnElement[bool]) -> Select[Any]:
    """The records with drive, customer name and holds: one row per hold (or one for a record without),
    ordered by record so that a record's rows come together."""
    columns = [_column(CustodyRecord, c) for c in _RECORD_COLUMNS]
    columns += [_column(Drive, c) for c in _DRIVE_COLUMNS]
    columns += [Customer.name, *(getattr(Hold, c) for c in _HOLD_COLUMNS)]
    return (
        select(*columns)
        .join(Drive, Drive.id == CustodyRecord.drive_id)
        .outerjoin(Customer, Customer.id == CustodyRecord.customer_id)  # kind shop has none
        .outerjoin(Hold, Hold.record_id == CustodyRecord.id)
        .where(*conditions)
        .order_by(CustodyRecord.id, Hold.id)
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building 100 000 small frozen objects sets off the cyclic garbage collector again and again, each
    time scanning every object built so far (a third of the time of a full list); none of them can
    form a cycle. Process-wide, so it is only re-enabled by whoever found it enabled."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def select_records(session: Session, today: date, *conditions: ColumnElement[bool]) -> list[RecordView]:
    """The records matching `conditions` (SQL on `CustodyRecord`/`Drive`/`Customer`), by id: one query,
    run as Core SQL on the session's connection (the ORM's row loading is not needed for plain columns)."""
    with _collector_paused():
        return _select_records(session, today, conditions)


def _select_records(session: Session, today: date, conditions: tuple[ColumnElement[bool], ...]) -> list[RecordView]:
    out: list[RecordView] = []
    current: tuple[Any, ...] | None = None
    holds: list[HoldView] = []
    for row in session.connection().execute(_records_stmt(*conditions)).all():  # fetchall, not row by row
        if current is not None and row[0] != current[0]:
            out.append(_build(current, tuple(holds), today))
            holds = []
        current = row
        if row[_HOLD_AT] is not None:
            holds.append(HoldView(*row[_HOLD_AT:]))
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
