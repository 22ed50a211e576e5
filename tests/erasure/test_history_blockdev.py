"""Erasure history and the resume rule on a real loop device after a real interruption (issue 12,
point 9): `show` (text and --json) lists every erasure of the record's drive and says the last one was
interrupted; a plain rerun resumes it and says so when it starts; `--restart` starts over."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest

from tests.erasure.conftest import blockdev, cli
from tests.erasure.test_blockdev import MiB, Mount, start_erase, wait_for_checkpoint
from tests.helpers.loop import loop_device, writes_throttled

pytestmark = blockdev
SIZE = 1 << 30  # sparse on tmpfs; writes throttled while the erasure is caught in the middle


def _register(db: Path, dev: str) -> int:
    customer = json.loads(cli(db, ["customer", "add", "--name", "D. Historie", "--json"]).stdout)
    reg = cli(db, ["abandoned", "register", "--device", dev, "--customer", str(customer["id"]), "--json"])
    assert reg.exit_code == 0, reg.stderr
    return int(json.loads(reg.stdout)["id"])


def _interrupt(db: Path, dev: str) -> int:
    with writes_throttled(dev, 128_000_000):
        proc = start_erase(db, dev, "LOOP-hist.img")
        wait_for_checkpoint(db, proc)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, err
    assert err.startswith("starting erasure "), err  # the rule is stated when it starts
    final = json.loads(out.strip().splitlines()[-1])
    assert final["outcome"] == "interrupted"
    return int(final["checkpoint_offset"])


def test_show_lists_the_interrupted_erasure_and_a_rerun_resumes_it(memdir: Mount, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with loop_device(memdir("m", SIZE + 64 * MiB), "hist.img", SIZE) as dev:
        record = _register(db, dev)
        empty = json.loads(cli(db, ["show", str(record), "--json"]).stdout)
        assert empty["erasures"] == [] and empty["last_erasure_warning"] is None
        offset = _interrupt(db, dev)
        shown = json.loads(cli(db, ["show", "LOOP-hist.img", "--json"]).stdout)
        [entry] = shown["erasures"]
        assert entry["outcome"] == "interrupted" and entry["method"] == "zero"
        assert entry["checkpoint_offset"] == offset and 0 < entry["bytes_written"] < SIZE
        assert entry["started_at"] and entry["ended_at"] and entry["certificate"] is None
        assert entry["bad_ranges"] == [] and entry["bytes_verified"] == 0
        warning = shown["last_erasure_warning"]
        assert f"the last erasure ({entry['erasure_id']}, zero) was interrupted at" in warning
        assert "of 1.1 GB" in warning and "--restart" in warning
        text = cli(db, ["show", str(record)]).stdout
        assert f"#{entry['erasure_id']} zero interrupted" in text and "checkpoint" in text
        assert "warning   the last erasure" in text

        again = cli(db, ["erase", dev, "--method", "zero", "--confirm", "LOOP-hist.img", "--json"])  # no --resume
        assert again.exit_code == 0, again.stderr
        first = again.stderr.splitlines()[0]
        assert re.fullmatch(
            rf"resuming erasure {entry['erasure_id']} at [\d.]+ [kMG]?B of 1\.1 GB; `--restart` starts over", first
        ), first
        final = json.loads(again.stdout.strip().splitlines()[-1])
        assert final["erasure_id"] == entry["erasure_id"] and final["resumed"] == 1
        assert final["outcome"] == "succeeded" and final["bytes_written"] == SIZE
        after = json.loads(cli(db, ["show", str(record), "--json"]).stdout)
        assert [e["outcome"] for e in after["erasures"]] == ["succeeded"] and after["last_erasure_warning"] is None


def test_restart_starts_over_and_keeps_the_interrupted_one_in_the_history(memdir: Mount, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with loop_device(memdir("m", SIZE + 64 * MiB), "hist.img", SIZE) as dev:
        record = _register(db, dev)
        _interrupt(db, dev)
        args = ["erase", dev, "--method", "zero", "--confirm", "LOOP-hist.img", "--verify", "none", "--json"]
        both = cli(db, [*args, "--resume", "--restart"])
        assert both.exit_code == 2 and "contradict" in both.stderr
        again = cli(db, [*args, "--restart"])
        assert again.exit_code == 0, again.stderr
        assert again.stderr.splitlines()[0] == "starting erasure 2; interrupted erasure 1 is not resumed (--restart)"
        final = json.loads(again.stdout.strip().splitlines()[-1])
        assert final["erasure_id"] == 2 and final["resumed"] == 0 and final["bytes_written"] == SIZE
        shown = json.loads(cli(db, ["show", str(record), "--json"]).stdout)
        assert [(e["erasure_id"], e["outcome"], e["superseded"]) for e in shown["erasures"]] == [
            (1, "interrupted", True),
            (2, "succeeded", False),
        ]
        assert shown["last_erasure_warning"] is None
        # the superseded interrupted erasure is never resumed later
        nothing = cli(db, [*args, "--resume"])
        assert nothing.exit_code == 1 and "no interrupted erasure to resume" in nothing.stderr


@pytest.mark.parametrize("method", ["random"])
def test_an_interrupted_erasure_with_another_method_is_not_resumed_and_says_why(
    memdir: Mount, tmp_path: Path, method: str
) -> None:
    db = tmp_path / "t.db"
    with loop_device(memdir("m", SIZE + 64 * MiB), "hist.img", SIZE) as dev:
        _register(db, dev)
        _interrupt(db, dev)
        other = cli(db, ["erase", dev, "--method", method, "--confirm", "LOOP-hist.img", "--verify", "none", "--json"])
        assert other.exit_code == 0, other.stderr
        assert other.stderr.splitlines()[0] == (
            "starting erasure 2; interrupted erasure 1 is not resumed (it used zero; `--method zero` would resume it)"
        )
