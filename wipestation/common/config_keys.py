"""Every key of the TOML configuration and the kind of value it takes (`wipestation.common.inputs`): a value
is taken through its kind when the file is loaded (`take_key`), and a test walks the sections' dataclasses and
fails on a key that has none."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from wipestation.common.config_sections import HealthConfig
from wipestation.common.errors import BadValue, ConfigError
from wipestation.common.i18n import _
from wipestation.common.inputs import (
    Address,
    Addresses,
    Count,
    Fingerprint,
    Flag,
    Folder,
    InFile,
    Kind,
    TimeOfDay,
    Url,
)
from wipestation.common.inputs import Text as _Text

# TOML keys that are not Python names: section -> {toml key: field name}
ALIASES: dict[str, dict[str, str]] = {"mail": {"from": "sender"}}


@dataclass(frozen=True)
class ListOf:
    """A TOML list, each item of `kind`."""

    kind: Kind[Any]
    limit: int = 1000

    def take(self, value: object, what: str) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise BadValue(_("{what} must be a list").format(what=what))
        if len(value) > self.limit:
            raise BadValue(_("{what}: at most {limit} items").format(what=what, limit=self.limit))
        return tuple(self.kind.take(v, what) for v in value)

    def describe(self) -> str:
        return "a list of " + self.kind.describe()


@dataclass(frozen=True)
class EmptyOr:
    """'' (the default stands: see the key), or a value of `kind`."""

    kind: Kind[Any]

    def take(self, value: object, what: str) -> Any:  # noqa: ANN401 - the kind's own type
        if value == "":
            return ""
        return str(self.kind.take(value, what))

    def describe(self) -> str:
        return "empty, or " + self.kind.describe()


@dataclass(frozen=True)
class OptionalPath:
    """A path kept as text (the key's type), or None."""

    kind: Kind[Any]

    def take(self, value: object, what: str) -> str | None:
        return None if value is None else str(self.kind.take(value, what))

    def describe(self) -> str:
        return self.kind.describe()


_LINE = _Text(200)
_LONG = _Text(500, multiline=True)
_NUMBER = Count(0)
_LANGUAGE = _Text(10)  # which words: _check_choices
# Every key of the TOML file and its kind (wipestation.common.inputs): a value is taken through it when the
# file is loaded; a test walks the dataclasses above and fails on a key that has none.
KEY_KINDS: dict[str, dict[str, Kind[Any]]] = {
    "": {
        "language": _LANGUAGE,
        "timezone": _Text(100),
        "data_dir": Folder(absolute=True),
        "documents": Folder(absolute=True),
    },
    "shop": {
        "name": _LINE,
        "address": _LONG,
        "kvk": _Text(40, empty=True),
        "contact": _Text(500),
        "logo": OptionalPath(InFile()),
    },
    "retention": {"backup_days": _NUMBER, "abandoned_months": _NUMBER, "record_years": _NUMBER},
    "devices": {"allow_loop": Flag(), "protected_serials": ListOf(_LINE), "wipe_bay_paths": ListOf(_LINE)},
    "certificates": {
        "language": _LANGUAGE,
        "prefix": _Text(12),
        "key_path": OptionalPath(InFile()),
        "cert_path": OptionalPath(InFile()),
        "fingerprint": OptionalPath(Fingerprint()),
        "verify_url": OptionalPath(Url()),
        "send_on_issue": Flag(),
    },
    "destruction": {"min_level_magnetic": _Text(10), "min_level_flash": _Text(10)},
    "mail": {
        "host": _Text(253),
        "port": _NUMBER,
        "security": _Text(20),
        "user": OptionalPath(_Text(200)),
        "password_file": OptionalPath(InFile()),
        "from": EmptyOr(Address(display_name=True)),
    },
    "health": {f.name: (Flag() if isinstance(f.default, bool) else _NUMBER) for f in fields(HealthConfig)},
    "digest": {"to": Addresses(), "hour": TimeOfDay()},
    "backup": {"dir": EmptyOr(Folder(absolute=True)), "keep": Count(1, 10000), "hour": TimeOfDay()},
    "machines": {"NAME": _LINE},
}


def take_key(section: str, key: str, value: object) -> Any:  # noqa: ANN401 - each key's own type
    """`value` of `[section] key` (section "" for a top-level key) through its kind in KEY_KINDS, or
    ConfigError naming the key."""
    toml_key = next((t for t, f in ALIASES.get(section, {}).items() if f == key), key)
    kind = KEY_KINDS[section][toml_key]
    what = f"[{section}] {toml_key}" if section else toml_key
    try:
        return kind.take(value, what)
    except BadValue as exc:
        raise ConfigError(_("config: {problem}").format(problem=str(exc))) from None
