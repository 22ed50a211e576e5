"""The log and the records witness each other: the tampers a hash chain alone does not see."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Cli
from wipestation.audit.log import GENESIS, Action, event_hash
from wipestation.store.db import open_store
from wipestation.store.models import AuditEvent, AuditHead


@pytest.fixture
def shop(cli: Cli) -> Cli:
    """A customer, a held and released backup, and an abandoned disk destroyed with a certificate."""
    cid = cli.ok("customer", "add", "--name", "Kees")["id"]
    cli.ok("backup", "register", "--serial", "B1", "--customer", str(cid), "--job", "J", "--made-on", "2026-11-01")
    cli.ok(
        "abandoned", "register", "--serial", "A1", "--model", "M", "--capacity", "1TB", "--media", "hdd",
        "--customer", str(cid), "--abandoned-on", "2026-07-01",
    )  # fmt: skip
    cli.ok("destroy", "A1", "--method", "shred", "--level", "H-5")
    cli.ok("hold", "B1", "--until", "2027-01-01", "--reason", "dispute")
    cli.ok("release", "B1")
    return cli


def _fails(cli: Cli, *args: str) -> str:
    result = cli("audit", "verify", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    return result.stdout + result.stderr


def test_an_untouched_shop_verifies_and_its_head_is_one_line(shop: Cli) -> None:
    assert shop.ok("audit", "verify") == {"ok": True, "events": 8}
    line = shop("audit", "head").stdout
    assert re.fullmatch(r"8:[0-9a-f]{64}\n", line)
    assert shop("audit", "verify", "--head", line.strip()).exit_code == 0
    assert shop("audit", "verify", "--head", line.strip()[:14]).exit_code == 0  # 12 digits written down
    assert shop.ok("audit", "head")["event"] == 8


def test_actions_are_named_by_one_enum(shop: Cli) -> None:
    actions = {row[0] for row in shop.sql("select action from audit_events")}
    assert actions <= {a.value for a in Action}
    # one scheme: `<entity>.<past participle>`
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", a.value) for a in Action)
    # (a participle may take a qualifier: erasure.succeeded_with_exceptions; held and made are irregular)
    assert all(a.value.split("_with_")[0].endswith(("ed", ".held", ".made")) for a in Action)


def test_deleting_every_event_and_the_head_is_found(shop: Cli) -> None:
    shop.sql("delete from audit_events")
    shop.sql("delete from audit_head")
    out = _fails(shop)
    assert "customer 1 has no events" in out
    assert "record 1 has no events" in out and "record 2 has no events" in out
    assert "certificate WS-2026-000001 has no event" in out


def test_deleting_the_last_events_and_moving_the_head_is_found(shop: Cli) -> None:
    last = shop.sql("select id, hash from audit_events where id = 7")[0]
    shop.sql("delete from audit_events where id = 8")
    shop.sql("update audit_head set last_event_id = :i, last_hash = :h", i=last[0], h=last[1])
    out = _fails(shop)
    assert "hold 1 of record 1 was released without an event" in out


def test_deleting_history_up_to_a_certificate_is_found(shop: Cli) -> None:
    """Cut the log back to before the certificate was issued: the certificate still names its head."""
    cut = shop.sql("select id, hash from audit_events where action = 'destruction.recorded'")[0]
    shop.sql("delete from audit_events where id >= :i", i=cut[0])
    before = shop.sql("select id, hash from audit_events where id = :i", i=cut[0] - 1)[0]
    shop.sql("update audit_head set last_event_id = :i, last_hash = :h", i=before[0], h=before[1])
    out = _fails(shop)
    assert "certificate WS-2026-000001 was issued at audit event" in out
    assert "destruction 1 has no event" in out


def test_a_state_edited_without_an_event_is_found(shop: Cli) -> None:
    shop.sql("update custody_records set state = 'destroyed' where id = 1")
    out = _fails(shop)
    assert "record 1 is destroyed but its events leave it holding" in out


def test_an_anonymisation_without_its_event_is_found(shop: Cli) -> None:
    shop.sql("update customers set anonymised_at = created_at where id = 1")
    assert "customer 1 is anonymised without an event" in _fails(shop)


def _recompute_chain(cli: Cli) -> None:
    engine, sessions = open_store(cli.url)
    try:
        with sessions.begin() as s:
            prev = GENESIS
            for event in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
                event.prev_hash = prev
                event.hash = event_hash(event)
                prev = event.hash
            head = s.get(AuditHead, 1)
            assert head is not None
            head.last_hash = prev
    finally:
        engine.dispose()


def test_a_rewritten_and_rehashed_history_is_found(shop: Cli, tmp_path: Path) -> None:
    remembered = shop("audit", "head").stdout.strip()
    pdf = tmp_path / "c.pdf"
    assert shop("certificate", "pdf", "WS-2026-000001", "-o", str(pdf)).exit_code == 0
    shop.sql("update audit_events set actor = 'mallory' where id = 2")
    _recompute_chain(shop)
    out = _fails(shop)
    assert "certificate WS-2026-000001 was issued at audit event" in out and "is not the one remembered" in out
    out = _fails(shop, "--head", remembered)
    assert f"the remembered head {remembered[:18]} is not in the chain" in out
    verified = shop("certificate", "verify", str(pdf))
    assert verified.exit_code == 1
    assert "was issued at audit event" in verified.stderr


def test_the_certificate_carries_the_head_at_its_issue(shop: Cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    raw = shop.sql("select data from certificates")[0][0]
    data = raw if isinstance(raw, dict) else json.loads(raw)
    issued = shop.sql("select id from audit_events where action = 'certificate.issued'")[0][0]
    head = shop.sql("select id, hash from audit_events where id = :i", i=issued - 1)[0]
    assert data["audit_head"] == {"event": head[0], "hash": head[1]}
    pdf = tmp_path / "c.pdf"
    assert shop("certificate", "pdf", "WS-2026-000001", "-o", str(pdf)).exit_code == 0
    text = "".join((p.extract_text() or "") for p in PdfReader(pdf).pages)
    assert f"audit {head[0]}:" in " ".join(text.split())
    assert shop("certificate", "verify", str(pdf)).exit_code == 0


@pytest.mark.parametrize("bad", ["9", "9:xyz", "x:abcdefabcdef", "9:abc"])
def test_a_malformed_head_is_one_line(shop: Cli, bad: str) -> None:
    result = shop("audit", "verify", "--head", bad)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --head: not N:HASH")


def test_a_head_beyond_the_log_is_found(shop: Cli) -> None:
    assert "the log no longer has event 99" in _fails(shop, "--head", "99:" + "a" * 64)
