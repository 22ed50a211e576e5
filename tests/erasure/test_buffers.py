"""The verification's comparison of a buffer with a constant byte."""

from __future__ import annotations

import os

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


def vm_flags(address: int) -> set[str]:
    """The VmFlags of the mapping that holds `address`, from /proc/self/smaps."""
    with open("/proc/self/smaps", encoding="ascii") as fh:
        inside = False
        for line in fh:
            head = line.split()[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "VmFlags:":
                return set(line.split()[1:])
    raise AssertionError("mapping not found")


@pytest.mark.skipif(
    not os.path.isdir("/sys/kernel/mm/transparent_hugepage"), reason="this kernel has no transparent huge pages"
)
def test_buffers_are_private_kept_from_children_and_ask_for_huge_pages() -> None:
    """Shared anonymous memory (Python's mmap default) is shmem and gets no huge pages on Debian; every
    O_DIRECT transfer pins the buffer's pages, so this is worth ~25 % of a random pass (bench/)."""
    big = AlignedBuffer(4 << 20)
    small = AlignedBuffer(64 << 10)
    try:
        flags = vm_flags(big.address)
        assert "sh" not in flags
        assert "hg" in flags
        assert "dc" in flags  # MADV_DONTFORK: a child never shares the pages O_DIRECT reads into
        assert {"dc"} <= vm_flags(small.address) and "sh" not in vm_flags(small.address)
    finally:
        big.close()
        small.close()
