"""The libraries wipestation runs with, against those the tests passed with (the application lock,
shipped as wipestation/tested_versions.txt by scripts/lock): `doctor` and `setup-workstation` say when an
install was made without the lock."""

from __future__ import annotations

from importlib import metadata, resources


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def tested_versions() -> dict[str, str]:
    """The application lock's versions (wipestation/tested_versions.txt, written by scripts/lock)."""
    text = resources.files("wipestation").joinpath("tested_versions.txt").read_text(encoding="utf-8")
    pins = (line.split("==", 1) for line in text.splitlines() if "==" in line and not line.startswith("#"))
    return {name.strip(): version.strip() for name, version in pins}
