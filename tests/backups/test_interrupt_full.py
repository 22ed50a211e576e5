"""Interrupted (SIGTERM, kill -9) and resumed; a pool drive that fills up keeps nothing half-written."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backups.conftest import Shop, blockdev, fill_tree, pool_drive, tree_hashes

pytestmark = blockdev
MiB = 1 << 20


def _big_tree(root: Path, files: int, size: int) -> None:
    root.mkdir()
    rnd = random.Random(7)
    for i in range(files):
        (root / f"deel-{i}.bin").write_bytes(rnd.randbytes(size))


def _spawn(shop: Shop, *args: str) -> subprocess.Popen[str]:
    (shop.root / "shop.toml").write_text('[shop]\nname = "Testwinkel"\ncontact = "winkel@example.nl"\n')
    env = {
        **os.environ,
        "WIPESTATION_ALLOW_LOOP": "1",
        "WIPESTATION_CONFIG": str(shop.root / "shop.toml"),
        "WIPESTATION_DATA_DIR": str(shop.data),
        "WIPESTATION_LANG": "en",
    }
    command = [sys.executable, "-m", "wipestation.cli", "--db", shop.url, "--as", "tester", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("how", ["sigterm", "kill9"])
def test_interrupted_then_resumed(sqlite_shop: Shop, loops: list[str], tmp_path: Path, how: str) -> None:
    shop = sqlite_shop
    pool_drive(shop, loops, size=192 * MiB)
    customer = shop.ok("customer", "add", "--name", "Onderbroken")["id"]
    src = tmp_path / "src"
    _big_tree(src, 4, 36 * MiB)  # a pack is sealed after each file (32 MiB a pack)
    args = ["backup", "make", "--from", str(src), "--customer", str(customer), "--job", "R-int", "--json"]
    proc = _spawn(shop, *args)
    assert proc.stdout is not None
    for line in proc.stdout:  # the first pack is sealed: stop the process right there
        if json.loads(line).get("bytes_done", 0) >= 36 * MiB:
            proc.send_signal(signal.SIGSTOP)
            break
    proc.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
    proc.send_signal(signal.SIGCONT)
    _rest, err = proc.communicate(timeout=60)
    if how == "sigterm":
        assert proc.returncode == 1 and "run the same command again" in err, err
    else:
        assert proc.returncode == -signal.SIGKILL
    assert shop.ok("list", "--kind", "backup") == []  # nothing half-written is a backup
    before = _objects(shop)

    assert len(before) == 1 and len(before[0]) >= 2  # the journal and at least the sealed first pack
    made = shop.ok(*args[:-1])
    assert made["files"] == 4 and made["bytes"] == 4 * 36 * MiB
    after = _objects(shop)
    assert len(after) == 1 and after[0][: len(before[0])] == before[0]  # the same backup, continued
    # journal + manifest + the 4 packs (+ the one cut short by the interruption): the sealed pack was kept
    assert len(after[0]) - 2 <= 5, (before, after)
    assert len(set(after[0])) == len(after[0])
    out = tmp_path / "out"
    out.mkdir()
    shop.ok("backup", "restore", str(made["id"]), "--to", str(out))
    assert tree_hashes(out) == tree_hashes(src)


def _objects(shop: Shop) -> list[list[str]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(shop.url)
    with engine.begin() as conn:
        rows = [
            json.loads(r[0]) if isinstance(r[0], str) else r[0]
            for r in conn.execute(text("SELECT objects FROM backup_sets"))
        ]
    engine.dispose()
    return rows


def test_a_full_pool_drive_keeps_nothing(sqlite_shop: Shop, loops: list[str], tmp_path: Path) -> None:
    shop = sqlite_shop
    device = pool_drive(shop, loops)  # 64 MiB: about 60 MiB of data
    first = shop.ok("customer", "add", "--name", "Eerste")["id"]
    second = shop.ok("customer", "add", "--name", "Tweede")["id"]
    small = tmp_path / "small"
    fill_tree(small, b"KLEIN-MARKER", extras=False)
    kept = shop.ok("backup", "make", "--from", str(small), "--customer", str(first), "--job", "R-a")
    big = tmp_path / "big"
    _big_tree(big, 3, 30 * MiB)
    line = shop.refused(1, "backup", "make", "--from", str(big), "--customer", str(second), "--job", "R-b")
    assert "is full" in line and "nothing of this backup was kept" in line
    assert [r["id"] for r in shop.ok("list", "--kind", "backup")] == [kept["id"]]
    # the first backup still restores, and the pool has room again for it
    out = tmp_path / "out"
    out.mkdir()
    shop.ok("backup", "restore", str(kept["id"]), "--to", str(out))
    assert tree_hashes(out) == tree_hashes(small)
    again = shop.ok("backup", "make", "--from", str(small), "--customer", str(second), "--job", "R-c")
    assert again["serial"] == kept["serial"] and device
