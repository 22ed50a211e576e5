"""End to end on a real block device: the console erases a loop device through the core engine and
the erasure ends with a signed certificate (root only: loop devices)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import select

from tests.conftest import TEST_SHOP
from tests.helpers.loop import IS_ROOT, loop_device
from tests.tui.conftest import add_customers
from tui.app import WipestationApp
from tui.erasing import CoreEraseBackend
from tui.screens.dashboard import DashboardScreen
from tui.screens.drives_pane import DriveTable
from tui.services import ConsoleServices
from tui.widgets import ErasureRow
from wipestation.common.config import Config
from wipestation.common.env import Env
from wipestation.common.identity import DriveIdentity
from wipestation.documents.certify import load_renderer
from wipestation.records import custody, registration
from wipestation.store.models import Certificate, CustodyState, Erasure

pytestmark = [
    pytest.mark.blockdev,
    pytest.mark.skipif(not IS_ROOT, reason="needs root to attach loop devices (losetup)"),
]


async def test_console_erases_a_loop_device_and_issues_a_certificate(store, clock, tmp_path: Path) -> None:
    from wipestation.detection import default_drive_source

    config = replace(
        Config(data_dir=tmp_path / "data", shop=TEST_SHOP), devices=replace(Config().devices, allow_loop=True)
    )
    env = Env(clock=clock, config=config, actor="tester")
    name = f"tui-e2e-{tmp_path.name}.img"
    with loop_device(tmp_path, name, 8 << 20, fill=b"\xa5") as device:
        serial = f"LOOP-{name}"
        (cid,) = add_customers(store, env, "Anna Voorbeeld")
        with store.begin() as s:
            reg = custody.Registration(cid, "JOB-E2E", env.today() - timedelta(days=30))
            record_id = registration.register_backup(s, env, DriveIdentity(serial=serial), reg).id
        source = default_drive_source(config)
        renderer = load_renderer(config)
        services = ConsoleServices(
            sessions=store,
            env=env,
            drive_source=source,
            eraser=CoreEraseBackend(store, env, source, renderer_factory=lambda: renderer),
            renderer_factory=lambda: renderer,
            export_dir=tmp_path,
        )
        app = WipestationApp(services)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert cast(DashboardScreen, app.screen).rows[device].due
            table = app.screen.query_one("#drives", DriveTable)
            table.move_cursor(row=table.get_row_index(device))
            await pilot.press("e", *serial, "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            (row,) = app.screen.query(ErasureRow)
            assert row.job.outcome == "succeeded", row.job.error
            number = row.job.certificate
            assert number is not None and number.startswith("WS-")
        with open(device, "rb") as fh:
            assert fh.read(1 << 20) == bytes(1 << 20)
    with store.begin() as s:
        record = custody.find_record(s, str(record_id))
        assert record.state is CustodyState.ERASED
        erasure = s.execute(select(Erasure).where(Erasure.record_id == record_id)).scalar_one()
        assert (erasure.outcome.value, erasure.method, erasure.verify_result) == ("succeeded", "zero", "passed")
        cert = s.execute(select(Certificate).where(Certificate.number == number)).scalar_one()
        pdf = cert.documents[0].pdf
    # pyHanko's checker runs its own event loop: call it from a thread, as a script would
    report = await asyncio.to_thread(renderer.verify, pdf)
    assert report.ok, report.problems


async def test_console_erases_two_loop_devices_side_by_side(store, clock, tmp_path: Path) -> None:
    """Two drives marked (space) and erased at once, each confirmed by its own serial; both end with a
    signed certificate from the real renderer and signer, and each erasure has its own final summary."""
    from contextlib import ExitStack

    from wipestation.detection import default_drive_source

    config = replace(
        Config(data_dir=tmp_path / "data", shop=TEST_SHOP), devices=replace(Config().devices, allow_loop=True)
    )
    env = Env(clock=clock, config=config, actor="tester")
    with ExitStack() as stack:
        devices, serials, records = [], [], []
        for i in range(2):
            name = f"tui-two-{i}-{tmp_path.name}.img"
            devices.append(stack.enter_context(loop_device(tmp_path, name, 8 << 20, fill=b"\x5a")))
            serials.append(f"LOOP-{name}")
            (cid,) = add_customers(store, env, f"Klant Twee {i}")
            with store.begin() as s:
                reg = custody.Registration(cid, f"JOB-TWO-{i}", env.today() - timedelta(days=30))
                records.append(registration.register_backup(s, env, DriveIdentity(serial=serials[i]), reg).id)
        source = default_drive_source(config)
        renderer = load_renderer(config)
        services = ConsoleServices(
            sessions=store,
            env=env,
            drive_source=source,
            eraser=CoreEraseBackend(store, env, source, renderer_factory=lambda: renderer),
            renderer_factory=lambda: renderer,
            export_dir=tmp_path,
        )
        app = WipestationApp(services)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.screen.query_one("#drives", DriveTable)
            table.focus()
            for device in devices:
                table.move_cursor(row=table.get_row_index(device))
                await pilot.press("space")
            await pilot.press("e")
            order = [r.device for r in cast(Any, app.screen).rows]
            for device in order:
                await pilot.press(*serials[devices.index(device)], "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            rows = {row.job.device: row.job for row in app.screen.query(ErasureRow)}
            assert sorted(rows) == sorted(devices)
            for job in rows.values():
                assert job.outcome == "succeeded", job.error
                assert job.certificate is not None and job.certificate.startswith("WS-")
                assert re.match(r"erased in (\d+:\d\d:\d\d|\d+\.\d s), ", job.summary()), job.summary()
                assert ", average " in job.summary()
            numbers = {job.certificate for job in rows.values()}
            assert len(numbers) == 2
        for device in devices:
            with open(device, "rb") as fh:
                assert fh.read(8 << 20) == bytes(8 << 20)
    with store.begin() as s:
        for record_id in records:
            assert custody.find_record(s, str(record_id)).state is CustodyState.ERASED
        pdfs = [
            s.execute(select(Certificate).where(Certificate.number == n)).scalar_one().documents[0].pdf for n in numbers
        ]
    for pdf in pdfs:
        report = await asyncio.to_thread(renderer.verify, pdf)
        assert report.ok, report.problems
