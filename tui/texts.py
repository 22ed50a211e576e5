"""The console's texts go through the core's gettext catalogs (`wipestation.common.i18n`).

Key descriptions are class attributes (`BINDINGS`), built when the module is imported: they are marked
with `K_()` and translated per instance by `localise_bindings`, when the screen is made, in the
catalog's "key" context (the footer has room for short words only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from textual.dom import DOMNode

from wipestation.common.i18n import K_, N_, _, event_word, key_text, kind_word, method_word, ngettext, state_word

__all__ = [
    "K_",
    "N_",
    "_",
    "event_word",
    "kind_word",
    "local_time",
    "localise_bindings",
    "method_word",
    "ngettext",
    "state_word",
]


def local_time(at: datetime | None, timezone: str) -> str:
    """A stored time (UTC) in the shop's time zone, saying which ("2026-12-07 23:20 CET"), as the
    certificates do; "-" for none."""
    if at is None:
        return "-"
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


def localise_bindings(node: DOMNode) -> None:
    """This node's key descriptions (the footer, the key panel) in the current language."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [replace(b, description=key_text(b.description), tooltip=_(b.tooltip)) for b in group]
        for key, group in bindings.key_to_bindings.items()
    }
