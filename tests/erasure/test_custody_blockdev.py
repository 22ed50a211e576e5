"""Erasing a drive with a backup record: refused while the backup must be kept, then erased,
closed and certified; an abandoned disk keeps its record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.erasure.conftest import blockdev, cli
from tests.erasure.test_blockdev import Mount
from tests.helpers.loop import loop_device
from wipestation.app import Overrides

pytestmark = blockdev
MiB = 1 << 20


class FakeRenderer:
    def prepare(self) -> None:
        pass

    def render(self, data: Any, lang: str) -> bytes:
        return b"%PDF-1.4 fake certificate"

    def verify(self, pdf: bytes) -> Any:
        raise NotImplementedError


def test_backup_drive_refused_until_due_then_erased_closed_and_certified(memdir: Mount, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    obj = Overrides(certificate_renderer=FakeRenderer())
    with loop_device(memdir("m", 32 * MiB), "backup1.img", 8 * MiB, fill=b"\x77") as dev:
        customer = json.loads(cli(db, ["customer", "add", "--name", "A. Klant", "--json"]).stdout)
        reg = cli(
            db, ["backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-1", "--json"]
        )
        assert reg.exit_code == 0, reg.stderr
        record = json.loads(reg.stdout)
        args = ["erase", dev, "--method", "zero", "--confirm", "LOOP-backup1.img", "--json"]
        refused = cli(db, args, obj=obj)
        assert refused.exit_code == 1 and "request-deletion" in refused.stderr
        with open(dev, "rb") as fh:
            assert fh.read(4096) == b"\x77" * 4096
        assert cli(db, ["request-deletion", str(record["id"])]).exit_code == 0
        done = cli(db, args, obj=obj)
        assert done.exit_code == 0, done.stderr
        final = json.loads(done.stdout.strip().splitlines()[-1])
        assert final["outcome"] == "succeeded" and final["record_id"] == record["id"]
        assert isinstance(final["certificate"], str) and final["certificate"]
        shown = json.loads(cli(db, ["show", str(record["id"]), "--json"]).stdout)
        assert shown["state"] == "erased"


def test_abandoned_disk_erasure_keeps_the_record_stored(memdir: Mount, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with loop_device(memdir("m", 32 * MiB), "aband.img", 8 * MiB) as dev:
        customer = json.loads(cli(db, ["customer", "add", "--name", "B", "--json"]).stdout)
        reg = cli(db, ["abandoned", "register", "--device", dev, "--customer", str(customer["id"]), "--json"])
        assert reg.exit_code == 0, reg.stderr
        record = json.loads(reg.stdout)
        args = ["erase", dev, "--method", "zero", "--verify", "none", "--confirm", "LOOP-aband.img", "--json"]
        done = cli(db, args, obj=Overrides(certificate_renderer=FakeRenderer()))
        assert done.exit_code == 0, done.stderr
        final = json.loads(done.stdout.strip().splitlines()[-1])
        assert final["record_id"] == record["id"] and final["verify_result"] == "skipped"
        shown = json.loads(cli(db, ["show", str(record["id"]), "--json"]).stdout)
        assert shown["state"] in ("stored", "due")
