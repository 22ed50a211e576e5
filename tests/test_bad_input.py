"""Bad input: one line on stderr, the exit codes of interface.md, the database unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.drift  # also under the newest and lowest allowed versions (scripts/drift-check)


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    cid = cli.ok("customer", "add", "--name", "Anna Jansen")["id"]
    cli.ok("backup", "register", "--serial", "B1", "--customer", str(cid), "--job", "J1", "--made-on", "2026-11-01")
    cli.ok("backup", "register", "--serial", "B2", "--customer", str(cid), "--job", "J2", "--made-on", "2026-11-01")
    cli.ok("hold", "B2", "--until", "2026-12-31", "--reason", "dispute")
    return cli


BAD = [
    (["customer", "show", "999"], 1, "no customer with id 999"),
    (["customer", "edit", "999", "--name", "X"], 1, "no customer with id 999"),
    (["customer", "export", "999"], 1, "no customer with id 999"),
    (["customer", "anonymise", "999"], 1, "no customer with id 999"),
    (["customer", "add", "--name", "   "], 1, "needs a name"),
    (["customer", "add", "--name", "X", "--email", "not-an-address"], 1, "not an e-mail address"),
    (["backup", "register", "--serial", "N1", "--customer", "999", "--job", "J"], 1, "no customer with id 999"),
    (
        ["backup", "register", "--serial", "N1", "--customer", "1", "--job", "J", "--made-on", "2026-13-01"],
        1,
        "not a date",
    ),
    (
        ["backup", "register", "--serial", "N1", "--customer", "1", "--job", "J", "--made-on", "25-11-2026"],
        1,
        "not a date",
    ),
    (
        ["backup", "register", "--serial", "N1", "--customer", "1", "--job", "J", "--made-on", "2027-01-01"],
        1,
        "in the future",
    ),
    (["backup", "register", "--serial", "B1", "--customer", "1", "--job", "J3"], 1, "already holds an open backup"),
    (
        ["abandoned", "register", "--serial", "A1", "--model", "M", "--capacity", "lots", "--customer", "1"],
        1,
        "not a capacity",
    ),
    (
        ["abandoned", "register", "--serial", "A1", "--model", "M", "--capacity", "0GB", "--customer", "1"],
        1,
        "not a capacity",
    ),
    (["show", "NOPE"], 1, "no record or drive serial 'NOPE'"),
    (["show", "999"], 1, "no record or drive serial '999'"),
    (["hold", "NOPE", "--until", "2026-12-31", "--reason", "x"], 1, "no record"),
    (["hold", "B1", "--until", "2026-11-01", "--reason", "x"], 1, "must end after today"),
    (["hold", "B1", "--until", "2026-11-25", "--reason", "x"], 1, "must end after today"),
    (["hold", "B1", "--until", "2026-12-31", "--reason", "  "], 1, "needs a reason"),
    (["hold", "B1", "--until", "31-12-2026", "--reason", "x"], 1, "not a date"),
    (["release", "B1"], 1, "is not on hold"),
    (["release", "NOPE"], 1, "no record"),
    (["request-deletion", "NOPE"], 1, "no record"),
    (["due", "--on", "tomorrow"], 1, "not a date"),
    (["backup", "register", "--customer", "1", "--job", "J"], 2, "exactly one of --device or --serial"),
    (["abandoned", "register", "--serial", "A1", "--customer", "1"], 2, "--serial, --model and --capacity"),
    (["list", "--state", "lost"], 2, "Invalid value"),
    (["hold", "B1", "--until", "2026-12-31"], 2, "Missing option"),
]


@pytest.mark.parametrize(("args", "code", "message"), BAD, ids=[" ".join(a) for a, _, _ in BAD])
def test_bad_input_is_refused_and_changes_nothing(seeded: Cli, args: list[str], code: int, message: str) -> None:
    before = seeded.snapshot()
    result = seeded(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("error: ")
    assert seeded.snapshot() == before
    if seeded.is_sqlite:
        assert not seeded.db_path.with_name(seeded.db_path.name + "-wal").exists()


def test_a_malformed_config_is_one_line(cli: Cli, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from wipestation.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text("[retention]\nbackup_days = 'thirty'\n")
    result = CliRunner().invoke(main, ["--config", str(bad), "--db", cli.url, "list"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr == "error: config: [retention] backup_days must be a whole number >= 0\n"
    bad.write_text("[retention\n")
    result = CliRunner().invoke(main, ["--config", str(bad), "--db", cli.url, "list"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "not valid TOML" in result.stderr


def test_a_bad_database_url_is_one_line(cli: Cli) -> None:
    from click.testing import CliRunner

    from wipestation.cli import main

    result = CliRunner().invoke(main, ["--db", "nonsense", "list"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr == "error: not a database URL: nonsense\n"
