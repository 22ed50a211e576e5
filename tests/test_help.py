"""Every command answers --help (the surface of interface.md)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from wipestation.cli import main


def _walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [prefix]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            out.extend(_walk(command, (*prefix, name)))
        else:
            out.append((*prefix, name))
    return out


COMMANDS = _walk(main)


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "wipestation" for p in COMMANDS])
def test_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    assert command.help or command.short_help, f"{' '.join(path)} has no help text"


FOUNDATION = [
    "customer add",
    "customer list",
    "customer show",
    "customer edit",
    "customer export",
    "customer anonymise",
    "backup register",
    "abandoned register",
    "list",
    "show",
    "due",
    "hold",
    "release",
    "request-deletion",
    "audit verify",
    "tui",
]


@pytest.mark.parametrize("name", FOUNDATION)
def test_the_interface_commands_exist(name: str) -> None:
    assert tuple(name.split()) in COMMANDS
