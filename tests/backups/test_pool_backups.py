"""End to end on real loop devices: two customers' backups on one pool drive, restored equal file for
file, checked, tampering refused by name, one erased while the other stays readable, and no trace of
the erased one's plaintext or key anywhere the tool keeps anything."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.backups.conftest import Shop, blockdev, fill_tree, pool_drive, tree_hashes
from wipestation.backups import keyarea

pytestmark = blockdev

MARKER_1 = b"KLANT1-PLAINTEXT-MARKER-5f1c9e"
NAME_1 = "KLANT1-NAAM-MARKER-a83b.txt"
MARKER_2 = b"KLANT2-PLAINTEXT-MARKER-77d2aa"


def _customers(shop: Shop) -> tuple[int, int]:
    one = shop.ok("customer", "add", "--name", "Jan de Vries")["id"]
    two = shop.ok("customer", "add", "--name", "Piet Jansen")["id"]
    return one, two


def _slot_of(shop: Shop, record_id: int) -> tuple[int, bytes]:
    rows = _sql(shop, f"SELECT slot, backup_uuid FROM backup_sets WHERE record_id = {record_id}")
    return int(str(rows[0][0])), bytes.fromhex(str(rows[0][1]))


def _slot_key(shop: Shop, device: str, slot: tuple[int, bytes]) -> bytes:
    """The test reads the data key from the slot (it knows where: it is the test)."""
    shop_key = (shop.data / "backup.key").read_bytes()
    return keyarea.read_slot(device, keyarea.read_header(device), slot[0], slot[1], shop_key)


def _sql(shop: Shop, statement: str) -> list[tuple[object, ...]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(shop.url)
    try:
        with engine.begin() as conn:
            return [tuple(r) for r in conn.execute(text(statement))]
    finally:
        engine.dispose()


def _scan(paths: list[Path], needles: list[bytes]) -> list[str]:
    found = []
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for f in files:
            data = f.read_bytes()
            found += [f"{f}: {n!r}" for n in needles if n in data]
    return found


def test_two_customers_restore_check_erase(shop: Shop, loops: list[str], tmp_path: Path) -> None:
    device = pool_drive(shop, loops)
    one, two = _customers(shop)
    src1, src2 = tmp_path / "klant1", tmp_path / "klant2"
    fill_tree(src1, MARKER_1)
    (src1 / NAME_1).write_text("a file whose name is a marker\n")
    fill_tree(src2, MARKER_2, extras=False)
    made1 = shop.ok("backup", "make", "--from", str(src1), "--customer", str(one), "--job", "R-1")
    made2 = shop.ok("backup", "make", "--from", str(src2), "--customer", str(two), "--job", "R-2")
    assert made1["serial"] == made2["serial"] and made1["serial"].startswith("LOOP-")
    # brief, its hard link, groot, the Unicode, long, empty and sparse ones, the name marker (links are no files)
    assert (made1["unreadable"], made1["files"]) == ([], 8)
    record = shop.ok("show", str(made1["id"]))
    assert (record["kind"], record["customer_id"], record["state"]) == ("backup", one, "holding")

    # restored equal file for file, for both
    for made, src in ((made1, src1), (made2, src2)):
        out = tmp_path / f"terug{made['id']}"
        out.mkdir()
        shop.ok("backup", "restore", str(made["id"]), "--to", str(out))
        assert tree_hashes(out) == tree_hashes(src)
    # a second restore into the same folder overwrites nothing
    line = shop.refused(1, "backup", "restore", str(made1["id"]), "--to", str(tmp_path / f"terug{made1['id']}"))
    assert "exists" in line and "--overwrite" in line

    # check finds a deleted and a changed file
    back = tmp_path / f"terug{made1['id']}"
    (back / "Users/Jan/Documents/groot.bin").unlink()
    (back / "Users/Jan/Documents/brief.txt").write_bytes(b"changed")
    result = shop("backup", "check", str(made1["id"]), "--against", str(back), "--json")
    assert result.exit_code == 1
    checked = json.loads(result.stdout)
    assert checked["complete"] is False
    assert checked["missing"] == ["Users/Jan/Documents/groot.bin"]
    assert sorted(checked["different"]) == ["Users/Jan/Documents/brief-hardlink.txt", "Users/Jan/Documents/brief.txt"]

    # the result is recorded (counts only) and shown on the record
    shown = shop.ok("show", str(made1["id"]))["backup_set"]
    assert (shown["files"], shown["unreadable"]) == (8, 0)
    assert {k: shown["last_check"][k] for k in ("files", "missing", "different", "complete")} == {
        "files": 8, "missing": 1, "different": 2, "complete": False,
    }  # fmt: skip
    assert "1 missing, 2 different of 8 files" in shop("show", str(made1["id"])).stdout

    # before the erasure: a database backup, and the key (the test knows it)
    slot1 = _slot_of(shop, made1["id"])
    key1 = _slot_key(shop, device, slot1)
    assert len(key1) == 32
    (tmp_path / "dbcopies").mkdir()
    if shop.url.startswith("sqlite"):  # `db backup` copies an SQLite store (PostgreSQL has its own dumps)
        assert shop("db", "backup", str(tmp_path / "dbcopies")).exit_code == 0

    # customer 1's backup erased: not before it is due (or asked), then for good
    assert "kept until" in shop.refused(1, "backup", "erase", str(made1["id"]))
    assert shop("request-deletion", str(made1["id"]), "--reason", "klant belde").exit_code == 0
    erased = shop.ok("backup", "erase", str(made1["id"]))
    assert erased["state"] == "erased" and erased["objects_overwritten"] >= 2
    assert "erased" in shop.refused(1, "backup", "restore", str(made1["id"]), "--to", str(tmp_path))
    with pytest.raises(keyarea.SlotEmpty):  # its slot is random bytes now: no tool of ours can open it
        _slot_key(shop, device, slot1)
    # customer 2's still restores
    again = tmp_path / "terug2-na"
    again.mkdir()
    shop.ok("backup", "restore", str(made2["id"]), "--to", str(again))
    assert tree_hashes(again) == tree_hashes(src2)

    # no trace of customer 1's plaintext or key: the pool drive's raw bytes, the store, the data folder
    os.sync()
    backing = Path(subprocess.run(["losetup", "-nO", "BACK-FILE", device], capture_output=True, text=True,
                                  check=True).stdout.strip())  # fmt: skip
    places = [backing, shop.data, tmp_path / "dbcopies"]
    if shop.url.startswith("sqlite"):
        db = Path(shop.url.removeprefix("sqlite:///"))
        places += [p for p in (db, Path(f"{db}-wal")) if p.exists()]
    assert _scan(places, [MARKER_1, NAME_1.encode(), key1, MARKER_2]) == []
    # the whole-drive erase refuses the pool drive while customer 2's backup is on it
    refusal = shop.refused(1, "erase", device, "--method", "zero", "--verify", "none", "--confirm", made2["serial"])
    assert "pool drive" in refusal


def test_tampered_ciphertext_is_refused_by_name(shop: Shop, loops: list[str], tmp_path: Path) -> None:
    device = pool_drive(shop, loops)
    one, _two = _customers(shop)
    src = tmp_path / "src"
    fill_tree(src, MARKER_1, extras=False)
    made = shop.ok("backup", "make", "--from", str(src), "--customer", str(one), "--job", "R-9")
    objects = _sql(shop, f"SELECT objects, manifest_object FROM backup_sets WHERE record_id = {made['id']}")[0]
    names = objects[0] if isinstance(objects[0], list) else json.loads(str(objects[0]))
    pack = next(n for n in names if n not in (objects[1],) and n != names[0])
    where = tmp_path / "mnt"
    where.mkdir()
    header = keyarea.read_header(device)
    args = ["--offset", str(header.data_offset), "--sizelimit", str(header.data_size), device]
    loop = subprocess.run(["losetup", "--find", "--show", *args], capture_output=True, text=True, check=True)
    loop_dev = loop.stdout.strip()
    try:
        subprocess.run(["mount", loop_dev, str(where)], check=True)
        try:
            path = where / "objects" / pack
            data = bytearray(path.read_bytes())
            data[100] ^= 1  # in the first chunk: brief.txt's bytes
            path.write_bytes(bytes(data))
        finally:
            subprocess.run(["umount", str(where)], check=True)
    finally:
        subprocess.run(["losetup", "--detach", loop_dev], check=False)
    out = tmp_path / "out"
    out.mkdir()
    line = shop.refused(1, "backup", "restore", str(made["id"]), "--to", str(out))
    assert "Users/Jan/Documents/brief.txt" in line and "changed or damaged" in line
