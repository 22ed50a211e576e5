"""The `wipestation` command. Thin: the root group builds one AppContext; commands call services.

Commands load lazily: `COMMAND_INDEX` names each top-level command's module and one-line help, so
`--version` and `--help` import no command module and none of the heavy libraries, and a command imports
only its own module (as pip and hatch do). A test checks the index against the modules' COMMANDS.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import importlib
import logging
import os
import re
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from wipestation.cli.click_language import use_our_language
from wipestation.common.errors import ExitCode, WipestationError
from wipestation.common.files import PRIVATE_UMASK
from wipestation.common.i18n import LANGUAGES, N_, _, choose, set_language
from wipestation.common.inputs import InFile, Outside, Text
from wipestation.common.reading import os_error_line
from wipestation.common.text import ACTOR_LIMIT, escape_control

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError

use_our_language()  # click's own error lines (a mistyped option, ...) in the interface language


class CommandError(click.ClickException):
    """A WipestationError on its way to the user: one line on stderr, a fixed exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: IO[Any] | None = None) -> None:
        # the message may quote what was typed or read: an escape sequence is shown, never obeyed
        click.echo(_("error: {message}").format(message=escape_control(self.format_message())), err=True)


class WipestationGroup(click.Group):
    """Maps the core's errors to exit codes; no traceback unless WIPESTATION_DEBUG is set."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except WipestationError as exc:  # an option of the group itself refused by its kind (inputs)
            raise CommandError(_one_line(str(exc)), int(exc.exit_code)) from None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except WipestationError as exc:
            raise CommandError(_one_line(str(exc)), int(exc.exit_code)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise  # click ends quietly when the reader of a pipe (`| head`) has gone
        except Exception as exc:
            if os.environ.get("WIPESTATION_DEBUG"):
                raise
            # SQLAlchemy's errors only when it was imported: a command without the store (verify on a
            # customer's machine) does not import it just to name its errors
            sa = sys.modules.get("sqlalchemy.exc")
            if sa is not None and isinstance(exc, sa.DBAPIError):
                raise CommandError(database_message(exc), int(ExitCode.RULES)) from None
            if isinstance(exc, OverflowError):
                raise CommandError(
                    _("a number is too large (at most 9223372036854775807)"), int(ExitCode.RULES)
                ) from None
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise CommandError(_no_space(exc), int(ExitCode.RULES)) from None
            if isinstance(exc, OSError):
                raise CommandError(_one_line(os_error_line(exc)), int(ExitCode.RULES)) from None
            # a defect, ours or a library's: not a refusal
            raise CommandError(internal_message(exc), int(ExitCode.INTERNAL)) from None


def internal_message(exc: BaseException) -> str:
    """One line for an internal error: what it was, and that it is a defect to report (not a refusal)."""
    what = _one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    return _(
        "internal error ({what}); this is a defect of wipestation: please report it with WIPESTATION_DEBUG=1"
    ).format(what=what)


class _OneLineLog(logging.Handler):
    """Log records (warnings and errors of the core) as one line on stderr, through click so that a
    test's runner sees them; the traceback only with WIPESTATION_DEBUG."""

    def emit(self, record: logging.LogRecord) -> None:
        text = _one_line(record.getMessage())
        if os.environ.get("WIPESTATION_DEBUG") and record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        with contextlib.suppress(OSError, ValueError):  # a closed stderr must not end the command
            click.echo(_("warning: {message}").format(message=text), err=True)


def _log_in_one_line() -> None:
    root = logging.getLogger()
    if not any(isinstance(h, _OneLineLog) for h in root.handlers):
        handler = _OneLineLog(logging.WARNING)
        root.addHandler(handler)


