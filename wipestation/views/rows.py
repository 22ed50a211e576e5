"""The rows the record lists are read from: one query joining each record with its drive, its customer's name
and its holds (one row per hold), and `RecordRow`, that row by name. `wipestation.views.records` makes the views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, String, select, type_coerce

from wipestation.store.models import CustodyRecord, Customer, Drive, Hold


class RecordRow(NamedTuple):
    """One row of `records_stmt`, by name: the record's columns, its drive's, the customer's name, and one
    hold (all None for a record without one). Made with `tuple.__new__` from the database row: as cheap as
    unpacking it, and read by name."""

    id: int
    kind: str
    state: str
    customer_id: int | None
    job_ref: str | None
    started_on: date
    due_on: date
    deletion_requested_on: date | None
    deletion_reason: str | None
    destroy_reason: str | None
    location: str | None
    host_computer: str | None
    seal_number: str | None
    received_on: date | None
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    serial: str
    model: str | None
    vendor: str | None
    capacity_bytes: int | None
    bus: str | None
    media: str | None
    wwn: str | None
    owner: str
    customer_name: str | None
    hold_id: int | None = None
    hold_until: date | None = None
    hold_reason: str | None = None
    hold_by: str | None = None
    hold_released_at: datetime | None = None
    hold_release_reason: str | None = None


_ENUM_COLUMNS = {"kind", "state", "owner"}  # read as their stored strings: cheaper than the Enum type


RECORD_COLUMNS = [
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
DRIVE_COLUMNS = ("serial", "model", "vendor", "capacity_bytes", "bus", "media", "wwn", "owner")
HOLD_COLUMNS = ("id", "until", "reason", "created_by", "released_at", "release_reason")
assert RecordRow._fields == (
    *RECORD_COLUMNS,
    *DRIVE_COLUMNS,
    "customer_name",
    *(f"hold_{c}" for c in ("id", "until", "reason", "by", "released_at", "release_reason")),
)


def _column(model: Any, name: str) -> Any:
    column = getattr(model, name)
    return type_coerce(column, String).label(name) if name in _ENUM_COLUMNS else column


def records_stmt(*conditions: ColumnElement[bool]) -> Select[Any]:
    """The records with drive, customer name and holds: one row per hold (or one for a record without),
    ordered by record so that a record's rows come together."""
    columns = [_column(CustodyRecord, c) for c in RECORD_COLUMNS]
    columns += [_column(Drive, c) for c in DRIVE_COLUMNS]
    columns += [Customer.name, *(getattr(Hold, c) for c in HOLD_COLUMNS)]
    return (
        select(*columns)
        .join(Drive, Drive.id == CustodyRecord.drive_id)
        .outerjoin(Customer, Customer.id == CustodyRecord.customer_id)  # kind shop has none
        .outerjoin(Hold, Hold.record_id == CustodyRecord.id)
        .where(*conditions)
        .order_by(CustodyRecord.id, Hold.id)
    )
