"""Physical destruction of abandoned disks and of the shop's own retired drives (records of kind
shop, no customer), with one signed certificate per drive.

Everything is checked before the first write (records, levels, media, due dates, evidence files,
the signing key); the destruction rows, the state changes, the audit events and the certificates are
then written in the caller's transaction, so a failure anywhere leaves nothing behind and consumes
no certificate number.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState, NotFound
from wipestation.common.i18n import _, state_word
from wipestation.common.leftovers import hold_evidence_folder
from wipestation.common.room import CERTIFICATE_ROOM, check_room
from wipestation.common.text import ACTOR_LIMIT, TAG_LIMIT, check_plain
from wipestation.destruction.evidence import copy_evidence, remove_copies
from wipestation.destruction.levels import METHODS as METHODS  # re-exported: the console lists them
from wipestation.destruction.levels import LevelCheck, check_reach
from wipestation.documents.certify import CertificateRenderer, issue_destruction_certificate
from wipestation.records.custody import effective_due, find_record, mark_destroyed
from wipestation.store.models import CustodyKind, CustodyRecord, CustodyState, Destruction

# an abandoned customer's disk, or the shop's own retired drive queued for destruction (issue 17)
DESTROYABLE = frozenset({CustodyKind.ABANDONED, CustodyKind.SHOP})
FLASH_MEDIA = frozenset({"ssd", "flash"})
MAGNETIC_MEDIA = frozenset({"hdd"})
_LEVEL = re.compile(r"^([HE])-?([1-7])$", re.IGNORECASE)
TEXT_LIMIT = 200
REASON_LIMIT = 2000


@dataclass(frozen=True)
class DestructionRequest:
    refs: tuple[str, ...]
    method: str
    level: str
    witness: str | None = None
    evidence: tuple[Path, ...] = ()
    on: date | None = None
    early: bool = False
    reason: str | None = None  # why early (the customer agreed)
    accept_lower: str | None = None  # why a level below the configured minimum is acceptable
    equipment: str | None = None
    place: str | None = None  # default: in house
    particle_size: str | None = None
    serial_rescanned: bool = False
    asset_tag: str | None = None  # the shop's own asset or service tag of the drive (one drive only)


@dataclass(frozen=True)
class DestructionResult:
    record_id: int
    destruction_id: int
    certificate: str
    batch: str
    serial: str
    method: str
    level: str
    destroyed_on: date

    def to_dict(self) -> dict[str, object]:
        return {
            "record": self.record_id,
            "destruction": self.destruction_id,
            "certificate": self.certificate,
            "batch": self.batch,
            "serial": self.serial,
            "method": self.method,
            "level": self.level,
            "destroyed_on": self.destroyed_on.isoformat(),
        }


def parse_level(text: str) -> str:
    """`H-5`, `h5` -> `H-5`; anything else is refused."""
    match = _LEVEL.match(text.strip())
    if not match:
        raise BadValue(
            _("unknown security level '{text}' (H-1..H-7 for magnetic disks, E-1..E-7 for flash)").format(text=text),
            field="level",
        )
    return f"{match.group(1).upper()}-{match.group(2)}"


def _level_number(level: str) -> int:
    return int(level.split("-")[1])


def parse_levels(text: str) -> dict[str, str]:
    """`H-5` or `H-5,E-4` (one level per category, so that a batch of hard disks and SSDs takes the
    right level for each disk) -> {"H": "H-5", "E": "E-4"}."""
    levels: dict[str, str] = {}
    for part in text.replace(",", " ").split() or [text]:
        level = parse_level(part)
        if level[0] in levels and levels[level[0]] != level:
            raise BadValue(
                _("two {category} levels given ({first} and {second}): give one per media category").format(
                    category=level[0], first=levels[level[0]], second=level
                ),
                field="level",
            )
        levels[level[0]] = level
    return levels


def level_for(record: CustodyRecord, levels: dict[str, str]) -> str:
    """The level that applies to this record's drive: E for flash, H for a magnetic disk; a drive of
    unknown media takes the only level given."""
    media = (record.drive.media or "unknown").lower()
    wanted = "E" if media in FLASH_MEDIA else "H" if media in MAGNETIC_MEDIA else None
    if wanted is not None and wanted in levels:
        return levels[wanted]
    if len(levels) == 1:
        return next(iter(levels.values()))  # a mismatching category is refused with its reason below
    raise BadValue(
        _("record {id} ({serial}) is {media}: give its level ({given} given)").format(
            id=record.id, serial=record.drive.serial, media=media, given="/".join(sorted(levels))
        ),
        field="level",
    )


def _text(value: str | None, what: str, limit: int = TEXT_LIMIT) -> str | None:
    """`what` is the option (`--witness`); the field is the request's attribute (`witness`)."""
    if value is None:
        return None
    field = what.removeprefix("--").replace("-", "_")
    cleaned = " ".join(check_plain(value, what, field=field).split())
    if not cleaned:
        raise BadValue(_("{what} is empty").format(what=what), field=field)
    if len(cleaned) > limit:
        raise BadValue(_("{what} is longer than {limit} characters").format(what=what, limit=limit), field=field)
    return cleaned


