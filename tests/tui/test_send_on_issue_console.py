"""A console erasure whose certificate could not be mailed (`[certificates] send_on_issue`, the mail
server down) says so in its toast, with how it is retried; the erasure and its certificate stand,
and the send is pending for `certificate send --pending`. The real renderer signs the certificate."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

from tests.certificates.test_send import _free_port
from tests.conftest import TEST_SHOP
from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner
from tests.erasure.test_run import IDENTITY, SIZE, OneDrive
from tests.fakes import FakeClock
from tests.tui.conftest import FakeDriveSource, FakeWatcher, add_customers
from tui.app import WipestationApp
from tui.plugin import real_services
from tui.screens.drives_pane import DriveTable
from tui.widgets import ErasureRow
from wipestation.app import AppContext, Overrides
from wipestation.common.config import Config, MailConfig
from wipestation.common.devices import DetectedDrive
from wipestation.documents.certify import load_renderer
from wipestation.records import custody, registration
from wipestation.store.models import CertificateSend


async def test_a_certificate_not_mailed_is_said_in_the_erasures_toast(tmp_path: Path) -> None:
    drive = DetectedDrive(IDENTITY)
    device = IDENTITY.device
    assert device is not None
    base = Config(data_dir=tmp_path / "data", shop=TEST_SHOP)
    config = dataclasses.replace(
        base,
        mail=MailConfig(host="127.0.0.1", port=_free_port(), sender="winkel@somcom.nl"),  # nobody listens
        certificates=dataclasses.replace(base.certificates, send_on_issue=True),
    )
    overrides = Overrides(
        clock=FakeClock(),
        config=config,
        drive_source=OneDrive(drive),
        watcher_factory=FakeWatcher(FakeDriveSource([drive])).factory,
        command_runner=FakeRunner({}),
        block_opener=FakeOpener(FakeBlockDevice(SIZE)),
        certificate_renderer=load_renderer(config),  # the real reportlab + pyHanko renderer
    )
    app = AppContext.create(
        config_path=None, db_url=f"sqlite:///{tmp_path / 'shop.sqlite3'}", actor="tester", overrides=overrides
    )
    env = app.env
    (cid,) = add_customers(app.sessions, env, "Anna Voorbeeld")  # with an e-mail address
    with app.sessions.begin() as s:
        registration.register_backup(
            s, env, IDENTITY, custody.Registration(cid, "JOB-MAIL", env.today() - timedelta(days=31))
        )
    console = WipestationApp(real_services(app))
    try:
        async with console.run_test(size=(120, 40)) as pilot:
            await console.workers.wait_for_complete()
            await pilot.pause()
            table = console.screen.query_one("#drives", DriveTable)
            table.move_cursor(row=table.get_row_index(device))
            await pilot.press("e", *IDENTITY.serial, "enter")
            await console.workers.wait_for_complete()
            await pilot.pause()
            (row,) = console.screen.query(ErasureRow)
            assert row.job.outcome == "succeeded" and row.job.certificate
            toasts = [n for n in console._notifications if n.title == "Erasure finished"]
            assert toasts and toasts[-1].severity == "warning"
            text = toasts[-1].message
            assert f"certificate {row.job.certificate} was issued but not sent" in text
            assert "retry: certificate send --pending" in text
        with app.sessions.begin() as s:
            (send,) = s.query(CertificateSend).all()
            assert send.status == "failed"  # recorded: `certificate send --pending` retries it
    finally:
        app.close()
