"""A test-only seam: run the `wipestation` command and die (os._exit, as a power cut or kill -9 would
end it) at step N. A step is a boundary the command's work crosses: every transaction's commit, just
before it and just after it, and every evidence copy written but not yet renamed. The product code
knows nothing of this; the hooks are installed from outside, in this process only.

    WIPESTATION_TEST_DIE_AT=N   die at step N (0 or unset: never)
    WIPESTATION_TEST_STEPS=FILE append one line per step ("N name") to FILE
    WIPESTATION_TEST_FILL_AT=N  at step N, fill the file system of WIPESTATION_TEST_FILL (a path on
                                it, the filler file) to the last byte: every later write there fails

Run as `python -m tests.helpers.dying ARGS...` (ARGS as for `wipestation`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

DIED = 137  # the exit status it dies with (128 + SIGKILL, as a kill -9 would)


def main() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    import wipestation.destruction.evidence as destruction  # where the evidence is copied
    from wipestation.cli import main as wipestation

    die_at = int(os.environ.get("WIPESTATION_TEST_DIE_AT") or 0)
    fill_at = int(os.environ.get("WIPESTATION_TEST_FILL_AT") or 0)
    log = os.environ.get("WIPESTATION_TEST_STEPS")
    steps = 0

    def step(name: str) -> None:
        nonlocal steps
        steps += 1
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{steps} {name}\n")
        if steps == die_at:
            os._exit(DIED)
        if steps == fill_at:
            fill(Path(os.environ["WIPESTATION_TEST_FILL"]))

    event.listen(Session, "before_commit", lambda _session: step("before-commit"))
    event.listen(Session, "after_commit", lambda _session: step("after-commit"))
    neutral_name = destruction._neutral_name

    def written(*args: Any) -> str:
        step("evidence-written")
        return neutral_name(*args)

    destruction._neutral_name = written  # type: ignore[assignment]
    wipestation.main(args=sys.argv[1:], prog_name="wipestation")


def fill(filler: Path, leave: int = 0) -> None:
    """Grow `filler` until its file system has `leave` bytes left (or none at all)."""
    info = os.statvfs(filler.parent)
    size = max(0, info.f_bavail * info.f_frsize - leave)
    with open(filler, "ab") as fh:
        try:
            fh.write(b"\0" * size)
            if not leave:
                while fh.write(b"\0" * 4096):  # the last blocks, until the file system says no
                    fh.flush()
        except OSError:
            pass


if __name__ == "__main__":
    main()
