"""The seam to outside tools (hdparm, nvme, sg_*, smartctl, blkid): every tool runs through a
CommandRunner, so detection, health and erasure parse recorded outputs in tests, without the drives."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
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


OUTPUT_LIMIT = 16 * 1024 * 1024  # what one tool may print (smartctl -x of a big SAS drive: ~200 KB)


class SubprocessRunner:
    """The real runner: no shell, text output, a missing tool is exit code 127. The tool runs in its
    own process group: on a timeout, or when it prints more than `output_limit` bytes, the whole group
    is killed, so no child is left running after the command (exit code 124, a line on stderr)."""

    def __init__(self, output_limit: int = OUTPUT_LIMIT) -> None:
        self.output_limit = output_limit

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        try:
            proc = subprocess.Popen(
                list(args),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError:
            return CommandResult(127, "", f"{args[0]}: not installed")
        except OSError as exc:
            return CommandResult(126, "", f"{args[0]}: {exc.strerror or 'cannot be run'}")
        try:
            out, err, why = self._collect(proc, timeout)
        finally:
            if proc.poll() is None:
                _end_group(proc)
            for stream in (proc.stdout, proc.stderr):  # closed on every path (the pipes are ours)
                if stream is not None:
                    stream.close()
        if why:
            return CommandResult(124, _text(out), f"{args[0]}: {why}")
        return CommandResult(proc.returncode, _text(out), _text(err))

    def _collect(self, proc: subprocess.Popen[bytes], timeout: float | None) -> tuple[bytes, bytes, str]:
        assert proc.stdout is not None and proc.stderr is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        chunks: dict[int, list[bytes]] = {proc.stdout.fileno(): [], proc.stderr.fileno(): []}
        total = 0
        with selectors.DefaultSelector() as selector:
            for stream in (proc.stdout, proc.stderr):
                selector.register(stream, selectors.EVENT_READ)
            while selector.get_map():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return b"", b"", f"timed out after {timeout:g} s"
                for key, _events in selector.select(left):
                    data = os.read(key.fd, 65536)
                    if not data:
                        selector.unregister(key.fileobj)
                        continue
                    total += len(data)
                    if total > self.output_limit:
                        return b"", b"", f"printed more than {self.output_limit} bytes"
                    chunks[key.fd].append(data)
        left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        try:
            proc.wait(left)
        except subprocess.TimeoutExpired:
            return b"", b"", f"timed out after {timeout:g} s"
        return b"".join(chunks[proc.stdout.fileno()]), b"".join(chunks[proc.stderr.fileno()]), ""


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the tool and every process it started (its own session), and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except PermissionError:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
