"""The audit chain notices an edited, an inserted and a deleted row (edited in the SQLite file)."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.fixture
def history(cli: Cli) -> Cli:
    cid = cli.ok("customer", "add", "--name", "Kees")["id"]
    for serial in ("A1", "A2", "A3"):
        cli.ok(
            "backup", "register", "--serial", serial, "--customer", str(cid), "--job", "J", "--made-on", "2026-11-01"
        )
    cli.ok("hold", "A2", "--until", "2027-01-01", "--reason", "police request")
    cli.ok("release", "A2")
    return cli


def _sql(cli: Cli, statement: str, **params: object) -> None:
    cli.sql(statement, **params)


def test_an_untouched_chain_verifies(history: Cli) -> None:
    result = history("audit", "verify")
    assert result.exit_code == 0
    assert result.stdout == "audit chain intact: 6 events\n"
    assert history.ok("audit", "verify") == {"ok": True, "events": 6}


def test_every_state_change_is_an_event_with_its_actor(history: Cli) -> None:
    rows = history.sql("select action, actor, entity, entity_id from audit_events order by id")
    assert [r[0] for r in rows] == [
        "customer.added",
        "record.registered",
        "record.registered",
        "record.registered",
        "record.held",
        "record.released",
    ]
    assert {r[1] for r in rows} == {"tester"}


def test_an_edited_event_is_named(history: Cli) -> None:
    _sql(history, "update audit_events set actor = 'mallory' where id = 3")
    result = history("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == "error: audit chain broken: event 3 was changed after it was written\n"


def test_an_edited_summary_is_named(history: Cli) -> None:
    _sql(history, 'update audit_events set "after" = \'{"state":"erased"}\' where id = 5')
    result = history("audit", "verify")
    assert result.exit_code == 1
    assert "event 5 was changed" in result.stderr


def test_an_inserted_event_is_named(history: Cli) -> None:
    _sql(
        history,
        'insert into audit_events (id, at, actor, action, entity, entity_id, customer_id, "before", "after", '
        'prev_hash, hash) select 7, at, actor, action, entity, entity_id, customer_id, "before", "after", '
        "hash, :forged from audit_events where id = 6",
        forged="f" * 64,
    )
    result = history("audit", "verify")
    assert result.exit_code == 1
    assert "event 7 was changed" in result.stderr or "chain head" in result.stderr


def test_an_event_inserted_in_the_middle_is_named(history: Cli) -> None:
    _sql(history, "update audit_events set id = id + 100 where id >= 4")
    _sql(history, "update audit_events set id = id - 99 where id >= 104")
    # ids are now 1,2,3,5,6,7: put a forged copy of event 3 at 4
    _sql(
        history,
        'insert into audit_events (id, at, actor, action, entity, entity_id, customer_id, "before", "after", '
        'prev_hash, hash) select 4, at, actor, action, entity, entity_id, customer_id, "before", "after", '
        "prev_hash, hash from audit_events where id = 3",
    )
    result = history("audit", "verify")
    assert result.exit_code == 1
    assert "event 4" in result.stderr


def test_a_deleted_event_is_named(history: Cli) -> None:
    _sql(history, "delete from audit_events where id = 4")
    result = history("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == "error: audit chain broken: event 4 is missing (next is 5)\n"


def test_a_deleted_last_event_is_named(history: Cli) -> None:
    _sql(history, "delete from audit_events where id = 6")
    result = history("audit", "verify")
    assert result.exit_code == 1
    assert "the chain head names event 6 but the log ends at 5" in result.stderr


def test_the_chain_goes_on_after_a_failed_command(history: Cli) -> None:
    assert history("release", "A1").exit_code == 1
    history.ok("request-deletion", "A1")
    assert history.ok("audit", "verify")["events"] == 7
