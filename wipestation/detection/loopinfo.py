"""What backs a loop device, as the kernel holds it: LOOP_GET_STATUS64 on an open descriptor.

The file name in sysfs (`loop/backing_file`) is only a name: two files of the same name in different
folders, a file renamed or deleted since. The device and inode numbers name the file itself, and
`rdev` names the block device when a loop device sits over another block device.
"""

from __future__ import annotations

import fcntl
import os
import struct
from dataclasses import dataclass

LOOP_GET_STATUS64 = 0x4C05
# struct loop_info64 (linux/loop.h): lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit (u64),
# lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags (u32), lo_file_name[64], lo_crypt_name[64],
# lo_encrypt_key[32], lo_init[2] (u64).
_LOOP_INFO64 = struct.Struct("=5Q4I64s64s32s2Q")


@dataclass(frozen=True)
class LoopBacking:
    """The backing file's st_dev and inode, and its st_rdev (non-zero: the backing is a block device)."""

    dev: int
    inode: int
    rdev: int

    @property
    def key(self) -> str:
        """`major:minor:inode` of the backing file: equal for two loop devices over the same file."""
        return f"{os.major(self.dev)}:{os.minor(self.dev)}:{self.inode}"

    @property
    def block_device(self) -> str | None:
        """`major:minor` of the block device behind the loop device, if it is one."""
        return f"{os.major(self.rdev)}:{os.minor(self.rdev)}" if self.rdev else None


def parse_loop_info64(raw: bytes) -> LoopBacking:
    dev, inode, rdev, *_ = _LOOP_INFO64.unpack(raw[: _LOOP_INFO64.size])
    return LoopBacking(int(dev), int(inode), int(rdev))


def read_loop_backing(fd: int) -> LoopBacking:
    """LOOP_GET_STATUS64 on an open loop device (OSError ENXIO when nothing is attached)."""
    buf = bytearray(_LOOP_INFO64.size)
    fcntl.ioctl(fd, LOOP_GET_STATUS64, buf)
    return parse_loop_info64(bytes(buf))
