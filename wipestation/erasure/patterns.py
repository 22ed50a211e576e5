"""Filling buffers with a pass's pattern. Random passes use AES-256-CTR keystream: the counter of
each 16-byte block is derived from (pass, byte offset), so any range can be regenerated for
verification from the key alone."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from wipestation.erasure.blockio import AlignedBuffer
from wipestation.erasure.methods import Pattern

KEY_BYTES = 32


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


class PatternFiller:
    """Writes the pattern of one pass for [offset, offset + length) into a buffer.

    Thread-confined: each thread that fills uses its own filler (the zero source is shared read-only).
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
        if offset % 16:
            raise ValueError("random passes are generated on 16-byte boundaries")
        assert self._key is not None
        counter = (self._pass << 64) + offset // 16
        encryptor = Cipher(algorithms.AES(self._key), modes.CTR(counter.to_bytes(16, "big"))).encryptor()
        encryptor.update_into(self._zeros.view[:length], buf.view[:length])

    def subtract(self, buf: AlignedBuffer, offset: int, length: int) -> None:
        """Turn data read back into zeros where it equals this pass's pattern (XOR with the keystream,
        in place): verification then needs no second buffer and runs on the reader threads."""
        if self.pattern.kind == "constant":
            raise ValueError("constant passes are compared directly")
        if offset % 16:
            raise ValueError("random passes are verified on 16-byte boundaries")
        assert self._key is not None
        counter = (self._pass << 64) + offset // 16
        encryptor = Cipher(algorithms.AES(self._key), modes.CTR(counter.to_bytes(16, "big"))).encryptor()
        encryptor.update_into(buf.view[:length], buf.view[:length])


def keystream(key: bytes, pass_index: int, offset: int, length: int) -> bytes:
    """The random pass's bytes for a range (tests and small samples)."""
    counter = (pass_index << 64) + offset // 16
    encryptor = Cipher(algorithms.AES(key), modes.CTR(counter.to_bytes(16, "big"))).encryptor()
    return encryptor.update(bytes(length))
