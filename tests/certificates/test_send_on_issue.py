"""`[certificates] send_on_issue`: a new certificate reaches its customer right after issue through
the same code as `certificate send` (real SMTP on loopback); a failed send never fails the
destruction, says so in one line, and `certificate send --pending` gets it through."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.certificates.conftest import Shop
from tests.certificates.test_send import _attachment, _free_port, _stored_pdf
from tests.conftest import Cli
from tests.helpers.smtp import Inbox, smtp_on_loopback
from wipestation.common.config import MailConfig, load_config
from wipestation.common.errors import ConfigError


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_on_loopback() as server:
        yield server


def _send_on_issue(cli: Cli, port: int, *, on: bool = True) -> None:
    cli.config = dataclasses.replace(
        cli.config,
        mail=MailConfig(host="127.0.0.1", port=port, sender="winkel@somcom.nl"),
        certificates=dataclasses.replace(cli.config.certificates, send_on_issue=on),
    )


def _record(cli: Cli, shop: Shop, serial: str, email: str | None) -> None:
    customer = shop.customer("Zoë Müller")
    if email:
        cli.sql("UPDATE customers SET email = :e WHERE id = :i", e=email, i=customer)
    shop.record(serial, customer_id=customer)


def test_a_new_certificate_is_mailed_to_its_customer(cli: Cli, shop: Shop, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    _send_on_issue(cli, port)
    _record(cli, shop, "HDD-AUTO-1", "zoe@example.nl")
    out = cli.ok("destroy", "HDD-AUTO-1", "--method", "shred", "--level", "H-5")
    number = out["certificate"]
    assert out["mail"] == {"number": number, "lang": "nl", "status": "sent", "error": None}
    assert box.envelopes == [("winkel@somcom.nl", ["zoe@example.nl"])]
    name, pdf = _attachment(box.messages[0])
    assert name == f"{number}.pdf" and pdf == _stored_pdf(cli, number, "nl")
    assert cli.sql("SELECT status FROM certificate_sends") == [("sent",)]
    events = cli.sql("SELECT action, after FROM audit_events WHERE action LIKE 'certificate.mail%'")
    assert [e[0] for e in events] == ["certificate.mailed"] and "@" not in str(events[0][1])


def test_no_address_or_switched_off_sends_nothing(cli: Cli, shop: Shop, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    _send_on_issue(cli, port)
    _record(cli, shop, "HDD-AUTO-2", None)
    assert cli.ok("destroy", "HDD-AUTO-2", "--method", "shred", "--level", "H-5")["mail"] is None
    _send_on_issue(cli, port, on=False)
    _record(cli, shop, "HDD-AUTO-3", "zoe@example.nl")
    result = cli("destroy", "HDD-AUTO-3", "--method", "shred", "--level", "H-5")
    assert result.exit_code == 0 and result.stderr == ""
    assert box.messages == [] and cli.sql("SELECT count(*) FROM certificate_sends") == [(0,)]


def test_a_failed_send_keeps_the_destruction_and_is_retried(cli: Cli, shop: Shop, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    _send_on_issue(cli, _free_port())  # nothing listens there
    _record(cli, shop, "HDD-AUTO-4", "zoe@example.nl")
    result = cli("destroy", "HDD-AUTO-4", "--method", "shred", "--level", "H-5")
    assert result.exit_code == 0, result.stderr
    number = cli.sql("SELECT number FROM certificates")[0][0]
    assert f"certificate {number}" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not sent" in lines[0] and "certificate send --pending" in lines[0]
    assert "zoe@example.nl" not in result.stderr
    assert cli.sql("SELECT state FROM custody_records") == [("destroyed",)]
    assert cli.sql("SELECT status FROM certificate_sends") == [("failed",)]

    _send_on_issue(cli, port)  # the server is back
    assert cli.ok("certificate", "send", "--pending") == [
        {"number": number, "lang": "nl", "status": "sent", "error": None}
    ]
    assert _attachment(box.messages[0])[1] == _stored_pdf(cli, number, "nl")


def test_send_on_issue_without_mail_is_a_config_error(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    config = tmp_path / "config.toml"
    config.write_text("[certificates]\nsend_on_issue = true\n")
    with pytest.raises(ConfigError, match=r"send_on_issue needs \[mail\] host and from"):
        load_config(config, env={})
    config.write_text('[certificates]\nsend_on_issue = "yes"\n')
    with pytest.raises(ConfigError, match="must be true or false"):
        load_config(config, env={})


@pytest.mark.blockdev
def test_an_erasure_certificate_is_mailed_and_a_failure_leaves_it_pending(tmp_path: Path) -> None:
    """The erase path (the one orchestration the CLI and the console call): real loop device, real
    renderer, real SMTP on loopback; first with the server down (pending), then --pending."""
    from tests.conftest import TEST_SHOP
    from tests.erasure.conftest import cli
    from tests.helpers.loop import loop_device
    from wipestation.cli.context import Overrides
    from wipestation.common.config import CertificatesConfig, Config, DevicesConfig

    if os.geteuid() != 0:
        pytest.skip("needs root to attach a loop device")
    db = tmp_path / "t.db"
    (tmp_path / "loop").mkdir()
    dead = Config(
        data_dir=tmp_path / "data",
        shop=TEST_SHOP,
        devices=DevicesConfig(allow_loop=True),
        mail=MailConfig(host="127.0.0.1", port=_free_port(), sender="winkel@somcom.nl"),
        certificates=CertificatesConfig(send_on_issue=True),
    )
    with loop_device(tmp_path / "loop", "mailme.img", 4 << 20, fill=b"\x55") as dev:
        customer = json.loads(
            cli(db, ["customer", "add", "--name", "A. Klant", "--email", "a@example.nl", "--json"]).stdout
        )
        record = json.loads(
            cli(
                db, ["backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J", "--json"]
            ).stdout
        )
        assert cli(db, ["request-deletion", str(record["id"])]).exit_code == 0
        args = ["erase", dev, "--method", "zero", "--verify", "none", "--confirm", "LOOP-mailme.img", "--json"]
        done = cli(db, args, obj=Overrides(config=dead))
        assert done.exit_code == 0, done.stderr
        final = json.loads(done.stdout.strip().splitlines()[-1])
        number = final["certificate"]
        assert final["mail"]["status"] == "failed"
        assert (
            [line for line in done.stderr.splitlines() if "not sent" in line]
            == [line for line in done.stderr.splitlines() if "certificate send --pending" in line]
            != []
        )
    with smtp_on_loopback() as (box, port):
        live = dataclasses.replace(dead, mail=dataclasses.replace(dead.mail, port=port))
        retried = cli(db, ["certificate", "send", "--pending", "--json"], obj=Overrides(config=live))
        assert json.loads(retried.stdout) == [{"number": number, "lang": "nl", "status": "sent", "error": None}]
        assert box.envelopes == [("winkel@somcom.nl", ["a@example.nl"])]
        stored = (
            sqlite3.connect(db)
            .execute(
                "SELECT d.pdf FROM certificate_documents d JOIN certificates c ON c.id = d.certificate_id "
                "WHERE c.number = ?",
                (number,),
            )
            .fetchone()[0]
        )
        assert _attachment(box.messages[0])[1] == bytes(stored)
