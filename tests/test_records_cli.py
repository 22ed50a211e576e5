"""Registration, listing, due dates, holds and early deletion, driven through the real CLI."""

from __future__ import annotations

import json
from datetime import date

from tests.conftest import Cli
from tests.fakes import FakeClock


def _customer(cli: Cli, name: str = "Jan de Vries") -> int:
    return int(cli.ok("customer", "add", "--name", name, "--email", "jan@example.nl")["id"])


def test_backup_registration_prints_the_record_with_its_due_date(cli: Cli) -> None:
    cid = _customer(cli)
    rec = cli.ok(
        "backup", "register", "--serial", "WD-WX1", "--customer", str(cid), "--job", "R-1001", "--made-on", "2026-11-10"
    )
    assert rec["kind"] == "backup"
    assert rec["serial"] == "WD-WX1"
    assert rec["customer_id"] == cid
    assert rec["state"] == "holding"
    assert rec["due_on"] == "2026-12-10"
    assert isinstance(rec["id"], int)
    human = cli("show", "WD-WX1")
    assert human.exit_code == 0
    assert "due 2026-12-10 (in 15 days)" in human.stdout


def test_made_on_defaults_to_today(cli: Cli) -> None:
    cid = _customer(cli)
    rec = cli.ok("backup", "register", "--serial", "B1", "--customer", str(cid), "--job", "J")
    assert rec["started_on"] == "2026-11-25"
    assert rec["due_on"] == "2026-12-25"


def test_abandoned_registration_from_the_label(cli: Cli) -> None:
    cid = _customer(cli)
    rec = cli.ok(
        "abandoned",
        "register",
        "--serial",
        "Z1D2",
        "--model",
        "ST500DM002",
        "--capacity",
        "500GB",
        "--customer",
        str(cid),
        "--abandoned-on",
        "2026-08-31",
        "--location",
        "shelf B3",
    )
    assert rec["kind"] == "abandoned"
    assert rec["state"] == "stored"
    assert rec["due_on"] == "2026-11-30"
    assert rec["location"] == "shelf B3"
    assert rec["drive"] == {
        "serial": "Z1D2",
        "model": "ST500DM002",
        "vendor": None,
        "capacity_bytes": 500_000_000_000,
        "bus": "unknown",
        "media": "unknown",
        "wwn": None,
        "owner": "customer",
    }


def test_abandoned_record_is_stored_until_three_months_pass(cli: Cli, clock: FakeClock) -> None:
    cid = _customer(cli)
    rec = cli.ok(
        "abandoned",
        "register",
        "--serial",
        "Z1D2",
        "--model",
        "ST500DM002",
        "--capacity",
        "1TiB",
        "--customer",
        str(cid),
        "--abandoned-on",
        "2026-08-31",
    )
    assert rec["due_on"] == "2026-11-30"
    assert rec["state"] == "stored"
    assert rec["drive"]["capacity_bytes"] == 2**40
    clock.set_day(date(2026, 11, 30))
    assert cli.ok("show", str(rec["id"]))["state"] == "due"


def test_one_open_backup_per_drive(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "B1", "--customer", str(cid), "--job", "J1")
    before = cli.snapshot()
    result = cli("backup", "register", "--serial", "B1", "--customer", str(cid), "--job", "J2")
    assert result.exit_code == 1
    assert "already holds an open backup" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli.snapshot() == before
    assert len(cli.ok("list")) == 1


def test_due_lists_most_overdue_first_with_overdue_days(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "A", "--customer", str(cid), "--job", "J", "--made-on", "2026-10-20")
    cli.ok("backup", "register", "--serial", "B", "--customer", str(cid), "--job", "J", "--made-on", "2026-10-01")
    cli.ok("backup", "register", "--serial", "C", "--customer", str(cid), "--job", "J", "--made-on", "2026-11-20")
    cli.ok(
        "abandoned",
        "register",
        "--serial",
        "D",
        "--model",
        "M",
        "--capacity",
        "2TB",
        "--customer",
        str(cid),
        "--abandoned-on",
        "2026-08-05",
    )
    rows = cli.ok("due")
    assert [r["serial"] for r in rows] == ["B", "D", "A"]
    assert [r["overdue_days"] for r in rows] == [25, 20, 6]
    assert all(r["state"] == "due" for r in rows)
    later = cli.ok("due", "--on", "2026-12-20")
    assert [r["serial"] for r in later] == ["B", "D", "A", "C"]
    assert later[-1]["overdue_days"] == 0


def test_hold_pushes_the_due_date_and_release_ends_it(cli: Cli, clock: FakeClock) -> None:
    cid = _customer(cli)
    rec = cli.ok(
        "backup", "register", "--serial", "H1", "--customer", str(cid), "--job", "J", "--made-on", "2026-10-01"
    )
    assert [r["serial"] for r in cli.ok("due")] == ["H1"]
    held = cli.ok("hold", "H1", "--until", "2027-01-15", "--reason", "dispute about the invoice")
    assert held["due_on"] == "2027-01-15"
    assert held["on_hold"] is True
    assert held["holds"][0]["reason"] == "dispute about the invoice"
    assert cli.ok("due") == []
    shown = cli("show", str(rec["id"]))
    assert "hold      until 2027-01-15 (active): dispute about the invoice" in shown.stdout
    released = cli.ok("release", str(rec["id"]))
    assert released["due_on"] == "2026-10-31"
    assert released["on_hold"] is False
    assert released["holds"][0]["released"] is True
    assert [r["serial"] for r in cli.ok("due")] == ["H1"]


