"""The full path on a real loop device: a backup drive is erased, its health is read after the
erasure ("unknown": a loop device has no SMART) and recorded, and the pool shows it available with
one erasure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.erasure.conftest import blockdev, cli
from tests.erasure.test_custody_blockdev import FakeRenderer
from tests.helpers.loop import loop_device
from wipestation.app import Overrides

pytestmark = blockdev
MiB = 1 << 20
Mount = Callable[[str, int], Path]


def test_erase_a_backup_drive_then_health_unknown_and_the_pool_has_it_back(memdir: Mount, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    obj = Overrides(certificate_renderer=FakeRenderer())
    with loop_device(memdir("m", 32 * MiB), "pool1.img", 8 * MiB, fill=b"\x42") as dev:
        customer = json.loads(cli(db, ["customer", "add", "--name", "B. Klant", "--json"]).stdout)
        reg = cli(
            db, ["backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-1", "--json"]
        )
        assert reg.exit_code == 0, reg.stderr
        record = json.loads(reg.stdout)
        (before,) = json.loads(cli(db, ["pool", "--json"]).stdout)
        assert (before["serial"], before["state"], before["erase_count"]) == ("LOOP-pool1.img", "holding", 0)
        assert cli(db, ["request-deletion", str(record["id"])]).exit_code == 0
        done = cli(
            db,
            ["erase", dev, "--method", "zero", "--verify", "sample", "--confirm", "LOOP-pool1.img", "--json"],
            obj=obj,
        )
        assert done.exit_code == 0, done.stderr
        final = json.loads(done.stdout.strip().splitlines()[-1])
        assert final["outcome"] == "succeeded" and final["certificate"] and final["health"] == "unknown"
        with open(dev, "rb") as fh:
            assert fh.read() == bytes(8 * MiB)
        health = json.loads(cli(db, ["health", dev, "--json"]).stdout)
        assert health["verdict"] == "unknown" and health["reasons"] == ["a loop device has no SMART"]
    (after,) = json.loads(cli(db, ["pool", "--json"]).stdout)
    assert (after["state"], after["erase_count"], after["health"]) == ("available", 1, "unknown")
    assert after["last_erased_at"] and after["health_at"] and after["record_id"] is None
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(text("select verdict, erasure_id, reasons from drive_health order by id")).all()
        cert = json.loads(conn.execute(text("select data from certificates")).scalar_one())
    engine.dispose()
    assert rows[0][:2] == ("unknown", final["erasure_id"]) and json.loads(rows[0][2]) == ["a loop device has no SMART"]
    assert cert["erasure"]["health"].startswith("health unknown; a loop device has no SMART")
