"""Soak benchmark (not a test): N erasing processes and a reader for M minutes on loop devices.
Run as root from the repository:

    .venv/bin/python bench/soak.py [--erasers 3] [--minutes 8] [--size-mib 16]

It mounts its own tmpfs (unmounted at the end) for the loop devices' files, the data folder and the
SQLite database, and attaches one loop device per eraser. Each eraser loops, as a shop would, each
step a real `wipestation` process: a customer's backup registered on its drive, the deletion
requested, the drive erased (`zero`, sampled verification) with its certificate. The reader lists
records, certificates and the pool and verifies the audit log, without pause. At the end it prints the
counts (erasures by outcome, certificates, reads), the gaps in the certificate numbers, the "database
is locked" errors, any record closed without its certificate, the audit log's and SQLite's own checks,
and the peak memory (max RSS) of the erasing processes in the first and in the last minute. Everything
it attached or mounted is detached and unmounted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 1 << 20
LOCKED = "database is locked"


def sh(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


@contextlib.contextmanager
def tmpfs(size_mib: int) -> Iterator[Path]:
    target = Path(tempfile.mkdtemp(prefix="wipestation-soak-"))
    sh("mount", "-t", "tmpfs", "-o", f"size={size_mib}m,mode=0700", "tmpfs", str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)
        target.rmdir()


@contextlib.contextmanager
def loop_devices(folder: Path, count: int, size: int) -> Iterator[list[tuple[str, str]]]:
    """(device, serial) of `count` loop devices over new files in `folder`; detached by name after."""
    attached: list[tuple[str, str]] = []
    try:
        for i in range(count):
            backing = folder / f"soak{i}.img"
            with open(backing, "wb") as fh:
                fh.write(b"\x5a" * size)
            attached.append((sh("losetup", "--find", "--show", str(backing)), f"LOOP-{backing.name}"))
        yield attached
    finally:
        for device, _serial in attached:
            subprocess.run(["losetup", "--detach", device], check=False)


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    outcomes: dict[str, int] = field(default_factory=dict)
    commands: int = 0
    failures: list[str] = field(default_factory=list)
    locked: int = 0
    reads: int = 0
    read_failures: int = 0
    rss_first: list[int] = field(default_factory=list)  # KiB, erasing processes in the first minute
    rss_last: list[tuple[float, int]] = field(default_factory=list)  # (when, KiB)
    lock: threading.Lock = field(default_factory=threading.Lock)


class RusagePopen(subprocess.Popen[str]):
    """Popen that keeps the child's rusage (max RSS) when it is reaped."""

    rusage_maxrss = 0

    def _try_wait(self, wait_flags: int) -> tuple[int, int]:
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid == self.pid:
            self.rusage_maxrss = usage.ru_maxrss
        return (pid, status)


