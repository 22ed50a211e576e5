"""Outer packages (the console, the certificate renderer) register with the core through entry
points, so the core depends only on the Protocols it defines and never imports them."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from wipestation.errors import ConfigError


def load_plugin(group: str, what: str) -> Any:
    """The object behind the `default` entry point of GROUP."""
    found = [ep for ep in entry_points(group=group) if ep.name == "default"]
    if not found:
        raise ConfigError(f"{what} is not installed (no '{group}' entry point): reinstall wipestation")
    return found[0].load()
