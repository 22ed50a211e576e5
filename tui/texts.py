"""The console's texts go through the core's gettext catalogs (`wipestation.i18n`).

Key descriptions are class attributes (`BINDINGS`), built when the module is imported: they are marked
with `K_()` and translated per instance by `localise_bindings`, when the screen is made, in the
catalog's "key" context (the footer has room for short words only)."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from wipestation.i18n import K_, N_, _, key_text, kind_word, ngettext, state_word

__all__ = ["K_", "N_", "_", "kind_word", "localise_bindings", "ngettext", "state_word"]


def localise_bindings(node: DOMNode) -> None:
    """This node's key descriptions (the footer, the key panel) in the current language."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [replace(b, description=key_text(b.description), tooltip=_(b.tooltip)) for b in group]
        for key, group in bindings.key_to_bindings.items()
    }
