"""`backup make`: a customer's files copied onto a pool drive, encrypted as they are read; resumable."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from wipestation.backups import keyarea, pooldisk, sources
from wipestation.backups import making as mk
from wipestation.backups import manifest as mf
from wipestation.backups import records as rows
from wipestation.backups.context import (
    BackupContext,
    Place,
    attached_pool,
    data_key,
    delete_objects,
    device_of,
    find_drive,
    pool_header,
)
from wipestation.common.errors import BadValue, InvalidState
from wipestation.common.i18n import _
from wipestation.records.customers import get_customer
from wipestation.store.models import Drive
from wipestation.store.pool_models import BackupSet, PoolStore

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
    shop_key = ctx.shopdata_key()
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
        drive = find_drive(s, place.serial)
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


def _place(ctx: BackupContext, order: MakeOrder, source: Path, job_ref: str, shop_key: bytes) -> tuple[Place, bytes]:
    """Where the backup goes: an unfinished one of the same source (resumed), else a new slot."""

    def find(s: Session) -> tuple[int, str, str, str, int, str, bool]:
        row = rows.unfinished(s, order.customer_id, job_ref, str(source))
        if row is not None:
            store = s.get_one(PoolStore, row.pool_id)
            drive = s.get_one(Drive, store.drive_id)
            device = device_of(ctx, drive.serial)
            return row.id, row.journal_object, drive.serial, device, row.slot or 0, row.backup_uuid, False
        store, drive, device = attached_pool(ctx, s, order.to_serial)
        new = rows.NewSet(
            store.id, rows.free_slot(s, store) or 0, uuid.uuid4().hex, order.customer_id, job_ref,
            rows.source_hash(str(source)), mf.new_object_name(),
        )  # fmt: skip
        made = rows.start_set(s, ctx.env, new)
        return made.id, new.journal, drive.serial, device, new.slot, new.backup_uuid, True

    set_id, journal, serial, device, slot, backup_uuid, is_new = ctx.tx(find)
    header = pool_header(device, serial, shop_key)
    place = Place(serial, device, header, set_id, slot, bytes.fromhex(backup_uuid), journal)
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
    return place, data_key(place, shop_key)


def _abandon(ctx: BackupContext, place: Place, reason: str) -> None:
    keyarea.erase_slot(place.device, place.header, place.slot)
    names = ctx.tx(lambda s: list(s.get_one(BackupSet, place.set_id).objects))
    with pooldisk.mounted(place.device, place.header) as objects:
        delete_objects(objects, names)
    ctx.tx(lambda s: rows.abandon_set(s, ctx.env, place.set_id, reason))
