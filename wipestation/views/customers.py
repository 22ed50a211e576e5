"""Customers as the CLI and the console list them, and one customer with their records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wipestation.records.customers import get_customer, search_condition
from wipestation.store.models import OPEN_STATES, CustodyRecord, Customer
from wipestation.views.records import RecordView, records_of_customer


@dataclass(frozen=True, slots=True)
class CustomerView:
    id: int
    name: str
    email: str | None
    phone: str | None
    address: str | None
    created_at: datetime
    updated_at: datetime
    anonymised_at: datetime | None
    open_records: int

    @property
    def anonymised(self) -> bool:
        return self.anonymised_at is not None

    def to_dict(self) -> dict[str, Any]:
        """As `customer list --json` shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "address": self.address,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "anonymised": self.anonymised,
            "anonymised_at": self.anonymised_at,
        }


@dataclass(frozen=True, slots=True)
class CustomerDetail:
    customer: CustomerView
    records: tuple[RecordView, ...]  # by id

    def to_dict(self) -> dict[str, Any]:
        """As `customer show --json` shows it."""
        return {**self.customer.to_dict(), "records": [r.to_dict() for r in self.records]}


def _stmt() -> Any:
    open_count = (
        select(CustodyRecord.customer_id, func.count().label("n"))
        .where(CustodyRecord.state.in_(OPEN_STATES))
        .group_by(CustodyRecord.customer_id)
        .subquery()
    )
    return (
        select(
            Customer.id,
            Customer.name,
            Customer.email,
            Customer.phone,
            Customer.address,
            Customer.created_at,
            Customer.updated_at,
            Customer.anonymised_at,
            func.coalesce(open_count.c.n, 0),
        )
        .outerjoin(open_count, open_count.c.customer_id == Customer.id)
        .order_by(Customer.id)
    )


def customer_list(session: Session, search: str | None = None) -> list[CustomerView]:
    """Every customer (or those matching `search` in name or contact details), by id."""
    stmt = _stmt()
    if search:
        stmt = stmt.where(search_condition(search))
    return [CustomerView(*row) for row in session.execute(stmt)]


def customer_detail(session: Session, today: date, customer_id: int) -> CustomerDetail:
    """One customer and every record of theirs (NotFound when there is no such customer)."""
    get_customer(session, customer_id)
    row = session.execute(_stmt().where(Customer.id == customer_id)).one()
    return CustomerDetail(CustomerView(*row), tuple(records_of_customer(session, today, customer_id)))
