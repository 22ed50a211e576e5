"""What the overwrite engine is given and returns: the job, its progress and checkpoints, its
result, and the device held open."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wipestation.common.outcome import ErasureOutcome
from wipestation.erasure.blockio import BlockDevice
from wipestation.erasure.methods import Pattern

Outcome = ErasureOutcome  # the one outcome type (`common.outcome`); an engine never ends `running`
VerifyMode = Literal["full", "sample", "none"]


@dataclass(frozen=True)
class Progress:
    phase: Literal["write", "verify", "firmware"]
    pass_number: int  # 1-based; the verify phase reports the last pass
    passes: int
    bytes_done: int  # in this phase of this pass
    bytes_total: int
    rate: float  # bytes per second over this run
    eta_seconds: float | None  # for the whole erasure

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else 1.0


@dataclass(frozen=True)
class Checkpoint:
    """Everything before (pass_index, offset) is on the medium (fdatasync returned)."""

    pass_index: int  # == number of passes: writing complete
    offset: int
    bytes_written: int
    bad_ranges: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class OverwriteJob:
    device: str
    size: int  # the confirmed capacity
    passes: tuple[Pattern, ...]
    key: bytes | None = None
    verify: VerifyMode = "full"
    verify_seed: str = ""
    start_pass: int = 0
    start_offset: int = 0
    bytes_written: int = 0
    bad_ranges: tuple[tuple[int, int], ...] = ()


@dataclass
class EngineResult:
    outcome: Outcome
    bytes_written: int
    bytes_verified: int = 0
    bad_ranges: list[tuple[int, int]] = field(default_factory=list)
    verify_mode: VerifyMode = "none"
    verify_result: str | None = None  # passed / failed / skipped
    verify_seed: str | None = None
    verify_coverage: float | None = None
    verify_subsections: int | None = None
    mismatches: list[tuple[int, int]] = field(default_factory=list)
    error: str | None = None
    checkpoint_pass: int = 0
    checkpoint_offset: int = 0
    sector_size: int | None = None  # the device's logical sector size, as the engine found it


class OpenedDevice:
    """A device that passed the identity re-check and is held open with O_EXCL."""

    def __init__(self, path: str, device: BlockDevice) -> None:
        self.path = path
        self.device = device

    def close(self) -> None:
        self.device.close()

    def __enter__(self) -> OpenedDevice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def failure_text(result: EngineResult) -> str:
    parts = []
    if result.bad_ranges:
        total = sum(e - s for s, e in result.bad_ranges)
        parts.append(f"{total} bytes in {len(result.bad_ranges)} range(s) could not be written or read")
    if result.verify_result == "failed":
        parts.append(f"verification found {len(result.mismatches)} mismatching range(s)")
    return "; ".join(parts) or "failed"
