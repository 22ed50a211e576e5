"""The `wipestation` command. Thin: the root group builds one AppContext; commands call services."""

from __future__ import annotations

import getpass
import importlib
import os
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from wipestation.cli.context import AppContext, Overrides
from wipestation.errors import ExitCode, WipestationError
from wipestation.workstation import share_with_group


class CommandError(click.ClickException):
    """A WipestationError on its way to the user: one line on stderr, a fixed exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class WipestationGroup(click.Group):
    """Maps the core's errors to exit codes; no traceback unless WIPESTATION_DEBUG is set."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WipestationError as exc:
            raise CommandError(_one_line(str(exc)), int(exc.exit_code)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except OperationalError as exc:
            if os.environ.get("WIPESTATION_DEBUG"):
                raise
            raise CommandError(_one_line(f"database: {exc.orig}"), int(ExitCode.RULES)) from None
        except (SQLAlchemyError, OSError, ValueError) as exc:
            if os.environ.get("WIPESTATION_DEBUG"):
                raise
            raise CommandError(_one_line(f"{type(exc).__name__}: {exc}"), int(ExitCode.RULES)) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


@click.group(cls=WipestationGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar="WIPESTATION_DB", metavar="URL", help="SQLAlchemy database URL.")
@click.option(
    "--config",
    "config_path",
    envvar="WIPESTATION_CONFIG",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML configuration file.",
)
@click.option("--as", "actor", envvar="WIPESTATION_TECHNICIAN", metavar="NAME", help="Who acts (recorded).")
@click.version_option(package_name="wipestation")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, config_path: Path | None, actor: str | None) -> None:
    """Custody, erasure, destruction and certificates for a repair shop's storage media."""
    overrides = ctx.obj if isinstance(ctx.obj, Overrides) else Overrides()
    try:
        actor_name = actor or getpass.getuser()
    except (KeyError, OSError):
        actor_name = "unknown"
    app = AppContext.create(config_path=config_path, db_url=db_url, actor=actor_name, overrides=overrides)
    share_with_group(app.config.data_dir, app.db_url)  # the shop's 2770 data folder: files for the group
    ctx.obj = app
    ctx.call_on_close(app.close)


# Each module lists its click commands in COMMANDS. One line per module, so parallel work merges.
COMMAND_MODULES = (
    "wipestation.cli.certs",
    "wipestation.cli.customers",
    "wipestation.cli.records",
    "wipestation.cli.audit_cmd",
    "wipestation.cli.drives",
    "wipestation.cli.console",
    "wipestation.cli.db_cmd",
    "wipestation.cli.erase",
    "wipestation.cli.shop",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        for command in module.COMMANDS:
            main.add_command(command)


_register()
