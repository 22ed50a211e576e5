"""Every value a command or a config key takes from outside goes through one kind of wipestation.common.inputs:
the walk fails on an option, an argument or a key that does not."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import click
import pytest

from wipestation.cli import main
from wipestation.common import config as config_module
from wipestation.common import config_keys
from wipestation.common.inputs import Outside

# The commands of issue 24 and every command added after them: each value through an `Outside` kind.
CHECKED = (
    "(root)",
    "pool",
    "health",
    "label",
    "shelf",
    "certificate site",
    "certificate send",
    "certificate revoke",
    "certificate fingerprint",
    "db backup",
    "setup-workstation",
    "digest",
    "doctor",
)
# The daily commands of the first battery (tests/test_bad_input*.py), which check their values in the
# services they call. This list only shrinks: a new command is walked like the ones above.
CHECKED_IN_THEIR_SERVICE = {
    "abandoned register",
    "audit verify",
    "backup register",
    "certificate pdf",
    "certificate verify",
    "customer add",
    "customer anonymise",
    "customer edit",
    "customer export",
    "customer list",
    "customer purge-expired",
    "customer show",
    "db copy",
    "destroy",
    "due",
    "erase",
    "hold",
    "install-udev-rules",
    "methods",
    "release",
    "request-deletion",
    "show",
}


def _walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(main)
    yield (" ".join(path) or "(root)"), command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _walk(sub, (*path, name))


def _takes_a_value(param: click.Parameter) -> bool:
    if isinstance(param, click.Option) and (param.is_flag or param.name == "help"):
        return False
    return not isinstance(param.type, click.Choice)  # one of a few words: click refuses the others


COMMANDS = dict(_walk(main))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_value_of_a_command_goes_through_a_kind(name: str) -> None:
    command = COMMANDS[name]
    loose = [p.name for p in command.params if _takes_a_value(p) and not isinstance(p.type, Outside)]
    if name in CHECKED_IN_THEIR_SERVICE:
        assert loose, f"{name} now takes every value through a kind: remove it from CHECKED_IN_THEIR_SERVICE"
        return
    assert loose == [], f"{name}: {loose} take a value without a kind of wipestation.common.inputs"


def test_the_newer_commands_are_walked() -> None:
    names = set(COMMANDS)
    for checked in CHECKED:
        assert any(n == checked or n.startswith(checked + " ") for n in names), checked
    assert not CHECKED_IN_THEIR_SERVICE - names, "a command in the list does not exist"


def _sections() -> dict[str, type]:
    return {**config_module._SECTIONS}


def test_every_config_key_has_a_kind() -> None:
    kinds = config_module.KEY_KINDS
    for section, cls in _sections().items():
        aliases = {field: key for key, field in config_keys.ALIASES.get(section, {}).items()}
        keys = {aliases.get(f.name, f.name) for f in dataclasses.fields(cls)}
        assert keys == set(kinds[section]), section
    top = {f.name for f in dataclasses.fields(config_module.Config)} - set(_sections()) - {"machines"}
    assert top == set(kinds[""])


@pytest.mark.parametrize(
    ("section", "key"),
    [(s, k) for s, keys in config_module.KEY_KINDS.items() for k in keys if s != "machines"],
)
def test_every_config_key_is_taken_through_its_kind(section: str, key: str, tmp_path: object) -> None:
    """A control character, or a value of the wrong type, is refused naming the key."""
    from pathlib import Path

    from wipestation.common.errors import ConfigError

    assert isinstance(tmp_path, Path)
    kind = config_module.KEY_KINDS[section][key]
    sample = getattr(config_module.Config(), section) if section else config_module.Config()
    field = config_keys.ALIASES.get(section, {}).get(key, key)
    default = getattr(sample, field)
    bad = '"x\\u001b[2J"' if not isinstance(default, bool | int) or isinstance(default, bool) else '"x\\u001b"'
    if isinstance(default, tuple):
        bad = '["x\\u001b[2J"]'
    head = f"[{section}]\n" if section else ""
    data_dir = f'data_dir = "{tmp_path}"\n' if key != "data_dir" else ""
    path = tmp_path / "c.toml"
    path.write_text(data_dir + head + f"{key} = {bad}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        config_module.load_config(path)
    message = str(refused.value)
    assert key in message and "\x1b" not in message, (kind, message)
