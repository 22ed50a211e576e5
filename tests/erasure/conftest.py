"""Fakes and real loop devices for the erasure tests."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers.loop import IS_ROOT
from wipestation.app import Overrides
from wipestation.cli import main
from wipestation.common.commands import CommandResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tools"

blockdev = [
    pytest.mark.blockdev,
    pytest.mark.skipif(not IS_ROOT, reason="needs root to attach loop devices (losetup) and mount tmpfs"),
]


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


class FakeBlockDevice:
    """An in-memory disk; `bad` blocks fail writes with EIO; `gone_after` writes raise ENODEV."""

    def __init__(self, size: int, lbs: int = 512, *, bad: set[int] | None = None, gone_after: int | None = None):
        self.data = bytearray(size)
        self.lbs = lbs
        self.bad = bad or set()
        self.gone_after = gone_after
        self.writes = 0
        self.syncs = 0
        self.closed = False

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def logical_block_size(self) -> int:
        return self.lbs

    def pwrite(self, data: memoryview, offset: int) -> int:
        self.writes += 1
        if self.gone_after is not None and self.writes > self.gone_after:
            raise OSError(errno.ENODEV, "No such device")
        first, last = offset // self.lbs, (offset + len(data) - 1) // self.lbs
        if any(b in self.bad for b in range(first, last + 1)):
            raise OSError(errno.EIO, "Input/output error")
        self.data[offset : offset + len(data)] = data
        return len(data)

    def pread(self, into: memoryview, offset: int) -> int:
        n = len(into)
        into[:n] = self.data[offset : offset + n]
        return n

    def sync(self) -> None:
        self.syncs += 1

    def is_at(self, path: str) -> bool:
        return True

    def fileno(self) -> int:
        return -1

    def close(self) -> None:
        self.closed = True


class FakeOpener:
    def __init__(self, device: FakeBlockDevice) -> None:
        self.device = device
        self.opened = 0

    def open(self, path: str, *, write: bool) -> FakeBlockDevice:
        self.opened += 1
        return self.device


class FakeRunner:
    """Answers commands from recorded outputs: the first key that is a prefix of the command wins."""

    def __init__(self, answers: Mapping[tuple[str, ...], CommandResult | list[CommandResult]]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, ...]] = []

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        call = tuple(args)
        self.calls.append(call)
        for key, answer in self.answers.items():
            if call[: len(key)] == key:
                if isinstance(answer, list):
                    return answer.pop(0) if len(answer) > 1 else answer[0]
                return answer
        return CommandResult(1, "", f"{args[0]}: unexpected command {' '.join(args)}")


@pytest.fixture
def memdir(tmp_path: Path) -> Iterator[Callable[[str, int], Path]]:
    """Mount size-limited tmpfs directories under tmp_path; every one is unmounted afterwards."""
    mounted: list[Path] = []

    def mount(name: str, size: int) -> Path:
        target = tmp_path / name
        target.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)], check=True)
        mounted.append(target)
        return target

    try:
        yield mount
    finally:
        for target in reversed(mounted):
            subprocess.run(["umount", "-l", str(target)], check=False)


def read_device(device: str) -> bytes:
    with open(device, "rb", buffering=0) as fh:
        return fh.read()


def cli(db: Path, args: list[str], obj: Overrides | None = None) -> Result:
    config = db.parent / "test-shop.toml"  # certificates are issued only for a configured shop
    if not config.exists():
        config.write_text('[shop]\nname = "Testwinkel Voorbeeld"\ncontact = "winkel@example.nl"\n')
    runner = CliRunner(env={"WIPESTATION_ALLOW_LOOP": "1", "WIPESTATION_CONFIG": str(config)})
    return runner.invoke(main, ["--db", f"sqlite:///{db}", "--as", "tester", *args], obj=obj, catch_exceptions=False)
