"""`wipestation-helper`, the one root helper for firmware commands: it re-identifies the drive, refuses
a protected one or another drive, and runs only the command lines wipestation itself sends."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.loop import IS_ROOT, loop_device
from wipestation.erasure.firmware import FirmwareSupport, build_commands
from wipestation.shop.helper import COMMANDS, HelperRunner, NotAllowed, check_command

pytestmark = [pytest.mark.blockdev, pytest.mark.skipif(not IS_ROOT, reason="the helper runs as root: needs root")]


@pytest.fixture
def drive(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with loop_device(tmp_path, "helper-disk.img", 8 << 20) as device:
        yield device, "LOOP-helper-disk.img"


def _config(tmp_path: Path, protected: tuple[str, ...] = ()) -> Path:
    path = tmp_path / "system.toml"
    listed = ", ".join(f'"{s}"' for s in protected)
    path.write_text(f"[devices]\nallow_loop = true\nprotected_serials = [{listed}]\n")
    return path


def helper(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wipestation.shop.helper", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env if env is not None else {k: v for k, v in os.environ.items() if k != "SUDO_UID"},
    )


def test_an_allowed_command_on_the_confirmed_drive_runs(tmp_path: Path, drive: tuple[str, str]) -> None:
    device, serial = drive
    if not Path("/usr/sbin/hdparm").exists():
        pytest.skip("hdparm is not installed (Debian package hdparm; scripts/setup installs it)")
    done = helper("--config", str(_config(tmp_path)), device, serial, "hdparm", "-I", device)
    assert done.returncode == 0, done.stderr
    assert f"{device}:" in done.stdout  # hdparm's own output, passed through
    assert "refused" not in done.stderr


def test_a_protected_drive_is_refused(tmp_path: Path, drive: tuple[str, str]) -> None:
    device, serial = drive
    done = helper("--config", str(_config(tmp_path, (serial,))), device, serial, "hdparm", "-I", device)
    assert done.returncode == 3
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"wipestation-helper: refused: {device} is protected: ")
    assert serial in lines[0]


def test_a_mounted_drive_is_refused(tmp_path: Path, drive: tuple[str, str]) -> None:
    device, serial = drive
    subprocess.run(["mkfs.ext4", "-q", "-F", device], check=True, capture_output=True)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    subprocess.run(["mount", device, str(mnt)], check=True)
    try:
        done = helper("--config", str(_config(tmp_path)), device, serial, "hdparm", "--sanitize-status", device)
    finally:
        subprocess.run(["umount", str(mnt)], check=True)
    assert done.returncode == 3
    assert len(done.stderr.splitlines()) == 1
    assert f"{device} is protected: " in done.stderr and "mounted" in done.stderr


def test_another_drive_is_refused(tmp_path: Path, drive: tuple[str, str]) -> None:
    device, _ = drive
    done = helper("--config", str(_config(tmp_path)), device, "WD-WX11A", "hdparm", "-I", device)
    assert done.returncode == 3
    assert "is not the drive 'WD-WX11A'" in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["hdparm", "-N", "p1000", "{dev}"],  # would set a host protected area
        ["hdparm", "--fwdownload", "/tmp/firmware.bin", "{dev}"],
        ["hdparm", "-I", "/dev/sda"],  # another device
        ["hdparm", "--user-master", "u", "--security-erase", "-x", "{dev}"],
        ["sh", "-c", "id"],
        ["nvme", "format", "{dev}", "--ses=1"],  # without --force it would ask; not what wipestation sends
    ],
)
def test_commands_wipestation_does_not_send_are_refused(
    tmp_path: Path, drive: tuple[str, str], command: list[str]
) -> None:
    device, serial = drive
    args = [a.replace("{dev}", device) for a in command]
    done = helper("--config", str(_config(tmp_path)), device, serial, *args)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "refused" in done.stderr


def test_config_through_sudo_is_refused(tmp_path: Path, drive: tuple[str, str]) -> None:
    device, serial = drive
    env = dict(os.environ, SUDO_UID="1000")
    done = helper("--config", str(_config(tmp_path)), device, serial, "hdparm", "-I", device, env=env)
    assert done.returncode == 2
    assert "--config is for root itself" in done.stderr


def test_the_caller_environment_does_not_allow_loop_devices(tmp_path: Path, drive: tuple[str, str]) -> None:
    device, serial = drive
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    env = dict(os.environ, WIPESTATION_ALLOW_LOOP="1")
    done = helper("--config", str(empty), device, serial, "hdparm", "-I", device, env=env)
    assert done.returncode == 3
    assert "loop device" in done.stderr


def test_every_command_wipestation_builds_is_allowed() -> None:
    """The templates follow erasure/firmware.py: each planned command line passes the helper's check."""
    device = "/dev/sdq"
    plans = []
    for method, actions in {
        "ata-secure-erase": ["normal", "enhanced"],
        "ata-sanitize": ["crypto", "block", "overwrite"],
        "nvme-format": ["ses=1", "ses=2"],
        "nvme-sanitize": ["crypto", "block", "overwrite"],
        "scsi-sanitize": ["crypto", "block"],
    }.items():
        for action in actions:
            support = FirmwareSupport(method, True, "test", True, action, {})
            plans.append(build_commands(support, device))
    commands = [c for p in plans for c in (*p.commands, *p.on_failure, *([p.poll] if p.poll else []))]
    assert len(commands) > 12
    for command in commands:
        check_command(command[0], command[1:], device)
    for probe in (["hdparm", "-I", device], ["hdparm", "-N", device], ["nvme", "id-ctrl", device, "-o", "json"]):
        check_command(probe[0], probe[1:], device)
    with pytest.raises(NotAllowed):
        check_command("hdparm", ["-I", "/dev/sdr"], device)
    assert set(COMMANDS) >= {c[0] for c in commands}


def test_the_runner_sends_drive_commands_through_sudo_and_the_helper() -> None:
    runner = HelperRunner("/dev/sdq", "WD-1", helper="/usr/local/bin/wipestation-helper")
    assert runner.command(["hdparm", "-I", "/dev/sdq"]) == [
        "sudo",
        "-n",
        "/usr/local/bin/wipestation-helper",
        "/dev/sdq",
        "WD-1",
        "hdparm",
        "-I",
        "/dev/sdq",
    ]
    assert runner.command(["hdparm", "-V"]) == ["hdparm", "-V"]  # no drive: no root needed
