"""The `wipestation` command. Thin: the root group builds one AppContext; commands call services."""

from __future__ import annotations

import getpass
import importlib
import os
import re
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from wipestation.cli.context import AppContext, Overrides
from wipestation.errors import ExitCode, WipestationError
from wipestation.files import PRIVATE_UMASK
from wipestation.text import ACTOR_LIMIT, check_length, check_plain


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
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise  # click ends quietly when the reader of a pipe (`| head`) has gone
        except DBAPIError as exc:
            if os.environ.get("WIPESTATION_DEBUG"):
                raise
            raise CommandError(database_message(exc), int(ExitCode.RULES)) from None
        except OverflowError:
            if os.environ.get("WIPESTATION_DEBUG"):
                raise
            raise CommandError("a number is too large (at most 9223372036854775807)", int(ExitCode.RULES)) from None
        except (SQLAlchemyError, OSError, ValueError) as exc:
            if os.environ.get("WIPESTATION_DEBUG"):
                raise
            raise CommandError(_one_line(f"{type(exc).__name__}: {exc}"), int(ExitCode.RULES)) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


_OPERATION = re.compile(r"^\s*(INSERT INTO|UPDATE|DELETE FROM|SELECT\b.*?\bFROM)\s+\"?(\w+)", re.S | re.I)
_VERBS = {"insert": "writing to", "update": "updating", "delete": "deleting from", "select": "reading"}


def database_message(exc: DBAPIError) -> str:
    """The database's complaint and the operation, never the statement or its parameters (they may
    hold personal data); PostgreSQL's DETAIL lines, which quote values, are left out too."""
    text = str(exc.orig).strip()
    complaint = text.splitlines()[0] if text else type(exc.orig).__name__
    match = _OPERATION.match(exc.statement or "")
    if match:
        operation = f"{_VERBS[match.group(1).split()[0].lower()]} {match.group(2)}"
        return _one_line(f"database: {complaint} (while {operation})")
    return _one_line(f"database: {complaint}")


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
    os.umask(PRIVATE_UMASK)  # every file the command creates is the owner's only
    overrides = ctx.obj if isinstance(ctx.obj, Overrides) else Overrides()
    if actor is not None:
        check_length(check_plain(actor, "--as").strip(), "--as", ACTOR_LIMIT)
    try:
        actor_name = actor or getpass.getuser()
    except (KeyError, OSError):
        actor_name = "unknown"
    app = AppContext.create(config_path=config_path, db_url=db_url, actor=actor_name, overrides=overrides)
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
)


def _register() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        for command in module.COMMANDS:
            main.add_command(command)


_register()
