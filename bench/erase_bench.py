# ruff: noqa: E501
"""Erasure engine benchmark (not a test). Run as root from the repository:

    .venv/bin/python bench/erase_bench.py [--size-mib 1024] [--repeat 3]

Devices: a loop device over a file on a tmpfs this script mounts (memory-backed) and one over a
file on disk attached with `losetup --direct-io=on`; each filled once before timing. Compared in the
same run: our zero / random passes and full verify against `dd` write / read (4 MiB, direct I/O),
and nwipe (zero and its fastest PRNG) where installed; max RSS of a real `wipestation erase`;
two drives at once against one, on the tmpfs as it is (where the CPUs copying into tmpfs are the
shared limit) and with each drive's writes limited by a blkio cgroup (drives with speeds of their
own, as real ones have). Everything it attached, mounted or created is detached, unmounted, removed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wipestation.erasure.blockio import OsBlockOpener
from wipestation.erasure.engine import OverwriteEngine, OverwriteJob
from wipestation.erasure.methods import METHODS
from wipestation.erasure.patterns import new_key

MiB = 1 << 20


def sh(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def best(fn: Callable[[], float], repeat: int) -> float:
    return min(fn() for _ in range(repeat))


def interleaved(fns: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Time every function once per round, in turn, so that drift on a shared machine hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            times[name].append(fn())
    return times


def paired(times: dict[str, list[float]], ours_name: str, ref_name: str) -> float:
    """The median over rounds of (reference time / our time): > 1 means faster than the reference."""
    return statistics.median(ref / mine for ref, mine in zip(times[ref_name], times[ours_name], strict=True))


def timed(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - t


def dd_write(dev: str, size: int) -> float:
    return timed(["dd", "if=/dev/zero", f"of={dev}", "bs=4M", f"count={size // (4 * MiB)}", "oflag=direct"])


def dd_read(dev: str, size: int) -> float:
    return timed(["dd", f"if={dev}", "of=/dev/null", "bs=4M", f"count={size // (4 * MiB)}", "iflag=direct"])


def ours(dev: str, size: int, method: str, *, verify_only: bool = False, key: bytes | None = None) -> float:
    """Time one pass of `method` (verify none), or only the full verification of what is there."""
    passes = METHODS[method].passes
    engine = OverwriteEngine(OsBlockOpener(), reidentify=lambda: None)
    job = OverwriteJob(
        dev,
        size,
        passes,
        key or new_key(),
        "full" if verify_only else "none",
        "s",
        start_pass=len(passes) if verify_only else 0,
    )
    with engine.open(dev, size) as opened:
        t = time.perf_counter()
        result = engine.run(opened, job)
        elapsed = time.perf_counter() - t
    if result.outcome != "succeeded":
        raise RuntimeError(f"{method} on {dev}: {result.outcome} {result.error}")
    return elapsed


def cpu_times() -> tuple[int, int]:
    """(all, idle + iowait) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]


def with_cpu(fn: Callable[[], float]) -> tuple[float, float]:
    """fn's time and how many CPUs the whole machine kept busy meanwhile (kernel loop workers count)."""
    total0, idle0 = cpu_times()
    elapsed = fn()
    total1, idle1 = cpu_times()
    busy = 1 - (idle1 - idle0) / max(1, total1 - total0)
    return elapsed, busy * (os.cpu_count() or 1)


BLKIO = Path("/sys/fs/cgroup/blkio")