@dataclass(frozen=True)
class _Checked:
    records: list[CustodyRecord]
    levels: dict[int, str]  # record id -> the level reached on its drive
    on: date
    witness: str | None
    reason: str | None
    accept_lower: str | None
    equipment: str | None
    place: str | None
    particle_size: str | None
    asset_tag: str | None


def level_media(media: str | None, bus: str | None) -> str:
    """The media the DIN 66399 level check goes by. A USB mass-storage device of unknown media is
    taken as flash: `rotational=1` behind USB is no evidence of a disk, and most such devices are
    sticks and cards (an H level or degaussing would leave their chips readable)."""
    value = (media or "unknown").lower()
    if value == "unknown" and (bus or "").lower() == "usb":
        return "flash"
    return value


def _check_record(record: CustodyRecord, req: DestructionRequest, level: str, on: date, env: Env) -> None:
    ref = _("record {id} ({serial})").format(id=record.id, serial=record.drive.serial)
    if record.kind not in DESTROYABLE:
        raise InvalidState(_("{ref} is a backup: backups are erased, not destroyed").format(ref=ref))
    if record.state is CustodyState.DESTROYED:
        raise InvalidState(_("{ref} was destroyed already").format(ref=ref))
    if record.state is not CustodyState.STORED:
        raise InvalidState(_("{ref} is {state}, not stored").format(ref=ref, state=state_word(record.state.value)))
    if on < record.started_on:
        raise BadValue(
            _("{ref}: --on {on} is before it was declared abandoned ({day})").format(
                ref=ref, on=on.isoformat(), day=record.started_on.isoformat()
            ),
            field="on",
        )
    due = effective_due(record)
    if due > on and not req.early:
        raise InvalidState(
            _("{ref} is not due until {due} (use --early --reason when the customer agreed)").format(
                ref=ref, due=due.isoformat()
            )
        )
    media = level_media(record.drive.media, record.drive.bus)
    kind = level[0]
    if kind == "H" and media in FLASH_MEDIA:
        what = media if media == (record.drive.media or "").lower() else _("unknown media on USB, taken as flash")
        raise BadValue(
            _("{ref} is flash memory ({what}): use an E level, an H level does not apply to flash").format(
                ref=ref, what=what
            ),
            field="level",
        )
    if kind == "E" and media in MAGNETIC_MEDIA:
        raise BadValue(
            _("{ref} is a magnetic disk (hdd): use an H level, an E level does not apply to it").format(ref=ref),
            field="level",
        )
    if req.method == "degauss" and (media in FLASH_MEDIA or kind == "E"):
        raise BadValue(_("{ref}: degaussing does not destroy flash memory").format(ref=ref), field="method")
    check_reach(env.config, LevelCheck(method=req.method, level=level, equipment=req.equipment))
    rules = env.config.destruction
    minimum = rules.min_level_magnetic if kind == "H" else rules.min_level_flash
    if _level_number(level) < _level_number(minimum) and not req.accept_lower:
        raise InvalidState(
            _(
                "level {level} is below the minimum {minimum} for personal data "
                "(use --accept-lower REASON to accept it)"
            ).format(level=level, minimum=minimum),
            field="level",
        )


