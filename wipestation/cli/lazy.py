"""A command group some of whose subcommands live in a module loaded only when one of them is asked
for (`backup make` loads the ciphers; `backup register` does not)."""

from __future__ import annotations

import importlib

import click


class LazySubcommands(click.Group):
    """`lazy_commands`: subcommand name -> (module, name of a dict of commands in it)."""

    lazy_commands: dict[str, tuple[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            module, table = self.lazy_commands[cmd_name]
            commands: dict[str, click.Command] = getattr(importlib.import_module(module), table)
            return commands[cmd_name]
        return super().get_command(ctx, cmd_name)


class BackupGroup(LazySubcommands):
    lazy_commands = {
        name: ("wipestation.cli.backups", "BACKUP_COMMANDS") for name in ("make", "restore", "check", "erase")
    }


class PoolGroup(LazySubcommands):
    lazy_commands = {"prepare": ("wipestation.cli.backups", "POOL_COMMANDS")}
