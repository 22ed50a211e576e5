"""Textual's command palette and its system commands in the reader's language: the palette's
placeholder and its "No matches found" are built in English inside Textual (8.2.8, pinned), so the
App opens this subclass, and yields its own translated system commands instead of Textual's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from rich.align import Align
from rich.text import Text
from textual.app import App, SystemCommand
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option

from tui.texts import _


class LocalCommandPalette(CommandPalette):
    def __init__(self) -> None:
        super().__init__(id="--command-palette", placeholder=_("Search for commands…"))

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's own, with its one text translated (it is built inside the method)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=self._NO_MATCHES
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def open_palette(app: App[Any]) -> None:
    """Ctrl+P: this palette instead of Textual's (unless one is open already)."""
    if app.use_command_palette and not CommandPalette.is_open(cast("App[object]", app)):
        app.push_screen(LocalCommandPalette())


def system_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """Textual's system commands (`App.get_system_commands`), translated."""
    yield SystemCommand(_("Theme"), _("Change the console's colours"), app.action_change_theme)
    yield SystemCommand(_("Quit"), _("Quit wipestation (it asks first while erasures run)"), app.action_quit)
    if screen.query("HelpPanel"):
        yield SystemCommand(_("Keys"), _("Hide the keys panel"), app.action_hide_help_panel)
    else:
        yield SystemCommand(_("Keys"), _("Show every key of this screen"), app.action_show_help_panel)
    if screen.maximized is not None:
        yield SystemCommand(_("Minimize"), _("Show the widget at its normal size again"), screen.action_minimize)
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(_("Maximize"), _("Show the focused widget on the whole screen"), screen.action_maximize)
    yield SystemCommand(
        _("Screenshot"),
        _("Save an SVG picture of this screen"),
        lambda: app.set_timer(0.1, app.deliver_screenshot),
    )
