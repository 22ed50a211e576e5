"""Hidden sectors end to end on a real loop device (issue 12, point 5): the loop device is the
visible part of a drive whose recorded `hdparm -N` line (the format of the real tool, see
tests/fixtures/tools/README.md) says an HPA hides 2113 more sectors. Without `--restore-hidden` the
erasure ends "with exceptions" and the certificate (its PDF text) says what was not written; with it,
the native size is restored first (the injected runner grows the backing file, the injected rescan
runs `losetup -c`) and the whole drive is erased; a restore that cannot be done refuses, untouched."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import Cli
from tests.helpers.loop import IS_ROOT, loop_device
from wipestation.app import Overrides
from wipestation.common.commands import CommandResult
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.detection import default_drive_source

pytestmark = [
    pytest.mark.blockdev,
    pytest.mark.skipif(not IS_ROOT, reason="needs root to attach loop devices (losetup)"),
]
MiB = 1 << 20
HIDDEN = 2113  # the HPA of the recorded hdparm_N_hpa_enabled.txt


class HpaDrive:
    """hdparm as a drive with an HPA would answer it, for the loop device `dev` over `backing`."""

    def __init__(self, dev: str, backing: Path, *, restore_ok: bool = True, bridge: bool = False) -> None:
        self.dev, self.backing, self.restore_ok, self.bridge = dev, backing, restore_ok, bridge
        self.native = self.visible() + HIDDEN
        self.calls: list[tuple[str, ...]] = []

    def visible(self) -> int:
        name = Path(self.dev).name
        return int(Path(f"/sys/class/block/{name}/size").read_text())

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        call = tuple(args)
        self.calls.append(call)
        if self.bridge and call[:2] == ("hdparm", "-N"):
            return CommandResult(
                0, (Path(__file__).parent.parent / "fixtures/tools/hdparm_N_usb_bridge.txt").read_text()
            )
        if call[:2] == ("hdparm", "-N"):
            visible = self.visible()
            state = "enabled" if visible < self.native else "disabled"
            return CommandResult(0, f"\n{self.dev}:\n max sectors   = {visible}/{self.native}, HPA is {state}\n")
        if call[:3] == ("hdparm", "--yes-i-know-what-i-am-doing", "-N"):
            if not self.restore_ok:
                return CommandResult(5, "", "SG_IO: bad/missing sense data, sb[]:  70 00 05 00")
            with open(self.backing, "r+b") as fh:
                fh.truncate(int(call[3]) * 512)  # the drive shows its native size now
            return CommandResult(0, f" setting max visible sectors to {call[3]} (temporary)\n")
        return CommandResult(5, "", f"HDIO_DRIVE_CMD failed: {' '.join(call)}")


def rescan(device: str) -> None:
    subprocess.run(["losetup", "-c", device], check=True)


class BehindUsbBridge:
    """The real drive source, with the loop device standing in for a disk behind a USB bridge."""

    def __init__(self, config: Config) -> None:
        self.real = default_drive_source(config)

    def list_drives(self) -> list[DetectedDrive]:
        return self.real.list_drives()

    def identify(self, device: str) -> DetectedDrive:
        found = self.real.identify(device)
        return dataclasses.replace(found, identity=dataclasses.replace(found.identity, bus="usb"))

    def identify_fd(self, fd: int) -> DetectedDrive:
        found = self.real.identify_fd(fd)
        return dataclasses.replace(found, identity=dataclasses.replace(found.identity, bus="usb"))


def loop_cli(cli: Cli, runner: HpaDrive, *, usb: bool = False) -> Cli:
    config = dataclasses.replace(cli.config, devices=dataclasses.replace(cli.config.devices, allow_loop=True))
    overrides = Overrides(command_runner=runner, capacity_rescan=rescan)
    if usb:
        overrides = dataclasses.replace(overrides, drive_source=BehindUsbBridge(config))
    return dataclasses.replace(cli, config=config, overrides=overrides)


def digest(dev: str) -> str:
    with open(dev, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def test_backup_drive_with_an_hpa_is_erased_with_exceptions_and_the_certificate_says_so(
    cli: Cli, tmp_path: Path
) -> None:
    size = 8 * MiB
    with loop_device(tmp_path, "hpa1.img", size, fill=b"\x5a") as dev:
        run = loop_cli(cli, HpaDrive(dev, tmp_path / "hpa1.img"))
        customer = run.ok("customer", "add", "--name", "C. Klant")
        record = run.ok("backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-7")
        assert run("request-deletion", str(record["id"])).exit_code == 0
        done = run("erase", dev, "--method", "zero", "--confirm", "LOOP-hpa1.img", "--json")
        assert done.exit_code == 0, done.stderr
        final = json.loads(done.stdout.strip().splitlines()[-1])
        assert final["outcome"] == "with-exceptions" and final["sectors_not_written"] == HIDDEN
        assert final["bytes_written"] == size and final["verify_result"] == "passed"
        assert "2113 sectors hidden by an HPA/DCO were not written" in done.stderr
        with open(dev, "rb") as fh:
            assert fh.read() == bytes(size)  # every visible sector
        shown = run.ok("show", str(record["id"]))
        assert shown["state"] == "erased"  # closed: the backup never reached the hidden sectors
        number = final["certificate"]
        assert isinstance(number, str) and number
        english, dutch = tmp_path / "en.pdf", tmp_path / "nl.pdf"
        assert run("certificate", "pdf", number, "--lang", "en", "-o", str(english)).exit_code == 0
        assert run("certificate", "pdf", number, "--lang", "nl", "-o", str(dutch)).exit_code == 0
        text = pdf_text(english)
        assert "Exception: not written" in text and "2,113 sectors" in text and "not overwritten" in text
        assert "with the exception of 2,113 hidden sectors" in text
        assert "all data on the storage device" not in text and "whole drive" not in text
        assert "HPA hides 2113" in text
        nl = pdf_text(dutch)
        assert "2.113 sectoren" in nl and "alle gegevens op de" not in nl and "hele schijf" not in nl
        assert run("certificate", "verify", str(english)).exit_code == 0


def test_restore_hidden_erases_the_native_size(cli: Cli, tmp_path: Path) -> None:
    size = 8 * MiB
    with loop_device(tmp_path, "hpa2.img", size, fill=b"\x5a") as dev:
        drive = HpaDrive(dev, tmp_path / "hpa2.img")
        run = loop_cli(cli, drive)
        done = run("erase", dev, "--method", "zero", "--confirm", "LOOP-hpa2.img", "--restore-hidden", "--json")
        assert done.exit_code == 0, done.stderr
        final = json.loads(done.stdout.strip().splitlines()[-1])
        full = size + HIDDEN * 512
        assert final["outcome"] == "succeeded" and final["bytes_written"] == full and not final["sectors_not_written"]
        assert (
            final["hidden_restored"]["restored_sectors"] == HIDDEN and "restored before the erasure" in final["hpa_dco"]
        )
        assert ("hdparm", "--yes-i-know-what-i-am-doing", "-N", str(size // 512 + HIDDEN), dev) in drive.calls
        with open(dev, "rb") as fh:
            assert fh.read() == bytes(full)
    rows = run.sql("select capacity_bytes from drives where serial = 'LOOP-hpa2.img'")
    assert rows == [(full,)]  # the drive is known at its native size now


@pytest.mark.parametrize("how", ["bridge", "restore-fails"])
def test_restore_hidden_that_cannot_be_done_is_refused_untouched(cli: Cli, tmp_path: Path, how: str) -> None:
    with loop_device(tmp_path, "hpa3.img", 8 * MiB, fill=b"\x5a") as dev:
        drive = HpaDrive(dev, tmp_path / "hpa3.img", restore_ok=how != "restore-fails", bridge=how == "bridge")
        run = loop_cli(cli, drive, usb=how == "bridge")
        before = digest(dev)
        refused = run("erase", dev, "--method", "zero", "--confirm", "LOOP-hpa3.img", "--restore-hidden")
        assert refused.exit_code == 3, refused.stderr
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and "--restore-hidden" in lines[0] and "nothing was written" in lines[0]
        assert digest(dev) == before


def test_restore_hidden_waits_for_the_custody_rules(cli: Cli, tmp_path: Path) -> None:
    """A backup that must still be kept: refused by the rules before the drive's HPA is touched."""
    with loop_device(tmp_path, "hpa4.img", 8 * MiB, fill=b"\x5a") as dev:
        drive = HpaDrive(dev, tmp_path / "hpa4.img")
        run = loop_cli(cli, drive)
        customer = run.ok("customer", "add", "--name", "E. Klant")
        run.ok("backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-8")
        before = digest(dev)
        refused = run("erase", dev, "--method", "zero", "--confirm", "LOOP-hpa4.img", "--restore-hidden")
        assert refused.exit_code == 1 and "request-deletion" in refused.stderr
        assert not [c for c in drive.calls if "--yes-i-know-what-i-am-doing" in c]
        assert digest(dev) == before and drive.visible() == 8 * MiB // 512
