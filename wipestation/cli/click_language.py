"""Click's own error lines (a mistyped option, a missing argument, a wrong choice) in the interface language.

Click marks its texts for gettext but reads them through the `gettext` module's global functions, whose
language comes from the process's locale variables; wipestation's comes from `--lang`, WIPESTATION_LANG
or the config (`wipestation.common.i18n`). `use_our_language()` points click's modules at `wipestation.common.i18n`
instead (only where they still hold the `gettext` module's own functions, so another change is never
undone). Their Dutch is in wipestation's catalog under click's own msgids (click 8.2), marked below so
that `scripts/catalog` keeps them; a click release that rewords one leaves that line in English, and
`tests/test_i18n.py` reads a few of them through the real CLI.

Left in English on purpose: the help pages (`--help`), whole, "Usage:" included (`english_help`). Click
builds an option's help text when the command is declared, before the language is known, the commands'
own help is English, and so is the command reference (docs/, interface.md): a page in one language, the
one its reference is in, rather than a Dutch first word over English text. A usage error stays Dutch.
"""

from __future__ import annotations

import functools
import gettext
import importlib
from collections.abc import Callable

import click

from wipestation.common import i18n
from wipestation.common.i18n import N_, NP_

CLICK_MODULES = ("click.core", "click.exceptions", "click.formatting", "click.parser", "click.types", "click.termui")

# click's msgids, as click writes them (placeholders and all)
CLICK_TEXTS = (
    N_("Usage:"),  # also heads the help pages, whose text is English
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid UUID."),
    N_("Aborted!"),
    N_("Error: invalid input"),
)


CLICK_PLURALS = (
    NP_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    NP_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    NP_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    NP_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    NP_("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."),
)


def use_our_language() -> None:
    """Click's modules translate through `wipestation.common.i18n` from now on (idempotent); the help pages are
    English whole."""
    if not getattr(click.Command.get_help, "_english", False):
        click.Command.get_help = english_help(click.Command.get_help)  # type: ignore[method-assign,assignment]
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) is gettext.gettext:
            module._ = i18n._  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def english_help(
    get_help: Callable[[click.Command, click.Context], str],
) -> Callable[[click.Command, click.Context], str]:
    """`Command.get_help`, made in English (its "Usage:" too)."""

    @functools.wraps(get_help)
    def wrapped(self: click.Command, ctx: click.Context) -> str:
        with i18n.english():
            return get_help(self, ctx)

    wrapped._english = True  # type: ignore[attr-defined]
    return wrapped
