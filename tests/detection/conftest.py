"""Fixtures for detection: recorded udev property sets, fake /proc and /sys trees, configs."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from wipestation.common.config import Config, DevicesConfig
from wipestation.detection.blockinfo import BlockInfo
from wipestation.detection.protection import SystemPaths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "udev"


def load_fixture(name: str) -> tuple[BlockInfo, dict[str, Any]]:
    """A recorded property set and what its identity must be."""
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    info = BlockInfo(
        name=data["name"],
        device_node=data["device_node"],
        sys_path=data["sys_path"],
        devtype=data.get("devtype", "disk"),
        properties=dict(data.get("properties", {})),
        attributes=dict(data.get("attributes", {})),
    )
    return info, dict(data.get("expect", {}))


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


def make_config(tmp_path: Path, **devices: Any) -> Config:
    return Config(data_dir=tmp_path / "data", devices=replace(DevicesConfig(), **devices))


@dataclass(frozen=True)
class FixedClock:
    at: datetime = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class FakeSystem:
    """A fake /proc/self/mountinfo, /proc/swaps and /sys/class/block under a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths = SystemPaths(
            mountinfo=root / "proc" / "self" / "mountinfo",
            swaps=root / "proc" / "swaps",
            sys=root / "sys",
        )
        self.paths.mountinfo.parent.mkdir(parents=True)
        self.mountinfo_lines: list[str] = []
        self.swap_lines: list[str] = []
        self._next_id = 30
        self.write()

    def block(self, name: str, dev: str, *, parent: str | None = None) -> Path:
        """A disk (parent None) or a partition of `parent`, with its `dev` file and an empty holders/."""
        base = self.paths.sys / "class" / "block"
        path = base / parent / name if parent else base / name
        (path / "holders").mkdir(parents=True)
        (path / "dev").write_text(dev + "\n")
        if parent:
            (path / "partition").write_text("1\n")
            # The kernel also lists every partition directly under /sys/class/block.
            (base / name).mkdir(exist_ok=True)
            (base / name / "dev").write_text(dev + "\n")
            (base / name / "holders").mkdir(exist_ok=True)
        return path

    def hold(self, holder: str, dev: str, *, on: str, on_parent: str | None = None, dm_uuid: str = "") -> None:
        """`holder` (dm-N, mdN) is stacked on `on` (a disk, or a partition of `on_parent`)."""
        base = self.paths.sys / "class" / "block"
        if not (base / holder).exists():
            self.block(holder, dev)
        if holder.startswith("dm-"):
            (base / holder / "dm").mkdir(exist_ok=True)
            (base / holder / "dm" / "uuid").write_text(dm_uuid + "\n")
            (base / holder / "dm" / "name").write_text(f"vg0-{holder}\n")
        for where in [base / on_parent / on, base / on] if on_parent else [base / on]:
            (where / "holders" / holder).mkdir(parents=True, exist_ok=True)

    def mount(self, dev: str, mount_point: str, source: str, fstype: str = "ext4") -> None:
        self._next_id += 1
        self.mountinfo_lines.append(
            f"{self._next_id} 1 {dev} / {mount_point} rw,relatime shared:1 - {fstype} {source} rw"
        )
        self.write()

    def swap(self, path: str, kind: str = "partition") -> None:
        self.swap_lines.append(f"{path}\t\t\t\t{kind}\t\t8388604\t\t0\t\t-2")
        self.write()

    def write(self) -> None:
        base = [
            "22 27 0:21 / /proc rw,relatime - proc proc rw",
            "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw",
        ]
        self.paths.mountinfo.write_text("\n".join(base + self.mountinfo_lines) + "\n")
        header = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority"
        self.paths.swaps.write_text("\n".join([header, *self.swap_lines]) + "\n")


@pytest.fixture
def fake_system(tmp_path: Path) -> FakeSystem:
    return FakeSystem(tmp_path / "root")
