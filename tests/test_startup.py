"""A quick start: `--version` and `--help` load no command module and no heavy library; the lazy
command index agrees with the modules that define the commands."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from wipestation.cli import COMMAND_INDEX, COMMAND_MODULES, main

ROOT = Path(__file__).resolve().parent.parent

HEAVY = ["sqlalchemy", "alembic", "pyudev", "cryptography", "textual", "reportlab", "pyhanko", "psycopg"]
DISPLAY_HEAVY = ["pyudev", "cryptography", "textual", "reportlab", "pyhanko"]


def _loaded_after(args: list[str], tmp_path: Path) -> list[str]:
    code = (
        "import json, sys\n"
        "from wipestation.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)\n"
    )
    env = {"WIPESTATION_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    return list(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_load_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    assert _loaded_after(args, tmp_path) == []


@pytest.mark.parametrize("command", [["due"], ["list"], ["show", "1"]])
def test_the_daily_read_commands_load_no_device_console_or_pdf_library(command: list[str], tmp_path: Path) -> None:
    loaded = _loaded_after(command, tmp_path)
    assert "sqlalchemy" in loaded  # the command really ran against the store
    assert [m for m in loaded if m in DISPLAY_HEAVY] == []


def test_a_store_at_the_newest_schema_opens_without_alembic(tmp_path: Path) -> None:
    assert "alembic" in _loaded_after(["list"], tmp_path)  # a new store: Alembic creates the schema
    assert "alembic" not in _loaded_after(["due"], tmp_path)  # the same store again: no migration to run


def test_the_lazy_index_names_every_command_of_every_module() -> None:
    defined: dict[str, str] = {}
    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            defined[command.name] = name
    assert {name: module for name, (module, _help) in COMMAND_INDEX.items()} == defined


def test_every_indexed_command_resolves() -> None:
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
    assert main.get_command(ctx, "no-such-command") is None
