"""Health from speed compares like with like, on real loop devices: two backup drives erased side by
side (each in its own process, writes throttled so that they are slow against their own earlier runs
alone) are not retired, their speed not judged; a drive whose SMART reading fails (a recorded
smartctl output through the command-runner seam) and whose run is slow is still retired, with both
reasons."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.erasure.conftest import blockdev, cli, fixture_text
from tests.helpers.loop import loop_device, writes_throttled
from wipestation.app import Overrides
from wipestation.common.commands import CommandResult, SubprocessRunner

pytestmark = blockdev
MiB = 1 << 20
Mount = Callable[[str, int], Path]
ROOT = Path(__file__).resolve().parents[2]


class Smart:
    """The real runner, except that smartctl answers with a recorded output."""

    def __init__(self, fixture: str, status: int) -> None:
        self.real = SubprocessRunner()
        self.answer = CommandResult(status, fixture_text(fixture))

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        if args[0] == "smartctl":
            return self.answer
        return self.real.run(args, timeout=timeout)


HEALTHY = ("smartctl_a_ata_wd140edfz.json", 0)
FAILING = ("smartctl_a_usb_jmicron_failing.json", 8)


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "wipestation.toml"
    shop = '[shop]\nname = "Testwinkel Voorbeeld"\ncontact = "winkel@example.nl"\n'
    path.write_text(f'data_dir = "{tmp_path / "data"}"\nlanguage = "en"\n{shop}')
    return path


def _erase_args(dev: str) -> list[str]:
    return ["erase", dev, "--method", "zero", "--verify", "sample", "--json"]


def _erase(db: Path, config: Path, dev: str, serial: str, smart: tuple[str, int]) -> dict[str, object]:
    done = cli(
        db,
        ["--config", str(config), *_erase_args(dev), "--confirm", serial],
        obj=Overrides(command_runner=Smart(*smart)),
    )
    assert done.exit_code == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _backup(db: Path, config: Path, dev: str) -> None:
    run = lambda *args: cli(db, ["--config", str(config), *args])  # noqa: E731
    customer = json.loads(run("customer", "add", "--name", "C. Klant", "--json").stdout)
    reg = run("backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-9", "--json")
    assert reg.exit_code == 0, reg.stderr
    assert run("request-deletion", str(json.loads(reg.stdout)["id"])).exit_code == 0


def _pool(db: Path, config: Path) -> dict[str, dict[str, object]]:
    return {p["serial"]: p for p in json.loads(cli(db, ["--config", str(config), "pool", "--json"]).stdout)}


def _health_rows(db: Path) -> list[tuple[int, str, dict[str, object], list[str]]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("select erasure_id, verdict, figures, reasons from drive_health order by id").fetchall()
    finally:
        conn.close()
    return [(e, v, json.loads(f), json.loads(r)) for e, v, f, r in rows]


def test_two_erasures_side_by_side_retire_neither_drive(memdir: Mount, tmp_path: Path) -> None:
    db, config = tmp_path / "t.db", _config(tmp_path)
    disks = memdir("m", 48 * MiB)
    # 16 MiB at 2 MB/s: the first runs 8 s and more, long after the second process has started
    with loop_device(disks, "left.img", 16 * MiB) as left, loop_device(disks, "right.img", 16 * MiB) as right:
        for dev, serial in ((left, "LOOP-left.img"), (right, "LOOP-right.img")):
            _backup(db, config, dev)
            _erase(db, config, dev, serial, HEALTHY)  # alone, at full speed: each drive's usual speed
        with ExitStack() as stack:
            if not all(stack.enter_context(writes_throttled(d, 2 * MiB)) for d in (left, right)):
                pytest.skip("no blkio throttling here to slow the side-by-side runs down")
            first = _spawn(db, config, left, "LOOP-left.img")
            _wait_for_running(db)
            second = _spawn(db, config, right, "LOOP-right.img")
            results = [p.communicate(timeout=300) for p in (first, second)]
            assert first.returncode == second.returncode == 0, results
        pool = _pool(db, config)
        assert {s: p["state"] for s, p in pool.items()} == {"LOOP-left.img": "available", "LOOP-right.img": "available"}
        last_two = _health_rows(db)[-2:]
        for _erasure, verdict, figures, reasons in last_two:
            assert verdict != "failing" and figures["erase_shared"] is True
            assert "erase_bytes_per_second" not in figures and not any("MB/s" in r for r in reasons)


def _spawn(db: Path, config: Path, dev: str, serial: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "WIPESTATION_DEBUG"}
    env.update(WIPESTATION_ALLOW_LOOP="1", PYTHONPATH=str(ROOT))
    args = ["--db", f"sqlite:///{db}", "--config", str(config), "--as", "tester", *_erase_args(dev)]
    return subprocess.Popen(
        [sys.executable, "-m", "wipestation.cli", *args, "--confirm", serial],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_running(db: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        conn = sqlite3.connect(db)
        try:
            if conn.execute("select count(*) from erasures where outcome = 'running'").fetchone()[0]:
                return
        except sqlite3.OperationalError:
            pass
        finally:
            conn.close()
        time.sleep(0.05)
    raise AssertionError("the first erasure never started")


def test_a_failing_smart_reading_and_a_slow_run_still_retire_the_drive(memdir: Mount, tmp_path: Path) -> None:
    db, config = tmp_path / "t.db", _config(tmp_path)
    with loop_device(memdir("m", 20 * MiB), "sick.img", 8 * MiB) as dev:
        _backup(db, config, dev)
        _erase(db, config, dev, "LOOP-sick.img", HEALTHY)  # its usual speed, alone
        assert _pool(db, config)["LOOP-sick.img"]["state"] == "available"
        with writes_throttled(dev, 2 * MiB) as throttled:
            if not throttled:
                pytest.skip("no blkio throttling here to slow the run down")
            done = _erase(db, config, dev, "LOOP-sick.img", FAILING)
        assert done["health"] == "failing"
        pool = _pool(db, config)["LOOP-sick.img"]
        assert pool["state"] == "retired"
        _erasure, verdict, figures, reasons = _health_rows(db)[-1]
        assert verdict == "failing" and "erase_shared" not in figures
        assert "the drive's SMART self-assessment failed" in reasons
        assert any(r.startswith("the erasure ran at ") and "of its usual" in r for r in reasons), reasons
