"""The verification's comparison of a buffer with a constant byte."""

from __future__ import annotations

import pytest

from wipestation.erasure.blockio import AlignedBuffer, buffer_is

SIZE = 1 << 16


@pytest.mark.parametrize("byte", [0x00, 0xFF, 0x5A])
@pytest.mark.parametrize("where", [0, 1, 63, 64, 65, 4095, 4096, SIZE - 65, SIZE - 1])
def test_a_single_changed_byte_anywhere_is_found(byte: int, where: int) -> None:
    buf = AlignedBuffer(SIZE)
    try:
        buf.fill(byte)
        assert buffer_is(buf, SIZE, byte)
        buf.view[where] = byte ^ 0x01
        assert not buffer_is(buf, SIZE, byte)
        assert buffer_is(buf, where, byte)  # only the first `length` bytes count
    finally:
        buf.close()


@pytest.mark.parametrize("length", [0, 1, 16, 64, 65])
def test_short_lengths(length: int) -> None:
    buf = AlignedBuffer(4096)
    try:
        buf.fill(0)
        assert buffer_is(buf, length, 0)
        assert buffer_is(buf, length, 1) == (length == 0)
        if length:
            buf.view[length - 1] = 7
            assert not buffer_is(buf, length, 0)
    finally:
        buf.close()
