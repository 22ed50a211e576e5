"""`certificate send`: the signed PDF reaches a real SMTP server on loopback (aiosmtpd), every attempt
is recorded with its outcome, the audit never holds the address, failures are retried by --pending."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator

import pytest

from tests.certificates.conftest import Shop
from tests.conftest import Cli
from tests.helpers.smtp import Inbox, smtp_on_loopback
from wipestation.common.config import MailConfig

URL = "https://www.somcom.nl/controle/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_on_loopback() as server:
        yield server


def _mail_to(cli: Cli, port: int) -> None:
    cli.config = dataclasses.replace(
        cli.config,
        mail=MailConfig(host="127.0.0.1", port=port, sender="winkel@somcom.nl"),
        certificates=dataclasses.replace(cli.config.certificates, verify_url=URL),
    )


def _certificate(cli: Cli, shop: Shop, serial: str, email: str | None = "zoe@example.nl") -> str:
    customer = shop.customer("Zoë Müller")
    if email:
        cli.sql("UPDATE customers SET email = :e WHERE id = :i", e=email, i=customer)
    shop.record(serial, customer_id=customer)
    return str(cli.ok("destroy", serial, "--method", "shred", "--level", "H-5")["certificate"])


def _stored_pdf(cli: Cli, number: str, lang: str) -> bytes:
    rows = cli.sql(
        "SELECT d.pdf FROM certificate_documents d JOIN certificates c ON c.id = d.certificate_id "
        "WHERE c.number = :n AND d.lang = :l",
        n=number,
        l=lang,
    )
    return bytes(rows[0][0])


def _attachment(message: object) -> tuple[str, bytes]:
    from email.message import EmailMessage

    assert isinstance(message, EmailMessage)
    (part,) = list(message.iter_attachments())
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), payload


def test_the_certificate_reaches_the_customer(cli: Cli, shop: Shop, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    _mail_to(cli, port)
    number = _certificate(cli, shop, "HDD-MAIL-1")
    out = cli.ok("certificate", "send", number)
    assert out == {"number": number, "lang": "nl", "status": "sent", "error": None}
    (message,) = box.messages
    assert box.envelopes[0] == ("winkel@somcom.nl", ["zoe@example.nl"])
    assert message["Subject"] == f"Uw certificaat {number} van SOMCOM Reparatie & Co"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "In de bijlage vindt u certificaat" in text and URL in text
    name, pdf = _attachment(message)
    assert name == f"{number}.pdf"
    assert pdf == _stored_pdf(cli, number, "nl")

    english = cli.ok("certificate", "send", number, "--lang", "en", "--to", "office@example.org")
    assert english["lang"] == "en"
    assert box.envelopes[1] == ("winkel@somcom.nl", ["office@example.org"])
    assert box.messages[1]["Subject"].startswith(f"Your certificate {number}")
    assert _attachment(box.messages[1])[1] == _stored_pdf(cli, number, "en")

    rows = cli.sql("SELECT lang, status, error FROM certificate_sends ORDER BY id")
    assert rows == [("nl", "sent", None), ("en", "sent", None)]
    events = cli.sql("SELECT action, after FROM audit_events WHERE action LIKE 'certificate.mail%'")
    assert [e[0] for e in events] == ["certificate.mailed", "certificate.mailed"]
    assert not any("@" in str(e[1]) for e in events)


def test_a_failed_send_is_recorded_and_retried_by_pending(cli: Cli, shop: Shop, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    _mail_to(cli, _free_port())  # nothing listens there
    number = _certificate(cli, shop, "HDD-MAIL-2")
    result = cli("certificate", "send", number)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not sent" in lines[0] and "stays pending" in lines[0]
    assert "zoe@example.nl" not in result.stderr
    assert cli.sql("SELECT status FROM certificate_sends") == [("failed",)]
    events = cli.sql("SELECT after FROM audit_events WHERE action = 'certificate.mail_failed'")
    assert len(events) == 1 and "@" not in str(events[0][0])

    _mail_to(cli, port)  # the server is back
    out = cli.ok("certificate", "send", "--pending")
    assert out == [{"number": number, "lang": "nl", "status": "sent", "error": None}]
    assert box.envelopes == [("winkel@somcom.nl", ["zoe@example.nl"])]
    assert _attachment(box.messages[0])[1] == _stored_pdf(cli, number, "nl")
    assert cli.ok("certificate", "send", "--pending") == []
    assert cli("certificate", "send", "--pending").stdout.strip() == "nothing pending"


def test_a_failed_send_in_dutch_is_stored_in_english(cli: Cli, shop: Shop) -> None:
    """The technician reads Dutch; the attempt's stored error (and its audit event) stays English."""
    port = _free_port()
    _mail_to(cli, port)  # nothing listens there
    number = _certificate(cli, shop, "HDD-MAIL-NL")
    result = cli("--lang", "nl", "certificate", "send", number)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"fout: certificaat {number} niet verstuurd: mail server ")
    assert lines[0].endswith("; het blijft in de wachtrij (certificate send --pending)")
    [(error,)] = cli.sql("SELECT error FROM certificate_sends")
    assert error.startswith(f"mail server 127.0.0.1:{port} not reachable: ")
    events = cli.sql("SELECT after FROM audit_events WHERE action = 'certificate.mail_failed'")
    assert "not reachable" in str(events[0][0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["WS-2026-999999"], "no certificate WS-2026-999999"),
        ([], "give a certificate NUMBER, or --pending"),
        (["{n}", "--to", "not an address"], "not an e-mail address"),
        (["{n}"], "has no e-mail address on record"),
    ],
)
def test_bad_input_is_one_line_and_records_nothing(
    cli: Cli, shop: Shop, inbox: tuple[Inbox, int], args: list[str], message: str
) -> None:
    _mail_to(cli, inbox[1])
    number = _certificate(cli, shop, "HDD-MAIL-3", email=None)
    result = cli("certificate", "send", *[a.format(n=number) for a in args])
    assert result.exit_code in (1, 2)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert cli.sql("SELECT count(*) FROM certificate_sends") == [(0,)]


def test_the_mail_has_date_and_message_id_and_one_full_stop_after_a_name_ending_in_one(
    cli: Cli, shop: Shop, inbox: tuple[Inbox, int]
) -> None:
    """Parsed by Python's `email` with `policy.strict` (a header defect raises): `Date` (RFC 5322
    requires it) is the clock's time, `Message-ID` is under the sender's domain, and "Jansen B.V."
    ends its sentence once."""
    import email
    import email.policy
    from email.utils import parsedate_to_datetime

    from wipestation.common.config import ShopConfig

    box, port = inbox
    _mail_to(cli, port)
    cli.config = dataclasses.replace(
        cli.config, shop=ShopConfig(name="Jansen Computers B.V.", address="Markt 1, Assen", contact="0592-1")
    )
    number = _certificate(cli, shop, "HDD-MAIL-DATE")
    assert cli.ok("certificate", "send", number)["status"] == "sent"
    (raw,) = box.raw
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    assert message.defects == []
    assert parsedate_to_datetime(str(message["Date"])) == cli.clock.now()
    message_id = str(message["Message-ID"])
    assert message_id.startswith("<") and message_id.endswith("@somcom.nl>"), message_id
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert "B.V.." not in text and "van Jansen Computers B.V.\n" in text
    assert cli.ok("certificate", "send", number, "--to", "office@example.org")["status"] == "sent"
    second = email.message_from_bytes(box.raw[1], policy=email.policy.strict)
    assert str(second["Message-ID"]) != message_id  # each mail its own
