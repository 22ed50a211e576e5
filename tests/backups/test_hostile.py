"""Bad input to every new option: one clear line, the documented exit code, nothing lost (the store's
bytes unchanged where nothing may change), nothing written outside the restore folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.backups.conftest import Shop, fill_tree, new_loop, pool_drive
from wipestation.backups import manifest as mf
from wipestation.backups import restoring as rs


def _db_bytes(shop: Shop) -> bytes:
    return Path(shop.url.removeprefix("sqlite:///")).read_bytes()


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "a/../../b",
        "",
        "a//b",
        "x/./y",
        "nul\0byte",
    ],
)
def test_restore_refuses_names_outside_the_folder(tmp_path: Path, bad: str) -> None:
    """A manifest cannot name a place outside DIR, whatever it says (checked before anything is written)."""
    target = tmp_path / "target"
    target.mkdir()
    manifest = mf.Manifest(entries=[{"path": "ok.txt", "type": "dir", "mode": 0o700, "mtime_ns": 0, "atime_ns": 0}])
    manifest.entries.append({"path": bad, "type": "dir", "mode": 0o700, "mtime_ns": 0, "atime_ns": 0})
    with pytest.raises(rs.UnsafeName):
        rs.restore(tmp_path, b"k" * 32, manifest, target, pattern=None, overwrite=False, on_file=lambda f, b: None)
    assert list(target.iterdir()) == []


def test_restore_never_follows_a_link_out(tmp_path: Path) -> None:
    """A link in the manifest is made as a link; a later entry under it is not written through it."""
    target, outside = tmp_path / "target", tmp_path / "outside"
    target.mkdir()
    outside.mkdir()
    meta = {"mode": 0o700, "mtime_ns": 0, "atime_ns": 0}
    manifest = mf.Manifest(
        entries=[
            {"path": "uit", "type": "symlink", "target": str(outside), **meta},
            {"path": "uit/binnen", "type": "dir", **meta},
        ]
    )
    with pytest.raises(NotADirectoryError):  # O_NOFOLLOW on every component: a link is no folder
        rs.restore(tmp_path, b"k" * 32, manifest, target, pattern=None, overwrite=False, on_file=lambda f, b: None)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("case", ["make", "restore", "check", "erase", "prepare"])
def test_hostile_options(sqlite_shop: Shop, loops: list[str], tmp_path: Path, case: str) -> None:
    if os.geteuid() != 0:  # the name-checking tests above need no root
        pytest.skip("needs root to attach loop devices (losetup) and mount them")
    shop = sqlite_shop
    device = pool_drive(shop, loops)
    customer = shop.ok("customer", "add", "--name", "Klant")["id"]
    src = tmp_path / "src"
    fill_tree(src, b"HOSTILE-MARKER", extras=False)
    made = shop.ok("backup", "make", "--from", str(src), "--customer", str(customer), "--job", "R-1")
    ref = str(made["id"])
    serial = made["serial"]
    (tmp_path / "a-file").write_text("x")
    fresh_name = f"fresh-{os.getpid()}-{tmp_path.name[-10:]}.img"
    fresh = new_loop(loops, tmp_path / "loop", fresh_name, 32 << 20)  # never erased: no pool drive
    cases: dict[str, list[tuple[int, list[str], str]]] = {
        "make": [
            (1, ["--from", str(tmp_path / "nope"), "--customer", str(customer), "--job", "J"], "not a folder"),
            (1, ["--from", str(tmp_path / "a-file"), "--customer", str(customer), "--job", "J"], "not a folder"),
            (1, ["--from", str(src), "--customer", "999", "--job", "J"], "999"),
            (1, ["--from", str(src), "--customer", str(customer), "--job", " "], "--job"),
            (1, ["--from", str(src), "--customer", str(customer), "--job", "J\x1b[2J"], "--job"),
            (1, ["--from", str(src), "--customer", str(customer), "--job", "J", "--to", "NOPE"], "not a pool drive"),
            (1, ["--from", str(src), "--customer", "x", "--job", "J"], "--customer must be a whole number"),
            (1, ["--from", str(src), "--customer", "0", "--job", "J"], "--customer must be a whole number"),
        ],
        "restore": [
            (1, [ref, "--to", str(tmp_path / "nope")], "not a folder"),
            (1, [ref, "--to", str(tmp_path / "a-file")], "not a folder"),
            (1, ["424242", "--to", str(tmp_path)], "424242"),
            (1, [ref, "--to", str(src)], "exists"),
        ],
        "check": [
            (1, [ref, "--against", str(tmp_path / "nope")], "not a folder"),
            (1, ["424242", "--against", str(src)], "424242"),
        ],
        "erase": [
            (1, ["424242"], "424242"),
            (1, [ref], "kept until"),
        ],
        "prepare": [
            (3, [device, "--confirm", "WRONG"], "--confirm"),
            (1, [device, "--confirm", serial], "holding backups"),
            (1, [str(tmp_path / "nope"), "--confirm", serial], "nope"),
            (1, [fresh, "--confirm", f"LOOP-{Path(fresh_name).name}"], "erase it whole first"),
        ],
    }
    group = "pool" if case == "prepare" else "backup"
    for code, args, words in cases[case]:
        before = _db_bytes(shop)
        line = shop.refused(code, group, case, *args)
        assert words in line, (args, line)
        if code != 2:
            assert line.startswith("error: "), line
        assert _db_bytes(shop) == before, (args, "the store changed")
    # nothing lost: the backup still restores whole
    out = tmp_path / "out"
    out.mkdir()
    assert shop.ok("backup", "restore", ref, "--to", str(out))["files"] == made["files"]
    assert json.loads(json.dumps(made))["unreadable"] == []
