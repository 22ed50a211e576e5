"""Issue 24's battery: every bad input of the newer commands (pool, pool retire, health, label, shelf
check, certificate site/send/revoke/fingerprint, db backup, setup-workstation, digest, doctor) and of
the config keys they read is refused with the usual exit code and exactly one line on stderr: no
traceback, no Python exception's name, no escape sequence obeyed, the store unchanged (every row of
every table compared), and no file written anywhere (the case's folder, its current folder).

A case: the command's words (`{tmp}`, `{cert}`, `{revoked}`, `{fifo}`, `{file}` are filled in), the
fragment its one line must hold, the exit code, and, for a config key, the TOML that is loaded."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.conftest import Hostile, dump, files_under, fill

ESC = "\x1b[2J\x1b]0;pwned\x07"  # clear the screen, set the window title
C1 = "\x9b31m"  # a one-byte CSI
LONG = "x" * 5000
KEYS = 'key_path = "{key}"\ncert_path = "{crt}"\n'  # the shop key, for a case that sets [certificates]


@dataclass(frozen=True)
class Case:
    command: str  # the command the case is counted for
    args: tuple[str, ...]
    message: str
    code: int = 1
    toml: str | None = None  # a config file's body (the data folder and the key are added)
    stdin: str | None = None

    @property
    def id(self) -> str:
        words = " ".join(self.args)
        if self.toml is not None:
            words = self.toml.strip().replace("\n", " ") + " | " + words
        return f"{self.command}: {words!r}"[:110]


def c(command: str, *args: str, message: str, code: int = 1, toml: str | None = None, stdin: str | None = None) -> Case:
    return Case(command, args, message, code, toml, stdin)


RETIRE = ("pool", "retire")
SEND = ("certificate", "send")
REVOKE = ("certificate", "revoke")

CASES: list[Case] = [
    # --- the options every command reads: --config, --as, --db
    c("(any)", "--config", "{fifo}", "pool", message="is not a regular file (a named pipe)"),
    c("(any)", "--config", "/dev/zero", "pool", message="/dev/zero is not a regular file (a device)"),
    c("(any)", "--config", "{tmp}", "pool", message="is not a regular file (a folder)"),
    c("(any)", "--config", "", "pool", message="--config is empty"),
    c("(any)", "--config", "{tmp}/missing.toml", "pool", message="config file not found"),
    c("(any)", "--config", "{deep}", "pool", message="nested too deeply"),
    c("(any)", "--config", "{huge}", "pool", message="more than the 1048576 allowed"),
    c("(any)", "--config", "{binary}", "pool", message="not UTF-8 text"),
    c("(any)", "--config", "/etc/x\nExecStartPre=/bin/sh", "pool", message="--config contains a control character"),
    c("(any)", "--config", "/etc/../etc/wipestation.toml", "pool", message="must not contain '..'"),
    c("(any)", "--as", ESC, "pool", message="--as contains a control character (0x1b)"),
    c("(any)", "--as", "", "pool", message="--as is empty"),
    c("(any)", "--as", "t" * 121, "pool", message="--as is longer than 120 characters"),
    c("(any)", "--db", "sqlite:///x\x1b[2J", "pool", message="--db contains a control character"),
    # --- pool retire / queue-destruction
    c("pool retire", *RETIRE, "POOL-1", "--reason", ESC, message="--reason contains a control character (0x1b)"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "worn" + C1, message="(0x9b)"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "line\nbreak", message="(0x0a)"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "nul\x00", message="(0x00)"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "tab\there", message="(0x09)"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "", message="--reason is empty"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "   ", message="--reason is empty"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "r" * 2001, message="--reason is longer than 2000 characters"),
    c("pool retire", *RETIRE, "", "--reason", "worn", message="SERIAL is empty"),
    c("pool retire", *RETIRE, "POOL\x1b[8m", "--reason", "worn", message="SERIAL contains a control character"),
    c("pool retire", *RETIRE, "S" * 201, "--reason", "worn", message="SERIAL is longer than 200 characters"),
    c("pool retire", *RETIRE, "NOPE", "--reason", "worn", message="no drive with serial 'NOPE'"),
    c("pool retire", *RETIRE, "A1", "--reason", "worn", message="is a customer disk, not a shop backup drive"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "worn", message="erase it before retiring"),
    c("pool retire", *RETIRE, "POOL-1", "--reason", "worn", "--destroy", message="erase it before retiring"),
    c("pool queue-destruction", "pool", "queue-destruction", "POOL-1", "--reason", ESC, message="(0x1b)"),
    c("pool queue-destruction", "pool", "queue-destruction", "", message="SERIAL is empty"),
    c("pool queue-destruction", "pool", "queue-destruction", "NOPE", message="no drive with serial 'NOPE'"),
    c("pool queue-destruction", "pool", "queue-destruction", "POOL-1", "--reason", "r" * 2001, message="2000"),
    c("pool queue-destruction", "pool", "queue-destruction", "POOL-1", message="POOL-1"),
    c(
        "pool",
        "pool",
        message="config: [health] max_pending_sectors must be a whole number",
        toml="[health]\nmax_pending_sectors = -5\n",
    ),
    c(
        "pool",
        "pool",
        message="[health] retire_failing must be true or false",
        toml="[health]\nretire_failing = 'yes'\n",
    ),
    # --- health
    c("health", "health", "", message="DEVICE is empty"),
    c("health", "health", "/dev/sd" + ESC, message="DEVICE contains a control character (0x1b)"),
    c("health", "health", "/dev/sda\n/dev/sdb", message="DEVICE contains a control character (0x0a)"),
    c("health", "health", "/dev/" + LONG, message="DEVICE is longer than 4096 characters"),
    c("health", "health", "/dev/nothing-here", message="no such device: /dev/nothing-here"),
    c(
        "health",
        "health",
        "/dev/sda",
        message="[health] destroy_after_days must be at most 3650",
        toml="[health]\ndestroy_after_days = 99999\n",
    ),
    c(
        "health",
        "health",
        "/dev/sda",
        message="destroy_failed needs retire_failing",
        toml="[health]\ndestroy_failed = true\nretire_failing = false\n",
    ),
    # --- label
    c("label", "label", "POOL-1", "-o", "{fifo}", message="is not a regular file (a named pipe)"),
    c("label", "label", "POOL-1", "-o", "/dev/zero", message="/dev/zero is not a regular file (a device)"),
    c("label", "label", "POOL-1", "-o", "{tmp}", message="is not a regular file (a folder)"),
    c("label", "label", "POOL-1", "-o", "{tmp}/out/", message="--output names a folder"),
    c("label", "label", "POOL-1", "-o", "", message="--output is empty: name a file"),
    c(
        "label",
        "label",
        "POOL-1",
        "-o",
        "{tmp}/missing/labels.pdf",
        message="not found: {tmp}/missing/labels.pdf — check the path",
    ),
    c(
        "label",
        "label",
        "POOL-1",
        "-o",
        "/sys/labels.pdf",
        message="permission denied: /sys/labels.pdf — choose a place",
    ),
    c("label", "label", "POOL-1", "-o", "{file}/labels.pdf", message="a part of the path is not a folder"),
    c("label", "label", "POOL-1", "-o", "labels\n.pdf", message="--output contains a control character (0x0a)"),
    c("label", "label", "POOL-1", "-o", "../labels.pdf", message="--output must not contain '..'"),
    c(
        "label",
        "label",
        "POOL-1",
        "-o",
        "{tmp}/" + "n" * 5000 + ".pdf",
        message="--output is longer than 4096 characters",
    ),
    c("label", "label", ESC, "-o", "{tmp}/l.pdf", message="contains a control character (0x1b)"),
    c("label", "label", "", "-o", "{tmp}/l.pdf", message="is empty"),
    c("label", "label", "NOPE", "-o", "{tmp}/l.pdf", message="NOPE"),
    c("label", "label", "POOL-1", "-o", "{tmp}/" + "n" * 300 + ".pdf", message="the name is too long"),
    # --- shelf check
    c("shelf check", "shelf", "check", "", stdin="", message="LOCATION is empty"),
    c("shelf check", "shelf", "check", "   ", stdin="", message="LOCATION is empty"),
    c("shelf check", "shelf", "check", "Kast B" + ESC, stdin="", message="LOCATION contains a control character"),
    c("shelf check", "shelf", "check", "K" * 201, stdin="", message="LOCATION is longer than 200 characters"),
    c("shelf check", "shelf", "check", "Kast Z", stdin="", message="unknown location 'Kast Z'"),
    c(
        "shelf check",
        "shelf",
        "check",
        "Kast B",
        stdin="WSLBL:\uff11:POOL-1\n",
        message="is not a wipestation shelf label",
    ),
    c(
        "shelf check",
        "shelf",
        "check",
        "Kast B",
        stdin="WSLBL:\u0663:POOL-1\n",
        message="is not a wipestation shelf label",
    ),
    c("shelf check", "shelf", "check", "Kast B", stdin=ESC + "\n", message="standard input, line 1 contains a control"),
    c("shelf check", "shelf", "check", "Kast B", stdin="WSLBL:1:POOL-1\x1b[2J\n", message="line 1 contains a control"),
    c("shelf check", "shelf", "check", "Kast B", stdin="ok\nWSLBL:1:A\x00\n", message="line 2 contains a control"),
    c("shelf check", "shelf", "check", "Kast B", stdin="W" * 2000 + "\n", message="line 1 is longer than 1000"),
    c(
        "shelf check",
        "shelf",
        "check",
        "Kast B",
        stdin=("WSLBL:1:POOL-1\n" * 300_000),
        message="more than 4194304 characters",
    ),
    c(
        "shelf check",
        "shelf",
        "check",
        "Kast B",
        stdin="garbage\n",
        message="'garbage' is not a wipestation shelf label",
    ),
    c("shelf check", "shelf", "check", "Kast B", stdin="WSLBL:99:NOPE\n", message="names no record of this shop"),
    c(
        "shelf check",
        "shelf",
        "check",
        "Kast B",
        stdin="WSLBL:99999999999999999999999:X\n",
        message="is not a wipestation shelf label",
    ),
    c("shelf check", "shelf", "check", "Kast B", stdin="WSLBL:1:POOL-1\nWSLBL:1:POOL-1\n", message="scanned twice"),
    # --- certificate site
    c("certificate site", "certificate", "site", "", message="DIRECTORY is empty: name a folder"),
    c("certificate site", "certificate", "site", "   ", message="DIRECTORY is empty: name a folder"),
    c("certificate site", "certificate", "site", "{file}", message="is not a directory"),
    c("certificate site", "certificate", "site", "{file}/site", message="a part of the path is not a folder"),
    c("certificate site", "certificate", "site", "/sys/ws-site", message="operation not permitted: /sys/ws-site"),
    c("certificate site", "certificate", "site", "site\nx", message="DIRECTORY contains a control character (0x0a)"),
    c("certificate site", "certificate", "site", "a/../../b", message="DIRECTORY must not contain '..'"),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="verify_url must be a web address",
        toml='[certificates]\nverify_url = "javascript:alert(document.cookie)"\n' + KEYS,
    ),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="verify_url must be a web address",
        toml='[certificates]\nverify_url = "file:///etc/passwd"\n' + KEYS,
    ),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="verify_url must be a web address",
        toml='[certificates]\nverify_url = "https://"\n' + KEYS,
    ),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="verify_url must be a web address",
        toml='[certificates]\nverify_url = "data:text/html,<script>x</script>"\n' + KEYS,
    ),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="verify_url contains a control character",
        toml='[certificates]\nverify_url = "https://somcom.nl/\\u001b[2J"\n' + KEYS,
    ),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="[shop] name contains a control character (0x1b)",
        toml='[shop]\nname = "SOMCOM\\u001b[2J"\n',
    ),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="[shop] name is longer than 200",
        toml=f'[shop]\nname = "{"S" * 201}"\n',
    ),
    c(
        "certificate site",
        "certificate",
        "site",
        "{tmp}/site",
        message="[shop] name is empty",
        toml='[shop]\nname = ""\n',
    ),
    # --- certificate send
    c(
        "certificate send",
        *SEND,
        "{revoked}",
        message="was revoked on 2026-11-25 (issued by mistake): a revoked certificate is not sent",
    ),
    c("certificate send", *SEND, "{revoked}", "--to", "zoe@example.nl", message="a revoked certificate is not sent"),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        "--to",
        "not-an-address",
        message="--to: not an e-mail address: 'not-an-address'",
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        "--to",
        "a@b.nl\nBcc: all@example.nl",
        message="--to contains a control character (0x0a)",
    ),
    c("certificate send", *SEND, "{cert}", "--to", "a@b.nl\r\nBcc: all@example.nl", message="(0x0d)"),
    c("certificate send", *SEND, "{cert}", "--to", "a@b.nl, c@d.nl", message="not an e-mail address"),
    c("certificate send", *SEND, "{cert}", "--to", "Anna <a@b.nl>", message="not an e-mail address"),
    c("certificate send", *SEND, "{cert}", "--to", "", message="--to is empty"),
    c("certificate send", *SEND, "{cert}", "--to", "a@b", message="not an e-mail address: 'a@b'"),
    c("certificate send", *SEND, "{cert}", "--to", "@example.nl", message="not an e-mail address"),
    c("certificate send", *SEND, "{cert}", "--to", "a@-example.nl", message="not an e-mail address"),
    c("certificate send", *SEND, "{cert}", "--to", "a" * 500 + "@b.nl", message="--to is longer than"),
    c("certificate send", *SEND, "{cert}", "--to", "a@b.nl" + ESC, message="(0x1b)"),
    c("certificate send", *SEND, "NOPE-2026-000001", message="NOPE-2026-000001"),
    c("certificate send", *SEND, "", message="NUMBER is empty"),
    c("certificate send", *SEND, "WS\x1b[2J", message="NUMBER contains a control character"),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] from contains a control character (0x0a)",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "winkel@somcom.nl\\nBcc: all@example.nl"\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] from: not an e-mail address",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "not-an-address"\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] from: not an e-mail address",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "a@b.nl, c@d.nl"\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] host contains a control character",
        toml='[mail]\nhost = "smtp\\r\\nRCPT TO"\nfrom = "a@b.nl"\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] password_file: file not found",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "a@b.nl"\nuser = "u"\npassword_file = "{tmp}/no-password"\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] password_file",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "a@b.nl"\nuser = "u"\npassword_file = "{fifo}"\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] password_file must not contain '..'",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "a@b.nl"\npassword_file = "/etc/../etc/shadow"\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] port must be between 1 and 65535",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "a@b.nl"\nport = 0\n',
    ),
    c(
        "certificate send",
        *SEND,
        "{cert}",
        message="[mail] user contains a control character",
        toml='[mail]\nhost = "127.0.0.1"\nfrom = "a@b.nl"\nuser = "u\\u0000"\n',
    ),
    # --- certificate revoke
    c("certificate revoke", *REVOKE, "{cert}", "--reason", ESC, message="--reason contains a control character (0x1b)"),
    c("certificate revoke", *REVOKE, "{cert}", "--reason", "a\nb", message="(0x0a)"),
    c("certificate revoke", *REVOKE, "{cert}", "--reason", "", message="--reason is empty"),
    c("certificate revoke", *REVOKE, "{cert}", "--reason", "r" * 501, message="--reason is longer than 500 characters"),
    c("certificate revoke", *REVOKE, "{cert}", "--reason", "mistake" + C1, message="(0x9b)"),
    c("certificate revoke", *REVOKE, "", "--reason", "x", message="NUMBER is empty"),
    c("certificate revoke", *REVOKE, "N" * 61, "--reason", "x", message="NUMBER is longer than 60"),
    c("certificate revoke", *REVOKE, "WS\x07", "--reason", "x", message="NUMBER contains a control character (0x07)"),
    c("certificate revoke", *REVOKE, "NOPE-2026-000009", "--reason", "x", message="NOPE-2026-000009"),
    c("certificate revoke", *REVOKE, "{revoked}", "--reason", "again", message="was revoked already on 2026-11-25"),
    # --- certificate fingerprint (and the key files every certificate command reads)
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="must be 64 hexadecimal digits",
        toml='[certificates]\nfingerprint = "zz"\n' + KEYS,
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="must be 64 hexadecimal digits",
        toml=f'[certificates]\nfingerprint = "{"g" * 64}"\nkey_path = "{{key}}"\ncert_path = "{{crt}}"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="is not a regular file (a named pipe)",
        toml='[certificates]\nkey_path = "{key}"\ncert_path = "{fifo}"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="is not a regular file (a device)",
        toml='[certificates]\nkey_path = "{key}"\ncert_path = "/dev/zero"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="is not a regular file (a named pipe)",
        toml='[certificates]\nkey_path = "{fifo}"\ncert_path = "{crt}"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="is not a regular file (a folder)",
        toml='[certificates]\nkey_path = "{tmp}"\ncert_path = "{crt}"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="cert_path is empty",
        toml='[certificates]\nkey_path = "{key}"\ncert_path = ""\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="cert_path contains a control character",
        toml='[certificates]\nkey_path = "{key}"\ncert_path = "{crt}\\n"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="key_path must not contain '..'",
        toml='[certificates]\nkey_path = "{tmp}/../x.pem"\ncert_path = "{crt}"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="certificate signing certificate does not match [certificates] fingerprint",
        toml=f'[certificates]\nfingerprint = "{"ab" * 32}"\nkey_path = "{{key}}"\ncert_path = "{{crt}}"\n',
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="[certificates] prefix contains a control character (0x0a)",
        toml='[certificates]\nprefix = "WS\\n"\n' + KEYS,
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="[certificates] language must be 'nl' or 'en'",
        toml='[certificates]\nlanguage = "de"\n' + KEYS,
    ),
    c(
        "certificate fingerprint",
        "certificate",
        "fingerprint",
        message="send_on_issue must be true or false",
        toml='[certificates]\nsend_on_issue = "yes"\n' + KEYS,
    ),
    # --- db backup
    c("db backup", "db", "backup", "", message="DIRECTORY is empty: name a folder"),
    c("db backup", "db", "backup", "{file}", message="not a directory"),
    c("db backup", "db", "backup", "{file}/sub", message="a part of the path is not a folder"),
    c("db backup", "db", "backup", "/sys/ws-backups", message="operation not permitted: /sys/ws-backups"),
    c("db backup", "db", "backup", "{tmp}/b\nx", message="DIRECTORY contains a control character (0x0a)"),
    c("db backup", "db", "backup", "{tmp}/../b", message="DIRECTORY must not contain '..'"),
    c("db backup", "db", "backup", "{tmp}/b", "--keep", "0", message="--keep must be a whole number from 1 to 10000"),
    c("db backup", "db", "backup", "{tmp}/b", "--keep", "-1", message="--keep must be a whole number from 1 to 10000"),
    c("db backup", "db", "backup", "{tmp}/b", "--keep", "x", message="--keep must be a whole number"),
    c("db backup", "db", "backup", "{tmp}/b", "--keep", "\uff13", message="--keep must be a whole number"),
    c(
        "db backup",
        "db",
        "backup",
        "{tmp}/b",
        "--keep",
        "99999999999999999999999",
        message="--keep must be a whole number",
    ),
    c("db backup", "db", "backup", "{tmp}/b", "--keep", "", message="--keep must be a whole number"),
    # --- setup-workstation (refused before anything is written, root or not)
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        "--data-dir",
        "/var/lib/ws\nExecStartPre=+/bin/sh -c id",
        message="--data-dir contains a control character (0x0a)",
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        "--data-dir",
        "/../x",
        message="--data-dir must not contain '..'",
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        "--data-dir",
        "/var/lib/../../x",
        message="--data-dir must not contain '..'",
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        "--data-dir",
        "relative/x",
        message="--data-dir must be an absolute path",
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        "--data-dir",
        "",
        message="--data-dir is empty",
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        "--data-dir",
        "/var/lib/ws" + ESC,
        message="(0x1b)",
    ),
    c("setup-workstation", "setup-workstation", "--root", "", message="--root is empty"),
    c("setup-workstation", "setup-workstation", "--root", "{tmp}/../stage", message="--root must not contain '..'"),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[backup] dir contains a control character",
        toml='[backup]\ndir = "/srv/b\\nExecStartPre=+/bin/sh"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[backup] dir must be an absolute path",
        toml='[backup]\ndir = "backups"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[backup] dir must not contain '..'",
        toml='[backup]\ndir = "/srv/../../etc"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[backup] keep must be a whole number from 1 to 10000",
        toml="[backup]\nkeep = 0\n",
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[backup] hour must be HH:MM",
        toml='[backup]\nhour = "25:00"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[backup] hour must be HH:MM",
        toml='[backup]\nhour = "19:00\\nOnCalendar=minutely"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[digest] hour must be HH:MM",
        toml='[digest]\nhour = "08:30\\n"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[digest] hour must be HH:MM",
        toml='[digest]\nhour = "\uff18:30"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="[devices] wipe_bay_paths contains a control character",
        toml='[devices]\nwipe_bay_paths = ["pci-0\\nRUN+=\\"/bin/sh\\""]\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="not a udev ID_PATH",
        toml="[devices]\nwipe_bay_paths = ['x\", RUN+=\"/bin/sh']\n",
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="data_dir must be an absolute path",
        toml='data_dir = "relative/data"\n',
    ),
    c(
        "setup-workstation",
        "setup-workstation",
        "--root",
        "{tmp}/stage",
        message="documents must not contain '..'",
        toml='documents = "/srv/../etc"\n',
    ),
    # --- digest
    c("digest", "digest", "--to", "boss@somcom.nl", message="--to needs --mail"),
    c("digest", "digest", "--mail", "--to", "not-an-address", message="--to: not an e-mail address: 'not-an-address'"),
    c(
        "digest",
        "digest",
        "--mail",
        "--to",
        "a@b.nl\r\nBcc: x@y.nl",
        message="--to contains a control character (0x0d)",
    ),
    c("digest", "digest", "--mail", "--to", "a@b.nl", "--to", "nope", message="not an e-mail address: 'nope'"),
    c("digest", "digest", "--mail", "--to", "", message="--to is empty"),
    c("digest", "digest", "--on", "2026-13-01", message="not a date"),
    c("digest", "digest", "--on", "\uff12\uff10\uff12\uff16-01-01", message="not a date"),
    c("digest", "digest", "--on", "", message="not a date"),
    c("digest", "digest", "--on", "2026-01-01" + ESC, message="--on contains a control character"),
    c("digest", "digest", "--on", "9999-01-01", message="between 1900-01-01 and 2100-12-31"),
    c("digest", "digest", "--mail", message="no recipient"),
    c(
        "digest",
        "digest",
        "--mail",
        message="[digest] to: not an e-mail address: 'not-an-address'",
        toml='[digest]\nto = ["not-an-address"]\n',
    ),
    c(
        "digest",
        "digest",
        "--mail",
        message="[digest] to contains a control character (0x0a)",
        toml='[digest]\nto = ["a@b.nl\\nBcc: x@y.nl"]\n',
    ),
    c("digest", "digest", "--mail", message="[digest] to must be a list of strings", toml='[digest]\nto = "a@b.nl"\n'),
    c(
        "digest",
        "digest",
        "--mail",
        message="[digest] to: not an e-mail address",
        toml='[digest]\nto = ["a@b.nl, c@d.nl"]\n',
    ),
    c("digest", "digest", message="[digest] hour must be HH:MM", toml='[digest]\nhour = "8:30"\n'),
    c(
        "digest",
        "digest",
        message="[shop] contact contains a control character",
        toml='[shop]\ncontact = "info@somcom.nl\\u001b]8;;http://evil\\u0007"\n',
    ),
    c("digest", "digest", message="timezone 'Mars/Phobos' is not a known time zone", toml='timezone = "Mars/Phobos"\n'),
    c("digest", "digest", message="timezone contains a control character", toml='timezone = "Europe/Amsterdam\\n"\n'),
    c("digest", "digest", message="config: language contains a control character (0x0a)", toml='language = "nl\\n"\n'),
    c("digest", "digest", message="config: language must be 'nl' or 'en'", toml='language = "de"\n'),
    # --- doctor
    c("doctor", "doctor", message="[shop] name contains a control character", toml='[shop]\nname = "\\u009b2J"\n'),
    c(
        "doctor",
        "doctor",
        message="[shop] address contains a control character",
        toml='[shop]\naddress = "Europaweg\\u001b[8m"\n',
    ),
    c("doctor", "doctor", message="[shop] kvk contains a control character", toml='[shop]\nkvk = "0123\\u0007"\n'),
    c("doctor", "doctor", message="[shop] logo is empty: name a file", toml='[shop]\nlogo = ""\n'),
    c(
        "doctor",
        "doctor",
        message="[devices] protected_serials contains a control character",
        toml='[devices]\nprotected_serials = ["S1\\u001b"]\n',
    ),
    c("doctor", "doctor", message="[devices] allow_loop must be true or false", toml="[devices]\nallow_loop = 1\n"),
    c(
        "doctor",
        "doctor",
        message="[retention] backup_days must be at most 3650",
        toml="[retention]\nbackup_days = 99999\n",
    ),
    c(
        "doctor",
        "doctor",
        message="[retention] abandoned_months must be a whole number",
        toml="[retention]\nabandoned_months = -1\n",
    ),
    c(
        "doctor",
        "doctor",
        message="[destruction] min_level_magnetic contains a control character",
        toml='[destruction]\nmin_level_magnetic = "H-4\\n"\n',
    ),
    c(
        "doctor",
        "doctor",
        message="[destruction] min_level_flash must be a DIN 66399 level",
        toml='[destruction]\nmin_level_flash = "E-9"\n',
    ),
    c(
        "doctor",
        "doctor",
        message="[machines] NAME contains a control character",
        toml='[machines]\n"HSM\\u001b[2J" = "shred H-5"\n',
    ),
    c(
        "doctor",
        "doctor",
        message="[machines] NAME contains a control character",
        toml='[machines]\n"HSM" = "shred H-5\\nE-4"\n',
    ),
    c(
        "doctor",
        "doctor",
        message="[mail] security must be 'none', 'starttls' or 'tls'",
        toml='[mail]\nsecurity = "ssl"\n',
    ),
    c("doctor", "doctor", message="unknown key 'colour'", toml='[shop]\ncolour = "red"\n'),
]


def _fixtures(hostile: Hostile) -> dict[str, str]:
    fifo = hostile.tmp / "fifo"
    os.mkfifo(fifo)
    regular = hostile.tmp / "a-file"
    regular.write_text("x")
    deep = hostile.tmp / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    huge = hostile.tmp / "huge.toml"
    with open(huge, "wb") as fh:
        fh.truncate(2 * 1024 * 1024)
    binary = hostile.tmp / "binary.toml"
    binary.write_bytes(b"name = \xff\xfe\n")
    return {
        "fifo": str(fifo),
        "file": str(regular),
        "deep": str(deep),
        "huge": str(huge),
        "binary": str(binary),
        "key": str(hostile.key.key),
        "crt": str(hostile.key.cert),
    }


EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|Traceback|Errno")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_bad_input_is_one_line_and_changes_nothing(hostile: Hostile, case: Case) -> None:
    names = _fixtures(hostile)
    args = [fill(a, hostile, names) for a in case.args]
    config_file = hostile.toml(fill(case.toml, hostile, names)) if case.toml is not None else None
    stdin = fill(case.stdin, hostile, names) if case.stdin is not None else None
    before_rows = dump(hostile.url)
    before_files = files_under(hostile.tmp)
    result = hostile.run(*args, input=stdin, config_file=config_file)
    assert result.exit_code == case.code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fill(case.message, hostile, names) in lines[0]
    assert not EXCEPTION_NAME.search(result.stderr), result.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stderr + result.stdout), "a raw control character"
    assert dump(hostile.url) == before_rows
    assert files_under(hostile.tmp) == before_files
    assert not any(Path.cwd().iterdir())


def test_the_battery_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """At least 150 cases across the newer commands; the count per command (for the issue's note)."""
    counts: dict[str, int] = {}
    for case in CASES:
        counts[case.command] = counts.get(case.command, 0) + 1
    with capsys.disabled():
        pass
    assert len(CASES) >= 150, counts
    for command in (
        "pool",
        "pool retire",
        "health",
        "label",
        "shelf check",
        "certificate site",
        "certificate send",
        "certificate revoke",
        "certificate fingerprint",
        "db backup",
        "setup-workstation",
        "digest",
        "doctor",
    ):
        assert counts.get(command, 0) >= 2, command
