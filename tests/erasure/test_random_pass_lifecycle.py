"""A random pass from start to certificate on real loop devices, under whatever `cryptography` is installed:
written, verified in full, interrupted and resumed, and an internal error recorded as a failure.

These are in the newest-versions check of .ci/run (`scripts/drift-check`, marker `drift`): cryptography 51
refused the in-place XOR the verification used (undefined in OpenSSL), and every verified random
erasure of a fresh install failed at its end. Each test here fails on that code under cryptography 51.
"""

from __future__ import annotations

import json
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.erasure.conftest import blockdev, cli, read_device
from tests.erasure.test_blockdev import start_erase, wait_for_checkpoint
from tests.helpers.loop import loop_device, writes_throttled
from wipestation.app import Overrides
from wipestation.common.errors import ExitCode
from wipestation.erasure.engine import OpenedDevice
from wipestation.erasure.verify import SamplePlan

pytestmark = [*blockdev, pytest.mark.drift]
MiB = 1 << 20
Mount = Callable[[str, int], Path]


def _erasures(db: Path) -> list[tuple[str, str | None, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select outcome, verify_result, error from erasures order by id").fetchall()


@pytest.mark.parametrize("method", ["random", "dod-3pass"])
def test_a_random_pass_verified_in_full_succeeds(memdir: Mount, tmp_path: Path, method: str) -> None:
    size = 24 * MiB + 4096  # not a whole number of units or chunks: the last piece is short
    db = tmp_path / "t.db"
    with loop_device(memdir("m", 64 * MiB), "r.img", size, fill=b"\x5a") as dev:
        result = cli(db, ["erase", dev, "--method", method, "--verify", "full", "--confirm", "LOOP-r.img", "--json"])
        assert result.exit_code == 0, result.stderr
        final = json.loads(result.stdout.strip().splitlines()[-1])
        assert (final["outcome"], final["verify_result"], final["bytes_verified"]) == ("succeeded", "passed", size)
        data = read_device(dev)
    assert b"\x5a" * 4096 not in data and bytes(4096) not in data  # random bytes everywhere, nothing left over
    assert result.stderr.count("\n") <= 1  # the start line at most: no library warning


def test_a_random_pass_interrupted_then_resumed_is_verified(memdir: Mount, tmp_path: Path) -> None:
    size = 512 * MiB
    db = tmp_path / "t.db"
    with loop_device(memdir("m", size + 64 * MiB), "big.img", size) as dev:
        with writes_throttled(dev, 128_000_000):  # caught mid-pass (see test_interrupted_then_resumed_to_success)
            proc = start_erase(db, dev, "LOOP-big.img", "--verify", "full", method="random")
            wait_for_checkpoint(db, proc)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        assert proc.returncode == ExitCode.ERASE_FAILED, err
        assert json.loads(out.strip().splitlines()[-1])["outcome"] == "interrupted"
        again = cli(db, ["erase", dev, "--method", "random", "--confirm", "LOOP-big.img", "--resume", "--json"])
        assert again.exit_code == 0, again.stderr
        final = json.loads(again.stdout.strip().splitlines()[-1])
        assert (final["outcome"], final["resumed"], final["verify_result"]) == ("succeeded", 1, "passed")
        assert final["bytes_written"] == size and final["bytes_verified"] == size
    assert [row[0] for row in _erasures(db)] == ["succeeded"]  # the same erasure, resumed
    with sqlite3.connect(db) as conn:
        actions = [r[0] for r in conn.execute("select action from audit_events order by id")]
    assert "erasure.interrupted" in actions and actions[-1] == "erasure.succeeded"


def test_an_internal_error_fails_the_erasure_with_its_own_exit_code(memdir: Mount, tmp_path: Path) -> None:
    """A defect (here: an exception no part of wipestation expects, raised between writing and verifying)
    ends the command with the internal error's exit code and one line; the erasure is recorded as failed
    with the error, not as interrupted (resumable) nor as a refusal, and the next erasure starts over."""

    def defect(opened: OpenedDevice, plan: SamplePlan | None) -> None:
        raise RuntimeError("an unexpected state")

    size = 8 * MiB
    db = tmp_path / "t.db"
    with loop_device(memdir("m", 32 * MiB), "i.img", size) as dev:
        args = ["erase", dev, "--method", "random", "--verify", "full", "--confirm", "LOOP-i.img"]
        result = cli(db, args, obj=Overrides(erase_before_verify=defect))
        assert result.exit_code == ExitCode.INTERNAL and int(ExitCode.INTERNAL) == 70, result.stderr
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("error: internal error (RuntimeError: an unexpected state)"), lines
        assert "Traceback" not in result.stderr
        assert _erasures(db) == [("failed", None, "internal error (RuntimeError: an unexpected state)")]
        resume = cli(db, [*args, "--resume"])
        assert resume.exit_code == ExitCode.RULES and "no interrupted erasure" in resume.stderr, resume.stderr
        again = cli(db, args)
        assert again.exit_code == 0, again.stderr
    assert [row[0] for row in _erasures(db)] == ["failed", "succeeded"]
