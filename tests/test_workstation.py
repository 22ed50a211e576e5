"""`wipestation setup-workstation --root DIR` on a staging tree: files, modes, idempotence, uninstall;
the units through `systemd-analyze verify`, the rules through `udevadm test` on a loop device."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.fakes import FakeClock
from tests.helpers.loop import IS_ROOT, loop_device
from wipestation.common.config import BackupConfig, Config, DevicesConfig, DigestConfig

BAY = "pci-0000:00:1f.2-ata-5"
EXE = "/usr/local/bin/wipestation"
HELPER = "/usr/local/bin/wipestation-helper"

needs_root = pytest.mark.skipif(not IS_ROOT, reason="setup-workstation sets root ownership: needs root")


@pytest.fixture
def shop(tmp_path: Path, clock: FakeClock, config: Config) -> Cli:
    """setup-workstation does not depend on the database: one SQLite run is enough."""
    cli = Cli(url=f"sqlite:///{tmp_path / 'ws.sqlite3'}", clock=clock, config=config)
    cli.config = replace(
        cli.config,
        devices=DevicesConfig(wipe_bay_paths=(BAY,)),
        digest=DigestConfig(to=("w@somcom.nl",), hour="07:45"),
        backup=BackupConfig(dir="/srv/wipestation-backups", keep=30, hour="19:30"),
    )
    cli.overrides = replace(cli.overrides, executables=(EXE, HELPER))
    return cli


def _tree(root: Path) -> dict[str, tuple[int, int, int, int, str]]:
    """Every path under root: (mode, uid, gid, mtime_ns, link target)."""
    out = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        target = os.readlink(path) if path.is_symlink() else ""
        out[str(path.relative_to(root))] = (st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns, target)
    return out


def _gid(root: Path) -> int:
    for line in (root / "etc/group").read_text().splitlines():
        name, _, gid, _ = line.split(":")
        if name == "wipestation":
            return int(gid)
    raise AssertionError("no group wipestation in the staging tree")


@needs_root
def test_staging_tree_files_modes_idempotence_and_uninstall(shop: Cli, tmp_path: Path) -> None:
    root = tmp_path / "stage"
    (root / "etc").mkdir(parents=True)
    (root / "etc/group").write_text("root:x:0:\nsystemd-journal:x:999:\n")
    first = shop("setup-workstation", "--root", str(root))
    assert first.exit_code == 0, first.stderr
    assert "created group wipestation (gid 998)" in first.stdout
    assert "wrote /etc/udev/rules.d/61-wipestation-access.rules" in first.stdout
    gid = _gid(root)
    assert gid == 998  # the first free system gid

    rules = (root / "etc/udev/rules.d/60-wipestation.rules").read_text()
    assert f'ENV{{ID_PATH}}=="{BAY}", ENV{{WIPESTATION_BAY}}="1"' in rules
    assert 'ENV{UDISKS_IGNORE}="1"' in rules
    access = (root / "etc/udev/rules.d/61-wipestation-access.rules").read_text()
    assert 'ENV{WIPESTATION_BAY}!="1", GOTO="wipestation_access_end"' in access
    assert 'GROUP="wipestation", MODE="0660"' in access
    sudoers = root / "etc/sudoers.d/wipestation"
    assert sudoers.read_text().splitlines()[-1] == f"%wipestation ALL=(root) NOPASSWD: {HELPER}"
    assert stat.S_IMODE(sudoers.stat().st_mode) == 0o440
    digest_unit = (root / "etc/systemd/system/wipestation-digest.service").read_text()
    assert "ExecStart=/usr/local/bin/wipestation --config /etc/wipestation.toml digest --mail\n" in digest_unit
    assert "DynamicUser=yes\nSupplementaryGroups=wipestation\nUMask=0007\n" in digest_unit
    assert "OnCalendar=*-*-* 07:45:00\n" in (root / "etc/systemd/system/wipestation-digest.timer").read_text()
    backup_unit = (root / "etc/systemd/system/wipestation-backup.service").read_text()
    assert "db backup /srv/wipestation-backups --keep 30\n" in backup_unit
    assert "ReadWritePaths=/srv/wipestation-backups /var/lib/wipestation\n" in backup_unit
    assert "OnCalendar=*-*-* 19:30:00\n" in (root / "etc/systemd/system/wipestation-backup.timer").read_text()
    for timer in ("wipestation-digest.timer", "wipestation-backup.timer"):
        link = root / "etc/systemd/system/timers.target.wants" / timer
        assert os.readlink(link) == f"/etc/systemd/system/{timer}"
    for folder in ("var/lib/wipestation", "srv/wipestation-backups"):
        st = (root / folder).stat()
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, gid, 0o2770), folder
    for name in ("etc/udev/rules.d/60-wipestation.rules", "etc/systemd/system/wipestation-digest.service"):
        st = (root / name).stat()
        assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o644)

    # Twice changes nothing.
    before = _tree(root)
    second = shop("setup-workstation", "--root", str(root))
    assert second.exit_code == 0, second.stderr
    assert "note: nothing to change: this workstation is set up" in second.stdout
    assert _tree(root) == before

    # A changed bay list rewrites the rules only.
    shop.config = replace(shop.config, devices=DevicesConfig(wipe_bay_paths=(BAY, "pci-0000:00:1f.2-ata-6")))
    third = shop("setup-workstation", "--root", str(root))
    assert third.stdout.splitlines()[0] == "updated /etc/udev/rules.d/60-wipestation.rules"
    assert "ata-6" in (root / "etc/udev/rules.d/60-wipestation.rules").read_text()
    assert not [line for line in third.stdout.splitlines() if line.startswith(("wrote", "created"))]

    # Uninstall: everything it added goes, records stay.
    (root / "var/lib/wipestation/wipestation.sqlite3").write_bytes(b"records")
    gone = shop("setup-workstation", "--root", str(root), "--uninstall")
    assert gone.exit_code == 0, gone.stderr
    assert "removed group wipestation" in gone.stdout
    assert "note: kept /var/lib/wipestation: it holds records" in gone.stdout
    left = sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())
    assert left == ["etc/group", "var/lib/wipestation/wipestation.sqlite3"]
    assert (root / "etc/group").read_text() == "root:x:0:\nsystemd-journal:x:999:\n"
    assert not (root / "srv/wipestation-backups").exists()  # it was empty
    again = shop("setup-workstation", "--root", str(root), "--uninstall")
    assert again.stdout.strip() == "note: nothing to remove"


@needs_root
def test_an_existing_group_and_folder_are_used_and_kept(shop: Cli, tmp_path: Path) -> None:
    root = tmp_path / "stage"
    (root / "etc").mkdir(parents=True)
    (root / "etc/group").write_text("wipestation:x:1234:anna,piet\n")
    (root / "var/lib/wipestation").mkdir(parents=True)
    out = shop("setup-workstation", "--root", str(root))
    assert out.exit_code == 0, out.stderr
    assert "created group" not in out.stdout
    assert "set /var/lib/wipestation (root:wipestation, 2770)" in out.stdout
    assert (root / "var/lib/wipestation").stat().st_gid == 1234
    shop("setup-workstation", "--root", str(root), "--uninstall")
    assert (root / "etc/group").read_text() == "wipestation:x:1234:anna,piet\n"  # not ours to remove
    assert (root / "var/lib/wipestation").is_dir()  # existed before: kept


def test_a_malformed_bay_path_writes_nothing(shop: Cli, tmp_path: Path) -> None:
    shop.config = replace(shop.config, devices=DevicesConfig(wipe_bay_paths=('x", RUN+="/bin/sh',)))
    root = tmp_path / "stage"
    result = shop("setup-workstation", "--root", str(root))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: config: [devices] wipe_bay_paths: not a udev ID_PATH: 'x\", RUN+=\"/bin/sh'"
    ]
    assert not root.exists()


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def _verify_units(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    assert SYSTEMD_ANALYZE is not None
    return subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *map(str, paths)], capture_output=True, text=True, timeout=120
    )


@needs_root
@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (Debian package: systemd)")
def test_the_units_pass_systemd_analyze_verify(shop: Cli, tmp_path: Path) -> None:
    exe = tmp_path / "bin/wipestation"  # verify checks that ExecStart names an executable
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    shop.overrides = replace(shop.overrides, executables=(str(exe), str(tmp_path / "bin/wipestation-helper")))
    root = tmp_path / "stage"
    assert shop("setup-workstation", "--root", str(root)).exit_code == 0
    units = sorted((root / "etc/systemd/system").glob("wipestation-*"))
    assert len(units) == 4
    result = _verify_units(units)
    assert result.returncode == 0, result.stderr
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "wipestation-" in line]
    assert ours == []

    # The same check notices a broken unit.
    broken = tmp_path / "wipestation-broken.service"
    broken.write_text((root / "etc/systemd/system/wipestation-digest.service").read_text() + "Bogus=1\n")
    complaint = _verify_units([broken])
    assert "Unknown key 'Bogus'" in complaint.stderr


UDEVADM = shutil.which("udevadm")


def _udevadm_test(tmp_path: Path, rules_dir: Path, group_file: Path, sys_path: str) -> str:
    """`udevadm test` with `rules_dir` as /etc/udev/rules.d and `group_file` as /etc/group, both
    bind-mounted in a private mount namespace (the machine's own files are never touched)."""
    script = (
        f'mount --bind "{rules_dir}" /etc/udev/rules.d && mount --bind "{group_file}" /etc/group '
        f'&& exec "{UDEVADM}" test --action=add "{sys_path}"'
    )
    result = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


@pytest.mark.blockdev
@needs_root
@pytest.mark.skipif(UDEVADM is None or shutil.which("unshare") is None, reason="needs udevadm (udev) and unshare")
@pytest.mark.parametrize("port, in_bay", [(BAY, True), ("pci-0000:00:1f.2-ata-1", False)])
def test_udevadm_test_gives_bay_disks_to_the_group(shop: Cli, tmp_path: Path, port: str, in_bay: bool) -> None:
    root = tmp_path / "stage"
    assert shop("setup-workstation", "--root", str(root)).exit_code == 0
    gid = _gid(root)
    group_file = tmp_path / "group"
    # The machine's groups, less any `wipestation` of its own (udev reads the first line of a name), plus
    # the staged one: the result does not depend on whether this machine was set up as a workstation.
    others = [line for line in Path("/etc/group").read_text().splitlines() if not line.startswith("wipestation:")]
    group_file.write_text("\n".join([*others, f"wipestation:x:{gid}:"]) + "\n")
    with loop_device(tmp_path, f"ws-{uuid.uuid4().hex[:6]}.img", 4 << 20) as device:
        name = os.path.basename(device)
        rules_dir = tmp_path / "rules"
        shutil.copytree(root / "etc/udev/rules.d", rules_dir)
        # Loop devices have no ID_PATH: a rule before ours gives this one a port.
        (rules_dir / "59-wipestation-test.rules").write_text(f'KERNEL=="{name}", ENV{{ID_PATH}}="{port}"\n')
        log = _udevadm_test(tmp_path, rules_dir, group_file, f"/sys/class/block/{name}")
    complaints = [
        line for line in log.splitlines() if "wipestation" in line and ("Unknown" in line or "Invalid" in line)
    ]
    assert complaints == []
    access = [line for line in log.splitlines() if "61-wipestation-access.rules" in line and "rules.d/" in line]
    if in_bay:
        assert "UDISKS_IGNORE=1" in log.splitlines()
        assert any(line.endswith(f"GROUP {gid}") for line in access), access
        assert any(line.endswith("MODE 0660") for line in access), access
    else:
        assert "UDISKS_IGNORE=1" not in log.splitlines()
        assert not any(" GROUP " in line or " MODE " in line for line in access)


def test_a_shared_data_folder_makes_files_for_the_group(tmp_path: Path) -> None:
    from wipestation.shop.workstation import share_with_group

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)  # set-group-id, of a group this process is in (its own)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    old = os.umask(0o077)
    try:
        assert share_with_group(private, f"sqlite:///{private / 'ws.sqlite3'}") is False
        assert os.umask(0o077) == 0o077  # unchanged
        assert not (private / "ws.sqlite3").exists()
        assert share_with_group(shared, f"sqlite:///{shared / 'ws.sqlite3'}") is True
        assert os.umask(0o077) == 0o007
        assert stat.S_IMODE((shared / "ws.sqlite3").stat().st_mode) == 0o660
    finally:
        os.umask(old)


@needs_root
def test_setup_says_when_the_libraries_are_not_those_tested(shop: Cli, tmp_path: Path) -> None:
    """An install without the lock (a plain `pipx install`) gets other versions: setup-workstation says so
    in one note, with what to do; the run itself (from the locked test environment) has no such note."""
    from wipestation.shop.dependencies import tested_versions as locked_versions
    from wipestation.shop.doctor import System

    first = shop("setup-workstation", "--root", str(tmp_path / "a"))
    assert first.exit_code == 0 and "libraries" not in first.stdout, first.stdout
    shop.overrides = replace(
        shop.overrides,
        doctor_system=System(installed_version=lambda n: "0.1" if n == "pyhanko" else locked_versions().get(n)),
    )
    second = shop("setup-workstation", "--root", str(tmp_path / "b"))
    assert second.exit_code == 0, second.stderr
    notes = [line for line in second.stdout.splitlines() if "libraries" in line]
    assert notes == [
        f"note: libraries: 1 not as tested, installed (tested): pyhanko 0.1 ({locked_versions()['pyhanko']}) -> "
        "install the dependencies from requirements/app.lock (docs/install.md)"
    ]
