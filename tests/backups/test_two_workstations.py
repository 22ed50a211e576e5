"""Two workstations on one database: a backup made on A is restored, checked and erased on B. The keys
travel with the pool drive; B needs only the shop's backup key (copied like the signing key)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.backups.conftest import Shop, blockdev, fill_tree, pool_drive, tree_hashes

pytestmark = blockdev


def test_make_on_a_restore_and_erase_on_b(shop: Shop, loops: list[str], tmp_path: Path) -> None:
    a = shop
    b = Shop(tmp_path / "werkplek-b", a.url)
    b.root.mkdir()
    pool_drive(a, loops)
    customer = a.ok("customer", "add", "--name", "Twee Werkplekken")["id"]
    src = tmp_path / "src"
    fill_tree(src, b"WERKPLEK-MARKER")
    made = a.ok("backup", "make", "--from", str(src), "--customer", str(customer), "--job", "R-ab")
    out = tmp_path / "out"
    out.mkdir()
    # B without the shop's backup key: one line that says what to copy
    line = b.refused(1, "backup", "restore", str(made["id"]), "--to", str(out))
    assert "backup key" in line and "copy it" in line
    b.data.mkdir(mode=0o700, exist_ok=True)  # the refused command made the data folder already
    shutil.copy2(a.data / "backup.key", b.data / "backup.key")
    b.ok("backup", "restore", str(made["id"]), "--to", str(out))
    assert tree_hashes(out) == tree_hashes(src)
    assert b.ok("backup", "check", str(made["id"]), "--against", str(out))["complete"] is True
    assert b("request-deletion", str(made["id"]), "--reason", "klaar").exit_code == 0
    assert b.ok("backup", "erase", str(made["id"]))["state"] == "erased"
    assert "erased" in a.refused(1, "backup", "restore", str(made["id"]), "--to", str(out))
    assert a.ok("show", str(made["id"]))["state"] == "erased"
