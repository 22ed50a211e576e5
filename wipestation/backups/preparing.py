"""`pool prepare`: a shop drive with a recorded whole-drive erasure becomes a shared backup store."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from wipestation.backups import keyarea, pooldisk
from wipestation.backups import records as rows
from wipestation.backups.context import (
    BackupContext,
    find_drive,
)
from wipestation.common.errors import InvalidState, SafetyRefusal
from wipestation.common.i18n import _
from wipestation.records import custody

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
    shop_key = ctx.shopdata_key(create=True)
    try:
        header = pooldisk.lay_out(identity.device or device, identity.capacity_bytes or 0, shop_key)
    except (pooldisk.PoolDiskError, keyarea.KeyAreaError, OSError) as exc:
        raise InvalidState(_("could not prepare {serial}: {error}").format(serial=identity.serial, error=exc)) from None

    def record(s: Session) -> dict[str, Any]:
        drive = find_drive(s, identity.serial)
        erasure = rows.last_whole_erasure(s, drive)
        if erasure is None or erasure.id != erasure_id:
            raise InvalidState(_("drive {serial} changed while it was prepared").format(serial=identity.serial))
        store = rows.add_pool(s, ctx.env, drive, erasure, header.pool_id.hex(), header.slots)
        return {"serial": drive.serial, "slots": store.slots, "media": identity.media, "erasure_id": erasure.id}

    return ctx.tx(record)


def _preparable(session: Session, serial: str) -> int:
    drive = find_drive(session, serial)
    erasure = rows.last_whole_erasure(session, drive)
    if erasure is None:
        raise InvalidState(
            _("drive {serial} has no recorded successful erasure: erase it whole before it joins the pool").format(
                serial=serial
            )
        )
    store = rows.pool_of(session, drive)
    if store is not None and rows.live_sets(session, store):
        raise InvalidState(_("drive {serial} is a pool drive holding backups already").format(serial=serial))
    if custody.open_record_for_drive(session, drive.id) is not None:
        raise InvalidState(_("drive {serial} has an open record").format(serial=serial))
    if store is not None and store.prepared_at > erasure.started_at:
        raise InvalidState(
            _("drive {serial} was used as a pool drive since its last erasure: erase it whole again").format(
                serial=serial
            )
        )
    return erasure.id
