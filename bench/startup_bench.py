"""Start-up of the command line against a bare interpreter, measured in one run.

    .venv/bin/python bench/startup_bench.py [REPEAT]

Runs `python -c pass`, `wipestation --version`, `--help`, `due`, `list` and `show 1` (against a
throw-away SQLite store created before timing) REPEAT times each (default 15) in interleaved rounds and
prints the median wall time of each and its excess over the bare interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

CASES: list[tuple[str, list[str]]] = [
    ("python -c pass", ["-c", "pass"]),
    ("--version", ["-m", "wipestation.cli", "--version"]),
    ("--help", ["-m", "wipestation.cli", "--help"]),
    ("due", ["-m", "wipestation.cli", "due"]),
    ("list", ["-m", "wipestation.cli", "list"]),
    ("show 1", ["-m", "wipestation.cli", "show", "1"]),
]


def _time(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, WIPESTATION_DATA_DIR=tmp)
        subprocess.run([sys.executable, "-m", "wipestation.cli", "list"], env=env, check=True, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name, _ in CASES}
        for _ in range(repeat):
            for name, args in CASES:
                times[name].append(_time(args, env))
    bare = statistics.median(times["python -c pass"])
    print(f"{'command':<16} {'median s':>9} {'over bare':>10}")
    for name, _ in CASES:
        median = statistics.median(times[name])
        print(f"{name:<16} {median:9.3f} {median - bare:+10.3f}")


if __name__ == "__main__":
    main()
