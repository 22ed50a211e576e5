"""The random pass's keystream: its counter layout, and the fast (GCM) path against plain CTR."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from wipestation.erasure.blockio import AlignedBuffer
from wipestation.erasure.methods import METHODS
from wipestation.erasure.patterns import UNIT, PatternFiller, keystream

KEY = bytes(range(32))
RANDOM = METHODS["random"].passes[0]
ZERO = METHODS["zero"].passes[0]


def block(pass_index: int, offset: int) -> bytes:
    """One keystream block straight from the documented layout, with AES itself (ECB of the counter)."""
    counter = pass_index.to_bytes(4, "big") + (offset // UNIT).to_bytes(8, "big")
    counter += (2 + offset % UNIT // 16).to_bytes(4, "big")
    enc = Cipher(algorithms.AES(KEY), modes.ECB()).encryptor()
    return enc.update(counter) + enc.finalize()


@pytest.mark.parametrize("offset", [0, 16, UNIT - 16, UNIT, 5 * UNIT + 4096])
def test_keystream_follows_the_documented_counter_layout(offset: int) -> None:
    got = keystream(KEY, 3, offset, 32)
    assert got == block(3, offset) + block(3, offset + 16)


def fill(pass_index: int, offset: int, length: int) -> bytes:
    zeros = AlignedBuffer(length)
    buf = AlignedBuffer(length)
    try:
        PatternFiller(RANDOM, KEY, pass_index, zeros).fill(buf, offset, length)
        return bytes(buf.view)
    finally:
        zeros.close()
        buf.close()


@pytest.mark.parametrize(
    ("offset", "length"),
    [
        (0, 4 * UNIT),  # whole units: the GCM path
        (UNIT, UNIT + 4096),  # a whole unit and the start of the next
        (4096, 2 * UNIT),  # starts inside a unit: CTR, then GCM, then a partial unit
        (UNIT - 512, 1024),  # across one unit boundary
    ],
)
def test_fast_fill_equals_the_plain_ctr_reference(offset: int, length: int) -> None:
    assert fill(1, offset, length) == keystream(KEY, 1, offset, length)


def test_passes_and_units_never_share_a_stream() -> None:
    a = keystream(KEY, 0, 0, 4096)
    assert keystream(KEY, 1, 0, 4096) != a
    assert keystream(KEY, 0, UNIT, 4096) != a
    assert len({keystream(KEY, 0, u * UNIT, 64) for u in range(64)}) == 64


@pytest.mark.parametrize("work_size", [4096, 256 << 10, 3 * UNIT])  # slices smaller, larger than a unit
def test_subtract_says_whether_it_matches_and_leaves_a_changed_byte(work_size: int) -> None:
    length = 2 * UNIT + 8192
    offset = UNIT - 4096
    data = bytearray(keystream(KEY, 2, offset, length))
    zeros = AlignedBuffer(length)
    buf = AlignedBuffer(length)
    work = AlignedBuffer(work_size)
    try:
        buf.view[:] = data
        assert PatternFiller(RANDOM, KEY, 2, zeros).subtract(buf, offset, length, work) is True
        assert bytes(buf.view) == data  # a match leaves what was read as it was: nothing written in place
        data[UNIT + 77] ^= 0x10
        buf.view[:] = data
        assert PatternFiller(RANDOM, KEY, 2, zeros).subtract(buf, offset, length, work) is False
        out = bytes(buf.view)  # on a mismatch: XORed with the keystream, zeros where it matches
    finally:
        zeros.close()
        buf.close()
        work.close()
    assert out[UNIT + 77] == 0x10
    assert out[: UNIT + 77] == bytes(UNIT + 77)
    assert out[UNIT + 78 :] == bytes(length - UNIT - 78)


def test_unaligned_offsets_and_constant_subtract_are_refused() -> None:
    zeros = AlignedBuffer(4096)
    buf = AlignedBuffer(4096)
    try:
        with pytest.raises(ValueError, match="16-byte"):
            PatternFiller(RANDOM, KEY, 0, zeros).fill(buf, 8, 4096)
        with pytest.raises(ValueError, match="16-byte"):
            keystream(KEY, 0, 8, 16)
        with pytest.raises(ValueError, match="constant"):
            PatternFiller(ZERO, None, 0, zeros).subtract(buf, 0, 4096, zeros)
        with pytest.raises(ValueError, match="buffer of its own"):  # in place is undefined in OpenSSL
            PatternFiller(RANDOM, KEY, 0, zeros).subtract(buf, 0, 4096, buf)
        with pytest.raises(ValueError, match="16-byte"):
            PatternFiller(RANDOM, KEY, 0, zeros).subtract(buf, 8, 4096, zeros)
        with pytest.raises(ValueError, match="32-byte key"):
            PatternFiller(RANDOM, b"short", 0, zeros)
    finally:
        zeros.close()
        buf.close()
