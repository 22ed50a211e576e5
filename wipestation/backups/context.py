"""What every backup command needs: the context the CLI hands in (transactions, env, drives, the data
folder with the shop's backup key), and finding an attached pool drive, its key area and a backup's key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.backups import keyarea
from wipestation.backups import manifest as mf
from wipestation.backups import records as rows
from wipestation.common.devices import DriveSource
from wipestation.common.env import Env
from wipestation.common.errors import InvalidState, NotFound
from wipestation.common.i18n import _
from wipestation.store.models import Drive
from wipestation.store.pool_models import PoolStore

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

    def shopdata_key(self, *, create: bool = False) -> bytes:
        try:
            return keyarea.load_shop_key(self.data_dir / SHOP_KEY_FILE, create=create)
        except keyarea.KeyAreaError:
            raise InvalidState(
                _(
                    "the shop's backup key {path} is missing: copy it from the workstation that prepared the "
                    "pool drive (like the signing key)"
                ).format(path=self.data_dir / SHOP_KEY_FILE)
            ) from None


def find_drive(session: Session, serial: str) -> Drive:
    drive = session.execute(select(Drive).where(Drive.serial == serial)).scalar_one_or_none()
    if drive is None:
        raise NotFound(_("drive {serial} is not known: erase it whole first").format(serial=serial))
    return drive


# -- finding the attached pool drive


def device_of(ctx: BackupContext, serial: str) -> str:
    for detected in ctx.drive_source.list_drives():
        if detected.identity.serial == serial and detected.identity.device:
            return detected.identity.device
    raise NotFound(_("pool drive {serial} is not attached").format(serial=serial))


def pool_header(device: str, serial: str, shop_key: bytes) -> keyarea.PoolHeader:
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
class Place:
    serial: str
    device: str
    header: keyarea.PoolHeader
    set_id: int
    slot: int
    backup_id: bytes
    journal: str


def attached_pool(ctx: BackupContext, session: Session, to_serial: str | None) -> tuple[PoolStore, Drive, str]:
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


def data_key(place: Place, shop_key: bytes) -> bytes:
    try:
        return keyarea.read_slot(place.device, place.header, place.slot, place.backup_id, shop_key)
    except keyarea.SlotEmpty:
        raise InvalidState(
            _("the key of this backup is gone from pool drive {serial}").format(serial=place.serial)
        ) from None
    except keyarea.KeyAreaError as exc:
        raise InvalidState(str(exc)) from None


def delete_objects(objects: Path, names: list[str]) -> tuple[int, int]:
    count = overwritten = 0
    for name in names:
        for variant in (name, f"{name}.part", f"{name}.new", f"{name}.new.part", f"{name}.old"):
            path = objects / variant
            if path.exists():
                overwritten += mf.overwrite_and_delete(path)
                count += 1
    return count, overwritten
