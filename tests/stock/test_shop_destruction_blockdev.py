"""The full path on a real loop device: a backup drive holding a customer's backup is erased; its
health, read through the command-runner seam, fails (a recorded smartctl output of a failing drive,
the only part not real); the drive is retired and, with `[health] destroy_failed`, queued for
destruction as the shop's own; `destroy` issues a real signed certificate whose text (pdftotext)
says it was the shop's own backup drive and why, and names no customer."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.erasure.conftest import blockdev, cli, fixture_text
from tests.helpers.loop import loop_device
from wipestation.app import Overrides
from wipestation.common.commands import CommandResult, SubprocessRunner

pytestmark = blockdev
MiB = 1 << 20
Mount = Callable[[str, int], Path]
SERIAL = "LOOP-failing.img"


class FailingSmart:
    """The real runner, except that smartctl answers with the recorded output of a failing drive."""

    def __init__(self) -> None:
        self.real = SubprocessRunner()
        self.smartctl: list[tuple[str, ...]] = []

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        if args[0] == "smartctl":
            self.smartctl.append(tuple(args))
            return CommandResult(8, fixture_text("smartctl_a_usb_jmicron_failing.json"))
        return self.real.run(args, timeout=timeout)


def _config(tmp_path: Path, *, destroy: bool) -> Path:
    path = tmp_path / "wipestation.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        'language = "en"\n'
        '[shop]\nname = "Testwinkel Voorbeeld"\n'
        "[health]\n"
        f"destroy_failed = {'true' if destroy else 'false'}\n"
    )
    return path


def _pdftotext(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _erase_backup(db: Path, config: Path, dev: str, runner: FailingSmart) -> dict[str, object]:
    run = lambda args: cli(db, ["--config", str(config), *args])  # noqa: E731
    customer = json.loads(run(["customer", "add", "--name", "Berend Klantnaam", "--json"]).stdout)
    reg = run(["backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-77", "--json"])
    assert reg.exit_code == 0, reg.stderr
    assert run(["request-deletion", str(json.loads(reg.stdout)["id"])]).exit_code == 0
    done = cli(
        db,
        [
            "--config",
            str(config),
            "erase",
            dev,
            "--method",
            "zero",
            "--verify",
            "sample",
            "--confirm",
            SERIAL,
            "--json",
        ],
        obj=Overrides(command_runner=runner),
    )
    assert done.exit_code == 0, done.stderr
    with open(dev, "rb") as fh:
        assert fh.read() == bytes(8 * MiB)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_failing_backup_drive_on_a_loop_device_is_queued_destroyed_and_certified(memdir: Mount, tmp_path: Path) -> None:
    db, config = tmp_path / "t.db", _config(tmp_path, destroy=True)
    runner = FailingSmart()
    with loop_device(memdir("m", 32 * MiB), "failing.img", 8 * MiB, fill=b"\x42") as dev:
        final = _erase_backup(db, config, dev, runner)
        assert runner.smartctl == [("smartctl", "-j", "-a", dev)]
    assert final["outcome"] == "succeeded" and final["health"] == "failing" and final["certificate"]
    run = lambda *args: cli(db, ["--config", str(config), *args])  # noqa: E731
    (pool,) = json.loads(run("pool", "--json").stdout)
    assert (pool["serial"], pool["state"], pool["destruction"]) == (SERIAL, "retired", "queued")
    assert pool["retired_reason"].startswith("health: the drive's SMART self-assessment failed")
    (due,) = json.loads(run("due", "--json").stdout)
    assert (due["kind"], due["customer_id"], due["serial"]) == ("shop", None, SERIAL)

    destroyed = run("destroy", SERIAL, "--method", "shred", "--level", "E-4", "--witness", "Piet Getuige", "--json")
    assert destroyed.exit_code == 0, destroyed.stderr
    number = json.loads(destroyed.stdout)["certificate"]
    pdf = tmp_path / "destruction.pdf"
    assert run("certificate", "pdf", number, "-o", str(pdf)).exit_code == 0
    assert run("certificate", "verify", str(pdf)).exit_code == 0
    text = _pdftotext(pdf)
    assert "Certificate of destruction" in text and SERIAL in text
    assert (
        "The shop itself: its own backup drive, retired (no customer; this certificate is for the shop's own records)"
        in text
    )
    assert "health: the drive's SMART self-assessment failed; reallocated sectors 1975 > 10" in text
    assert "health failing; reallocated 1975" in text
    assert "Klantnaam" not in text and "J-77" not in text and "Customer" not in text
    # the customer's erasure certificate still names the customer (it is theirs)
    erasure_pdf = tmp_path / "erasure.pdf"
    assert run("certificate", "pdf", str(final["certificate"]), "-o", str(erasure_pdf)).exit_code == 0
    assert "Berend Klantnaam" in _pdftotext(erasure_pdf)
    (pool,) = json.loads(run("pool", "--json").stdout)
    assert pool["destruction"] == "destroyed"
    assert run("audit", "verify").exit_code == 0


def test_config_off_the_failing_loop_drive_is_merely_retired(memdir: Mount, tmp_path: Path) -> None:
    db, config = tmp_path / "t.db", _config(tmp_path, destroy=False)
    with loop_device(memdir("m", 32 * MiB), "failing.img", 8 * MiB, fill=b"\x42") as dev:
        final = _erase_backup(db, config, dev, FailingSmart())
    assert final["health"] == "failing"
    run = lambda *args: cli(db, ["--config", str(config), *args])  # noqa: E731
    (pool,) = json.loads(run("pool", "--json").stdout)
    assert (pool["state"], pool["destruction"]) == ("retired", None)
    assert json.loads(run("due", "--json").stdout) == []
    refused = run("destroy", SERIAL, "--method", "shred", "--level", "H-4")
    assert (
        refused.exit_code == 1
        and refused.stderr == "error: record 1 (LOOP-failing.img) is a backup: backups are erased, not destroyed\n"
    )
