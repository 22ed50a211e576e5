"""The backup commands' one orchestration (the CLI calls these; the console can too): pool prepare,
make, restore, check and erase, each with its records in short transactions around the drive work."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action
from wipestation.backups import keyarea, pooldisk, sources, stream
from wipestation.backups import making as mk
from wipestation.backups import manifest as mf
from wipestation.backups import records as rows
from wipestation.backups import restoring as rs
from wipestation.common.devices import DriveSource
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, EraseFailed, InvalidState, NotFound, SafetyRefusal
from wipestation.common.i18n import _
from wipestation.records import custody
from wipestation.records.customers import get_customer
from wipestation.store.models import BackupSet, Drive, PoolStore

T = TypeVar("T")
SHOP_KEY_FILE = "backup.key"


@dataclass(frozen=True, slots=True)
class BackupContext:
    transaction: Callable[[Callable[[Session], Any]], Any]
    env: Env
    drive_source: DriveSource
    data_dir: Path

    def tx(self, work: Callable[[Session], T]) -> T:
        result: T = self.transaction(work)
        return result

    def shop_key(self, *, create: bool = False) -> bytes:
        try:
            return keyarea.load_shop_key(self.data_dir / SHOP_KEY_FILE, create=create)
        except keyarea.KeyAreaError:
            raise InvalidState(
                _(
                    "the shop's backup key {path} is missing: copy it from the workstation that prepared the "
                    "pool drive (like the signing key)"
                ).format(path=self.data_dir / SHOP_KEY_FILE)
            ) from None


# -- pool prepare


def prepare_pool(ctx: BackupContext, device: str, confirm: str) -> dict[str, Any]:
    detected = ctx.drive_source.identify(device)
    identity = detected.identity
    reason = detected.refusal()
    if reason:
        raise SafetyRefusal(_("{device} is protected: {reason}").format(device=device, reason=reason))
    if confirm.strip() != identity.serial:
        raise SafetyRefusal(
            _("--confirm {confirm} is not the serial of {device} ({serial})").format(
                confirm=confirm, device=device, serial=identity.serial
            )
        )
    if identity.media in ("ssd", "flash"):
        raise InvalidState(
            _(
                "{serial} is flash ({media}): an overwrite in place does not reach flash cells, so one backup "
                "could not be erased for good; use a rotating disk as a pool drive"
            ).format(serial=identity.serial, media=identity.media)
        )
    erasure_id = ctx.tx(lambda s: _preparable(s, identity.serial))
    ctx.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    shop_key = ctx.shop_key(create=True)
    try:
        header = pooldisk.lay_out(identity.device or device, identity.capacity_bytes or 0, shop_key)
    except (pooldisk.PoolDiskError, keyarea.KeyAreaError, OSError) as exc:
        raise InvalidState(_("could not prepare {serial}: {error}").format(serial=identity.serial, error=exc)) from None

    def record(s: Session) -> dict[str, Any]:
        drive = _drive(s, identity.serial)
        erasure = rows.last_whole_erasure(s, drive)
        if erasure is None or erasure.id != erasure_id:
            raise InvalidState(_("drive {serial} changed while it was prepared").format(serial=identity.serial))
        store = rows.add_pool(s, ctx.env, drive, erasure, header.pool_id.hex(), header.slots)
        return {"serial": drive.serial, "slots": store.slots, "media": identity.media, "erasure_id": erasure.id}

    return ctx.tx(record)


def _drive(session: Session, serial: str) -> Drive:
    drive = session.execute(select(Drive).where(Drive.serial == serial)).scalar_one_or_none()
    if drive is None:
        raise NotFound(_("drive {serial} is not known: erase it whole first").format(serial=serial))
    return drive


def _preparable(session: Session, serial: str) -> int:
    drive = _drive(session, serial)
    erasure = rows.last_whole_erasure(session, drive)
    if erasure is None:
        raise InvalidState(
            _("drive {serial} has no recorded successful erasure: erase it whole before it joins the pool").format(
                serial=serial
            )
        )
    if custody.open_record_for_drive(session, drive.id) is not None:
        raise InvalidState(_("drive {serial} has an open record").format(serial=serial))
    store = rows.pool_of(session, drive)
    if store is not None and rows.live_sets(session, store):
        raise InvalidState(_("drive {serial} is a pool drive holding backups already").format(serial=serial))
    if store is not None and store.prepared_at > erasure.started_at:
        raise InvalidState(
            _("drive {serial} was used as a pool drive since its last erasure: erase it whole again").format(
                serial=serial
            )
        )
    return erasure.id


# -- finding the attached pool drive


def _device_of(ctx: BackupContext, serial: str) -> str:
    for detected in ctx.drive_source.list_drives():
        if detected.identity.serial == serial and detected.identity.device:
            return detected.identity.device
    raise NotFound(_("pool drive {serial} is not attached").format(serial=serial))


def _header(device: str, serial: str, shop_key: bytes) -> keyarea.PoolHeader:
    try:
        header = keyarea.read_header(device)
    except (keyarea.KeyAreaError, OSError):
        raise InvalidState(
            _("{serial} holds no pool key area: not a prepared pool drive").format(serial=serial)
        ) from None
    if header.key_check != keyarea.key_check(shop_key):
        raise InvalidState(
            _("pool drive {serial} was prepared with another shop backup key than this workstation's").format(
                serial=serial
            )
        )
    return header


@dataclass(frozen=True, slots=True)
class _Place:
    serial: str
    device: str
    header: keyarea.PoolHeader
    set_id: int
    slot: int
    backup_id: bytes
    journal: str


def _attached_pool(ctx: BackupContext, session: Session, to_serial: str | None) -> tuple[PoolStore, Drive, str]:
    stmt = select(PoolStore, Drive).join(Drive, Drive.id == PoolStore.drive_id).where(PoolStore.left_at.is_(None))
    if to_serial is not None:
        stmt = stmt.where(Drive.serial == to_serial)
    candidates = [(row[0], row[1]) for row in session.execute(stmt).all()]
    if to_serial is not None and not candidates:
        raise NotFound(_("{serial} is not a pool drive (`wipestation pool prepare`)").format(serial=to_serial))
    attached = {d.identity.serial: d.identity.device for d in ctx.drive_source.list_drives() if d.identity.device}
    for store, drive in candidates:
        if drive.serial in attached and rows.free_slot(session, store) is not None:
            return store, drive, attached[drive.serial] or ""
    if to_serial is not None and to_serial not in attached:
        raise NotFound(_("pool drive {serial} is not attached").format(serial=to_serial))
    if to_serial is not None:
        raise InvalidState(_("pool drive {serial} has no free key slot").format(serial=to_serial))
    raise NotFound(_("no attached pool drive has room: attach one, or prepare one (`wipestation pool prepare`)"))


# -- make


@dataclass(frozen=True, slots=True)
class MakeOrder:
    source: Path
    customer_id: int
    job_ref: str
    to_serial: str | None
    on_progress: Callable[[mk.MakeProgress], None]
    should_stop: Callable[[], bool]


def make_backup(ctx: BackupContext, order: MakeOrder) -> dict[str, Any]:
    source = Path(os.path.abspath(order.source))
    if not source.is_dir() and not sources.is_block_device(source):
        raise BadValue(_("--from {path}: not a folder nor a block device").format(path=order.source), field="source")
    job_ref = (order.job_ref or "").strip()
    if not job_ref or len(job_ref) > 120 or not job_ref.isprintable():
        raise BadValue(_("--job: give the repair job reference (at most 120 printable characters)"), field="job_ref")
    ctx.tx(lambda s: get_customer(s, order.customer_id))
    shop_key = ctx.shop_key()
    place, key = _place(ctx, order, source, job_ref, shop_key)
    try:
        with sources.opened(source) as tree, pooldisk.mounted(place.device, place.header) as objects:
            done = mk.read_journal(objects, place.journal, key)
            job = mk.MakeJob(
                tree, objects, key, place.journal, order.on_progress, order.should_stop,
                lambda name: ctx.tx(lambda s: rows.add_object(s, place.set_id, name)),
            )  # fmt: skip
            manifest = mk.make(job, done)
            manifest_name = mf.new_object_name()
            ctx.tx(lambda s: rows.add_object(s, place.set_id, manifest_name))
            mf.write_object(objects, manifest_name, key, manifest.to_bytes())
            mf.overwrite_and_delete(objects / place.journal)
    except sources.SourceRefused as exc:
        raise BadValue(_("--from {path}: {reason}").format(path=order.source, reason=exc), field="source") from None
    except mk.PoolFull:
        _abandon(ctx, place, "pool drive full")
        raise InvalidState(
            _("pool drive {serial} is full: nothing of this backup was kept; use another pool drive (--to)").format(
                serial=place.serial
            )
        ) from None
    except mk.Interrupted:
        raise InvalidState(_("interrupted: run the same command again to continue where it stopped")) from None
    except pooldisk.PoolDiskError as exc:
        raise InvalidState(str(exc)) from None
    counts = (len(manifest.files), manifest.file_bytes, len(manifest.unreadable))

    def finish(s: Session) -> dict[str, Any]:
        drive = _drive(s, place.serial)
        record = rows.finish_set(s, ctx.env, place.set_id, manifest_name, counts, drive)
        return {
            "id": record.id,
            "kind": "backup",
            "serial": place.serial,
            "customer_id": record.customer_id,
            "state": record.state.value,
            "due_on": record.due_on.isoformat(),
            "files": counts[0],
            "bytes": counts[1],
            "unreadable": manifest.unreadable,
        }

    return ctx.tx(finish)


def _place(ctx: BackupContext, order: MakeOrder, source: Path, job_ref: str, shop_key: bytes) -> tuple[_Place, bytes]:
    """Where the backup goes: an unfinished one of the same source (resumed), else a new slot."""

    def find(s: Session) -> tuple[int, str, str, str, int, str, bool]:
        row = rows.unfinished(s, order.customer_id, job_ref, str(source))
        if row is not None:
            store = s.get_one(PoolStore, row.pool_id)
            drive = s.get_one(Drive, store.drive_id)
            device = _device_of(ctx, drive.serial)
            return row.id, row.journal_object, drive.serial, device, row.slot or 0, row.backup_uuid, False
        store, drive, device = _attached_pool(ctx, s, order.to_serial)
        new = rows.NewSet(
            store.id, rows.free_slot(s, store) or 0, uuid.uuid4().hex, order.customer_id, job_ref,
            rows.source_hash(str(source)), mf.new_object_name(),
        )  # fmt: skip
        made = rows.start_set(s, ctx.env, new)
        return made.id, new.journal, drive.serial, device, new.slot, new.backup_uuid, True

    set_id, journal, serial, device, slot, backup_uuid, is_new = ctx.tx(find)
    header = _header(device, serial, shop_key)
    place = _Place(serial, device, header, set_id, slot, bytes.fromhex(backup_uuid), journal)
    if is_new:
        key = os.urandom(keyarea.KEY_SIZE)
        try:
            keyarea.write_slot(device, header, slot, place.backup_id, key, shop_key)
        except (keyarea.KeyAreaError, OSError) as exc:
            ctx.tx(lambda s: rows.abandon_set(s, ctx.env, set_id, "key slot not written"))
            raise InvalidState(
                _("could not write the key slot on {serial}: {error}").format(serial=serial, error=exc)
            ) from None
        return place, key
    return place, _key(place, shop_key)


def _key(place: _Place, shop_key: bytes) -> bytes:
    try:
        return keyarea.read_slot(place.device, place.header, place.slot, place.backup_id, shop_key)
    except keyarea.SlotEmpty:
        raise InvalidState(
            _("the key of this backup is gone from pool drive {serial}").format(serial=place.serial)
        ) from None
    except keyarea.KeyAreaError as exc:
        raise InvalidState(str(exc)) from None


def _abandon(ctx: BackupContext, place: _Place, reason: str) -> None:
    keyarea.erase_slot(place.device, place.header, place.slot)
    names = ctx.tx(lambda s: list(s.get_one(BackupSet, place.set_id).objects))
    with pooldisk.mounted(place.device, place.header) as objects:
        _delete_objects(objects, names)
    ctx.tx(lambda s: rows.abandon_set(s, ctx.env, place.set_id, reason))


def _delete_objects(objects: Path, names: list[str]) -> tuple[int, int]:
    count = overwritten = 0
    for name in names:
        for variant in (name, f"{name}.part", f"{name}.new", f"{name}.new.part"):
            path = objects / variant
            if path.exists():
                overwritten += mf.overwrite_and_delete(path)
                count += 1
    return count, overwritten


# -- restore, check


@contextmanager
def _opened_set(ctx: BackupContext, ref: str) -> Iterator[tuple[dict[str, Any], mf.Manifest, bytes, Path]]:
    def find(s: Session) -> dict[str, Any]:
        record, row = rows.set_of_record(s, ref)
        if row.state != "complete":
            raise InvalidState(_("backup {id} was erased: it cannot be restored or checked").format(id=record.id))
        store = s.get_one(PoolStore, row.pool_id)
        drive = s.get_one(Drive, store.drive_id)
        return {"record_id": record.id, "set_id": row.id, "serial": drive.serial, "slot": row.slot,
                "backup_id": row.backup_uuid, "manifest": row.manifest_object}  # fmt: skip

    found = ctx.tx(find)
    shop_key = ctx.shop_key()
    device = _device_of(ctx, found["serial"])
    header = _header(device, found["serial"], shop_key)
    place = _Place(
        found["serial"], device, header, found["set_id"], found["slot"], bytes.fromhex(found["backup_id"]), ""
    )
    key = _key(place, shop_key)
    with pooldisk.mounted(device, header, read_only=True) as objects:
        try:
            manifest = mf.Manifest.from_bytes(mf.read_object(objects, mf.parts_ok(found["manifest"]), key))
        except (stream.Tampered, FileNotFoundError, ValueError):
            raise InvalidState(
                _("the manifest of backup {id} on {serial} is damaged or was changed: refused").format(
                    id=found["record_id"], serial=found["serial"]
                )
            ) from None
        yield found, manifest, key, objects


def restore_backup(
    ctx: BackupContext, ref: str, target: Path, only: str | None, overwrite: bool, on_file: Callable[[int, int], None]
) -> dict[str, Any]:
    if not target.is_dir():
        raise BadValue(_("--to {path}: not a folder").format(path=target), field="to")
    with _opened_set(ctx, ref) as (found, manifest, key, objects):
        try:
            result = rs.restore(objects, key, manifest, target, pattern=only, overwrite=overwrite, on_file=on_file)
        except rs.Exists as exc:
            raise InvalidState(
                _("{path} exists in {folder}: nothing was overwritten (--overwrite to replace)").format(
                    path=exc, folder=target
                )
            ) from None
        except rs.UnsafeName as exc:
            raise SafetyRefusal(_("the manifest names {path} outside the folder: refused").format(path=exc)) from None
        except rs.TamperedObject as exc:
            raise InvalidState(
                _("{path}: its encrypted data on the pool drive was changed or damaged: refused").format(path=exc.path)
            ) from None
    after = {"files": result.files, "bytes": result.bytes, "selected": only is not None}
    ctx.tx(lambda s: rows.note(s, ctx.env, Action.BACKUP_RESTORED, s.get_one(BackupSet, found["set_id"]), after))
    return {"id": found["record_id"], "files": result.files, "bytes": result.bytes}


def check_backup(ctx: BackupContext, ref: str, against: Path) -> dict[str, Any]:
    if not against.is_dir():
        raise BadValue(_("--against {path}: not a folder").format(path=against), field="against")
    with _opened_set(ctx, ref) as (found, manifest, _secret, _objects):
        result = rs.check(manifest, against)
    summary = {
        "at": ctx.env.now().isoformat(),
        "files": result.files,
        "missing": len(result.missing),
        "different": len(result.different),
        "complete": result.complete,
    }

    def note(s: Session) -> None:
        row = s.get_one(BackupSet, found["set_id"])
        row.last_check = summary
        rows.note(s, ctx.env, Action.BACKUP_CHECKED, row, summary)

    ctx.tx(note)
    return {
        "id": found["record_id"],
        "files": result.files,
        "complete": result.complete,
        "missing": result.missing,
        "different": result.different,
    }


# -- erase


def erase_backup(ctx: BackupContext, ref: str) -> dict[str, Any]:
    def claim(s: Session) -> dict[str, Any]:
        record, row = rows.set_of_record(s, ref, for_update=True)
        if row.state != "complete":
            raise InvalidState(_("backup {id} was erased already").format(id=record.id))
        custody.claim_for_erasure(s, ctx.env, record)
        store = s.get_one(PoolStore, row.pool_id)
        drive = s.get_one(Drive, store.drive_id)
        return {"record_id": record.id, "set_id": row.id, "serial": drive.serial, "slot": row.slot,
                "objects": list(row.objects)}  # fmt: skip

    found = ctx.tx(claim)

    def release(s: Session) -> None:
        custody.release_backup_set(s, ctx.env, custody.lock_record(s, found["record_id"]), found["set_id"])

    try:
        shop_key = ctx.shop_key()
        device = _device_of(ctx, found["serial"])
        header = _header(device, found["serial"], shop_key)
        keyarea.erase_slot(device, header, found["slot"])
    except (keyarea.KeyAreaError, OSError) as exc:
        ctx.tx(release)
        raise EraseFailed(_("the key slot could not be overwritten: {error}").format(error=exc)) from None
    except BaseException:
        ctx.tx(release)
        raise
    with pooldisk.mounted(device, header) as objects:
        count, overwritten = _delete_objects(objects, [mf.parts_ok(n) for n in found["objects"]])

    def close(s: Session) -> None:
        record = custody.lock_record(s, found["record_id"])
        rows.erased(s, ctx.env, record, s.get_one(BackupSet, found["set_id"]), count, overwritten)

    ctx.tx(close)
    return {
        "id": found["record_id"],
        "serial": found["serial"],
        "state": "erased",
        "method": "cryptographic-erase",
        "objects_overwritten": count,
        "bytes_overwritten": overwritten,
        "certificate": None,
    }
