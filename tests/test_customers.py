"""Customers' rights: see, correct, export, anonymise; bulk anonymisation after 7 years."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.conftest import Cli
from tests.fakes import FakeClock

PERSONAL = ("Ëlise van Dijk-Smit", "elise@voorbeeld.nl", "06-12345678", "Kerkstraat 7, 9401 AB Assen")


def _elise(cli: Cli) -> int:
    name, email, phone, address = PERSONAL
    return int(
        cli.ok("customer", "add", "--name", name, "--email", email, "--phone", phone, "--address", address)["id"]
    )


def test_add_list_search_show_edit(cli: Cli) -> None:
    cid = _elise(cli)
    cli.ok("customer", "add", "--name", "Piet Bakker")
    assert [c["name"] for c in cli.ok("customer", "list")] == [PERSONAL[0], "Piet Bakker"]
    assert [c["id"] for c in cli.ok("customer", "list", "--search", "KERKSTRAAT")] == [cid]
    assert [c["id"] for c in cli.ok("customer", "list", "--search", "bakker")] == [cid + 1]
    shown = cli.ok("customer", "show", str(cid))
    assert shown["email"] == PERSONAL[1]
    assert shown["records"] == []
    edited = cli.ok("customer", "edit", str(cid), "--phone", "0592-111111")
    assert edited["phone"] == "0592-111111"
    assert edited["name"] == PERSONAL[0]
    nothing = cli("customer", "edit", str(cid), "--phone", "0592-111111")
    assert nothing.exit_code == 1
    assert "nothing to change" in nothing.stderr


def test_export_holds_everything_about_the_customer(cli: Cli, tmp_path: Path) -> None:
    cid = _elise(cli)
    other = cli.ok("customer", "add", "--name", "Someone Else")["id"]
    b = cli.ok(
        "backup", "register", "--serial", "EXP-1", "--customer", str(cid), "--job", "R-77", "--made-on", "2026-11-01"
    )
    a = cli.ok(
        "abandoned",
        "register",
        "--serial",
        "EXP-2",
        "--model",
        "WD10EZEX",
        "--capacity",
        "1TB",
        "--customer",
        str(cid),
        "--location",
        "kast 2",
    )
    cli.ok("hold", "EXP-1", "--until", "2027-01-01", "--reason", "customer is abroad")
    cli.ok("backup", "register", "--serial", "OTHER", "--customer", str(other), "--job", "R-78")
    out = tmp_path / "export.json"
    result = cli("customer", "export", str(cid), "-o", str(out))
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["customer"]["name"] == PERSONAL[0]
    assert data["customer"]["address"] == PERSONAL[3]
    assert [r["id"] for r in data["records"]] == [b["id"], a["id"]]
    assert data["records"][0]["holds"][0]["reason"] == "customer is abroad"
    assert data["records"][1]["location"] == "kast 2"
    actions = [e["action"] for e in data["audit_events"]]
    assert actions == ["customer.added", "record.registered", "record.registered", "record.held"]
    assert "OTHER" not in out.read_text()
    assert {"erasures", "destructions", "certificates"} <= set(data)
    # stdout variant is the same document
    assert json.loads(cli("customer", "export", str(cid)).stdout) == data


def test_anonymise_leaves_no_personal_field_behind_and_keeps_the_records(cli: Cli) -> None:
    cid = _elise(cli)
    cli.ok("customer", "edit", str(cid), "--email", "elise.old@voorbeeld.nl")
    cli.ok("customer", "edit", str(cid), "--email", PERSONAL[1])
    rec = cli.ok("backup", "register", "--serial", "ANON-1", "--customer", str(cid), "--job", "R-9")
    cli.ok("hold", "ANON-1", "--until", "2027-01-01", "--reason", "Ëlise disputes the invoice")
    cli.ok("release", "ANON-1", "--reason", "call with mrs van Dijk-Smit")
    cli.ok("request-deletion", "ANON-1", "--reason", "e-mail from elise@voorbeeld.nl")
    anon = cli.ok("customer", "anonymise", str(cid))
    assert anon["name"] == f"anonymised customer {cid}"
    assert anon["email"] is None and anon["phone"] is None and anon["address"] is None
    assert anon["anonymised"] is True
    # the record stays, still linked to the (now anonymous) customer; that it was held and why is gone
    kept = cli.ok("show", str(rec["id"]))
    assert kept["customer_id"] == cid and kept["job"] == "R-9"
    assert kept["deletion_requested_on"] == "2026-11-25"
    assert kept["deletion_reason"] == kept["holds"][0]["reason"] == kept["holds"][0]["release_reason"]
    assert "removed" in kept["deletion_reason"]
    exported = cli("customer", "export", str(cid)).stdout
    for value in (*PERSONAL, "elise.old@voorbeeld.nl"):
        assert value not in exported
    if cli.is_sqlite:
        # nothing readable left in the database files themselves (SQLite keeps freed text unless scrubbed)
        files = [p for p in cli.db_path.parent.iterdir() if p.name.startswith(cli.db_path.name)]
        blob = b"".join(p.read_bytes() for p in files)
        for value in (*PERSONAL, "elise.old@voorbeeld.nl", "Kerkstraat", "van Dijk", "Ëlise disputes"):
            assert value.encode() not in blob, value
        assert b"ANON-1" in blob  # the record itself is kept
    rows = cli.sql("select name, email, phone, address from customers where id = :id", id=cid)
    assert rows == [(f"anonymised customer {cid}", None, None, None)]
    again = cli("customer", "anonymise", str(cid))
    assert again.exit_code == 1
    assert "already anonymised" in again.stderr
    assert cli("customer", "edit", str(cid), "--name", "X").exit_code == 1


def test_audit_events_never_carry_personal_data(cli: Cli) -> None:
    cid = _elise(cli)
    cli.ok("customer", "edit", str(cid), "--name", "Elise Smit")
    cli.ok("backup", "register", "--serial", "AU-1", "--customer", str(cid), "--job", "R-1")
    events = json.loads(cli("customer", "export", str(cid)).stdout)["audit_events"]
    text = json.dumps(events)
    for value in (*PERSONAL, "Elise Smit"):
        assert value not in text
    assert events[1]["after"] == {"changed": ["name"]}


def test_purge_expired_anonymises_after_the_record_retention_period(cli: Cli, clock: FakeClock) -> None:
    clock.set_day(date(2019, 3, 1))
    old = _elise(cli)
    clock.set_day(date(2026, 11, 1))
    recent = cli.ok("customer", "add", "--name", "Recent Customer")["id"]
    clock.set_day(date(2026, 11, 25))
    dry = cli.ok("customer", "purge-expired", "--dry-run")
    assert dry == {"dry_run": True, "customers": [old]}
    assert cli.ok("customer", "show", str(old))["name"] == PERSONAL[0]
    done = cli.ok("customer", "purge-expired")
    assert done["customers"] == [old]
    assert cli.ok("customer", "show", str(old))["anonymised"] is True
    assert cli.ok("customer", "show", str(recent))["anonymised"] is False


def test_a_customer_with_an_open_record_is_not_purged(cli: Cli, clock: FakeClock) -> None:
    clock.set_day(date(2018, 1, 1))
    cid = _elise(cli)
    cli.ok("abandoned", "register", "--serial", "OLD", "--model", "M", "--capacity", "1TB", "--customer", str(cid))
    clock.set_day(date(2026, 11, 25))
    assert cli.ok("customer", "purge-expired", "--on", str(date(2026, 11, 25)))["customers"] == []


def test_anonymise_keeps_certificates_verifiable_and_drops_the_name(cli: Cli, tmp_path: Path) -> None:
    cid = _elise(cli)
    cli.ok(
        "abandoned",
        "register",
        "--serial",
        "CERT-1",
        "--model",
        "WD10EZEX",
        "--capacity",
        "1TB",
        "--media",
        "hdd",
        "--customer",
        str(cid),
        "--abandoned-on",
        "2026-07-01",
    )
    number = cli.ok("destroy", "CERT-1", "--method", "shred", "--level", "H-5")["certificate"]
    original = tmp_path / "original.pdf"
    assert cli("certificate", "pdf", number, "-o", str(original)).exit_code == 0
    assert PERSONAL[0] in _pdf_text(original)
    exported = json.loads(cli("customer", "export", str(cid)).stdout)
    assert [d["method"] for d in exported["destructions"]] == ["shred"]
    assert [c["number"] for c in exported["certificates"]] == [number]
    assert "certificate.issued" in [e["action"] for e in exported["audit_events"]]
    anon = cli.ok("customer", "anonymise", str(cid))
    assert anon["anonymised"] is True
    # the customer's own copy still verifies against the shop's records
    assert cli("certificate", "verify", str(original)).exit_code == 0, cli(
        "certificate", "verify", str(original)
    ).stderr
    fresh = tmp_path / "fresh.pdf"
    assert cli("certificate", "pdf", number, "-o", str(fresh)).exit_code == 0
    text = _pdf_text(fresh)
    assert number in text
    assert PERSONAL[0] not in text
    assert cli.ok("certificate", "list")[0]["number"] == number
    stored = json.dumps([list(map(str, r)) for r in cli.sql("select data from certificates")])
    assert "Dijk" not in stored


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)