def _no_space(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return _(
        "no space left on the disk{where}: free space on the disk that holds the database and the data "
        "folder (old database backups, exported PDFs), then run it again"
    ).format(where=where)


def _one_line(text: str) -> str:
    return " ".join(text.split())


_OPERATION = re.compile(r"^\s*(INSERT INTO|UPDATE|DELETE FROM|SELECT\b.*?\bFROM)\s+\"?(\w+)", re.S | re.I)
_VERBS = {"insert": N_("writing to"), "update": N_("updating"), "delete": N_("deleting from"), "select": N_("reading")}


def database_message(exc: DBAPIError) -> str:
    """The database's complaint and the operation, never the statement or its parameters (they may
    hold personal data); PostgreSQL's DETAIL lines, which quote values, are left out too."""
    text = str(exc.orig).strip()
    complaint = text.splitlines()[0] if text else type(exc.orig).__name__
    if "disk is full" in complaint or "No space left" in complaint:
        complaint = _(
            "{complaint}: free space on the disk that holds the database and the data folder (old database "
            "backups, exported PDFs), then run it again"
        ).format(complaint=complaint)
    match = _OPERATION.match(exc.statement or "")
    if match:
        operation = f"{_(_VERBS[match.group(1).split()[0].lower()])} {match.group(2)}"
        return _one_line(
            _("database: {complaint} (while {operation})").format(complaint=complaint, operation=operation)
        )
    return _one_line(_("database: {complaint}").format(complaint=complaint))


class LazyGroup(WipestationGroup):
    """The root group: a command's module is imported only when that command runs or shows its help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_INDEX)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_INDEX:
            return None
        module = importlib.import_module(COMMAND_INDEX[cmd_name][0])
        for command in module.COMMANDS:
            if command.name == cmd_name:
                return command  # type: ignore[no-any-return]
        raise LookupError(f"{module.__name__} has no command '{cmd_name}' (COMMAND_INDEX is out of date)")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_module, help_text) in sorted(COMMAND_INDEX.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "db_url", envvar="WIPESTATION_DB", type=Outside(Text(4096), "URL"), help="SQLAlchemy database URL."
)
@click.option(
    "--config",
    "config_path",
    envvar="WIPESTATION_CONFIG",
    type=Outside(InFile(), "PATH"),
    help="TOML configuration file.",
)
@click.option(
    "--as",
    "actor",
    envvar="WIPESTATION_TECHNICIAN",
    type=Outside(Text(ACTOR_LIMIT), "NAME"),
    help="Who acts (recorded).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language of the console, the messages and the certificates (default: the config's `language`, nl).",
)
@click.version_option(package_name="wipestation")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, config_path: Path | None, actor: str | None, lang: str | None) -> None:
    """Custody, erasure, destruction and certificates for a repair shop's storage media."""
    from wipestation.app import AppContext, Overrides
    from wipestation.shop.workstation import share_with_group

    os.umask(PRIVATE_UMASK)  # every file the command creates is the owner's only
    _log_in_one_line()
    overrides = ctx.obj if isinstance(ctx.obj, Overrides) else Overrides()
    try:
        actor_name = actor or getpass.getuser()
    except (KeyError, OSError):
        actor_name = "unknown"
    if lang is not None:
        set_language(lang)  # a config that does not load says so in the chosen language
    app = AppContext.create(
        config_path=config_path, db_url=db_url, actor=actor_name, overrides=overrides, language=lang
    )
    set_language(choose(lang, app.config.language))
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
    "wipestation.cli.stock",
    "wipestation.cli.shop",
)

# Top-level command -> (its module, its one-line help in `wipestation --help`).
COMMAND_INDEX: dict[str, tuple[str, str]] = {
    "abandoned": ("wipestation.cli.records", "Abandoned disks: a customer's disk stored apart, then destroyed."),
    "audit": ("wipestation.cli.audit_cmd", "The append-only, hash-chained audit log."),
    "backup": ("wipestation.cli.records", "Backup drives: the shop's own drives holding a customer's backup."),
    "certificate": ("wipestation.cli.certs", "Erasure and destruction certificates: list, get, verify."),
    "customer": ("wipestation.cli.customers", "Customers: add, list, show, edit, export, anonymise."),
    "db": ("wipestation.cli.db_cmd", "The database: copy it to another server, back it up."),
    "destroy": ("wipestation.cli.certs", "Record the physical destruction of abandoned disks and retired shop drives."),
    "digest": ("wipestation.cli.shop", "The morning list: due, overdue, holds ending, failures."),
    "doctor": ("wipestation.cli.shop", "What is missing on this workstation, and what to do."),
    "drives": ("wipestation.cli.drives", "Attached drives: identity, protection, known record."),
    "due": ("wipestation.cli.records", "Records due or overdue, most overdue first."),
    "erase": ("wipestation.cli.erase", "Erase the whole drive at DEVICE, verify it, record it."),
    "health": ("wipestation.cli.stock", "A drive's SMART health: verdict and figures; 'unknown' where none."),
    "hold": ("wipestation.cli.records", "Pause a record's due date until DATE, with a reason."),
    "install-udev-rules": ("wipestation.cli.drives", "Install the udev rules for the wipe bays."),
    "label": ("wipestation.cli.stock", "Shelf labels with a QR code for records."),
    "list": ("wipestation.cli.records", "List custody records."),
    "methods": ("wipestation.cli.erase", "List the erasure methods (and which a drive supports)."),
    "pool": ("wipestation.cli.stock", "The shop's own backup drives: state, erase count, health."),
    "release": ("wipestation.cli.records", "End a record's hold early."),
    "request-deletion": ("wipestation.cli.records", "The customer asked for early deletion: due today."),
    "setup-workstation": ("wipestation.cli.shop", "Group, udev rules, data folder and timers (as root)."),
    "shelf": ("wipestation.cli.stock", "Shelf checks: scanned codes against the records."),
    "show": ("wipestation.cli.records", "Show one record (REF: record id or drive serial)."),
    "tui": ("wipestation.cli.console", "Open the Textual console."),
    "watch": ("wipestation.cli.drives", "Print one line per drive attached, changed or detached."),
}
