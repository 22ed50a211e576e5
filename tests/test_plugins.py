"""One entry-point loader: the console, the certificate renderer and the label renderer are all found
through `wipestation.common.plugins.load_plugin`, with one message when a package is missing."""

from __future__ import annotations

from importlib.metadata import EntryPoint, EntryPoints
from typing import Any

import pytest

from wipestation.common import plugins
from wipestation.common.config import Config
from wipestation.common.errors import ConfigError
from wipestation.documents import certify
from wipestation.stock import labels


def _only(group_points: dict[str, list[EntryPoint]]) -> Any:
    def entry_points(*, group: str) -> EntryPoints:
        return EntryPoints(group_points.get(group, []))

    return entry_points


def test_default_is_chosen_else_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    other = EntryPoint("other", "json:dumps", "g")
    default = EntryPoint("default", "json:loads", "g")
    monkeypatch.setattr(plugins, "entry_points", _only({"g": [other, default], "h": [other]}))
    import json

    assert plugins.load_plugin("g", "the thing") is json.loads
    assert plugins.load_plugin("h", "the thing") is json.dumps


@pytest.mark.parametrize(
    "load, message",
    [
        (lambda: plugins.load_plugin("wipestation.console", "the console"), "the console is not installed"),
        (lambda: certify.load_renderer(Config()), "the certificate renderer is not installed"),
        (lambda: labels.load_label_renderer(), "the label renderer is not installed"),
    ],
)
def test_every_plugin_is_found_through_the_one_loader(monkeypatch: pytest.MonkeyPatch, load: Any, message: str) -> None:
    monkeypatch.setattr(plugins, "entry_points", _only({}))
    with pytest.raises(ConfigError, match=f"^{message} \\(no 'wipestation\\.\\w+' entry point\\): reinstall"):
        load()


def test_the_installed_plugins_load() -> None:
    from certificates.labels import render_labels
    from tui.plugin import run

    assert plugins.load_plugin("wipestation.console", "the console") is run
    assert labels.load_label_renderer() is render_labels
