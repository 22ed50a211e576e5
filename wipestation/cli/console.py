"""`wipestation tui`: the technician's console (the `tui` package, found through its entry point)."""

from __future__ import annotations

import click

from wipestation.cli.context import AppContext
from wipestation.common.config import with_language
from wipestation.common.i18n import LANGUAGES, N_, set_language
from wipestation.common.plugins import load_plugin


@click.command("tui")
@click.option("--demo", is_flag=True, help="A throw-away database with sample records (no real drives needed).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of the console (default: the config's, nl).")
@click.pass_obj
def tui(app: AppContext, demo: bool, lang: str | None) -> None:
    """Open the Textual console."""
    if lang is not None:  # as `wipestation --lang` (the certificates the console issues follow it)
        set_language(lang)
        app.config = with_language(app.config, lang)
    run = load_plugin("wipestation.console", N_("the console"))
    run(app, demo=demo)


COMMANDS = [tui]
