"""Filling buffers with a pass's pattern.

Random passes are an AES-256-CTR keystream whose counter blocks are laid out by position, so any
range can be regenerated for verification from the key alone:

    block at byte offset o (o % 16 == 0):  AES-256_K( pass (4 bytes) || unit (8 bytes) || 2 + j (4 bytes) )
    where unit = o // UNIT and j = (o % UNIT) // 16, all big-endian, UNIT = 1 MiB.

A unit's keystream is exactly what AES-256-GCM with the 96-bit nonce pass || unit produces when it
encrypts zeros (GCM's first counter block is nonce || 2; its tag is never computed nor used). So a
range that starts on a unit boundary is generated through OpenSSL's GCM code, which uses the
VAES/AVX-512 instructions where the CPU has them (~10 GB/s a core here, against ~8 GB/s through its
CTR code); a range that starts inside a unit goes through CTR mode with the counter block above.
Both give the same bytes (tested), and `keystream` is the plain-CTR reference.
"""

from __future__ import annotations

import ctypes
import os
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from wipestation.erasure.blockio import AlignedBuffer, buffer_is
from wipestation.erasure.methods import Pattern

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers import CipherContext

KEY_BYTES = 32
UNIT = 1 << 20  # bytes of keystream under one nonce (65 536 blocks: far from the 32-bit counter's end)
_FIRST_COUNTER = 2  # GCM's first keystream block is nonce || 2 (nonce || 1 masks the tag)


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _nonce(pass_index: int, unit: int) -> bytes:
    return pass_index.to_bytes(4, "big") + unit.to_bytes(8, "big")


def _stream(key: bytes, pass_index: int, offset: int) -> CipherContext:
    """An encryptor whose keystream starts at `offset` (16-byte aligned) and is valid up to the end of
    its unit."""
    unit, within = divmod(offset, UNIT)
    nonce = _nonce(pass_index, unit)
    if within == 0:
        return Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    counter = _FIRST_COUNTER + within // 16
    return Cipher(algorithms.AES(key), modes.CTR(nonce + counter.to_bytes(4, "big"))).encryptor()


def _pieces(offset: int, length: int) -> list[tuple[int, int]]:
    """(position in the buffer, length) of each unit-bounded piece of [offset, offset + length)."""
    out = []
    pos = 0
    while pos < length:
        n = min(UNIT - (offset + pos) % UNIT, length - pos)
        out.append((pos, n))
        pos += n
    return out


class PatternFiller:
    """Writes the pattern of one pass for [offset, offset + length) into a buffer.

    Stateless (a cipher object a call; the zero source is only read): any number of threads use one.
    """

    def __init__(self, pattern: Pattern, key: bytes | None, pass_index: int, zeros: AlignedBuffer) -> None:
        if pattern.kind == "random" and (key is None or len(key) != KEY_BYTES):
            raise ValueError("a random pass needs a 32-byte key")
        self.pattern = pattern
        self._key = key
        self._pass = pass_index
        self._zeros = zeros

    @property
    def is_constant(self) -> bool:
        return self.pattern.kind == "constant"

    def fill(self, buf: AlignedBuffer, offset: int, length: int) -> None:
        if self.pattern.kind == "constant":
            buf.fill(self.pattern.byte)
            return
        self._xor(self._zeros.view, buf.view, offset, length)

    def subtract(self, buf: AlignedBuffer, offset: int, length: int, work: AlignedBuffer) -> bool:
        """Whether data read back equals this pass's pattern; where it does not, `buf` is left XORed with
        the keystream (zeros where it matches), for the caller to find the mismatching blocks.

        Never in place: OpenSSL's update_into with one buffer as input and output is undefined
        (cryptography 51 refuses it). The XOR goes into `work`, a small buffer of the reader's own that
        stays in the core's cache, a slice at a time, and is checked there for zeros: the data read is
        read from memory once, as it was in place, and nothing is written back unless it differs."""
        if self.pattern.kind == "constant":
            raise ValueError("constant passes are compared directly")
        if work is buf or work.size % 16:
            raise ValueError("the result needs a buffer of its own, a multiple of 16 bytes")
        if offset % 16:
            raise ValueError("random passes are generated on 16-byte boundaries")
        assert self._key is not None
        step, differs = work.size, False
        for pos, n in _pieces(offset, length):
            stream = _stream(self._key, self._pass, offset + pos)
            for at in range(pos, pos + n, step):
                m = min(step, pos + n - at)
                stream.update_into(buf.view[at : at + m], work.view[:m])
                if not differs and not buffer_is(work, m, 0):
                    differs = True
                    ctypes.memset(buf.address, 0, at)  # everything before matched: XOR is zero there
                if differs:
                    ctypes.memmove(buf.address + at, work.address, m)
        return not differs

    def _xor(self, src: memoryview, dst: memoryview, offset: int, length: int) -> None:
        if offset % 16:
            raise ValueError("random passes are generated on 16-byte boundaries")
        assert self._key is not None
        for pos, n in _pieces(offset, length):
            _stream(self._key, self._pass, offset + pos).update_into(src[pos : pos + n], dst[pos : pos + n])


def keystream(key: bytes, pass_index: int, offset: int, length: int) -> bytes:
    """The random pass's bytes for a range, straight from the counter layout in plain CTR mode (the
    reference the engine's fast path is tested against; also for small samples)."""
    if offset % 16:
        raise ValueError("random passes are generated on 16-byte boundaries")
    out = bytearray()
    for pos, n in _pieces(offset, length):
        unit, within = divmod(offset + pos, UNIT)
        counter = _nonce(pass_index, unit) + (_FIRST_COUNTER + within // 16).to_bytes(4, "big")
        out += Cipher(algorithms.AES(key), modes.CTR(counter)).encryptor().update(bytes(n))
    return bytes(out)