def check_request(session: Session, env: Env, req: DestructionRequest) -> _Checked:
    """Every check, and not a single write."""
    if not req.refs:
        raise BadValue(_("give at least one record"), field="refs")
    if req.method not in METHODS:
        raise BadValue(
            _("unknown destruction method '{method}' ({known})").format(method=req.method, known=", ".join(METHODS)),
            field="method",
        )
    given = parse_levels(req.level)
    today = env.today()
    on = req.on or today
    if on > today:
        raise BadValue(_("--on {day} is in the future").format(day=on.isoformat()), field="on")
    reason = _text(req.reason, "--reason", REASON_LIMIT)
    if req.early and reason is None:
        raise BadValue(_("--early needs --reason (why the customer agreed to early destruction)"), field="reason")
    if reason is not None and not req.early:
        raise BadValue(_("--reason goes with --early"), field="reason")
    accept_lower = _text(req.accept_lower, "--accept-lower", REASON_LIMIT)
    asset_tag = _text(req.asset_tag, "--asset-tag", TAG_LIMIT)
    if asset_tag is not None and len(req.refs) > 1:
        raise BadValue(_("--asset-tag names one drive: give one record with it"), field="asset_tag")
    for path in req.evidence:
        if not path.is_file():
            raise NotFound(_("evidence file not found: {path}").format(path=path), field="evidence")
    records: list[CustodyRecord] = []
    levels: dict[int, str] = {}
    for ref in req.refs:
        record = find_record(session, ref, for_update=True)
        if any(r.id == record.id for r in records):
            raise BadValue(_("record {id} is given twice").format(id=record.id), field="refs")
        levels[record.id] = level_for(record, given)
        _check_record(record, req, levels[record.id], on, env)
        records.append(record)
    return _Checked(
        records=records,
        levels=levels,
        on=on,
        witness=_text(req.witness, "--witness", ACTOR_LIMIT),
        reason=reason,
        accept_lower=accept_lower,
        equipment=_text(req.equipment, "--equipment"),
        place=_text(req.place, "--place"),
        particle_size=_text(req.particle_size, "--particle-size", 60),
        asset_tag=asset_tag,
    )


def destroy(
    session: Session, env: Env, renderer: CertificateRenderer, req: DestructionRequest
) -> list[DestructionResult]:
    """Record the destruction of each record's drive (one batch) and issue one certificate per drive,
    inside the caller's transaction."""
    checked = check_request(session, env, req)
    renderer.prepare()  # a damaged or missing key fails here, before anything is written
    evidence_size = sum(path.stat().st_size for path in req.evidence)
    check_room(env.config.data_dir, session, CERTIFICATE_ROOM * len(checked.records) + evidence_size)
    hold_evidence_folder(env.config.data_dir)
    batch = f"D-{checked.on:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    evidence, copies = copy_evidence(env, batch, req.evidence)
    results: list[DestructionResult] = []
    try:
        for record in checked.records:
            destruction = _record_destruction(session, env, req, checked, record, batch, evidence)
            mark_destroyed(session, env, record, destruction.id)
            certificate = issue_destruction_certificate(session, env, renderer, destruction.id)
            results.append(
                DestructionResult(
                    record_id=record.id,
                    destruction_id=destruction.id,
                    certificate=certificate.number,
                    batch=batch,
                    serial=record.drive.serial,
                    method=req.method,
                    level=destruction.level,
                    destroyed_on=checked.on,
                )
            )
    except BaseException:
        remove_copies(copies)
        raise
    return results


def _record_destruction(
    session: Session,
    env: Env,
    req: DestructionRequest,
    checked: _Checked,
    record: CustodyRecord,
    batch: str,
    evidence: list[dict[str, str]],
) -> Destruction:
    level = checked.levels[record.id]
    destruction = Destruction(
        batch=batch,
        record_id=record.id,
        drive_id=record.drive_id,
        method=req.method,
        level=level,
        equipment=checked.equipment,
        place=checked.place,
        operator=env.actor,
        witness=checked.witness,
        destroyed_on=checked.on,
        early_reason=checked.reason,
        lower_level_reason=checked.accept_lower if _below_minimum(env, level) else None,
        evidence=evidence,
        created_at=env.now(),
        details={
            "particle_size": checked.particle_size,
            "serial_rescanned": req.serial_rescanned,
            **({"asset_tag": checked.asset_tag} if checked.asset_tag else {}),
        },
    )
    session.add(destruction)
    session.flush()
    after = {
        "record_id": record.id,
        "batch": batch,
        "method": req.method,
        "level": level,
        "early": checked.reason is not None,
        "lower_level_accepted": destruction.lower_level_reason is not None,
        "evidence": [e["sha256"] for e in evidence],
    }
    customer_id = record.customer_id
    record_event(
        session, env, Action.DESTRUCTION_RECORDED, "destruction", destruction.id, after=after, customer_id=customer_id
    )
    return destruction


def _below_minimum(env: Env, level: str) -> bool:
    rules = env.config.destruction
    minimum = rules.min_level_magnetic if level[0] == "H" else rules.min_level_flash
    return _level_number(level) < _level_number(minimum)
