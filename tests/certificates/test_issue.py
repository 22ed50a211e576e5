"""Issuing: numbers, stored documents, audit, failed erasures, anonymisation, concurrency."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import KeyFiles, Shop, config_for
from tests.fakes import FakeClock
from wipestation.audit.log import verify_chain
from wipestation.common.config import Config
from wipestation.common.env import Env
from wipestation.common.errors import InvalidState
from wipestation.documents import certify
from wipestation.records import customers
from wipestation.store.db import open_store
from wipestation.store.models import AuditEvent, Certificate, CertificateCounter, CustodyKind, ErasureOutcome


def test_an_erasure_certificate_is_numbered_stored_and_audited(
    shop: Shop, sessions: sessionmaker[Session], env: Env, renderer: PdfCertificateRenderer
) -> None:
    record = shop.record("BK-1", kind=CustodyKind.BACKUP, started_on=date(2026, 10, 1), due_on=date(2026, 10, 31))
    erasure = shop.erasure(record)
    with sessions.begin() as s:
        cert = certify.issue_erasure_certificate(s, env, renderer, erasure)
        number, sha = cert.number, cert.sha256
        assert [d.lang for d in cert.documents] == ["nl"]
        pdf = cert.documents[0].pdf
    assert number == "WS-2026-000001"
    report = renderer.verify(pdf)
    assert report.ok and report.sha256 == sha
    assert report.data is not None
    assert report.data["erasure"]["retention_rule"] == certify.RULE_RETENTION
    assert report.data["customer"]["job_ref"] == "JOB-1"
    with sessions.begin() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action == "certificate.issued")) == 1
        assert verify_chain(s).ok


@pytest.mark.parametrize("outcome", [ErasureOutcome.FAILED, ErasureOutcome.INTERRUPTED, ErasureOutcome.RUNNING])
def test_a_failed_erasure_never_yields_a_certificate(
    shop: Shop, sessions: sessionmaker[Session], env: Env, renderer: PdfCertificateRenderer, outcome: ErasureOutcome
) -> None:
    erasure = shop.erasure(shop.record("BK-2", kind=CustodyKind.BACKUP), outcome=outcome)
    with pytest.raises(InvalidState), sessions.begin() as s:
        certify.issue_erasure_certificate(s, env, renderer, erasure)
    with sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Certificate)) == 0
        assert s.scalar(select(func.count()).select_from(CertificateCounter)) == 0


def test_numbers_are_consecutive_and_restart_each_year(
    shop: Shop, sessions: sessionmaker[Session], env: Env, clock: FakeClock, renderer: PdfCertificateRenderer
) -> None:
    numbers = []
    for i in range(3):
        if i == 2:
            clock.set_day(date(2027, 1, 2))
        erasure = shop.erasure(shop.record(f"BK-N{i}", kind=CustodyKind.BACKUP))
        with sessions.begin() as s:
            numbers.append(certify.issue_erasure_certificate(s, env, renderer, erasure).number)
    assert numbers == ["WS-2026-000001", "WS-2026-000002", "WS-2027-000001"]


def test_forgetting_a_customer_keeps_number_and_hash_and_renders_anonymised(
    shop: Shop, sessions: sessionmaker[Session], env: Env, renderer: PdfCertificateRenderer
) -> None:
    customer = shop.customer("Zoë Geheim")
    erasure = shop.erasure(shop.record("BK-A", kind=CustodyKind.BACKUP, customer_id=customer))
    with sessions.begin() as s:
        cert = certify.issue_erasure_certificate(s, env, renderer, erasure)
        number, sha, original = cert.number, cert.sha256, cert.documents[0].pdf
    with sessions.begin() as s:
        assert customers.forget_customer_documents(s, customer) == 1
    with sessions.begin() as s:
        cert = certify.find_certificate(s, number)
        assert cert.documents == [] and cert.sha256 == sha
        assert cert.data["customer"]["name"] == certify.ANONYMISED
        assert "Geheim" not in str(cert.data)
        fresh = certify.certificate_pdf(s, env, renderer, number)
        hashes = certify.stored_hashes(cert)
    for pdf in (original, fresh):
        report = renderer.verify(pdf)
        assert report.ok and report.sha256 in hashes
    assert renderer.verify(fresh).data["customer"]["name"] == certify.ANONYMISED  # type: ignore[index]


def _issue_many(url: str, data_dir: str, key: str, cert: str, count: int, queue: multiprocessing.Queue[str]) -> None:
    config = config_for(Path(data_dir), KeyFiles(Path(key), Path(cert)))
    env = Env(clock=FakeClock(), config=config, actor="proc")
    renderer = PdfCertificateRenderer(config)
    engine, sessions = open_store(url)
    shop = Shop(sessions, env, FakeClock())
    try:
        for i in range(count):
            erasure = shop.erasure(
                shop.record(f"P{multiprocessing.current_process().pid}-{i}", kind=CustodyKind.BACKUP)
            )
            with sessions.begin() as s:
                queue.put(certify.issue_erasure_certificate(s, env, renderer, erasure).number)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_two_processes_issuing_at_once_get_unique_consecutive_numbers(
    tmp_path: Path, config: Config, shop_key: KeyFiles
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    engine, _ = open_store(url)
    engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str] = ctx.Queue()
    per_process = 6
    procs = [
        ctx.Process(
            target=_issue_many,
            args=(url, str(config.data_dir), str(shop_key.key), str(shop_key.cert), per_process, queue),
        )
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    numbers = [queue.get(timeout=120) for _ in range(2 * per_process)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sorted(numbers) == [f"WS-2026-{i:06d}" for i in range(1, 2 * per_process + 1)]
