"""Dutch first for the routine commands' own lines: `audit verify`, `db backup`, `doctor`,
`setup-workstation`, `certificate verify` and a signing key that cannot be used. Their `--json` stays
English (language-neutral), byte for byte; `--lang en` gives the English lines."""

from __future__ import annotations

import ast
import json
import os
import re
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.fakes import FakeClock
from tests.test_i18n import ROOT
from wipestation.cli import main
from wipestation.cli.context import Overrides
from wipestation.common import i18n
from wipestation.common.config import CertificatesConfig, Config, DevicesConfig
from wipestation.shop.doctor import System


def _run(args: list[str], config: Config, monkeypatch: pytest.MonkeyPatch, **seams: Any) -> Any:
    """The CLI as a shop without WIPESTATION_LANG runs it (Dutch), with seams injected."""
    monkeypatch.delenv(i18n.ENV_VAR, raising=False)
    db = f"sqlite:///{_db(config)}"
    obj = Overrides(config=config, clock=FakeClock(date(2026, 1, 10)), **seams)
    return CliRunner().invoke(main, ["--db", db, *args], obj=obj, catch_exceptions=False)


def _db(config: Config) -> Path:
    return config.data_dir.parent / "output.sqlite3"


def _customer(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(["customer", "add", "--name", "Jan", "--json"], config, monkeypatch).exit_code == 0


# --- audit verify ---------------------------------------------------------------------------------


def test_audit_verify_speaks_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    _customer(config, monkeypatch)
    result = _run(["audit", "verify"], config, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "auditketen intact: 1 gebeurtenis\n"
    _customer(config, monkeypatch)
    assert _run(["audit", "verify"], config, monkeypatch).stdout == "auditketen intact: 2 gebeurtenissen\n"
    english = _run(["--lang", "en", "audit", "verify"], config, monkeypatch)
    assert english.stdout == "audit chain intact: 2 events\n"


def test_audit_findings_are_dutch_on_screen_and_english_in_json(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A customer written behind the log's back: the finding is read in Dutch, the JSON keeps English."""
    _customer(config, monkeypatch)
    conn = sqlite3.connect(_db(config))
    at = "2026-01-10 09:00:00.000000"
    conn.execute("INSERT INTO customers (id, name, created_at, updated_at) VALUES (2, 'X', ?, ?)", (at, at))
    conn.commit()
    conn.close()
    result = _run(["audit", "verify"], config, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout == "klant 2 heeft geen gebeurtenissen\n"
    assert result.stderr.strip() == (
        "fout: het auditlog verklaart de dossiers niet: 1 bevinding, eerste: klant 2 heeft geen gebeurtenissen"
    )
    dutch = _run(["audit", "verify", "--json"], config, monkeypatch)
    english = _run(["--lang", "en", "audit", "verify", "--json"], config, monkeypatch)
    assert dutch.stdout == english.stdout
    assert json.loads(dutch.stdout)["findings"] == ["customer 2 has no events"]
    remembered = _run(["audit", "verify", "--head", "7:0123456789abcdef"], config, monkeypatch)
    assert remembered.stdout.splitlines()[0] == (
        "de onthouden kop 7:0123456789abcdef staat niet in de keten: het logboek heeft gebeurtenis 7 niet meer"
    )


# --- db backup --------------------------------------------------------------------------------------


def test_db_backup_speaks_dutch_and_its_json_is_english(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    _customer(config, monkeypatch)
    target = config.data_dir.parent / "backups"
    result = _run(["db", "backup", str(target), "--keep", "1"], config, monkeypatch)
    assert result.exit_code == 0, result.stderr
    first = next(target.iterdir())
    size = first.stat().st_size
    assert result.stdout == f"back-up {first} ({size} bytes); auditketen van de kopie intact (1 gebeurtenis)\n"
    again = _run(["db", "backup", str(target), "--keep", "1"], config, monkeypatch)
    assert again.stdout.splitlines()[1] == f"oude back-up {first} verwijderd"
    # fresh folders below: the fake clock stands still, so every backup here has the same time stamp
    elsewhere = config.data_dir.parent / "elders"
    english = _run(["--lang", "en", "db", "backup", str(elsewhere / "en"), "--json"], config, monkeypatch)
    dutch = _run(["db", "backup", str(elsewhere / "nl"), "--json"], config, monkeypatch)
    assert dutch.stdout == english.stdout.replace(f"{elsewhere / 'en'}", f"{elsewhere / 'nl'}")
    assert json.loads(dutch.stdout)["audit_chain"] == "intact"
    english_line = _run(["--lang", "en", "db", "backup", str(elsewhere / "line")], config, monkeypatch).stdout
    assert re.fullmatch(r"backup \S+ \(\d+ bytes\); audit chain of the copy intact \(1 event\)\n", english_line)


# --- doctor -----------------------------------------------------------------------------------------


def _system(tmp_path: Path) -> System:
    """A workstation without nvme, without rules installed, with an unsynchronised clock."""
    rules = tmp_path / "rules.d"
    rules.mkdir(exist_ok=True)
    return System(
        which=lambda name: None if name == "nvme" else f"/usr/sbin/{name}",
        rules_dir=rules,
        euid=lambda: 1000,
        groups=lambda: {1000},
        group_id=lambda name: None,
        clock_synchronised=lambda: False,
        free_bytes=lambda path: 50 << 30,
    )


def test_doctor_speaks_dutch_and_its_json_stays_english(
    config: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = replace(config, devices=DevicesConfig(wipe_bay_paths=("pci-0000:00:17.0-ata-3",)))
    system = _system(tmp_path)
    _customer(config, monkeypatch)
    result = _run(["doctor"], config, monkeypatch, doctor_system=system)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "ok       gereedschap hdparm: /usr/sbin/hdparm" in lines
    assert (
        "PROBLEEM gereedschap nvme: niet geïnstalleerd (NVMe-formatteren en -sanitize is niet mogelijk) "
        "-> apt-get install nvme-cli"
    ) in lines
    assert (
        f"PROBLEEM udev-regels: {tmp_path / 'rules.d' / '60-wipestation.rules'} is niet geïnstalleerd "
        "-> voer `wipestation setup-workstation` uit als root"
    ) in lines
    assert (
        "PROBLEEM groep: de groep wipestation bestaat niet -> voer `wipestation setup-workstation` uit als root"
    ) in lines
    assert (
        "PROBLEEM klok: niet gesynchroniseerd (certificaten en het auditlog dragen de tijd ervan) "
        "-> zet NTP aan: timedatectl set-ntp true (of installeer chrony)"
    ) in lines
    assert "ok       vrije ruimte: " in result.stdout
    assert result.stderr.strip() == "5 probleem(en)"
    dutch = _run(["doctor", "--json"], config, monkeypatch, doctor_system=system)
    english = _run(["--lang", "en", "doctor", "--json"], config, monkeypatch, doctor_system=system)
    assert dutch.stdout == english.stdout  # byte for byte
    rows = {r["check"]: r for r in json.loads(dutch.stdout)}
    assert rows["tool nvme"]["message"] == "not installed (NVMe format and sanitize is not possible)"
    assert rows["clock"]["fix"] == "enable NTP: timedatectl set-ntp true (or install chrony)"
    words = _run(["--lang", "en", "doctor"], config, monkeypatch, doctor_system=system).stdout.splitlines()
    assert (
        "PROBLEM  group: the group wipestation does not exist -> run `wipestation setup-workstation` as root" in words
    )
    assert "ok       tool hdparm: /usr/sbin/hdparm" in words


# --- setup-workstation ------------------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="setup-workstation sets root ownership: needs root")
def test_setup_workstation_speaks_dutch(config: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = replace(config, devices=DevicesConfig(wipe_bay_paths=("pci-0000:00:1f.2-ata-5",)))
    root = tmp_path / "stage"
    (root / "etc").mkdir(parents=True)
    (root / "etc/group").write_text("root:x:0:\n")
    executables = ("/usr/local/bin/wipestation", "/usr/local/bin/wipestation-helper")
    args = ["setup-workstation", "--root", str(root)]
    first = _run(args, config, monkeypatch, executables=executables)
    assert first.exit_code == 0, first.stderr
    lines = first.stdout.splitlines()
    assert "groep wipestation aangemaakt (gid 999)" in lines
    assert "/etc/udev/rules.d/61-wipestation-access.rules geschreven" in lines
    assert "timers.target.wants/wipestation-digest.timer" not in first.stdout  # the unit's name only
    assert "wipestation-digest.timer ingeschakeld" in lines
    assert lines[-1] == (
        'let op: technici delen de dossiers zodra de configuratie data_dir = "/var/lib/wipestation" zegt'
    )
    again = _run(args, config, monkeypatch, executables=executables)
    assert "let op: niets te veranderen: dit werkstation is ingericht" in again.stdout.splitlines()
    gone = _run([*args, "--uninstall"], config, monkeypatch, executables=executables)
    assert "groep wipestation verwijderd" in gone.stdout.splitlines()
    english = _run(["--lang", "en", *args, "--uninstall"], config, monkeypatch, executables=executables)
    assert english.stdout.splitlines() == ["note: nothing to remove"]


# --- certificates: the signing key, certificate verify -------------------------------------------


def test_a_missing_signing_key_is_refused_in_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    key, cert = config.data_dir.parent / "geen.pem", config.data_dir.parent / "geen.crt"
    config = replace(config, certificates=CertificatesConfig(key_path=str(key), cert_path=str(cert)))
    result = _run(["certificate", "fingerprint"], config, monkeypatch)
    assert result.exit_code != 0
    assert result.stderr.strip() == f"fout: ondertekeningssleutel voor certificaten niet gevonden: {key}"
    english = _run(["--lang", "en", "certificate", "fingerprint"], config, monkeypatch)
    assert english.stderr.strip() == f"error: certificate signing key not found: {key}"


def test_a_key_readable_by_others_is_refused_in_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(["certificate", "fingerprint"], config, monkeypatch).exit_code == 0  # made on first use
    key = config.data_dir / "keys" / "shop-signing-key.pem"
    key.chmod(0o644)
    result = _run(["certificate", "fingerprint"], config, monkeypatch)
    assert result.stderr.strip() == (
        f"fout: ondertekeningssleutel voor certificaten is leesbaar voor anderen: {key} heeft modus 0644 "
        f"(chmod 600 {key})"
    )


def test_certificate_verify_problems_are_dutch_and_english_in_json(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = config.data_dir.parent / "vals.pdf"
    fake.write_bytes(b"not a pdf at all")
    result = _run(["certificate", "verify", str(fake), "--offline"], config, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"fout: {fake}: NIET authentiek: geen leesbare pdf (")
    dutch = _run(["certificate", "verify", str(fake), "--offline", "--json"], config, monkeypatch)
    english = _run(["--lang", "en", "certificate", "verify", str(fake), "--offline", "--json"], config, monkeypatch)
    assert dutch.stdout == english.stdout
    assert json.loads(dutch.stdout)["problems"][0].startswith("not a readable PDF (")


# --- Phrase: English as a value, the reader's language when shown -----------------------------------


def test_a_phrase_is_english_text_and_shown_in_the_language() -> None:
    i18n.set_language("nl")
    inner = i18n.Phrase(i18n.N_("the log no longer has event {id}"), id=7)
    outer = i18n.Phrase(
        i18n.N_("the remembered head {head} is not in the chain: {problem}"), head="7:abc", problem=inner
    )
    assert outer == "the remembered head 7:abc is not in the chain: the log no longer has event 7"
    assert json.dumps([outer]) == json.dumps([str(outer)])
    assert (
        i18n.shown(outer) == "de onthouden kop 7:abc staat niet in de keten: het logboek heeft gebeurtenis 7 niet meer"
    )
    assert i18n.shown("plain text") == "plain text"
    i18n.set_language("en")
    assert i18n.shown(outer) == outer


# --- no line of the CLI escapes the catalog ---------------------------------------------------------

# Literals with words that stay English on purpose, by file and text, with the reason.
CLI_ENGLISH_ON_PURPOSE: dict[tuple[str, str], str] = {
    ("wipestation/cli/__init__.py", "has no command"): "COMMAND_INDEX out of date: a developer's error",
    ("wipestation/cli/customers.py", "record retention period ended"): "the reason stored with the anonymisation",
    ("wipestation/cli/certs.py", "not genuine"): "a --json value (status), not a line",
    ("wipestation/cli/erase.py", "--verify"): "an option name",
    ("wipestation/cli/erase.py", "MB/s"): "a unit",
    ("certificates/verification.py", "the catalog is not a dictionary"): "a TypeError its callers catch, never shown",
    ("wipestation/shop/doctor.py", "apt-get install "): "a command to type",
    ("wipestation/shop/doctor.py", "chmod "): "a command to type",
    ("wipestation/shop/workstation.py", "/etc/systemd/system/"): "a path",
    ("wipestation/shop/workstation.py", "..new"): "a temporary file's name",
    ("wipestation/shop/workstation.py", "root:"): "an owner (root:wipestation)",
    ("wipestation/audit/log.py", "audit summaries carry no personal data"): "a programming error (tests/test_i18n.py)",
    ("certificates/keys.py", " certificates"): "the signing certificate's common name, part of the document",
    ("certificates/keys.py", "[certificates] "): "a config key's name",
}
# The core modules that build the lines the CLI prints (doctor findings, setup-workstation's changes, audit
# findings, erasure history and resume lines, a verified PDF's problems, the signing key's refusals).
LINE_MODULES = (
    "wipestation/shop/doctor.py",
    "wipestation/shop/workstation.py",
    "wipestation/audit/log.py",
    "wipestation/shop/audit_check.py",
    "wipestation/records/history.py",
    "wipestation/erasure/starting.py",
    "certificates/verification.py",
    "certificates/keys.py",
)
# Calls whose string arguments are not lines for a person: click's declarations (their help is
# English, like --help itself), lookups, SQL, and the wrappers themselves.
NOT_LINES = {
    "option",
    "argument",
    "command",
    "group",
    "Choice",
    "Path",
    "IntRange",
    "get",
    "getattr",
    "get_command",
    "startswith",
    "endswith",
    "split",
    "replace",
    "strip",
    "join",
    "match",
    "compile",
    "fullmatch",
    "sub",
    "search",
    "setdefault",
    "pop",
    "add_command",
    "ljust",
    "_",
    "N_",
    "NP_",
    "ngettext",
    "pgettext",
    "BadValue",  # refusals: tests/test_i18n.py walks those
    "UsageError",
    "ConfigError",
    "WipestationError",
    "InvalidState",
    "NotFound",
    "CommandError",
    "click_exception",
}
WORDS = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDERS = re.compile(r"\{[^{}]*\}")  # "{number}  {kind:<11}": a layout, no words of its own
HELP_TABLES = {"COMMAND_INDEX"}  # each command's help line: --help is English, like click's own


class _LineFinder(ast.NodeVisitor):
    """A string literal or f-string with words of its own, outside _(), a click declaration, a
    docstring, a dict key, a subscript or a comparison: a line a person would read in English."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[tuple[str, str]] = []

    def visit_Expr(self, node: ast.Expr) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):  # docstrings
            self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in NOT_LINES:
            self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)

    def visit_Compare(self, node: ast.Compare) -> None:
        return

    def visit_Dict(self, node: ast.Dict) -> None:
        for value in node.values:
            self.visit(value)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg not in ("help", "metavar", "type", "default"):
            self.visit(node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if WORDS.search(literal):
            self.found.append((self.path, literal))
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value.value)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value if isinstance(node.value, str) else ""
        text = PLACEHOLDERS.sub("", value)
        if " " in text.strip() and WORDS.search(text):
            self.found.append((self.path, value))

    def visit_Assign(self, node: ast.Assign) -> None:
        if not any(isinstance(t, ast.Name) and t.id in HELP_TABLES for t in node.targets):
            self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if not (isinstance(node.target, ast.Name) and node.target.id in HELP_TABLES):
            self.generic_visit(node)


def unwrapped_lines(source: str, path: str = "<source>") -> list[tuple[str, str]]:
    finder = _LineFinder(path)
    finder.visit(ast.parse(source))
    return finder.found


def _allowed(path: str, text: str) -> bool:
    return any(p == path and part in text for p, part in CLI_ENGLISH_ON_PURPOSE)


@pytest.fixture(scope="module")
def cli_lines() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    paths = [*sorted((ROOT / "wipestation" / "cli").glob("*.py")), *(ROOT / m for m in LINE_MODULES)]
    for path in paths:
        found += unwrapped_lines(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return found


def test_no_cli_line_escapes_the_catalog(cli_lines: list[tuple[str, str]]) -> None:
    """Every line the CLI prints, and every line the core builds for it in LINE_MODULES, goes through _(),
    ngettext or Phrase(N_()), but the few English on purpose."""
    assert [f"{path}: {text!r}" for path, text in cli_lines if not _allowed(path, text)] == []


def test_every_english_cli_line_is_still_needed(cli_lines: list[tuple[str, str]]) -> None:
    stale = [key for key in CLI_ENGLISH_ON_PURPOSE if not any(p == key[0] and key[1] in t for p, t in cli_lines)]
    assert stale == []


@pytest.mark.parametrize(
    "source",
    [
        'emit(data, as_json, f"audit chain intact: {n} events")',
        'click.echo("note: technicians share the records")',
        'lines = [f"backup {path} ({size} bytes)"]',
        'lines.append(f"removed old backup {p}")',
        'where = "signature and data hash" if ok else "signature"',
        'self.out.changes.append(f"removed group {GROUP}")',
        'def f():\n    return Finding(check, False, f"{path} is not installed", _SETUP)',
        'def f():\n    yield f"record {rec.id} has no events"',
    ],
)
def test_the_check_catches_an_unwrapped_line(source: str) -> None:
    assert unwrapped_lines(source) != []


@pytest.mark.parametrize(
    "source",
    [
        'emit(data, as_json, _("audit chain intact: {n} events").format(n=n))',
        '@click.option("--keep", help="Keep only the newest N backups here.")\ndef f(): ...',
        'def f():\n    """Copy the records into DIRECTORY."""',
        "click.echo(f\"{r['id']:>5}  {name}\")",
        '"{number}  {kind:<11}  {record}".format(number=n, kind=k, record=r)',
        'COMMAND_INDEX: dict[str, tuple[str, str]] = {"db": ("wipestation.cli.db_cmd", "The database, copied.")}',
        'if status == "not genuine": pass',
        'raise BadValue(_("not a date"))',
        'def f():\n    yield Phrase(N_("record {id} has no events"), id=rec.id)',
    ],
)
def test_the_check_accepts_wrapped_lines(source: str) -> None:
    assert unwrapped_lines(source) == []


def test_the_mail_warning_is_english_in_json_and_dutch_on_screen() -> None:
    """`erase --json` carries the failed send's line in `mail_warning` (English); the CLI prints it shown."""
    from wipestation.documents.sending import FAILED, SendResult

    line = SendResult("E-2026-0001", "nl", FAILED, error="connection refused").failure_line()
    assert line is not None
    assert json.dumps({"mail_warning": line}) == json.dumps(
        {
            "mail_warning": "warning: certificate E-2026-0001 was issued but not sent (connection refused); "
            "retry: wipestation certificate send --pending"
        }
    )
    i18n.set_language("nl")
    assert i18n.shown(line) == (
        "waarschuwing: certificaat E-2026-0001 is uitgegeven maar niet verstuurd (connection refused); "
        "opnieuw: wipestation certificate send --pending"
    )


def test_pool_and_shelf_lines_speak_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = json.loads(_run(["customer", "add", "--name", "Jan", "--json"], config, monkeypatch).stdout)["id"]
    register = ["backup", "register", "--serial", "WD-1", "--customer", str(cid), "--job", "J1"]
    assert _run([*register, "--made-on", "2026-01-01"], config, monkeypatch).exit_code == 0
    pool = _run(["pool"], config, monkeypatch).stdout
    assert "0x gewist (laatst nooit)  gezondheid onbekend (-)  dossier 1, vervalt 2026-01-31" in pool
    assert (
        _run(["--lang", "en", "pool"], config, monkeypatch)
        .stdout.rstrip()
        .endswith("erased 0x (last never)  health unknown (-)  record 1, due 2026-01-31")
    )


def test_db_copy_speaks_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    _customer(config, monkeypatch)
    target = f"sqlite:///{config.data_dir.parent / 'kopie.sqlite3'}"
    result = _run(["db", "copy", "--to", target], config, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(r"\d+ rijen in \d+ tabellen gekopieerd; auditketen intact \(1 gebeurtenis\)\n", result.stdout)
    other = f"sqlite:///{config.data_dir.parent / 'copy.sqlite3'}"
    english = _run(["--lang", "en", "db", "copy", "--to", other], config, monkeypatch).stdout
    assert re.fullmatch(r"copied \d+ rows in \d+ tables; audit chain intact \(1 event\)\n", english)


def test_an_erasure_and_its_history_speak_dutch(cli: Any) -> None:
    """`erase` says in Dutch that it starts; `show` gives the erasure history in Dutch."""
    from tests.erasure.conftest import FakeBlockDevice
    from tests.erasure.test_run import SERIAL, SIZE, _services

    customer = cli.ok("customer", "add", "--name", "C. Klant")
    record = cli.ok("backup", "register", "--serial", SERIAL, "--customer", str(customer["id"]), "--job", "J-9")
    assert cli("request-deletion", str(record["id"]), "--reason", "telefoon").exit_code == 0
    cli.overrides = _services(FakeBlockDevice(SIZE))
    result = cli("--lang", "nl", "erase", "/dev/sdz", "--method", "zero", "--confirm", SERIAL)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "wissing 1 begint"
    shown = cli("--lang", "nl", "show", SERIAL)
    history = [line.strip() for line in (shown.stdout + shown.stderr).splitlines()]
    assert any(line.startswith("#1 zero gelukt  ") and "  geschreven " in line for line in history), history
    english = [line.strip() for line in cli("--lang", "en", "show", SERIAL).stdout.splitlines()]
    assert any(line.startswith("#1 zero succeeded  ") and "  written " in line for line in english), english


def test_the_recommendation_is_dutch_on_screen_and_english_in_json(cli: Any) -> None:
    from tests.stock.test_recommend import GB, _methods
    from wipestation.common.identity import DriveIdentity

    stick = DriveIdentity(serial="USB1", model="Cruzer", capacity_bytes=32 * GB, bus="usb", media="flash")
    rows = _methods(cli, stick, {})
    (best,) = [r for r in rows if r["recommended"]]
    assert best["recommendation"].startswith("flash without a firmware Purge: one overwrite")
    lines = cli("--lang", "nl", "methods", "/dev/x").stdout.splitlines()
    assert any(
        line.strip().startswith("^ aanbevolen (--verify full): flash zonder firmware-Purge: één overschrijving")
        for line in lines
    ), lines
    assert any(" 1 ronde " in line for line in lines)


def test_a_frozen_drives_reasons_are_dutch_on_screen_and_english_in_json(cli: Any) -> None:
    """What the firmware can and cannot do (read from hdparm's real output of a frozen SSD), in the
    reader's language; `methods --json` and what an erasure stores keep the English."""
    from tests.erasure.conftest import fixture_text
    from tests.stock.test_recommend import GB, _methods
    from wipestation.common.commands import CommandResult
    from wipestation.common.identity import DriveIdentity

    ssd = DriveIdentity(
        serial="S3Z1NB0FROZEN", model="Samsung SSD 860", capacity_bytes=500 * GB, bus="ata", media="ssd"
    )
    frozen = CommandResult(0, fixture_text("hdparm_I_ssd_frozen.txt"))
    rows = _methods(cli, ssd, {("hdparm", "-I"): frozen})
    by_name = {r["name"]: r for r in rows}
    assert by_name["ata-secure-erase"]["reason"].startswith("ATA security is frozen (the BIOS froze it at boot)")
    assert by_name["nvme-format"]["reason"] == "not an NVMe drive"
    assert by_name["zero"]["reason"] == "host overwrite of every addressable block"
    dutch = cli("--lang", "nl", "methods", "/dev/x").stdout
    assert "ATA-beveiliging is bevroren (het BIOS heeft die bij het opstarten bevroren)" in dutch
    assert "geen NVMe-schijf" in dutch and "overschrijven door de computer, elk adresseerbaar blok" in dutch
    assert "ATA security is frozen" not in dutch
    english = cli("--lang", "en", "methods", "/dev/x").stdout
    assert "ATA security is frozen (the BIOS froze it at boot)" in english
