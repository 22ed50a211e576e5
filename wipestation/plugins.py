"""Outer packages (the console, the certificate renderer) register with the core through entry
points, so the core depends only on the Protocols it defines and never imports them."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from wipestation.errors import ConfigError


def load_plugin(group: str, what: str) -> Callable[..., object]:
    """The factory or function behind the `default` entry point of GROUP."""
    found = [ep for ep in entry_points(group=group) if ep.name == "default"]
    if not found:
        raise ConfigError(f"{what} is not installed (no '{group}' entry point): reinstall wipestation")
    plugin: Callable[..., object] = found[0].load()
    return plugin
