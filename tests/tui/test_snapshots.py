"""SVG snapshots of the key screens (fixed clock, fixed data; Textual pinned exactly).
Update after a deliberate change with: .venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import FakeDriveSource, FakeEraser, disk
from tui.app import WipestationApp
from wipestation.shop.demo import seed_demo

SIZE = (120, 40)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param(SIZE, id="120x40"), pytest.param((160, 48), id="160x48")]


@pytest.fixture
def demo_app(make_app: Any, store: Any, env: Any, drive_source: FakeDriveSource) -> WipestationApp:
    with store.begin() as s:
        seed_demo(s, env)
    drive_source.drives.extend(
        [
            disk("/dev/sda", "SYS-0001", model="Samsung 980", protected="holds the root file system /", media="ssd"),
            disk("/dev/sdb", "DEMO-BK-0004", model="WD Elements 2TB", size=2_000_398_934_016),
            disk("/dev/sdc", "DEMO-BK-0008", model="Seagate Expansion 4TB", size=4_000_787_030_016),
            disk("/dev/sdd", "NEW-DRIVE-77", model="Kingston A400", size=240_057_409_536, media="ssd"),
        ]
    )
    app: WipestationApp = make_app()
    return app


async def _settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare: Any, demo_app: WipestationApp, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_with_erasures(
    snap_compare: Any, demo_app: WipestationApp, eraser: FakeEraser, size: tuple[int, int]
) -> None:
    eraser.hold, eraser.steps = True, 2

    async def run(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("e", *"DEMO-BK-0004", "enter")
        assert eraser.started.acquire(timeout=5)
        await pilot.press("down", "down", "e", *"NEW-DRIVE-77", "enter")  # DEMO-BK-0008 is not due: refused
        assert eraser.started.acquire(timeout=5)
        await pilot.pause()
        pilot.app.cancel_erase(2)
        await pilot.pause()
        eraser.outcome, eraser.error = "failed", "I/O error at 4096-8192"

    assert snap_compare(demo_app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_erase_dialog(snap_compare: Any, demo_app: WipestationApp, size: tuple[int, int]) -> None:
    async def run(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("e", *"12345", "enter")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_erase_many_dialog(snap_compare: Any, demo_app: WipestationApp, size: tuple[int, int]) -> None:
    """Two drives marked with space: one dialog, a serial field per drive, each saying where it starts."""

    async def run(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("space", "down", "space", "e")
        await _settle(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_record_detail(snap_compare: Any, demo_app: WipestationApp, size: tuple[int, int]) -> None:
    async def run(pilot: Any) -> None:
        await _settle(pilot)
        pilot.app.show_record(1)
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=size, run_before=run)


def test_dashboard_in_dutch(snap_compare: Any, demo_app: WipestationApp, make_app: Any) -> None:
    """The default language, at the smallest supported size (the other snapshots run in English)."""
    from wipestation.common import i18n

    i18n.set_language("nl")  # before the App is made: its keys are translated when it is built
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_settle)