@contextlib.contextmanager
def throttled(devs: list[str], bytes_per_second: int) -> Iterator[bool]:
    """Run the body with this process in a blkio cgroup (v1) that limits writes to each of `devs`
    (our own loop devices) to bytes_per_second: every device then has a speed of its own, as real
    drives do, and neither the shared tmpfs nor the CPU is what two drives at once compete for.
    Yields False (and throttles nothing) where the kernel offers no blkio throttling."""
    if not (BLKIO / "blkio.throttle.write_bps_device").exists():
        yield False
        return
    home = next(
        (
            line.split(":", 2)[2].strip()
            for line in Path("/proc/self/cgroup").read_text().splitlines()
            if line.split(":")[1] == "blkio"
        ),
        "/",
    )
    group = BLKIO / f"wipestation-bench-{os.getpid()}"
    group.mkdir()
    try:
        for dev in devs:
            majmin = Path(f"/sys/block/{Path(dev).name}/dev").read_text().strip()
            (group / "blkio.throttle.write_bps_device").write_text(f"{majmin} {bytes_per_second}")
        (group / "cgroup.procs").write_text(str(os.getpid()))
        yield True
    finally:
        (BLKIO / home.lstrip("/") / "cgroup.procs").write_text(str(os.getpid()))
        group.rmdir()


def nwipe(dev: str, method: str, log: Path) -> float | None:
    if shutil.which("nwipe") is None:
        return None
    args = ["nwipe", "--autonuke", "--nogui", "--nowait", "--noblank", "--verify=off", f"--method={method}"]
    if method == "random":
        args.append("--prng=isaac64")
    return timed([*args, f"--logfile={log}", dev])


def concurrent(devs: list[str], size: int, method: str) -> float:
    errors: list[BaseException] = []

    def work(dev: str) -> None:
        try:
            ours(dev, size, method)
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d,)) for d in devs]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - t


def cli_rss(dev: str, db: Path, serial: str, method: str) -> tuple[float, int, float]:
    """Wall time, max RSS (KiB) and start-up of a real `wipestation erase` (verify none)."""
    env = {**os.environ, "WIPESTATION_ALLOW_LOOP": "1"}
    code = "from wipestation.cli import main; main()"
    args = [sys.executable, "-c", code, "--db", f"sqlite:///{db}", "erase", dev, "--method", method]
    args += ["--verify", "none", "--confirm", serial, "--json"]
    t = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise RuntimeError(err.decode())
    startup_args = [sys.executable, "-c", code, "--db", f"sqlite:///{db}", "methods", dev, "--json"]
    t = time.perf_counter()
    done = subprocess.run(startup_args, env=env, capture_output=True, text=True, check=False)
    startup = time.perf_counter() - t
    if done.returncode != 0:
        print(f"  (start-up probe failed: {done.stderr.strip()})")
    return elapsed, rss, startup


