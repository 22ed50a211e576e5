"""Whatever dies when, no record is closed without its certificate and nothing is left half-made.

One erase and one destroy, each run as its own process on real loop devices and killed: at every step
boundary (tests/helpers/dying.py: every commit, just before and just after it, and every evidence copy
written but not renamed), by SIGKILL from outside at several moments, and on a data folder (a small
tmpfs) filled to leave less room than each write needs. After the next start every record is either
open and resumable (the rerun finishes it with its one certificate) or closed with its certificate,
the certificate numbers have no gap, and no partial file remains."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.erasure.conftest import blockdev, cli
from tests.helpers.dying import DIED, fill
from tests.helpers.loop import loop_device, writes_throttled

pytestmark = blockdev
MiB = 1 << 20
ROOT = Path(__file__).resolve().parents[2]
Mount = Callable[[str, int], Path]
SERIAL = "LOOP-faults.img"


@dataclass
class Shop:
    """One shop's files: the configuration, the data folder (signing key, evidence) and databases."""

    root: Path
    data: Path

    @property
    def config(self) -> Path:
        return self.root / "wipestation.toml"

    def write_config(self) -> None:
        shop = '[shop]\nname = "Testwinkel Voorbeeld"\ncontact = "winkel@example.nl"\n'
        self.config.write_text(f'data_dir = "{self.data}"\nlanguage = "en"\n{shop}')

    def cli(self, db: Path, *args: str) -> dict[str, object]:
        done = cli(db, ["--config", str(self.config), *args])
        assert done.exit_code == 0, done.stderr
        return json.loads(done.stdout) if "--json" in args else {}

    def run(
        self, db: Path, *args: str, die_at: int = 0, steps: Path | None = None, fill_at: int = 0
    ) -> subprocess.Popen[str]:
        """The command as its own process, through the dying seam (which may also fill the data folder)."""
        env = {k: v for k, v in os.environ.items() if k != "WIPESTATION_DEBUG"}
        env.update(
            WIPESTATION_ALLOW_LOOP="1",
            WIPESTATION_TEST_DIE_AT=str(die_at),
            WIPESTATION_TEST_STEPS=str(steps or ""),
            WIPESTATION_TEST_FILL_AT=str(fill_at),
            WIPESTATION_TEST_FILL=str(self.data / "filler"),
            PYTHONPATH=str(ROOT),
        )
        cmd = [sys.executable, "-m", "tests.helpers.dying", "--db", f"sqlite:///{db}", "--config", str(self.config)]
        return subprocess.Popen(
            [*cmd, "--as", "tester", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def assert_whole(db: Path, data: Path) -> dict[int, str]:
    """The invariant after a start: each closed record has exactly one certificate, an open record
    none, numbers 1..n without a gap; no partial evidence copy, no batch folder no destruction names.
    Returns each record's state."""
    states = {int(str(i)): str(state) for i, state in _rows(db, "select id, state from custody_records")}
    for record_id, state in states.items():
        (count,) = _rows(db, f"select count(*) from certificates where record_id = {record_id}")[0]
        if state in ("erased", "destroyed"):
            assert count == 1, f"record {record_id} is {state} with {count} certificates"
        else:
            assert state in ("holding", "stored") and count == 0, (record_id, state, count)
    seqs = [s for (s,) in _rows(db, "select seq from certificates order by seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert not list(data.rglob("*.part"))
    batches = {b for (b,) in _rows(db, "select batch from destructions")}
    evidence = data / "evidence"
    if evidence.exists():
        assert {p.name for p in evidence.iterdir()} <= batches
    return states


def _copy_db(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")
    return target


def _next_start(shop: Shop, db: Path) -> None:
    """Any command's start: the audit log's check, which also reports a record owed its certificate."""
    done = cli(db, ["--config", str(shop.config), "audit", "verify"])
    assert done.exit_code == 0, done.stdout + done.stderr


# -- erase


ERASE = ["erase", "", "--method", "zero", "--verify", "sample", "--confirm", SERIAL, "--json"]


def _run_on_a_filling_disk(shop: Shop, db: Path, args: list[str], run: dict[str, int]) -> int:
    """The command on a data folder with `leave` bytes free, or filled at its step `fill_at`; then the
    next start. A refusal must be one line saying what to free, never a traceback. 1 if it was refused."""
    if "leave" in run:
        fill(shop.data / "filler", run["leave"])
    proc = shop.run(db, *args, fill_at=run.get("fill_at", 0))
    out, err = proc.communicate(timeout=300)
    assert "Traceback" not in err + out, (run, err)
    refused = proc.returncode != 0
    if refused:
        last = err.strip().splitlines()[-1]
        assert last.startswith("error: ") and "free" in last, (run, err)
    (shop.data / "filler").unlink(missing_ok=True)
    _next_start(shop, db)
    return int(refused)


def _erase_template(shop: Shop, dev: str) -> Path:
    template = shop.root / "erase-template.db"
    customer = shop.cli(template, "customer", "add", "--name", "A. Klant", "--json")
    record = shop.cli(
        template, "backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-1", "--json"
    )
    shop.cli(template, "request-deletion", str(record["id"]))
    shop.cli(template, "certificate", "fingerprint")  # the signing key exists before any run is killed
    return template


def _erase_args(dev: str) -> list[str]:
    return [dev if a == "" else a for a in ERASE]


def _finish_erase(shop: Shop, db: Path, dev: str) -> str:
    """After the next start: an open record is resumed to its end and certificate; a closed one stays.
    Returns the record's state after the start."""
    (state,) = set(assert_whole(db, shop.data).values())
    if state == "holding":
        done = cli(db, ["--config", str(shop.config), *_erase_args(dev)])
        assert done.exit_code == 0, done.stderr
        assert json.loads(done.stdout.strip().splitlines()[-1])["certificate"]
    assert set(assert_whole(db, shop.data).values()) == {"erased"}
    return state


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    s = Shop(tmp_path, tmp_path / "data")
    s.write_config()
    return s


def test_an_erase_killed_at_every_step_leaves_a_resumable_record_or_its_certificate(memdir: Mount, shop: Shop) -> None:
    with loop_device(memdir("m", 16 * MiB), "faults.img", 4 * MiB, fill=b"\x5a") as dev:
        template = _erase_template(shop, dev)
        steps = shop.root / "steps.txt"
        counted = shop.run(_copy_db(template, shop.root / "count.db"), *_erase_args(dev), steps=steps)
        _out, err = counted.communicate(timeout=300)
        assert counted.returncode == 0, err
        names = steps.read_text().splitlines()
        assert len(names) >= 6 and "before-commit" in names[-1] + names[-2] + names[-3]
        seen = []
        for n in range(1, len(names) + 1):
            db = _copy_db(template, shop.root / f"die{n}.db")
            proc = shop.run(db, *_erase_args(dev), die_at=n)
            _out, err = proc.communicate(timeout=300)
            assert proc.returncode == DIED, (n, names[n - 1], proc.returncode, err)
            assert "Traceback" not in err
            _next_start(shop, db)
            seen.append(_finish_erase(shop, db, dev))
        assert seen[0] == "holding" and seen[-1] == "erased"  # killed before the end, and after it


def test_an_erase_killed_from_outside_at_several_moments(memdir: Mount, shop: Shop) -> None:
    with loop_device(memdir("m", 16 * MiB), "faults.img", 4 * MiB, fill=b"\x5a") as dev:
        template = _erase_template(shop, dev)
        with writes_throttled(dev, 1 * MiB) as throttled:
            if not throttled:
                pytest.skip("no blkio throttling here to catch an erasure in the middle")
            for i, moment in enumerate((0.5, 1.5, 2.5, 3.5, 5.0)):
                db = _copy_db(template, shop.root / f"kill{i}.db")
                proc = shop.run(db, *_erase_args(dev))
                _wait_for_erasure(db, proc, moment)
                proc.send_signal(signal.SIGKILL)
                proc.communicate(timeout=60)
                _next_start(shop, db)
                _finish_erase(shop, db, dev)


def _wait_for_erasure(db: Path, proc: subprocess.Popen[str], seconds: float) -> None:
    """Until the erasure has started (its row exists), then `seconds` more."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _rows(db, "select count(*) from erasures")[0][0]:
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)
    time.sleep(seconds)


def test_an_erase_on_a_data_folder_that_fills_never_closes_the_record_without_its_certificate(
    memdir: Mount, tmp_path: Path
) -> None:
    """The data folder (database and all) on a small tmpfs: first with too little room from the start,
    then filled to the last byte at each step of the erase in turn."""
    shop = Shop(tmp_path, memdir("data", 12 * MiB))
    shop.data.chmod(0o700)
    shop.write_config()
    with loop_device(memdir("m", 16 * MiB), "faults.img", 4 * MiB, fill=b"\x5a") as dev:
        template = _erase_template(shop, dev)
        steps = shop.root / "steps.txt"
        counted = shop.run(_copy_db(template, shop.data / "count.db"), *_erase_args(dev), steps=steps)
        assert counted.communicate(timeout=300) and counted.returncode == 0
        (shop.data / "count.db").unlink()
        runs = [{"leave": free} for free in (16 << 10, 256 << 10, 3 * MiB)]
        runs += [{"fill_at": n} for n in range(1, len(steps.read_text().splitlines()) + 1)]
        refused = 0
        for i, run in enumerate(runs):
            db = _copy_db(template, shop.data / f"full{i}.db")
            refused += _run_on_a_filling_disk(shop, db, _erase_args(dev), run)
            _finish_erase(shop, db, dev)
            db.unlink()
        assert refused >= 3  # the runs with too little room from the start, at least


# -- destroy


def _destroy_template(shop: Shop) -> tuple[Path, list[str]]:
    template = shop.root / "destroy-template.db"
    customer = shop.cli(template, "customer", "add", "--name", "B. Klant", "--json")
    record = shop.cli(
        template,
        "abandoned",
        "register",
        "--serial",
        "HDD-FAULT-1",
        "--model",
        "ST500",
        "--capacity",
        "500GB",
        "--media",
        "hdd",
        "--customer",
        str(customer["id"]),
        "--json",
    )
    shop.cli(template, "certificate", "fingerprint")
    photos = []
    for i in (1, 2):
        photo = shop.root / f"photo{i}.jpg"
        photo.write_bytes(bytes([i]) * (3 * MiB))
        photos += ["--evidence", str(photo)]
    args = ["destroy", str(record["id"]), "--method", "shred", "--level", "H-5", "--early", "--reason", "agreed"]
    return template, [*args, *photos, "--json"]


def _finish_destroy(shop: Shop, db: Path, args: list[str]) -> str:
    (state,) = set(assert_whole(db, shop.data).values())
    if state == "stored":
        done = cli(db, ["--config", str(shop.config), *args])
        assert done.exit_code == 0, done.stderr
    assert set(assert_whole(db, shop.data).values()) == {"destroyed"}
    return state


def test_a_destroy_killed_at_every_step_leaves_the_record_open_or_certified_and_no_partial_copy(
    shop: Shop,
) -> None:
    template, args = _destroy_template(shop)
    steps = shop.root / "steps.txt"
    counted = shop.run(_copy_db(template, shop.root / "count.db"), *args, steps=steps)
    _out, err = counted.communicate(timeout=300)
    assert counted.returncode == 0, err
    names = steps.read_text().splitlines()
    assert sum("evidence-written" in n for n in names) == 2
    seen = []
    for n in range(1, len(names) + 1):
        db = _copy_db(template, shop.root / f"die{n}.db")
        proc = shop.run(db, *args, die_at=n)
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == DIED, (n, names[n - 1], proc.returncode, err)
        if names[n - 1].endswith("evidence-written"):
            assert list(shop.data.rglob("*.part"))  # it died with a partial copy ...
        _next_start(shop, db)  # ... which the next start removes (assert_whole)
        seen.append(_finish_destroy(shop, db, args))
        shutil.rmtree(shop.data / "evidence")  # the next database starts without this one's copies
    assert seen[0] == "stored" and seen[-1] == "destroyed"


def test_a_destroy_killed_from_outside_while_it_copies_evidence(shop: Shop) -> None:
    template, args = _destroy_template(shop)
    big = shop.root / "big.jpg"
    big.write_bytes(b"\x01" * (200 * MiB))
    args = [*args[:-1], "--evidence", str(big), "--json"]
    for i, moment in enumerate((0.8, 1.5, 2.5)):
        db = _copy_db(template, shop.root / f"kill{i}.db")
        proc = shop.run(db, *args)
        time.sleep(moment)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        _next_start(shop, db)
        _finish_destroy(shop, db, args)
        shutil.rmtree(shop.data / "evidence")


def test_a_destroy_on_a_data_folder_that_fills_leaves_the_record_open_or_certified(
    memdir: Mount, tmp_path: Path
) -> None:
    """The data folder on a small tmpfs: too little room from the start (refused before a copy is made),
    then filled to the last byte at each step of the destruction in turn."""
    shop = Shop(tmp_path, memdir("data", 24 * MiB))
    shop.data.chmod(0o700)
    shop.write_config()
    template, args = _destroy_template(shop)
    steps = shop.root / "steps.txt"
    counted = shop.run(_copy_db(template, shop.data / "count.db"), *args, steps=steps)
    _out, err = counted.communicate(timeout=300)
    assert counted.returncode == 0, err
    (shop.data / "count.db").unlink()
    shutil.rmtree(shop.data / "evidence")
    runs: list[dict[str, int]] = [{"leave": free} for free in (64 << 10, 1 * MiB, 8 * MiB)]
    runs += [{"fill_at": n} for n in range(1, len(steps.read_text().splitlines()) + 1)]
    refused = 0
    for i, run in enumerate(runs):
        db = _copy_db(template, shop.data / f"full{i}.db")
        refused += _run_on_a_filling_disk(shop, db, args, run)
        _finish_destroy(shop, db, args)
        shutil.rmtree(shop.data / "evidence")
        db.unlink()
    assert refused >= 3
