"""`wipestation digest`: the morning list, with a fake clock, mailed to a real SMTP server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import Cli
from tests.fakes import FakeClock
from tests.helpers.smtp import Inbox, smtp_on_loopback
from wipestation.audit.log import Action, record_event
from wipestation.common.config import DigestConfig, MailConfig
from wipestation.common.env import Env
from wipestation.common.erasure_details import ErasureDetails
from wipestation.store.db import open_store
from wipestation.store.models import Drive, Erasure, ErasureOutcome


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    with smtp_on_loopback() as server:
        yield server


def _records(cli: Cli) -> None:
    cid = cli.ok("customer", "add", "--name", "Jan de Vries")["id"]

    def backup(serial: str, made_on: str, location: str | None = None) -> None:
        extra = ["--location", location] if location else []
        args = ["backup", "register", "--serial", serial, "--customer", str(cid), "--job", f"R-{serial}"]
        cli.ok(*args, "--made-on", made_on, *extra)

    backup("DUE-TODAY", "2026-10-26", "kast B3")  # due 2026-11-25, today
    backup("LATE-6", "2026-10-20")  # due 2026-11-19: 6 days overdue
    backup("HELD-SOON", "2026-11-20")  # due 2026-12-20, held until 2026-11-30
    backup("HELD-LONG", "2026-11-20")  # held until 2026-12-15: not within 7 days
    backup("LATER", "2026-11-24")  # due 2026-12-24: nothing to say
    assert cli("hold", "HELD-SOON", "--until", "2026-11-30", "--reason", "dispute").exit_code == 0
    assert cli("hold", "HELD-LONG", "--until", "2026-12-15", "--reason", "police").exit_code == 0


def _erasure(cli: Cli, serial: str, outcome: ErasureOutcome, at: datetime, error: str | None = None) -> int:
    engine, sessions = open_store(cli.url)
    try:
        with sessions.begin() as s:
            drive = s.execute(select(Drive).where(Drive.serial == serial)).scalar_one()
            erasure = Erasure(
                drive_id=drive.id,
                device_path="/dev/sdz",
                method="zero",
                passes=1,
                nist_category="Clear",
                verify_mode="full",
                bytes_total=1 << 20,
                outcome=outcome,
                error=error,
                tool="wipestation",
                technician="tester",
                started_at=at,
                ended_at=at,
                bad_ranges=[],
                details=ErasureDetails(),
            )
            s.add(erasure)
            s.flush()
            # the events that explain it, as the erasure service writes them (audit verify replays them)
            env = Env(clock=cli.clock, config=cli.config, actor="tester")
            record_event(s, env, Action.ERASURE_STARTED, "erasure", erasure.id, after={"outcome": "running"})
            ended = {ErasureOutcome.FAILED: Action.ERASURE_FAILED, ErasureOutcome.SUCCEEDED: Action.ERASURE_SUCCEEDED}
            action = ended.get(outcome, Action.ERASURE_INTERRUPTED)
            record_event(s, env, action, "erasure", erasure.id, after={"outcome": outcome.value})
            return erasure.id
    finally:
        engine.dispose()


def test_the_digest_lists_due_overdue_holds_failures_and_the_audit_head(cli: Cli) -> None:
    _records(cli)
    failed = _erasure(cli, "LATER", ErasureOutcome.FAILED, datetime(2026, 11, 24, 9, tzinfo=UTC), "I/O error\nat 4096")
    _erasure(cli, "LATER", ErasureOutcome.SUCCEEDED, datetime(2026, 11, 24, 10, tzinfo=UTC))
    _erasure(cli, "LATER", ErasureOutcome.INTERRUPTED, datetime(2026, 11, 10, 9, tzinfo=UTC))  # before the window
    out = cli.ok("digest")
    assert out["on"] == "2026-11-25"
    assert [(i["serial"], i["overdue_days"]) for i in out["due_today"]] == [("DUE-TODAY", 0)]
    assert [(i["serial"], i["overdue_days"]) for i in out["overdue"]] == [("LATE-6", 6)]
    assert [(h["serial"], h["until"]) for h in out["holds_ending"]] == [("HELD-SOON", "2026-11-30")]
    assert [(f["erasure_id"], f["outcome"], f["error"]) for f in out["failed_erasures"]] == [
        (failed, "failed", "I/O error at 4096")
    ]
    head = cli.sql("SELECT last_event_id, last_hash FROM audit_head")[0]
    assert out["audit_head"] == f"{head[0]}:{head[1]}"
    assert out["mailed_to"] == 0


def test_the_text_is_in_the_shops_language(cli: Cli) -> None:
    _records(cli)
    nl = cli("digest")
    assert nl.exit_code == 0, nl.stderr
    assert "Vandaag aan de beurt:\n  #1 back-up DUE-TODAY, op plek kast B3\n" in nl.stdout
    assert "LATE-6: 6 dag(en) te laat" in nl.stdout
    assert "HELD-SOON: blokkade tot 2026-11-30" in nl.stdout
    assert "Mislukte of onderbroken wisbeurten sinds 2026-11-18 13:00:\n  (geen)" in nl.stdout
    en = cli("digest", "--lang", "en")
    assert "Due today:\n  #1 backup DUE-TODAY, at kast B3\n" in en.stdout
    assert "Overdue:\n  #2 backup LATE-6: 6 day(s) overdue\n" in en.stdout
    assert "Audit head (keep it outside the database): " in en.stdout


def test_on_another_day(cli: Cli) -> None:
    _records(cli)
    out = cli.ok("digest", "--on", "2026-12-01")
    assert [i["serial"] for i in out["due_today"]] == []
    assert [(i["serial"], i["overdue_days"]) for i in out["overdue"]] == [("LATE-6", 12), ("DUE-TODAY", 6)]
    assert out["holds_ending"] == []  # HELD-SOON ended the day before; HELD-LONG is 14 days away


def test_mailed_to_a_real_smtp_server_and_failures_count_from_the_last_digest(
    cli: Cli, clock: FakeClock, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    cli.config = replace(
        cli.config,
        mail=MailConfig(host="127.0.0.1", port=port, sender="wipestation@somcom.nl"),
        digest=DigestConfig(to=("werkplaats@somcom.nl", "eigenaar@somcom.nl")),
    )
    _records(cli)
    first = _erasure(cli, "LATER", ErasureOutcome.FAILED, datetime(2026, 11, 25, 8, tzinfo=UTC), "verify mismatch")
    head = cli.sql("SELECT last_event_id, last_hash FROM audit_head")[0]
    result = cli("digest", "--mail")
    assert result.exit_code == 0, result.stderr
    assert "mailed to 2 recipient(s)" in result.stderr
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["Subject"] == "wipestation: ochtendlijst 2026-11-25 (2 te doen)"
    assert inbox.envelopes[0] == ("wipestation@somcom.nl", ["werkplaats@somcom.nl", "eigenaar@somcom.nl"])
    body = message.get_content().replace("\r\n", "\n")
    assert "DUE-TODAY" in body and "LATE-6" in body and "HELD-SOON" in body
    assert f"wisbeurt {first}: LATER, zero, mislukt" in body
    assert f"Auditkop (bewaar buiten de database): {head[0]}:{head[1]}\n" in body
    assert cli.sql("SELECT count(*) FROM audit_events WHERE action = 'digest.mailed'") == [(1,)]
    assert cli("audit", "verify").exit_code == 0

    # The next morning: only what failed since the mailed digest.
    clock.advance(days=1)
    second = _erasure(cli, "LATER", ErasureOutcome.INTERRUPTED, datetime(2026, 11, 26, 7, tzinfo=UTC), "power cut")
    out = cli.ok("digest")
    assert [f["erasure_id"] for f in out["failed_erasures"]] == [second]
    assert out["since"] == "2026-11-25T12:00:00+00:00"


def test_mail_without_a_recipient_is_one_line(cli: Cli, smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    cli.config = replace(cli.config, mail=MailConfig(host="127.0.0.1", port=port, sender="w@somcom.nl"))
    result = cli("digest", "--mail")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: digest --mail: no recipient: set [digest] to in the config (or give --to)"
    ]
    assert inbox.messages == []


def test_an_unreachable_mail_server_records_no_digest(cli: Cli) -> None:
    cli.config = replace(
        cli.config, mail=MailConfig(host="127.0.0.1", port=1, sender="w@somcom.nl"), digest=DigestConfig(to=("a@b.nl",))
    )
    result = cli("digest", "--mail")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not reachable" in result.stderr
    assert cli.sql("SELECT count(*) FROM audit_events WHERE action = 'digest.mailed'") == [(0,)]


def test_a_bad_date_is_one_line(cli: Cli) -> None:
    result = cli("digest", "--on", "25-11-2026")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_digest_config_section(tmp_path: object) -> None:
    from pathlib import Path

    from wipestation.common.config import load_config
    from wipestation.common.errors import ConfigError

    path = Path(str(tmp_path)) / "c.toml"
    path.write_text('[digest]\nto = ["a@b.nl"]\nhour = "07:45"\n[backup]\ndir = "/srv/bk"\nkeep = 30\n')
    config = load_config(path, env={})
    assert config.digest == DigestConfig(to=("a@b.nl",), hour="07:45")
    assert (config.backup.dir, config.backup.keep) == ("/srv/bk", 30)
    path.write_text('[digest]\nhour = "8 uur"\n')
    try:
        load_config(path, env={})
    except ConfigError as exc:
        assert "HH:MM" in str(exc)
    else:
        raise AssertionError("a malformed hour was accepted")
    assert json.dumps(config.digest.to) == '["a@b.nl"]'


def test_the_pool_warnings_name_a_drive_retired_for_its_health(cli: Cli) -> None:
    from tests.stock.test_pool import _erase, _erase_services

    _erase_services(cli, "POOL-F", "smartctl_a_usb_jmicron_failing.json")
    assert _erase(cli, "POOL-F")["health"] == "failing"  # retired by its health
    _erase_services(cli, "POOL-OK", "smartctl_a_ata_wd140edfz.json")
    assert _erase(cli, "POOL-OK")["health"] == "healthy"
    out = cli.ok("digest")
    (warning,) = out["pool_warnings"]
    assert (warning["serial"], warning["state"], warning["health"]) == ("POOL-F", "retired", "failing")
    assert warning["retired_reason"].startswith("health: the drive's SMART self-assessment failed")
    text = cli("digest", "--lang", "en").stdout
    assert "Backup drives: health:\n  POOL-F: retired, health failing; retired: health:" in text
    assert "POOL-OK" not in text
    nl = cli("digest").stdout
    assert "POOL-F: uit gebruik, gezondheid slecht; uit gebruik genomen: health:" in nl