def gbps(size: int, seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{size / seconds / 1e9:6.2f} GB/s"


def ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None else f"{b / a:5.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--disk-size-mib", type=int, default=512)
    parser.add_argument("--nwipe-size-mib", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=5, help="rounds (interleaved) / repetitions")
    parser.add_argument("--disk-dir", default="/var/tmp")
    parser.add_argument("--throttle-mb-s", type=int, default=1000, help="per-drive write limit, two-drive test")
    parser.add_argument("--throttle-size-mib", type=int, default=512)
    opts = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (losetup, mount)")
    size = opts.size_mib * MiB
    disk_size = opts.disk_size_mib * MiB
    nw_size = opts.nwipe_size_mib * MiB
    work = Path(tempfile.mkdtemp(prefix="erase-bench-"))
    memdir = work / "mem"
    memdir.mkdir()
    disk_tmp = Path(tempfile.mkdtemp(prefix="erase-bench-", dir=opts.disk_dir))
    loops: list[str] = []
    mounted = False
    results: dict[str, object] = {}
    try:
        thr_size = opts.throttle_size_mib * MiB
        sh("mount", "-t", "tmpfs", "-o", f"size={2 * size + nw_size + 2 * thr_size + 64 * MiB}", "tmpfs", str(memdir))
        mounted = True

        def device(path: Path, n: int, direct: bool = False) -> str:
            with open(path, "wb") as fh:
                fh.truncate(n)
            args = ["losetup", "--find", "--show"] + (["--direct-io=on"] if direct else []) + [str(path)]
            dev = sh(*args)
            loops.append(dev)
            dd_write(dev, n)  # fill once: a sparse file allocates on first write
            return dev

        mem_a = device(memdir / "a.img", size)
        mem_b = device(memdir / "b.img", size)
        mem_n = device(memdir / "nwipe.img", nw_size)
        thr_a = device(memdir / "throttled-a.img", thr_size)
        thr_b = device(memdir / "throttled-b.img", thr_size)
        disk = device(disk_tmp / "disk.img", disk_size, direct=True)
        print(
            f"devices: tmpfs {mem_a} {mem_b} ({opts.size_mib} MiB), nwipe {mem_n} ({opts.nwipe_size_mib} MiB), "
            f"disk {disk} ({opts.disk_size_mib} MiB, direct-io, in {disk_tmp})"
        )
        r = opts.repeat
        for label, dev, n in (("tmpfs", mem_a, size), ("disk", disk, disk_size)):
            writes = interleaved(
                {
                    "dd_write": partial(dd_write, dev, n),
                    "zero": partial(ours, dev, n, "zero"),
                    "random": partial(ours, dev, n, "random"),
                },
                r,
            )
            ours(dev, n, "zero")
            reads_zero = interleaved(
                {
                    "dd_read": partial(dd_read, dev, n),
                    "verify_zero": partial(ours, dev, n, "zero", verify_only=True),
                },
                r,
            )
            key = new_key()
            ours(dev, n, "random", key=key)
            reads_random = interleaved(
                {
                    "dd_read": partial(dd_read, dev, n),
                    "verify_random": partial(ours, dev, n, "random", verify_only=True, key=key),
                },
                r,
            )
            row = {
                "rounds": {
                    **writes,
                    "verify_zero": reads_zero["verify_zero"],
                    "verify_random": reads_random["verify_random"],
                    "dd_read": reads_zero["dd_read"] + reads_random["dd_read"],
                },
                "ratio_zero": paired(writes, "zero", "dd_write"),
                "ratio_random": paired(writes, "random", "dd_write"),
                "ratio_verify_zero": paired(reads_zero, "verify_zero", "dd_read"),
                "ratio_verify_random": paired(reads_random, "verify_random", "dd_read"),
            }
            results[label] = row
            rate = {name: gbps(n, min(ts)) for name, ts in row["rounds"].items()}  # type: ignore[attr-defined]
            print(f"\n[{label}] {n // MiB} MiB, {r} interleaved rounds; best rate, median ratio of the rounds")
            print(f"  dd write (zero, 4M, oflag=direct)  {rate['dd_write']}")
            print(f"  ours zero                          {rate['zero']}   ratio vs dd write {row['ratio_zero']:5.2f}x")
            print(
                f"  ours random (AES-256-CTR)          {rate['random']}   ratio vs dd write {row['ratio_random']:5.2f}x"
            )
            print(f"  dd read (4M, iflag=direct)         {rate['dd_read']}")
            print(
                f"  ours full verify, zero pass        {rate['verify_zero']}   ratio vs dd read "
                f"{row['ratio_verify_zero']:5.2f}x"
            )
            print(
                f"  ours full verify, random pass      {rate['verify_random']}   ratio vs dd read "
                f"{row['ratio_verify_random']:5.2f}x"
            )
        print(f"\n[nwipe 0.33 where installed] tmpfs {nw_size // MiB} MiB")
        nw_zero = nwipe(mem_n, "zero", work / "nwipe.log")
        nw_rand = nwipe(mem_n, "random", work / "nwipe.log")
        dd_small = best(lambda: dd_write(mem_n, nw_size), r)
        print(
            f"  dd write {gbps(nw_size, dd_small)}; nwipe zero {gbps(nw_size, nw_zero)} "
            f"({ratio(nw_zero, dd_small)} of dd); nwipe random isaac64 {gbps(nw_size, nw_rand)} ({ratio(nw_rand, dd_small)} of dd)"
        )
        z = min(results["tmpfs"]["rounds"]["zero"])  # type: ignore[index]
        rr = min(results["tmpfs"]["rounds"]["random"])  # type: ignore[index]
        print(
            f"  ours zero vs nwipe zero: {ratio(z * nw_size / size, nw_zero)}; ours random vs nwipe random: "
            f"{ratio(rr * nw_size / size, nw_rand)}"
        )
        cpus = os.cpu_count() or 1
        print(
            f"\n[two drives at once] tmpfs, throughput of both / one ({r} interleaved rounds, medians); CPUs busy"
            f" machine-wide (of {cpus}): on a memory-backed loop the kernel's copy into tmpfs is the backing"
            f" store's work, so where one drive already keeps the CPUs busy, {cpus} / busy is the most two can gain"
        )
        two_drives: dict[str, object] = {}
        for method in ("zero", "random"):
            runs: dict[str, list[tuple[float, float]]] = {"one": [], "two": []}
            for _ in range(r):
                runs["one"].append(with_cpu(partial(ours, mem_a, size, method)))
                runs["two"].append(with_cpu(partial(concurrent, [mem_a, mem_b], size, method)))
            one = statistics.median(t for t, _ in runs["one"])
            two = statistics.median(t for t, _ in runs["two"])
            busy_one = statistics.median(c for _, c in runs["one"])
            busy_two = statistics.median(c for _, c in runs["two"])
            speedup = 2 * one / two
            ceiling = min(2.0, cpus / busy_one)
            two_drives[method] = {"one": runs["one"], "two": runs["two"], "speedup": speedup, "cpu_ceiling": ceiling}
            print(
                f"  {method:6}: one {gbps(size, one)} ({busy_one:.1f} CPUs busy), two {gbps(2 * size, two)}"
                f" ({busy_two:.1f} CPUs busy), speed-up {speedup:4.2f}x; CPU ceiling {ceiling:4.2f}x,"
                f" reached {speedup / ceiling:4.0%} of it"
            )
        results["two_drives"] = two_drives
        limit = opts.throttle_mb_s * 1_000_000
        print(
            f"\n[two drives at once, each limited to {opts.throttle_mb_s} MB/s] tmpfs {opts.throttle_size_mib} MiB each,"
            f" writes throttled per device by a blkio cgroup (a drive's own speed), {r} interleaved rounds, medians"
        )
        with throttled([thr_a, thr_b], limit) as active:
            if not active:
                print("  skipped: this kernel offers no blkio (cgroup v1) throttling")
            else:
                limited: dict[str, object] = {}
                for method in ("zero", "random"):
                    times = interleaved(
                        {
                            "one": partial(ours, thr_a, thr_size, method),
                            "two": partial(concurrent, [thr_a, thr_b], thr_size, method),
                        },
                        r,
                    )
                    speedup = 2 * statistics.median(times["one"]) / statistics.median(times["two"])
                    limited[method] = {**times, "speedup": speedup}
                    print(
                        f"  {method:6}: one {gbps(thr_size, statistics.median(times['one']))},"
                        f" two {gbps(2 * thr_size, statistics.median(times['two']))}, speed-up {speedup:4.2f}x"
                    )
                results["two_drives_throttled"] = limited
        print("\n[memory] a real `wipestation erase --method random` on the tmpfs device")
        elapsed, rss, startup = cli_rss(mem_a, work / "bench.db", f"LOOP-{Path('a.img')}", "random")
        print(
            f"  wall {elapsed:.2f} s for {size // MiB} MiB; max RSS {rss / 1024:.1f} MB; start-up ({'methods'} command) {startup:.2f} s"
        )
        print("\n" + json.dumps({"results": results}, default=str))
    finally:
        for dev in loops:
            subprocess.run(["losetup", "--detach", dev], check=False)
        if mounted:
            subprocess.run(["umount", str(memdir)], check=False)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(disk_tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
