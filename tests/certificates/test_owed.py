"""The invariant: every record closed by an erasure or a destruction has its certificate. A database
that holds such records without one (written before the end and the certificate were one
transaction) is reported by `audit verify`, `doctor` and the digest, and gets them at the next start
(or from `certificate issue-owed`): gap-free numbers, the work's own times and figures, and a line
saying the certificate was issued later."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.certificates.conftest import Shop
from tests.conftest import Cli
from tests.test_doctor import _healthy
from wipestation.common.errors import ConfigError
from wipestation.store.models import CustodyKind, CustodyRecord, CustodyState, Destruction


class BrokenRenderer:
    """A signing key that cannot be used: the certificate owed cannot be issued yet."""

    def prepare(self) -> None:
        raise ConfigError("the signing key is damaged")

    def render(self, data: Any, lang: str) -> bytes:
        raise ConfigError("the signing key is damaged")

    def verify(self, pdf: bytes) -> Any:
        raise NotImplementedError


def _closed_without_certificates(shop: Shop) -> tuple[int, int, int, int]:
    """A backup record closed by its erasure, and an abandoned disk's record closed by its destruction,
    neither with its certificate: what a crash between the two transactions left before."""
    erased = shop.record("BACKUP-1", kind=CustodyKind.BACKUP)
    erasure = shop.erasure(erased)
    destroyed = shop.record("HDD-1")
    with shop.sessions.begin() as s:
        s.get_one(CustodyRecord, erased).state = CustodyState.ERASED
        record = s.get_one(CustodyRecord, destroyed)
        record.state = CustodyState.DESTROYED
        destruction = Destruction(
            batch="D-20261120-0000abcd",
            record_id=destroyed,
            drive_id=record.drive_id,
            method="shred",
            level="H-5",
            operator="Jan",
            destroyed_on=date(2026, 11, 20),
            evidence=[],
            created_at=shop.env.now(),
            details={},
        )
        s.add(destruction)
        s.flush()
        return erased, erasure, destroyed, destruction.id


def test_records_closed_without_their_certificate_are_reported_then_issued_at_the_next_start(
    cli: Cli, shop: Shop, tmp_path: Path
) -> None:
    erased, erasure, destroyed, destruction = _closed_without_certificates(shop)
    real = cli.overrides
    cli.overrides = replace(real, certificate_renderer=BrokenRenderer(), doctor_system=_healthy(tmp_path))

    verify = cli("audit", "verify")
    assert verify.exit_code == 1
    owed_erasure = f"record {erased} was closed by erasure {erasure} but has no certificate"
    owed_destruction = f"record {destroyed} was closed by destruction {destruction} but has no certificate"
    assert owed_erasure in verify.stdout and owed_destruction in verify.stdout
    assert "the signing key is damaged" in verify.stderr and "Traceback" not in verify.stderr

    digest = cli.ok("digest")
    assert digest["certificates_owed"] == [
        {"record": erased, "kind": "erasure", "work": erasure},
        {"record": destroyed, "kind": "destruction", "work": destruction},
    ]
    text = cli("digest", "--lang", "en").stdout
    assert f"#{erased}: erasure {erasure} has no certificate" in text

    doctor = {(r["check"], r["message"]) for r in json.loads(cli("doctor", "--json").stdout) if not r["ok"]}
    assert ("certificates", owed_erasure + " (`wipestation certificate issue-owed` issues it)") in doctor

    by_hand = cli("certificate", "issue-owed")
    assert by_hand.exit_code == 1 and "2 certificate(s) still owed" in by_hand.stderr
    assert cli.ok("certificate", "list") == []

    cli.overrides = replace(real, doctor_system=_healthy(tmp_path))  # the key works again
    cli.clock.advance(days=3)
    assert cli("list").exit_code == 0  # any command's start issues what is owed, first
    listed = cli.ok("certificate", "list")
    assert [(c["number"], c["kind"], c["record_id"]) for c in listed] == [
        ("WS-2026-000001", "erasure", erased),
        ("WS-2026-000002", "destruction", destroyed),
    ]
    stored = {n: _json(d) for n, d in cli.sql("select number, data from certificates")}
    first = stored["WS-2026-000001"]
    assert first["issued_later"] is True and first["issued_at"].startswith("2026-11-28")
    assert first["erasure"]["started_at"] == "2026-11-25T09:00:00+00:00"  # the erasure's own times
    assert first["erasure"]["ended_at"] == "2026-11-25T11:00:00+00:00"
    assert first["erasure"]["bytes_verified"] == 500_000_000_000
    pdf = tmp_path / "late.pdf"
    assert cli("certificate", "pdf", "WS-2026-000001", "--lang", "en", "-o", str(pdf)).exit_code == 0
    words = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Issued later: the work was complete, but the certificate could not be issued at the time" in words
    assert cli("certificate", "verify", str(pdf)).exit_code == 0

    assert cli("audit", "verify").stdout.count("has no certificate") == 0
    assert cli.ok("digest")["certificates_owed"] == []
    assert "every closed record has its certificate" in cli("doctor").stdout
    assert cli("certificate", "issue-owed").stdout.strip() == "no certificate is owed"


def _json(value: object) -> dict[str, Any]:
    """A JSON column as read by plain SQL: text in SQLite, already decoded by psycopg in PostgreSQL."""
    return value if isinstance(value, dict) else json.loads(str(value))


def test_a_certificate_issued_in_time_says_nothing_of_being_late(cli: Cli, shop: Shop) -> None:
    record = shop.record("HDD-2")
    out = cli.ok("destroy", str(record), "--method", "shred", "--level", "H-5", "--early", "--reason", "agreed")
    (data,) = [_json(d) for (d,) in cli.sql("select data from certificates")]
    assert out["certificate"] == "WS-2026-000001" and "issued_later" not in data
    with shop.sessions.begin() as s:
        assert s.scalars(select(Destruction.batch)).one() == out["batch"]
