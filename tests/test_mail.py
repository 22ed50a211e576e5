"""wipestation.documents.mail against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers.smtp import Inbox, smtp_on_loopback
from wipestation.common.config import MailConfig, load_config
from wipestation.common.errors import ConfigError
from wipestation.documents.mail import MailError, new_message, send

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    with smtp_on_loopback() as server:
        yield server


def test_a_message_reaches_the_server(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    config = MailConfig(host="127.0.0.1", port=port, sender="winkel@example.nl")
    message = new_message(config, to="klant@example.nl", subject="Certificaat", body="Hierbij uw certificaat.", now=NOW)
    send(config, message)
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["Subject"] == "Certificaat"
    assert inbox.envelopes[0] == ("winkel@example.nl", ["klant@example.nl"])
    assert "Hierbij uw certificaat." in inbox.messages[0].get_content()


def test_an_unreachable_server_is_one_line_without_the_address(tmp_path: Path) -> None:
    config = MailConfig(host="127.0.0.1", port=1, sender="winkel@example.nl")
    message = new_message(config, to="klant@example.nl", subject="s", body="b", now=NOW)
    with pytest.raises(MailError) as caught:
        send(config, message, timeout=5)
    assert "klant@example.nl" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unconfigured_mail_is_refused() -> None:
    with pytest.raises(ConfigError, match="not configured"):
        new_message(MailConfig(), to="a@b.nl", subject="s", body="b", now=NOW)


def test_mail_section_and_language_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'language = "en"\n[mail]\nhost = "smtp.example.nl"\nport = 587\nsecurity = "starttls"\nfrom = "w@example.nl"\n'
    )
    config = load_config(path, env={})
    assert config.mail == MailConfig(host="smtp.example.nl", port=587, security="starttls", sender="w@example.nl")
    assert config.language == "en"
    assert config.certificates.language == "en"  # follows the shop's language unless set in [certificates]


def test_bad_mail_security_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[mail]\nsecurity = "ssl3"\n')
    with pytest.raises(ConfigError, match="security"):
        load_config(path, env={})
