"""The seam to outside tools (hdparm, nvme, sg_*, smartctl, blkid): every tool runs through a
CommandRunner, so detection, health and erasure parse recorded outputs in tests, without the drives."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    stdout: str
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class CommandRunner(Protocol):
    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult: ...


class SubprocessRunner:
    """The real runner: no shell, text output, a missing tool is exit code 127."""

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        try:
            done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, check=False)
        except FileNotFoundError:
            return CommandResult(127, "", f"{args[0]}: not installed")
        except subprocess.TimeoutExpired:
            return CommandResult(124, "", f"{args[0]}: timed out after {timeout} s")
        return CommandResult(done.returncode, done.stdout, done.stderr)
