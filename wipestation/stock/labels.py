"""Shelf labels and the shelf check.

A label's QR code carries `WSLBL:<record id>:<serial>`: never a name. The core fills `LabelData`;
the PDF is drawn by the `certificates` package (reportlab), found through the `wipestation.stock.labels`
entry point, so the core never imports reportlab. A USB scanner types the code and Enter, so a shelf
check reads one code per line.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState, NotFound
from wipestation.common.i18n import N_, _, state_word
from wipestation.records.custody import OPEN_STATES, display_state, effective_due, find_record
from wipestation.store.models import CustodyRecord

LABEL_PREFIX = "WSLBL"
FORMATS = ("roll62", "a4")
ENTRY_POINT_GROUP = "wipestation.labels"


def label_code(record_id: int, serial: str) -> str:
    return f"{LABEL_PREFIX}:{record_id}:{serial}"


def parse_label_code(text: str) -> tuple[int, str] | None:
    """(record id, serial) from a scanned code, or None when it is not one of ours."""
    parts = text.strip().split(":", 2)
    if (
        len(parts) != 3
        or parts[0].upper() != LABEL_PREFIX
        or not re.fullmatch(r"[0-9]{1,18}", parts[1])
        or not parts[2]
    ):
        return None
    return int(parts[1]), parts[2]


@dataclass(frozen=True)
class LabelData:
    """What one label shows: plain values, no personal data."""

    code: str  # what the QR code carries
    record_id: int
    kind: str  # backup / abandoned / shop
    serial: str
    model: str | None
    capacity_bytes: int | None
    customer_id: int | None  # None: the shop's own drive, queued for destruction
    due_on: date
    location: str | None


LabelRenderer = Callable[[Sequence[LabelData], str], bytes]


def label_data(session: Session, env: Env, refs: Iterable[str]) -> list[LabelData]:
    """One label per open record (REF: record id or drive serial), in the order given, each once."""
    out: list[LabelData] = []
    seen: set[int] = set()
    for ref in refs:
        record = find_record(session, ref)
        if record.state not in OPEN_STATES:
            raise InvalidState(
                _("record {id} is {state}: it is closed and needs no shelf label").format(
                    id=record.id, state=state_word(record.state.value)
                )
            )
        if record.id in seen:
            continue
        seen.add(record.id)
        drive = record.drive
        out.append(
            LabelData(
                code=label_code(record.id, drive.serial),
                record_id=record.id,
                kind=record.kind.value,
                serial=drive.serial,
                model=drive.model,
                capacity_bytes=drive.capacity_bytes,
                customer_id=record.customer_id,
                due_on=effective_due(record),
                location=record.location,
            )
        )
    return out


def load_label_renderer() -> LabelRenderer:
    """The renderer registered under the `wipestation.stock.labels` entry point ("default")."""
    from wipestation.common.plugins import load_plugin

    return typing.cast(LabelRenderer, load_plugin(ENTRY_POINT_GROUP, N_("the label renderer")))


# --- The shelf check ----------------------------------------------------------------------------


def _item(record: CustodyRecord, today: date) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind.value,
        "serial": record.drive.serial,
        "customer_id": record.customer_id,
        "state": display_state(record, today),
        "due_on": effective_due(record),
        "registered_at": record.location,
    }


def read_scans(session: Session, lines: Iterable[str]) -> list[CustodyRecord]:
    """The records scanned, in order. A code that is not ours, a record or serial the records do not
    know, and a code scanned twice are refused with the line they were on."""
    records: list[CustodyRecord] = []
    first_line: dict[int, int] = {}
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        parsed = parse_label_code(text)
        shown = text if len(text) <= 60 else text[:57] + "..."
        if parsed is None:
            raise BadValue(
                _("line {line}: '{text}' is not a wipestation shelf label; nothing was recorded").format(
                    line=number, text=shown
                )
            )
        record_id, serial = parsed
        record = session.get(CustodyRecord, record_id)
        if record is None or record.drive.serial != serial:
            raise NotFound(
                _("line {line}: '{text}' names no record of this shop; nothing was recorded").format(
                    line=number, text=shown
                )
            )
        if record_id in first_line:
            raise BadValue(
                _("line {line}: record {id} was scanned twice (first on line {first}); nothing was recorded").format(
                    line=number, id=record_id, first=first_line[record_id]
                )
            )
        first_line[record_id] = number
        records.append(record)
    return records


def known_locations(session: Session) -> set[str]:
    rows = session.execute(select(CustodyRecord.location).where(CustodyRecord.location.is_not(None)).distinct())
    return {str(r[0]) for r in rows}


def shelf_check(session: Session, env: Env, location: str, lines: Iterable[str]) -> dict[str, Any]:
    """What is missing (registered here, not scanned), unexpected (scanned, registered nowhere or
    closed), misplaced (scanned, registered at another location) and due. Audited."""
    location = location.strip()
    if location not in known_locations(session):
        raise NotFound(
            _("unknown location '{location}': no record was ever registered there; nothing was recorded").format(
                location=location
            )
        )
    scanned = read_scans(session, lines)
    today = env.today()
    here = list(
        session.execute(
            select(CustodyRecord)
            .where(CustodyRecord.location == location, CustodyRecord.state.in_(OPEN_STATES))
            .order_by(CustodyRecord.id)
        ).scalars()
    )
    here_ids = {r.id for r in here}
    scanned_ids = {r.id for r in scanned}
    present = [r for r in scanned if r.id in here_ids]
    missing = [r for r in here if r.id not in scanned_ids]
    misplaced = [r for r in scanned if r.id not in here_ids and r.state in OPEN_STATES and r.location]
    unexpected = [r for r in scanned if r.id not in here_ids and r not in misplaced]
    due = [r for r in [*here, *misplaced] if display_state(r, today) == "due"]
    result: dict[str, Any] = {
        "location": location,
        "checked_at": env.now(),
        "scanned": len(scanned),
        "present": [_item(r, today) for r in present],
        "missing": [_item(r, today) for r in missing],
        "unexpected": [_item(r, today) for r in unexpected],
        "misplaced": [_item(r, today) for r in misplaced],
        "due": [_item(r, today) for r in due],
    }
    event = record_event(
        session,
        env,
        Action.SHELF_CHECKED,
        "shelf",
        None,
        after={
            "location": location,
            "scanned": len(scanned),
            **{
                key: [item["id"] for item in result[key]]
                for key in ("present", "missing", "unexpected", "misplaced", "due")
            },
        },
    )
    result["audit_event"] = event.id
    return result
