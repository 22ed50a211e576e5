"""age v1's payload: a 16-byte nonce, then STREAM over ChaCha20-Poly1305 in 64 KiB chunks.

payload key = HKDF-SHA256(ikm=key, salt=nonce, info="payload"); chunk nonce = 11-byte big-endian counter
|| 0x01 for the last chunk, 0x00 otherwise. A test wraps this in a real age header and has `age -d` read it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CHUNK = 64 * 1024
TAG = 16
NONCE = 16
SEALED_CHUNK = CHUNK + TAG


class Tampered(Exception):
    """A chunk did not authenticate (changed, truncated or reordered ciphertext)."""


def payload_key(key: bytes, nonce: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=b"payload").derive(key)


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class Writer:
    """Encrypts a stream as it is written: plaintext in, payload out (`out.write`)."""

    def __init__(self, key: bytes, out: BinaryIO, *, nonce: bytes | None = None) -> None:
        self._nonce = nonce if nonce is not None else os.urandom(NONCE)
        self._aead = ChaCha20Poly1305(payload_key(key, self._nonce))
        self._out = out
        self._buf = bytearray()
        self._counter = 0
        self.plain_bytes = 0
        out.write(self._nonce)

    def write(self, data: bytes | memoryview) -> None:
        # keep at least one byte back: the last chunk is sealed with the last flag, and a stream whose
        # length is a multiple of 64 KiB ends with a full last chunk (as age does)
        view = memoryview(data)
        self.plain_bytes += len(view)
        if self._buf:
            take = min(len(view), CHUNK - len(self._buf))
            self._buf += view[:take]
            view = view[take:]
            if not view:
                return
            self._seal(bytes(self._buf), last=False)
            self._buf.clear()
        sealed = []
        while len(view) > CHUNK:  # whole chunks straight from the caller's buffer, no copy into ours
            sealed.append(self._aead.encrypt(_chunk_nonce(self._counter, False), view[:CHUNK], None))
            self._counter += 1
            view = view[CHUNK:]
        if sealed:
            self._out.write(b"".join(sealed))
        self._buf += view

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        self._out.write(self._aead.encrypt(_chunk_nonce(self._counter, last), chunk, None))
        self._counter += 1

    def close(self) -> None:
        self._seal(bytes(self._buf), last=True)
        self._buf.clear()


def sealed_size(plain: int) -> int:
    """The payload's size (nonce included) for `plain` bytes of plaintext."""
    chunks = max(1, -(-plain // CHUNK))
    return NONCE + plain + chunks * TAG


def _open_chunk(aead: ChaCha20Poly1305, index: int, sealed: bytes, last: bool) -> bytes:
    try:
        return aead.decrypt(_chunk_nonce(index, last), sealed, None)
    except InvalidTag:
        raise Tampered(f"chunk {index}") from None


class Reader:
    """Random access to a payload of known plaintext length: `read(offset, size)` decrypts only the
    chunks it needs. Every chunk is authenticated; the last one with the last flag."""

    def __init__(self, key: bytes, src: BinaryIO, plain_size: int) -> None:
        self._src = src
        src.seek(0)
        nonce = src.read(NONCE)
        if len(nonce) != NONCE:
            raise Tampered("header")
        self._aead = ChaCha20Poly1305(payload_key(key, nonce))
        self._size = plain_size
        self._chunks = max(1, -(-plain_size // CHUNK))

    def chunk(self, index: int) -> bytes:
        self._src.seek(NONCE + index * SEALED_CHUNK)
        sealed = self._src.read(SEALED_CHUNK)
        last = index == self._chunks - 1
        plain = _open_chunk(self._aead, index, sealed, last)
        if last and self._src.read(1):
            raise Tampered("trailing data")
        return plain

    def read(self, offset: int, size: int) -> Iterator[bytes]:
        end = offset + size
        while offset < end:
            index, skip = divmod(offset, CHUNK)
            plain = self.chunk(index)
            piece = plain[skip : skip + (end - offset)]
            if not piece:
                raise Tampered(f"chunk {index} short")
            yield piece
            offset += len(piece)


def decrypt_all(key: bytes, src: BinaryIO) -> bytes:
    """A whole payload of unknown length (manifest, journal): chunks until the one flagged last."""
    nonce = src.read(NONCE)
    if len(nonce) != NONCE:
        raise Tampered("header")
    aead = ChaCha20Poly1305(payload_key(key, nonce))
    out = bytearray()
    index = 0
    sealed = src.read(SEALED_CHUNK)
    while True:
        following = src.read(SEALED_CHUNK)
        out += _open_chunk(aead, index, sealed, last=not following)
        if not following:
            return bytes(out)
        sealed, index = following, index + 1