def test_an_expired_hold_leaves_the_record_due_from_the_hold_end(cli: Cli, clock: FakeClock) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "H2", "--customer", str(cid), "--job", "J", "--made-on", "2026-11-20")
    cli.ok("hold", "H2", "--until", "2027-01-31", "--reason", "police request")
    clock.set_day(date(2027, 2, 3))
    rows = cli.ok("due")
    assert rows[0]["due_on"] == "2027-01-31"
    assert rows[0]["overdue_days"] == 3
    assert cli("release", "H2").exit_code == 1  # nothing active to release any more


def test_request_deletion_makes_the_record_due_today(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "R1", "--customer", str(cid), "--job", "J", "--made-on", "2026-11-24")
    rec = cli.ok("request-deletion", "R1")
    assert rec["due_on"] == "2026-11-25"
    assert rec["deletion_requested_on"] == "2026-11-25"
    assert rec["state"] == "due"
    assert [r["serial"] for r in cli.ok("due")] == ["R1"]
    again = cli("request-deletion", "R1")
    assert again.exit_code == 1
    assert "already requested" in again.stderr


def test_list_filters_by_kind_and_state(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "L1", "--customer", str(cid), "--job", "J", "--made-on", "2026-10-01")
    cli.ok("backup", "register", "--serial", "L2", "--customer", str(cid), "--job", "J")
    cli.ok("abandoned", "register", "--serial", "L3", "--model", "M", "--capacity", "1TB", "--customer", str(cid))
    assert {r["serial"] for r in cli.ok("list", "--kind", "backup")} == {"L1", "L2"}
    assert {r["serial"] for r in cli.ok("list", "--state", "due")} == {"L1"}
    assert {r["serial"] for r in cli.ok("list", "--state", "holding")} == {"L2"}
    assert {r["serial"] for r in cli.ok("list", "--state", "stored")} == {"L3"}
    assert {r["serial"] for r in cli.ok("list", "--state", "open")} == {"L1", "L2", "L3"}


def test_json_output_is_one_document(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "J1", "--customer", str(cid), "--job", "J")
    result = cli("list", "--json")
    parsed = json.loads(result.stdout)
    assert isinstance(parsed, list)
    assert isinstance(json.loads(cli("show", "J1", "--json").stdout), dict)


def test_release_and_early_deletion_keep_their_reasons_out_of_the_audit_log(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "RS1", "--customer", str(cid), "--job", "J", "--made-on", "2026-11-20")
    cli.ok("hold", "RS1", "--until", "2027-01-10", "--reason", "dispute about the invoice")
    released = cli.ok("release", "RS1", "--reason", "invoice paid on 24 Nov")
    assert released["holds"][0]["release_reason"] == "invoice paid on 24 Nov"
    requested = cli.ok("request-deletion", "RS1", "--reason", "letter of 25 Nov from Jan de Vries")
    assert requested["deletion_reason"] == "letter of 25 Nov from Jan de Vries"
    shown = cli("show", "RS1").stdout
    assert "released: invoice paid on 24 Nov" in shown
    assert "requested by the customer on 2026-11-25: letter of 25 Nov from Jan de Vries" in shown
    audit = json.dumps(json.loads(cli("customer", "export", str(cid)).stdout)["audit_events"])
    assert "Jan de Vries" not in audit and "invoice paid" not in audit


def test_show_has_the_seal_the_computer_and_the_customer(cli: Cli) -> None:
    """`abandoned register --seal --computer` stores both; `show` and `show --json` show them (issue 26),
    and the JSON has the received date, the customer's name and the running hold's end."""
    cid = _customer(cli, "Marta Jansen")
    cli.ok(
        "abandoned", "register", "--serial", "SEAL1", "--model", "ST500", "--capacity", "500GB", "--customer", str(cid),
        "--abandoned-on", "2026-08-31",
        "--received-on", "2026-06-01", "--seal", "SEAL-77", "--computer", "HP laptop",
    )  # fmt: skip
    cli.ok("hold", "SEAL1", "--until", "2027-02-01", "--reason", "police asked")
    text = cli("show", "SEAL1").stdout
    assert "  seal      SEAL-77" in text and "  computer  HP laptop" in text
    assert "  received  2026-06-01" in text and "Marta Jansen (1)" in text
    assert "(on hold until 2027-02-01)" in text.splitlines()[0]
    data = cli.ok("show", "SEAL1")
    assert (data["seal_number"], data["host_computer"]) == ("SEAL-77", "HP laptop")
    assert (data["received_on"], data["customer_name"]) == ("2026-06-01", "Marta Jansen")
    assert data["hold_until"] == "2027-02-01"
    assert [e["action"] for e in data["events"]] == ["record.registered", "record.held"]
