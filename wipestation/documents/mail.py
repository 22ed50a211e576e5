"""Outgoing mail through the shop's SMTP server (`[mail]` in the config).

One small function that the certificate sender and the morning digest both use. The password is read
from `password_file` at send time, so it never sits in the config or the database.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from wipestation.common.config import MailConfig
from wipestation.common.errors import BadValue, ConfigError, NotFound, WipestationError
from wipestation.common.i18n import _
from wipestation.common.reading import read_regular


class MailError(WipestationError):
    """The message could not be handed to the SMTP server (the reason is one line, without the address)."""


def new_message(config: MailConfig, *, to: str, subject: str, body: str, now: datetime) -> EmailMessage:
    """A plain-text message from the shop's sender address, with the `Date` (RFC 5322 requires it;
    filters mark mail without it) and a `Message-ID` under the sender's domain (not the workstation's)."""
    if not config.configured:
        raise ConfigError(_("mail is not configured: set [mail] host and from in the config"))
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = config.sender.rpartition("@")[2].strip(" >") or "localhost"
    message["Message-ID"] = make_msgid("wipestation", domain=domain)
    message.set_content(body)
    return message


def send(config: MailConfig, message: EmailMessage, *, timeout: float = 30.0) -> None:
    """Hand `message` to the configured server; raise MailError (or ConfigError) when that fails."""
    if not config.configured:
        raise ConfigError(_("mail is not configured: set [mail] host and from in the config"))
    password = _password(config)
    try:
        if config.security == "tls":
            context = ssl.create_default_context()
            with smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context) as smtp:
                _login_and_send(smtp, config, password, message)
        else:
            with smtplib.SMTP(config.host, config.port, timeout=timeout) as smtp:
                if config.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                _login_and_send(smtp, config, password, message)
    except smtplib.SMTPException as exc:
        raise MailError(
            _("mail server {host}:{port} refused the message: {error}").format(
                host=config.host, port=config.port, error=type(exc).__name__
            )
        ) from None
    except (OSError, ssl.SSLError) as exc:
        raise MailError(
            _("mail server {host}:{port} not reachable: {error}").format(
                host=config.host, port=config.port, error=exc.strerror or exc
            )
        ) from None


def _login_and_send(smtp: smtplib.SMTP, config: MailConfig, password: str | None, message: EmailMessage) -> None:
    if config.user:
        smtp.login(config.user, password or "")
    smtp.send_message(message)


PASSWORD_MAX_BYTES = 4096


def check_password(config: MailConfig) -> None:
    """Raise ConfigError now (before an attempt is recorded) when `password_file` cannot be read."""
    _password(config)


def _password(config: MailConfig) -> str | None:
    """The password in `password_file`: a regular file of at most 4 KB, read without blocking."""
    if not config.password_file:
        return None
    try:
        data = read_regular(Path(config.password_file).expanduser(), "[mail] password_file", PASSWORD_MAX_BYTES)
        return data.decode("utf-8").strip()
    except (BadValue, NotFound) as exc:
        raise ConfigError(_("config: {problem}").format(problem=str(exc))) from None
    except UnicodeDecodeError:
        raise ConfigError(
            _("[mail] password_file unreadable: {path}: {error}").format(
                path=config.password_file, error=_("not UTF-8 text")
            )
        ) from None
