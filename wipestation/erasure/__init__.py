"""The erasure engine: block-device I/O, overwrite methods, verification, firmware commands and
the erasure's records (see engine.py, firmware.py, service.py)."""

from wipestation.erasure.blockio import BlockDevice, BlockOpener, OsBlockOpener
from wipestation.erasure.engine import Checkpoint, EngineResult, OverwriteEngine, OverwriteJob, Progress
from wipestation.erasure.firmware import CommandRunner, FirmwareEngine, SubprocessRunner
from wipestation.erasure.methods import METHODS, Method, get_method, nist_category

__all__ = [
    "METHODS",
    "BlockDevice",
    "BlockOpener",
    "Checkpoint",
    "CommandRunner",
    "EngineResult",
    "FirmwareEngine",
    "Method",
    "OsBlockOpener",
    "OverwriteEngine",
    "OverwriteJob",
    "Progress",
    "SubprocessRunner",
    "get_method",
    "nist_category",
]
