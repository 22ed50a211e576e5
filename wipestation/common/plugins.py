"""Outer packages (the console, the certificate and label renderers) register with the core through
entry points, so the core depends only on the Protocols it defines and never imports them. This is the
one place that reads entry points."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from wipestation.common.errors import ConfigError
from wipestation.common.i18n import _


def load_plugin(group: str, what: str) -> Callable[..., object]:
    """The factory or function behind the `default` entry point of GROUP (else its only or first one)."""
    found = list(entry_points(group=group))
    if not found:
        raise ConfigError(
            _("{what} is not installed (no '{group}' entry point): reinstall wipestation").format(
                what=_(what), group=group
            )
        )
    chosen = next((ep for ep in found if ep.name == "default"), found[0])
    plugin: Callable[..., object] = chosen.load()
    return plugin
