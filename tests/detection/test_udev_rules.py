"""The rules file against the real udev: `udevadm verify` where it exists (systemd >= 253), and
`udevadm test` on a loop device, with the rules bind-mounted over /etc/udev/rules.d in a private
mount namespace (so the machine's own rules directory is never touched)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.loop import IS_ROOT, loop_device
from wipestation.common.errors import ConfigError
from wipestation.detection.udev_rules import RULES_FILE_NAME, render_rules

UDEVADM = shutil.which("udevadm")
needs_udevadm = pytest.mark.skipif(UDEVADM is None, reason="udevadm is not installed (Debian package: udev)")
BAY = "pci-0000:00:1f.2-ata-5"


def test_bay_lines_follow_the_configuration() -> None:
    text = render_rules([BAY, "pci-0000:00:14.0-usb-0:2*"])
    assert f'ENV{{ID_PATH}}=="{BAY}", ENV{{WIPESTATION_BAY}}="1"\n' in text
    assert 'ENV{ID_PATH}=="pci-0000:00:14.0-usb-0:2*", ENV{WIPESTATION_BAY}="1"\n' in text
    assert 'ENV{UDISKS_IGNORE}="1"' in text
    assert 'TAG+="wipestation"' in text


@pytest.mark.parametrize("bad", ['a"b', "a b", 'x\nRUN+="/bin/sh"', ""])
def test_malformed_bay_path_is_refused(bad: str) -> None:
    with pytest.raises(ConfigError, match="not a udev ID_PATH"):
        render_rules([bad])


@needs_udevadm
def test_udevadm_verify_accepts_the_rules(tmp_path: Path) -> None:
    assert UDEVADM is not None
    if subprocess.run([UDEVADM, "verify", "--help"], capture_output=True).returncode != 0:
        pytest.skip("this udevadm has no 'verify' (systemd < 253); test_udevadm_test_* covers the syntax")
    rules = tmp_path / RULES_FILE_NAME
    rules.write_text(render_rules([BAY]))
    result = subprocess.run([UDEVADM, "verify", str(rules)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@dataclass
class UdevTest:
    properties: dict[str, str]
    complaints: list[str]  # what udev said about our rules files: invalid keys, syntax errors


def udevadm_test(tmp_path: Path, rules: dict[str, str], sys_path: str) -> UdevTest:
    """`udevadm test --action=add` with `rules` as the only files of /etc/udev/rules.d."""
    rules_dir = tmp_path / f"rules-{uuid.uuid4().hex[:6]}"
    rules_dir.mkdir()
    for name, text in rules.items():
        (rules_dir / name).write_text(text)
    script = f'mount --bind "{rules_dir}" /etc/udev/rules.d && exec "{UDEVADM}" test --action=add "{sys_path}"'
    result = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    properties = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    complaints = [
        line for line in result.stderr.splitlines() if any(line.startswith(f"/etc/udev/rules.d/{n}:") for n in rules)
    ]
    return UdevTest(properties, complaints)


needs_namespace = pytest.mark.skipif(
    not IS_ROOT or shutil.which("unshare") is None, reason="needs root and unshare (util-linux) for a mount namespace"
)


@pytest.mark.blockdev
@needs_udevadm
@needs_namespace
def test_udevadm_test_applies_the_rules_to_a_bay_drive(tmp_path: Path) -> None:
    with loop_device(tmp_path, "udev-bay.img", 4 << 20) as device:
        name = os.path.basename(device)
        # Loop devices have no ID_PATH: a rule before ours gives this one the bay's path.
        fake_port = f'KERNEL=="{name}", ENV{{ID_PATH}}="{BAY}"\n'
        got = udevadm_test(
            tmp_path,
            {"59-wipestation-test.rules": fake_port, RULES_FILE_NAME: render_rules([BAY])},
            f"/sys/class/block/{name}",
        )
    assert got.complaints == []
    assert got.properties.get("WIPESTATION_BAY") == "1"
    assert got.properties.get("UDISKS_IGNORE") == "1"
    assert got.properties.get("UDISKS_AUTO") == "0"
    assert "wipestation" in got.properties.get("TAGS", "").split(":")


@pytest.mark.blockdev
@needs_udevadm
@needs_namespace
def test_udevadm_test_leaves_other_drives_alone(tmp_path: Path) -> None:
    with loop_device(tmp_path, "udev-other.img", 4 << 20) as device:
        name = os.path.basename(device)
        other_port = f'KERNEL=="{name}", ENV{{ID_PATH}}="pci-0000:00:1f.2-ata-1"\n'
        got = udevadm_test(
            tmp_path,
            {"59-wipestation-test.rules": other_port, RULES_FILE_NAME: render_rules([BAY])},
            f"/sys/class/block/{name}",
        )
    assert got.complaints == []
    assert "WIPESTATION_BAY" not in got.properties
    assert "UDISKS_IGNORE" not in got.properties


@pytest.mark.blockdev
@needs_udevadm
@needs_namespace
def test_the_syntax_check_can_fail(tmp_path: Path) -> None:
    """The check above would notice a broken file: udev complains about this one."""
    with loop_device(tmp_path, "udev-broken.img", 4 << 20) as device:
        broken = render_rules([BAY]).replace('ENV{UDISKS_AUTO}="0"', 'ENV{UDISKS_AUTO}="0" BOGUS="1"')
        got = udevadm_test(tmp_path, {RULES_FILE_NAME: broken}, f"/sys/class/block/{os.path.basename(device)}")
    assert len(got.complaints) == 1
    assert "BOGUS" in got.complaints[0] or "Invalid" in got.complaints[0]
