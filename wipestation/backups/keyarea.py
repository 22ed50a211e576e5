"""The pool drive's raw key area: a header and fixed slots outside the file system, each holding one
backup's data key AF-split and wrapped by the shop key. Erasing a slot overwrites it in place, syncs and
reads it back through O_DIRECT (docs/backups.md)."""

from __future__ import annotations

import hashlib
import hmac
import mmap
import os
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from wipestation.backups import afsplit
from wipestation.common.i18n import _

MiB = 1 << 20
KEY_AREA_START = MiB  # after the GPT
HEADER_SIZE = 64 * 1024
SLOT_SIZE = 128 * 1024
KEY_SIZE = 32
POOL_MAGIC = b"WSPOOL01"
SLOT_MAGIC = b"WSSLOT01"
_HEADER = struct.Struct(">8s16sIIQQ32s")  # magic, pool id, slots, slot size, data offset, data size, key check
_SLOT_HEAD = struct.Struct(">8s16s12s")  # magic, backup id, nonce


class KeyAreaError(Exception):
    """The key area cannot be used (not a pool drive, another shop key, an I/O error)."""


class SlotEmpty(KeyAreaError):
    """The slot holds no key for this backup (erased, or never written)."""


@dataclass(frozen=True, slots=True)
class PoolHeader:
    pool_id: bytes
    slots: int
    data_offset: int
    data_size: int
    key_check: bytes

    def slot_offset(self, slot: int) -> int:
        return KEY_AREA_START + HEADER_SIZE + slot * SLOT_SIZE


def layout(capacity: int) -> tuple[int, int, int]:
    """(slots, data offset, data size) for a drive of `capacity` bytes: about 1/64 of a small drive
    for keys, at most 1024 slots; the data partition to 1 MiB before the end (the backup GPT)."""
    slots = max(8, min(1024, capacity // 64 // SLOT_SIZE))
    key_bytes = HEADER_SIZE + slots * SLOT_SIZE
    data_offset = KEY_AREA_START + -(-key_bytes // MiB) * MiB
    data_size = (capacity - MiB - data_offset) // MiB * MiB
    if data_size < 16 * MiB:
        raise KeyAreaError(_("too small for a pool drive"))
    return slots, data_offset, data_size


def key_check(shop_key: bytes) -> bytes:
    return hmac.new(shop_key, b"wipestation pool key check v1", hashlib.sha256).digest()


def _slot_key(shop_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wipestation backup slot v1").derive(shop_key)


def _aligned(size: int) -> mmap.mmap:
    return mmap.mmap(-1, size)  # page-aligned, as O_DIRECT wants


def _pwrite_direct(device: str, offset: int, data: bytes) -> None:
    buf = _aligned(len(data))
    buf[:] = data
    fd = os.open(device, os.O_WRONLY | os.O_DIRECT | os.O_SYNC | os.O_CLOEXEC)
    try:
        written = os.pwritev(fd, [buf], offset)
        if written != len(data):
            raise KeyAreaError(_("short write at byte {offset}").format(offset=offset))
        os.fsync(fd)
    finally:
        os.close(fd)
        buf.close()


def _pread_direct(device: str, offset: int, size: int) -> bytes:
    buf = _aligned(size)
    fd = os.open(device, os.O_RDONLY | os.O_DIRECT | os.O_CLOEXEC)
    try:
        got = os.preadv(fd, [buf], offset)
        if got != size:
            raise KeyAreaError(_("short read at byte {offset}").format(offset=offset))
        return bytes(buf)
    finally:
        os.close(fd)
        buf.close()


def write_header(device: str, header: PoolHeader) -> None:
    raw = _HEADER.pack(
        POOL_MAGIC, header.pool_id, header.slots, SLOT_SIZE, header.data_offset, header.data_size, header.key_check
    )
    _pwrite_direct(device, KEY_AREA_START, raw + bytes(HEADER_SIZE - len(raw)))


def read_header(device: str) -> PoolHeader:
    raw = _pread_direct(device, KEY_AREA_START, 4096)[: _HEADER.size]
    magic, pool_id, slots, slot_size, offset, size, check = _HEADER.unpack(raw)
    if magic != POOL_MAGIC or slot_size != SLOT_SIZE:
        raise KeyAreaError(_("not a pool drive"))
    return PoolHeader(pool_id, slots, offset, size, check)


def fill_slots_random(device: str, header: PoolHeader) -> None:
    """Every slot random: a used slot and an empty or erased one look alike."""
    for slot in range(header.slots):
        _pwrite_direct(device, header.slot_offset(slot), os.urandom(SLOT_SIZE))


def _aad(header: PoolHeader, slot: int, backup_id: bytes) -> bytes:
    return SLOT_MAGIC + header.pool_id + slot.to_bytes(4, "big") + backup_id


def write_slot(device: str, header: PoolHeader, slot: int, backup_id: bytes, data_key: bytes, shop_key: bytes) -> None:
    if len(data_key) != KEY_SIZE:
        raise ValueError(_("a data key is 32 bytes"))
    nonce = os.urandom(12)
    sealed = ChaCha20Poly1305(_slot_key(shop_key)).encrypt(
        nonce, afsplit.split(data_key), _aad(header, slot, backup_id)
    )
    body = _SLOT_HEAD.pack(SLOT_MAGIC, backup_id, nonce) + sealed
    body += os.urandom(SLOT_SIZE - len(body))
    _pwrite_direct(device, header.slot_offset(slot), body)
    if _pread_direct(device, header.slot_offset(slot), SLOT_SIZE) != body:
        raise KeyAreaError(_("key slot {slot} did not read back as written").format(slot=slot))


def read_slot(device: str, header: PoolHeader, slot: int, backup_id: bytes, shop_key: bytes) -> bytes:
    raw = _pread_direct(device, header.slot_offset(slot), SLOT_SIZE)
    magic, found_id, nonce = _SLOT_HEAD.unpack(raw[: _SLOT_HEAD.size])
    if magic != SLOT_MAGIC or not hmac.compare_digest(found_id, backup_id):
        raise SlotEmpty(_("key slot {slot} holds no key of this backup").format(slot=slot))
    length = afsplit.STRIPES * KEY_SIZE + 16
    sealed = raw[_SLOT_HEAD.size : _SLOT_HEAD.size + length]
    try:
        material = ChaCha20Poly1305(_slot_key(shop_key)).decrypt(nonce, sealed, _aad(header, slot, backup_id))
    except InvalidTag:
        raise KeyAreaError(_("key slot {slot} does not open with this shop key").format(slot=slot)) from None
    return afsplit.merge(material, KEY_SIZE)


def erase_slot(device: str, header: PoolHeader, slot: int) -> None:
    """Overwrite the slot in place with fresh random bytes, sync, and read it back (O_DIRECT)."""
    fresh = os.urandom(SLOT_SIZE)
    _pwrite_direct(device, header.slot_offset(slot), fresh)
    if _pread_direct(device, header.slot_offset(slot), SLOT_SIZE) != fresh:
        raise KeyAreaError(_("key slot {slot} did not read back as overwritten").format(slot=slot))


def new_pool_id() -> bytes:
    return uuid.uuid4().bytes


def load_shop_key(path: Path, *, create: bool) -> bytes:
    """The shop's backup key (32 bytes, 0600), made on first use when `create`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise KeyAreaError(_("the shop's backup key {path} is missing").format(path=path)) from None
        data = os.urandom(KEY_SIZE)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    if len(data) != KEY_SIZE:
        raise KeyAreaError(_("the shop's backup key {path} is not 32 bytes").format(path=path))
    return data
