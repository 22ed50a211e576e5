"""The console with the REAL certificate renderer (reportlab + pyHanko, through the entry point):
signing runs pyHanko's own event loop, so it must never run on the console's (UI) thread."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from textual.widgets import Input, SelectionList

from certificates.keys import ShopKeyPaths, create_shop_key
from tests.conftest import TEST_SHOP
from tests.tui.conftest import add_customers
from tui.app import WipestationApp
from tui.screens.destroy import DestroyScreen
from tui.screens.record_detail import RecordDetailScreen
from tui.services import ConsoleServices
from wipestation.common.config import CertificatesConfig, Config
from wipestation.common.env import Env
from wipestation.common.identity import DriveIdentity
from wipestation.documents.certify import CertificateRenderer, load_renderer
from wipestation.records import custody, registration
from wipestation.store.models import Certificate, CustodyRecord, CustodyState


@pytest.fixture(scope="session")
def key_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("tui-keys")
    paths = ShopKeyPaths(directory / "key.pem", directory / "cert.pem", create=True)
    create_shop_key(paths, "tui-test-shop")
    return paths.key, paths.cert


@pytest.fixture
def config(tmp_path: Path, key_files: tuple[Path, Path]) -> Config:
    key, cert = key_files
    return Config(
        data_dir=tmp_path / "data",
        shop=TEST_SHOP,
        certificates=CertificatesConfig(key_path=str(key), cert_path=str(cert)),
    )


@pytest.fixture
def real_renderer(config: Config) -> CertificateRenderer:
    return load_renderer(config)  # the `certificates` package's renderer, as installed


@pytest.fixture
def real_app(services: ConsoleServices, real_renderer: CertificateRenderer) -> Callable[..., WipestationApp]:
    def make(**changes: Any) -> WipestationApp:
        return WipestationApp(dataclasses.replace(services, renderer_factory=lambda: real_renderer, **changes))

    return make


def _abandoned(store: Any, env: Env, *serials: str) -> list[int]:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    ids = []
    with store.begin() as s:
        for serial in serials:
            reg = custody.Registration(cid, None, env.today() - relativedelta(months=4), "Plank A1")
            ident = DriveIdentity(serial=serial, model="WD Blue", capacity_bytes=10**12, media="hdd")
            ids.append(registration.register_abandoned(s, env, ident, reg).id)
    return ids


async def test_destroy_signs_real_certificates_without_crashing_the_console(
    real_app, store, env, real_renderer
) -> None:
    ids = _abandoned(store, env, "AB-REAL-1", "AB-REAL-2")
    app = real_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, DestroyScreen)
        screen.query_one("#records", SelectionList).select_all()
        screen.query_one("#witness", Input).value = "B. Getuige"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert app.screen is not screen
        assert app.screen.due == []
        assert any(n.title == "Destruction" for n in app._notifications)
    with store.begin() as s:
        states = [s.get(CustodyRecord, i).state for i in ids]
        assert states == [CustodyState.DESTROYED, CustodyState.DESTROYED]
        pdfs = [c.documents[0].pdf for c in s.execute(select(Certificate)).scalars()]
    assert len(pdfs) == 2
    # pyHanko's checker runs its own event loop: from a thread, as a script would
    reports = [await asyncio.to_thread(real_renderer.verify, pdf) for pdf in pdfs]
    assert all(r.ok for r in reports), [r.problems for r in reports]


async def test_record_detail_renders_a_missing_language_with_the_real_signer(
    real_app, store, env, real_renderer, opened, tmp_path: Path
) -> None:
    from wipestation.destruction.destroying import DestructionRequest, destroy

    (record_id,) = _abandoned(store, env, "AB-REAL-9")

    def issue() -> None:  # signing runs pyHanko's own event loop: from a thread, as the CLI would
        with store.begin() as s:
            destroy(s, env, real_renderer, DestructionRequest(refs=("AB-REAL-9",), method="shred", level="H-4"))
            cert = s.execute(select(Certificate)).scalar_one()
            for doc in list(cert.documents):  # as if issued elsewhere in the other language
                doc.lang = "en" if doc.lang == "nl" else "nl"

    await asyncio.to_thread(issue)
    app = real_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.show_record(record_id)
        await pilot.pause()
        assert isinstance(app.screen, RecordDetailScreen)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
    assert len(opened) == 1 and opened[0].read_bytes().startswith(b"%PDF")
