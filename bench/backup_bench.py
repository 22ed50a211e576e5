"""Backups made by wipestation against `tar | age` and `restic backup`, on the same trees in the same run
(a benchmark, not a test; issue 27, docs/backups.md).

    sudo .venv/bin/python bench/backup_bench.py [--large-mib 256] [--small-files 20000] [--dir /var/tmp]

Needs root (a loop device as the pool drive, erased whole and prepared), Debian's `age` and `restic`.
Two trees: 4 files of --large-mib MiB (random), and --small-files files of 1-64 KiB in 200 folders.
For each: `backup make`, `backup restore` and `backup check` (whole processes, start-up included), then
`tar -cf - T | age -r R > F`, `age -d F | tar -x`, `restic backup T` (new repository) and
`restic restore latest`; it prints the seconds, our time divided by the faster reference's (below 1:
faster), and the peak memory (max RSS) of each of our processes.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MiB = 1 << 20
PY = sys.executable


def _timed(args: list[str], env: dict[str, str], *, shell: bool = False) -> tuple[float, float]:
    """(seconds, max RSS in MB) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args if not shell else " ".join(args), env=env, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0,):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(args)}: {err.strip()}")
    return seconds, usage.ru_maxrss / 1024


def _large(root: Path, mib: int) -> None:
    root.mkdir()
    for i in range(4):
        with open(root / f"groot-{i}.bin", "wb") as fh:
            for _ in range(mib):
                fh.write(os.urandom(MiB))


def _small(root: Path, count: int) -> None:
    rnd = random.Random(27)
    root.mkdir()
    for i in range(count):
        folder = root / f"map-{i % 200:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"bestand-{i}.dat").write_bytes(rnd.randbytes(rnd.randint(1024, 64 * 1024)))


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large-mib", type=int, default=256)
    parser.add_argument("--small-files", type=int, default=20_000)
    parser.add_argument("--dir", default="/var/tmp")
    opts = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root: a loop device is the pool drive")
    for tool in ("age", "age-keygen", "restic", "tar"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (scripts/setup --test)")
    work = Path(tempfile.mkdtemp(prefix="backup-bench-", dir=opts.dir))
    loop = ""
    try:
        trees = {"large": work / "large", "small": work / "small"}
        _large(trees["large"], opts.large_mib)
        _small(trees["small"], opts.small_files)
        total = sum(_tree_bytes(t) for t in trees.values())
        env = {
            **os.environ,
            "WIPESTATION_ALLOW_LOOP": "1",
            "WIPESTATION_DATA_DIR": str(work / "data"),
            "WIPESTATION_CONFIG": str(work / "shop.toml"),
            "RESTIC_PASSWORD": "bench",
        }
        (work / "shop.toml").write_text('[shop]\nname = "Bench"\ncontact = "bench@example.nl"\n')
        image = work / f"bench-{os.getpid()}.img"
        with open(image, "wb") as fh:
            fh.truncate(total * 2 + 512 * MiB)
        loop = subprocess.run(["losetup", "--find", "--show", str(image)], capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
        ws = [PY, "-m", "wipestation.cli", "--db", f"sqlite:///{work / 'ws.sqlite3'}"]
        run: Callable[..., tuple[float, float]] = lambda *a: _timed([*ws, *a], env)  # noqa: E731
        serial = f"LOOP-{image.name}"
        run("erase", loop, "--method", "zero", "--verify", "none", "--confirm", serial)  # fills the file too
        run("pool", "prepare", loop, "--confirm", serial)
        run("customer", "add", "--name", "Bench")
        subprocess.run(["age-keygen", "-o", str(work / "id.txt")], capture_output=True, check=True)
        recipient = subprocess.run(["age-keygen", "-y", str(work / "id.txt")], capture_output=True, text=True,
                                   check=True).stdout.strip()  # fmt: skip
        print(f"trees: large {_tree_bytes(trees['large']) / MiB:.0f} MiB in 4 files; small "
              f"{_tree_bytes(trees['small']) / MiB:.0f} MiB in {opts.small_files} files")  # fmt: skip
        print(f"{'tree':6} {'step':8} {'ours s':>8} {'tar|age s':>10} {'restic s':>9} {'ratio':>6} {'our RSS MB':>11}")
        for record, (name, tree) in enumerate(trees.items(), start=1):
            _one(work, name, tree, record, run, env, recipient)
    finally:
        if loop:
            subprocess.run(["losetup", "--detach", loop], check=False)
        shutil.rmtree(work, ignore_errors=True)


def _one(
    work: Path, name: str, tree: Path, record: int, run: Callable[..., tuple[float, float]], env: dict[str, str],
    recipient: str,
) -> None:  # fmt: skip
    for d in ("ours", "age", "restic"):
        (work / f"{name}-{d}-out").mkdir()
    make = run("backup", "make", "--from", str(tree), "--customer", "1", "--job", f"B-{name}")
    restore = run("backup", "restore", str(record), "--to", str(work / f"{name}-ours-out"))
    check = run("backup", "check", str(record), "--against", str(work / f"{name}-ours-out"))
    out = work / f"{name}.age"
    tar_age = _timed(["tar", "-cf", "-", "-C", str(tree), ".", "|", "age", "-r", recipient, ">", str(out)], env,
                     shell=True)  # fmt: skip
    age_restore = _timed(["age", "-d", "-i", str(work / "id.txt"), str(out), "|", "tar", "-xf", "-", "-C",
                          str(work / f"{name}-age-out")], env, shell=True)  # fmt: skip
    repo = work / f"{name}-restic"
    _timed(["restic", "init", "--repo", str(repo)], env)
    restic = _timed(["restic", "backup", "--repo", str(repo), str(tree)], env)
    restic_restore = _timed(["restic", "restore", "latest", "--repo", str(repo), "--target",
                             str(work / f"{name}-restic-out")], env)  # fmt: skip
    rows = [
        ("make", make, tar_age, restic),
        ("restore", restore, age_restore, restic_restore),
        ("check", check, None, None),
    ]
    for step, ours, ref_a, ref_r in rows:
        faster = min(r[0] for r in (ref_a, ref_r) if r is not None) if ref_a or ref_r else None
        ratio = f"{ours[0] / faster:.2f}" if faster else "-"
        a = f"{ref_a[0]:.2f}" if ref_a else "-"
        r = f"{ref_r[0]:.2f}" if ref_r else "-"
        print(f"{name:6} {step:8} {ours[0]:8.2f} {a:>10} {r:>9} {ratio:>6} {ours[1]:11.1f}")
    # GNU tar skips reading when it writes to /dev/null itself: through a pipe it reads everything
    tree_read = _timed(["tar", "-cf", "-", "-C", str(tree), ".", "|", "cat", ">", "/dev/null"], env, shell=True)
    print(f"{name:6} {'read':8} {'':8} (reading the tree once: tar -cf - | cat > /dev/null {tree_read[0]:.2f} s)")


if __name__ == "__main__":
    main()
