"""The odd inputs of issue 13: each a one-line error with the usual exit code (never a traceback,
an exception's name, a hang or a parameter of an SQL statement), or accepted where legitimate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import Cli
from wipestation.cli import main
from wipestation.detection.identity import decode_udev

BIG = str(2**63)


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    cid = cli.ok("customer", "add", "--name", "Anna Jansen")["id"]
    cli.ok("backup", "register", "--serial", "B1", "--customer", str(cid), "--job", "J1", "--made-on", "2026-11-01")
    return cli


REG = ["backup", "register", "--serial", "N1", "--customer", "1", "--job", "J"]
ABANDONED = ["abandoned", "register", "--serial", "A1", "--model", "M", "--customer", "1"]

BAD = [
    (["customer", "show", BIG], "no customer with id 9223372036854775808"),
    (["customer", "anonymise", "99999999999999999999999"], "no customer with id"),
    (["backup", "register", "--serial", "N1", "--customer", BIG, "--job", "J"], "no customer with id"),
    (["show", BIG], "no record or drive serial"),
    (["show", "9" * 5000], "no record or drive serial"),
    ([*ABANDONED, "--capacity", "99999999999999999999"], "not a capacity"),
    ([*REG, "--made-on", ""], "not a date: ''"),
    ([*REG, "--made-on", "0001-01-01"], "between 1900-01-01 and 2100-12-31"),
    (["hold", "B1", "--until", "9999-12-31", "--reason", "x"], "between 1900-01-01 and 2100-12-31"),
    (["customer", "add", "--name", "Anna \x1b[2J\x1b[31mJansen"], "name contains a control character (0x1b)"),
    (["customer", "add", "--name", "X", "--phone", "06\x07"], "phone contains a control character (0x07)"),
    (["hold", "B1", "--until", "2026-12-31", "--reason", "dispute\x1b]0;pwned\x07"], "reason contains a control"),
    (["release", "B1", "--reason", "x" * 100_000], "not on hold"),
    (["hold", "B1", "--until", "2026-12-31", "--reason", "x" * 100_000], "reason is longer than 2000 characters"),
    (["request-deletion", "B1", "--reason", "y" * 100_000], "reason is longer than 2000 characters"),
    (["--as", "z" * 100_000, "list"], "--as is longer than 120 characters"),
    (["--as", "tech\x1b[8m", "list"], "--as contains a control character"),
    ([*ABANDONED, "--capacity", "1TB", "--computer", "HP\x9b2J"], "contains a control character (0x9b)"),
    (["customer", "export", "1", "-o", "/missing-dir/x.json"], "cannot write /missing-dir/x.json"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[repr(a)[:60] for a, _ in BAD])
def test_odd_input_is_one_line_and_changes_nothing(seeded: Cli, args: list[str], message: str) -> None:
    before = seeded.snapshot()
    result = seeded(*args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    for internal in ("Traceback", "Error:", "Exception"):
        assert internal not in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr  # not echoed raw either
    assert seeded.snapshot() == before


def test_a_multi_line_address_is_accepted(seeded: Cli) -> None:
    out = seeded.ok("customer", "add", "--name", "Piet", "--address", "Kerkstraat 7\n9401 AB Assen")
    assert out["address"] == "Kerkstraat 7\n9401 AB Assen"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


CONFIGS = [
    ('timezone = "Mars/Phobos"\n', "config: timezone 'Mars/Phobos' is not a known time zone"),
    ('timezone = "../../../etc/passwd"\n', "config: timezone '../../../etc/passwd' is not a known time zone"),
    ("[retention]\nbackup_days = 99999999\n", "config: [retention] backup_days must be at most 3650"),
    ("[retention]\nrecord_years = 1000\n", "config: [retention] record_years must be at most 100"),
    ('[destruction]\nmin_level_magnetic = "H-99"\n', "config: [destruction] min_level_magnetic must be"),
    ('[destruction]\nmin_level_flash = "H-4"\n', "config: [destruction] min_level_flash must be"),
    ('[certificates]\nprefix = "../../x"\n', "config: [certificates] prefix must be 1 to 12 letters or digits"),
    ("[mail]\nport = 99999\n", "config: [mail] port must be between 1 and 65535"),
]


@pytest.mark.parametrize(("text", "message"), CONFIGS, ids=[c for c, _ in CONFIGS])
def test_config_values_are_checked_when_loaded(tmp_path: Path, text: str, message: str) -> None:
    path = _config(tmp_path, text)
    db = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    result = CliRunner().invoke(main, ["--config", str(path), "--db", db, "list"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {message}") and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "ws.sqlite3").exists()


def test_only_regular_files_of_a_sane_size_are_read_as_certificates(seeded: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse
    for path, message in (("/dev/zero", "is not a regular file"), (str(fifo), "is not a regular file")):
        result = seeded("certificate", "verify", path)
        assert result.exit_code == 1 and message in result.stderr, result.stderr
    result = seeded("certificate", "verify", str(huge))
    assert result.exit_code == 1 and "a certificate is at most 20971520 bytes" in result.stderr
    result = seeded("certificate", "verify", str(tmp_path / "missing.pdf"))
    assert result.exit_code == 2 and result.stderr.strip() == f"error: file not found: {tmp_path / 'missing.pdf'}"


def test_a_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "WIPESTATION_DATA_DIR": str(tmp_path / "d"), "WIPESTATION_DB": f"sqlite:///{tmp_path}/x.db"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from wipestation.cli import main; main()", "methods"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` that has already gone
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_device_text_is_escaped_not_decoded_into_the_terminal() -> None:
    from wipestation.detection.identity import loop_serial

    assert loop_serial("/tmp/evil\x1b[2J.img") == "LOOP-evil\\x1b[2J.img"
    assert decode_udev("Evil\\x1b[2JDisk\\x20\\x20") == "Evil\\x1b[2JDisk"
    assert decode_udev("WDC\\x20WD10EZEX") == "WDC WD10EZEX"


def test_the_udev_rules_are_written_through_an_exclusive_temporary_file(tmp_path: Path) -> None:
    dest = tmp_path / "rules"
    dest.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious")
    for name in ("60-wipestation.tmp", "60-wipestation.rules.tmp"):
        (dest / name).symlink_to(victim)
    db = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    result = CliRunner().invoke(main, ["--db", db, "install-udev-rules", "--dest", str(dest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious"
    assert "wipestation" in (dest / "60-wipestation.rules").read_text()
    assert sorted(p.name for p in dest.iterdir() if not p.is_symlink()) == ["60-wipestation.rules"]


def test_a_database_error_names_the_operation_never_the_values(seeded: Cli) -> None:
    if not seeded.is_sqlite:
        pytest.skip("the trigger below is SQLite's")
    seeded.sql("CREATE TRIGGER no_more BEFORE INSERT ON customers BEGIN SELECT RAISE(ABORT, 'closed for today'); END")
    result = seeded("customer", "add", "--name", "Secret Person", "--email", "secret@example.nl")
    assert result.exit_code == 1
    assert result.stderr == "error: database: closed for today (while writing to customers)\n"


def test_a_postgresql_error_names_the_operation_never_the_values(seeded: Cli) -> None:
    if seeded.is_sqlite:
        pytest.skip("PostgreSQL only")
    seeded.sql(
        "CREATE FUNCTION no_more() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'closed for today' "
        "USING DETAIL = 'name: ' || NEW.name; END $$ LANGUAGE plpgsql"
    )
    seeded.sql("CREATE TRIGGER no_more BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION no_more()")
    result = seeded("customer", "add", "--name", "Secret Person", "--email", "secret@example.nl")
    assert result.exit_code == 1
    assert result.stderr == "error: database: closed for today (while writing to customers)\n"
