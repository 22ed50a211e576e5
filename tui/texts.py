"""The console's texts go through the core's gettext catalogs (`wipestation.i18n`).

Key descriptions are class attributes (`BINDINGS`), built when the module is imported: they are marked
with `N_()` and translated per instance by `localise_bindings`, when the screen is made."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from wipestation.i18n import N_, _, kind_word, ngettext, state_word

__all__ = ["N_", "_", "kind_word", "localise_bindings", "ngettext", "state_word"]


def localise_bindings(node: DOMNode) -> None:
    """This node's key descriptions (the footer, the key panel) in the current language."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [replace(b, description=_(b.description), tooltip=_(b.tooltip)) for b in group]
        for key, group in bindings.key_to_bindings.items()
    }
