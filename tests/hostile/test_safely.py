"""What comes from outside and is taken, safely: a stored escape sequence is printed escaped, a tool
that never answers is ended with its children, a tool's odd output is "unknown", never "healthy",
and an error of the system is one line that names the path and what to do."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.hostile.conftest import Hostile
from wipestation.common.commands import SubprocessRunner
from wipestation.common.reading import os_error_line
from wipestation.stock.health import reading as health_reading
from wipestation.stock.health.reading import read_health


def test_a_stored_escape_sequence_is_shown_escaped(hostile: Hostile) -> None:
    hostile.cli.sql("UPDATE drives SET retired_reason = :r WHERE serial = 'POOL-1'", r="worn\x1b[2J\x1b]0;x\x07")
    result = hostile.run("pool")
    assert result.exit_code == 0
    assert "worn\\x1b[2J\\x1b]0;x\\x07" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_a_smartctl_that_never_answers_is_ended_with_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = f"ws-hung-{uuid.uuid4().hex[:8]}"
    tool = tmp_path / "smartctl"
    tool.write_text(f'#!/bin/sh\nsh -c "sleep 300; : {marker}" &\nexec sleep 300\n')  # a child of its own
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    monkeypatch.setattr(health_reading, "SMARTCTL_TIMEOUT", 1.0)
    reading = read_health(SubprocessRunner(), "/dev/sdz", bus="usb")
    assert reading.smart_passed is None and reading.source == "none"
    assert reading.notes == ("smartctl: smartctl: timed out after 1 s",)
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, timeout=30)
    assert left.stdout == ""  # the child the tool started was ended too


def test_a_loop_device_whose_smartctl_timed_out_says_so() -> None:
    class Hung:
        def run(self, args: object, *, timeout: float | None = None) -> object:
            from wipestation.common.commands import CommandResult

            return CommandResult(124, "", "smartctl: timed out after 120 s")

    reading = read_health(Hung(), "/dev/loop3", bus="loop")  # type: ignore[arg-type]
    assert reading.notes == ("smartctl: smartctl: timed out after 120 s",)


def _smartctl(**figures: object) -> str:
    return json.dumps(
        {
            "device": {"protocol": "ATA", "type": "sat"},
            "smart_status": {"passed": True},
            "ata_smart_attributes": {"table": [{"id": 5, "raw": {"value": figures.get("reallocated", 0)}}]},
        }
    )


@pytest.mark.parametrize(
    ("output", "note"),
    [
        (_smartctl(reallocated=-5), "reallocated_sectors is negative (-5)"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": ' * 70 + "1" + "}" * 70, "nested more than 64 levels deep"),
        ("not json", "not JSON"),
    ],
    ids=["negative counter", "100000 deep", "70 deep", "not json"],
)
def test_odd_smartctl_output_is_unknown_never_healthy(output: str, note: str) -> None:
    class Tool:
        def run(self, args: object, *, timeout: float | None = None) -> object:
            from wipestation.common.commands import CommandResult

            return CommandResult(0, output)

    reading = read_health(Tool(), "/dev/sdz", bus="usb")  # type: ignore[arg-type]
    assert reading.smart_passed is None and not reading.has_smart
    assert reading.notes == (f"smartctl output unreadable ({note})",)


@pytest.mark.parametrize(
    ("code", "line"),
    [
        (errno.EROFS, "read-only file system: /x — choose a writable folder"),
        (errno.ENOSPC, "no space left on the device: /x — free some space or choose another folder"),
        (errno.EACCES, "permission denied: /x — choose a place you may write to, or ask the administrator"),
        (errno.EIO, "input/output error: /x — the disk may be failing: choose another one"),
    ],
)
def test_a_system_error_is_one_line_with_what_to_do(code: int, line: str) -> None:
    assert os_error_line(OSError(code, os.strerror(code), "/x")) == line


def test_a_read_only_folder_reaches_the_technician_as_one_line(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    target = hostile.tmp / "ro" / "backups"
    result = hostile.run("db", "backup", str(target))
    assert result.exit_code == 1
    assert result.stderr == f"error: read-only file system: {target} — choose a writable folder\n"


def test_the_line_is_in_the_readers_language(hostile: Hostile, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    target = hostile.tmp / "ro"
    result = hostile.run("--lang", "nl", "db", "backup", str(target))
    assert result.stderr == f"fout: alleen-lezen bestandssysteem: {target} — kies een beschrijfbare map\n"


def test_a_good_address_and_a_sender_with_a_name_are_taken(tmp_path: Path) -> None:
    from wipestation.common.config import load_config

    path = tmp_path / "c.toml"
    path.write_text(
        f'data_dir = "{tmp_path}"\n[mail]\nhost = "smtp.somcom.nl"\nfrom = "SOMCOM <winkel@somcom.nl>"\n'
        '[digest]\nto = ["boss@somcom.nl", "x@bücher.de"]\n[certificates]\nverify_url = "https://somcom.nl/c/"\n'
    )
    config = load_config(path)
    assert config.mail.sender == "SOMCOM <winkel@somcom.nl>"
    assert config.digest.to == ("boss@somcom.nl", "x@bücher.de")
    assert config.certificates.verify_url == "https://somcom.nl/c/"
