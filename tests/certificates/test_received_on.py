"""`abandoned register --received-on DATE`: a disk already on the shelf gets the day it came in, and
its destruction certificate prints that day (not the day it was registered)."""

from __future__ import annotations

import json

from tests.conftest import Cli


def test_received_on_reaches_the_destruction_certificate(cli: Cli) -> None:
    customer = cli.ok("customer", "add", "--name", "Zoë Müller")["id"]
    base = ["abandoned", "register", "--serial", "SHELF-1", "--model", "ST500DM002", "--capacity", "500GB"]
    future = cli(*base, "--customer", str(customer), "--received-on", "2030-01-01")
    assert future.exit_code == 1 and "--received-on 2030-01-01 is in the future" in future.stderr
    record = cli.ok(
        *base,
        "--customer",
        str(customer),
        "--abandoned-on",
        "2026-08-01",
        "--received-on",
        "2026-07-10",
        "--media",
        "hdd",
    )
    out = cli.ok("destroy", str(record["id"]), "--method", "shred", "--level", "H-5")
    (raw,) = cli.sql("SELECT data FROM certificates WHERE number = :n", n=out["certificate"])[0]
    data = json.loads(raw) if isinstance(raw, str) else raw
    assert data["destruction"]["received_on"] == "2026-07-10"
    assert data["drive"]["manufacturer"] == "Seagate"  # from the model's prefix