@dataclass(frozen=True)
class Shop:
    db: Path
    config: Path

    def run(self, tally: Tally, *args: str) -> tuple[int, str, str, int]:
        """One `wipestation` process: (exit code, stdout, stderr, max RSS in KiB)."""
        env = {**os.environ, "WIPESTATION_ALLOW_LOOP": "1", "PYTHONPATH": str(ROOT)}
        env.pop("WIPESTATION_DEBUG", None)
        cmd = [sys.executable, "-m", "wipestation.cli", "--db", f"sqlite:///{self.db}", "--config", str(self.config)]
        proc = RusagePopen(
            [*cmd, "--as", "soak", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        out, err = proc.communicate()
        rss = proc.rusage_maxrss
        with tally.lock:
            tally.commands += 1
            tally.locked += err.count(LOCKED)
        return proc.returncode, out, err, rss


def eraser(shop: Shop, tally: Tally, device: str, serial: str, until: float) -> None:
    while time.monotonic() < until:
        code, out, err, _rss = shop.run(tally, "customer", "add", "--name", f"Klant {serial}", "--json")
        if code != 0:
            tally.failures.append(f"customer add: {err.strip()}")
            continue
        customer = json.loads(out)["id"]
        code, out, err, _rss = shop.run(
            tally, "backup", "register", "--device", device, "--customer", str(customer), "--job", "SOAK", "--json"
        )
        if code != 0:
            tally.failures.append(f"backup register {serial}: {err.strip()}")
            continue
        record = json.loads(out)["id"]
        code, out, err, _rss = shop.run(tally, "request-deletion", str(record))
        if code != 0:
            tally.failures.append(f"request-deletion {record}: {err.strip()}")
            continue
        erase = ["erase", device, "--method", "zero", "--verify", "sample", "--confirm", serial, "--json"]
        code, out, err, rss = shop.run(tally, *erase)
        now = time.monotonic()
        outcome = "error"
        if out.strip():
            with contextlib.suppress(ValueError, IndexError):
                final = json.loads(out.strip().splitlines()[-1])
                outcome = final["outcome"] + ("" if final.get("certificate") else " (no certificate)")
        if code != 0:
            tally.failures.append(f"erase {serial}: {err.strip()}")
        with tally.lock:
            tally.outcomes[outcome] = tally.outcomes.get(outcome, 0) + 1
            if now - tally.started < 60:
                tally.rss_first.append(rss)
            tally.rss_last.append((now, rss))


def reader(shop: Shop, tally: Tally, until: float) -> None:
    reads = (["list", "--json"], ["certificate", "list", "--json"], ["pool", "--json"], ["audit", "head"])
    while time.monotonic() < until:
        for args in reads:
            code, _out, err, _rss = shop.run(tally, *args)
            with tally.lock:
                tally.reads += 1
                if code != 0:
                    tally.read_failures += 1
                    tally.failures.append(f"{' '.join(args)}: {err.strip()}")


def report(shop: Shop, tally: Tally, args: argparse.Namespace) -> None:
    conn = sqlite3.connect(shop.db)
    try:
        seqs = [s for (s,) in conn.execute("select seq from certificates order by year, seq")]
        integrity = conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()
    gaps = sorted(set(range(1, max(seqs, default=0) + 1)) - set(seqs))
    code, out, err, _rss = shop.run(tally, "audit", "verify")
    verify = (out + err).strip().splitlines()
    code_owed, out_owed, _err, _rss = shop.run(tally, "certificate", "issue-owed", "--json")
    owed_issued = len(json.loads(out_owed)["issued"]) if code_owed == 0 else -1
    end = max((t for t, _ in tally.rss_last), default=0.0)
    last = [rss for t, rss in tally.rss_last if t >= end - 60]
    print(f"soak: {args.erasers} erasing processes and a reader for {args.minutes} min, {args.size_mib} MiB drives")
    print(f"erasures: {sum(tally.outcomes.values())} " + json.dumps(tally.outcomes, sort_keys=True))
    print(f"certificates: {len(seqs)}, gaps in the numbers: {gaps or 'none'}")
    print(f"reads: {tally.reads} ({tally.read_failures} failed); wipestation processes: {tally.commands}")
    print(f"'{LOCKED}': {tally.locked}")
    print(f"closed records without a certificate (issued by issue-owed now): {owed_issued}")
    print(f"audit verify: exit {code}, {verify[-1] if verify else ''}; sqlite integrity_check: {integrity}")
    first_peak = max(tally.rss_first, default=0) / 1024
    last_peak = max(last, default=0) / 1024
    print(f"peak memory of an erasing process: first minute {first_peak:.1f} MB, last minute {last_peak:.1f} MB")
    for line in tally.failures[:10]:
        print(f"  failure: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--erasers", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=8.0)
    parser.add_argument("--size-mib", type=int, default=16)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("soak: needs root (loop devices, tmpfs)")
    with tmpfs(args.erasers * args.size_mib + 256) as folder:
        data = folder / "data"
        data.mkdir(mode=0o700)
        config = folder / "wipestation.toml"
        config.write_text(f'data_dir = "{data}"\nlanguage = "en"\n')
        shop = Shop(folder / "wipestation.sqlite3", config)
        with loop_devices(folder, args.erasers, args.size_mib * MiB) as devices:
            tally = Tally()
            shop.run(tally, "certificate", "fingerprint")  # the signing key, before the clock starts
            tally = Tally()
            until = time.monotonic() + args.minutes * 60
            threads = [threading.Thread(target=eraser, args=(shop, tally, d, s, until)) for d, s in devices]
            threads.append(threading.Thread(target=reader, args=(shop, tally, until)))
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            report(shop, tally, args)


if __name__ == "__main__":
    main()
