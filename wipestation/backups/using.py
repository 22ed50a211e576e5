"""`backup restore`, `backup check` and `backup erase` of one backup on a pool drive."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from wipestation.audit.log import Action
from wipestation.backups import keyarea, pooldisk, stream
from wipestation.backups import manifest as mf
from wipestation.backups import records as rows
from wipestation.backups import restoring as rs
from wipestation.backups.context import (
    BackupContext,
    Place,
    data_key,
    delete_objects,
    device_of,
    pool_header,
)
from wipestation.common.errors import BadValue, EraseFailed, InvalidState, SafetyRefusal
from wipestation.common.i18n import _
from wipestation.records import custody
from wipestation.store.models import Drive
from wipestation.store.pool_models import BackupSet, PoolStore

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
    shop_key = ctx.shopdata_key()
    device = device_of(ctx, found["serial"])
    header = pool_header(device, found["serial"], shop_key)
    place = Place(
        found["serial"], device, header, found["set_id"], found["slot"], bytes.fromhex(found["backup_id"]), ""
    )
    key = data_key(place, shop_key)
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
        shop_key = ctx.shopdata_key()
        device = device_of(ctx, found["serial"])
        header = pool_header(device, found["serial"], shop_key)
        keyarea.erase_slot(device, header, found["slot"])
    except (keyarea.KeyAreaError, OSError) as exc:
        ctx.tx(release)
        raise EraseFailed(_("the key slot could not be overwritten: {error}").format(error=exc)) from None
    except BaseException:
        ctx.tx(release)
        raise
    with pooldisk.mounted(device, header) as objects:
        count, overwritten = delete_objects(objects, [mf.parts_ok(n) for n in found["objects"]])

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
