"""The TOML configuration: shop details, retention periods, devices, certificates.

Every key is optional; the defaults keep the shop's privacy policy (30 days for backups, 3 calendar
months for abandoned disks, 7 years for transaction records).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from wipestation.common.errors import BadValue, ConfigError, NotFound
from wipestation.common.i18n import _
from wipestation.common.inputs import (
    CONFIG_MAX_BYTES,
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
    check_depth,
    read_regular,
)
from wipestation.common.inputs import Text as _Text

APP_NAME = "wipestation"


def default_db_url(config: Config) -> str:
    """The shop's SQLite database in its data folder (`--db` or WIPESTATION_DB for another)."""
    return f"sqlite:///{config.data_dir / 'wipestation.sqlite3'}"


def default_data_dir() -> Path:
    """Where the SQLite file, keys and evidence live unless configured otherwise."""
    env = os.environ.get("WIPESTATION_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME))


@dataclass(frozen=True)
class ShopConfig:
    """`[shop]`: the name, address and contact every certificate carries. No defaults: without a
    `[shop]` name no certificate is issued (another shop's details must never be on a document)."""

    name: str = ""
    address: str = ""
    kvk: str = ""  # chamber of commerce number
    contact: str = ""
    logo: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.name.strip())


@dataclass(frozen=True)
class RetentionConfig:
    backup_days: int = 30
    abandoned_months: int = 3
    record_years: int = 7


@dataclass(frozen=True)
class DevicesConfig:
    allow_loop: bool = False
    protected_serials: tuple[str, ...] = ()
    wipe_bay_paths: tuple[str, ...] = ()  # udev ID_PATH values of the wipe bays


@dataclass(frozen=True)
class CertificatesConfig:
    language: str = "nl"
    prefix: str = "WS"  # certificate numbers: PREFIX-YEAR-NNNNNN
    key_path: str | None = None  # PEM private key; default: created in the data directory
    cert_path: str | None = None  # PEM X.509 certificate
    fingerprint: str | None = None  # SHA-256 of the shop's signing certificate, hex
    verify_url: str | None = None  # where the shop publishes `certificate site` (the QR code then opens it)
    send_on_issue: bool = False  # mail each new certificate to a customer with an e-mail address


@dataclass(frozen=True)
class DestructionConfig:
    min_level_magnetic: str = "H-4"
    min_level_flash: str = "E-4"


@dataclass(frozen=True)
class MailConfig:
    """Outgoing mail (certificates to customers, the morning digest). `host` empty: not configured."""

    host: str = ""
    port: int = 25
    security: str = "none"  # none | starttls | tls
    user: str | None = None
    password_file: str | None = None  # a file holding the password (never the password itself)
    sender: str = ""  # the TOML key is `from`

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)


@dataclass(frozen=True)
class DestructionMachine:
    """One of the shop's destruction machines (`[machines]`: `"NAME" = "METHOD LEVEL [LEVEL]"`, e.g.
    `"HSM Powerline HDS 230" = "shred H-5 E-4"`) and the DIN 66399 levels it is certified for."""

    name: str
    method: str
    levels: tuple[str, ...]


_MACHINE_LEVEL = re.compile(r"^([HE])-?([1-7])$", re.IGNORECASE)


def _machines(raw: object) -> tuple[DestructionMachine, ...]:
    if not isinstance(raw, dict):
        raise ConfigError(_('config: [machines] must be a table of NAME = "METHOD LEVEL [LEVEL]"'))
    out: list[DestructionMachine] = []
    for name, value in raw.items():
        take_key("machines", "NAME", name)
        if isinstance(value, str):
            take_key("machines", "NAME", value)
        words = value.split() if isinstance(value, str) else []
        levels = [_MACHINE_LEVEL.match(w) for w in words[1:]]
        if len(words) < 2 or not all(levels) or not str(name).strip():
            raise ConfigError(
                _('config: [machines] \'{name}\' must be "METHOD LEVEL [LEVEL]", e.g. "shred H-5 E-4"').format(
                    name=name
                )
            )
        out.append(
            DestructionMachine(
                name=" ".join(str(name).split()),
                method=words[0].lower(),
                levels=tuple(f"{m.group(1).upper()}-{m.group(2)}" for m in levels if m),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Config:
    shop: ShopConfig = field(default_factory=ShopConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    certificates: CertificatesConfig = field(default_factory=CertificatesConfig)
    destruction: DestructionConfig = field(default_factory=DestructionConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    health: HealthConfig = field(default_factory=lambda: HealthConfig())
    digest: DigestConfig = field(default_factory=lambda: DigestConfig())
    backup: BackupConfig = field(default_factory=lambda: BackupConfig())
    language: str = "nl"  # the console, messages, mail and digest; certificates default to it
    timezone: str = "Europe/Amsterdam"
    data_dir: Path = field(default_factory=default_data_dir)
    documents: Path | None = None  # where the console writes exports and PDFs (default <data_dir>/documents)
    machines: tuple[DestructionMachine, ...] = ()  # [machines]: the shop's destruction machines

    @property
    def documents_dir(self) -> Path:
        return self.documents if self.documents is not None else self.data_dir / "documents"

    @property
    def allow_test_devices(self) -> bool:
        return self.devices.allow_loop


_SECTIONS: dict[str, type] = {
    "shop": ShopConfig,
    "retention": RetentionConfig,
    "devices": DevicesConfig,
    "certificates": CertificatesConfig,
    "destruction": DestructionConfig,
    "mail": MailConfig,
}

# TOML keys that are not Python names: section -> {toml key: field name}
_ALIASES: dict[str, dict[str, str]] = {"mail": {"from": "sender"}}


def _section(cls: type, name: str, raw: object) -> object:
    if not isinstance(raw, dict):
        raise ConfigError(_("config: [{name}] must be a table").format(name=name))
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    aliases = _ALIASES.get(name, {})
    for key, value in raw.items():
        key = aliases.get(key, key)
        if key not in known:
            raise ConfigError(_("config: unknown key '{key}' in [{name}]").format(key=key, name=name))
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(_("config: [{name}] {key} must be a list of strings").format(name=name, key=key))
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(_("config: [{name}] {key} must be true or false").format(name=name, key=key))
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(_("config: [{name}] {key} must be a whole number >= 0").format(name=name, key=key))
        elif value is not None and not isinstance(value, str):
            raise ConfigError(_("config: [{name}] {key} must be a string").format(name=name, key=key))
        values[key] = take_key(name, key, value)
    return cls(**values)


def take_key(section: str, key: str, value: object) -> Any:  # noqa: ANN401 - each key's own type
    """`value` of `[section] key` (section "" for a top-level key) through its kind in KEY_KINDS, or
    ConfigError naming the key."""
    toml_key = next((t for t, f in _ALIASES.get(section, {}).items() if f == key), key)
    kind = KEY_KINDS[section][toml_key]
    what = f"[{section}] {toml_key}" if section else toml_key
    try:
        return kind.take(value, what)
    except BadValue as exc:
        raise ConfigError(_("config: {problem}").format(problem=str(exc))) from None


def load_config(path: Path | None, *, env: dict[str, str] | None = None, language: str | None = None) -> Config:
    """Read the TOML file (if any) and apply the environment overrides; `language` (from `--lang`)
    replaces the file's, and the certificates' default language follows it."""
    env = dict(os.environ) if env is None else env
    raw = {} if path is None else _read_toml(path)
    config = Config() if path is None else _from_file(Config(), raw)
    if language is not None:  # `--lang`: the certificates follow it unless the file sets theirs
        cert_raw = raw.get("certificates")
        cert_language_set = isinstance(cert_raw, dict) and "language" in cert_raw
        config = replace(config, language=language)
        if not cert_language_set:
            config = replace(config, certificates=replace(config.certificates, language=language))
    if env.get("WIPESTATION_ALLOW_LOOP", "") in {"1", "true", "yes"}:
        config = replace(config, devices=replace(config.devices, allow_loop=True))
    _validate(config)
    _check_choices(config)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file: a regular file (a FIFO or a device is refused, never waited on) of at most
    CONFIG_MAX_BYTES, nested at most MAX_DEPTH levels."""
    try:
        data = read_regular(Path(path), _("config file"), CONFIG_MAX_BYTES)
    except NotFound:
        raise ConfigError(_("config file not found: {path}").format(path=path)) from None
    except BadValue as exc:
        raise ConfigError(str(exc)) from None
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
        check_depth(parsed, _("config file"))
    except UnicodeDecodeError:
        raise ConfigError(_("config file unreadable: {path}: not UTF-8 text").format(path=path)) from None
    except RecursionError:
        raise ConfigError(_("config file {path} is nested too deeply").format(path=path)) from None
    except BadValue as exc:
        raise ConfigError(_("config file {path}: {problem}").format(path=path, problem=str(exc))) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("config file is not valid TOML: {path}: {exc}").format(path=path, exc=" ".join(str(exc).split()))
        ) from None
    return parsed


def _from_file(config: Config, raw: dict[str, Any]) -> Config:
    """`config` with the values of a parsed TOML file."""
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SECTIONS:
            changes[key] = _section(_SECTIONS[key], key, value)
        elif key in {"timezone", "language"} and isinstance(value, str):
            changes[key] = take_key("", key, value)
        elif key == "machines":
            changes[key] = _machines(value)
        elif key in {"data_dir", "documents"} and isinstance(value, str):
            changes[key] = take_key("", key, value)
        else:
            raise ConfigError(_("config: unknown or malformed key '{key}'").format(key=key))
    config = replace(config, **changes)
    cert_raw = raw.get("certificates")
    if "language" in changes and not (isinstance(cert_raw, dict) and "language" in cert_raw):
        # the certificates' default language follows the shop's language
        config = replace(config, certificates=replace(config.certificates, language=config.language))
    return config


def _check_choices(config: Config) -> None:
    """Keys that take one of a few words, or a time of day."""
    if config.language not in {"nl", "en"}:
        raise ConfigError(_("config: language must be 'nl' or 'en'"))
    if config.mail.security not in {"none", "starttls", "tls"}:
        raise ConfigError(_("config: [mail] security must be 'none', 'starttls' or 'tls'"))
    if config.certificates.send_on_issue and not config.mail.configured:
        raise ConfigError(_("config: [certificates] send_on_issue needs [mail] host and from"))
    if config.certificates.language not in {"nl", "en"}:
        raise ConfigError(_("config: [certificates] language must be 'nl' or 'en'"))
    for section, hour in (("digest", config.digest.hour), ("backup", config.backup.hour)):
        if not _HOUR.fullmatch(hour):
            raise ConfigError(
                _('config: [{section}] hour must be HH:MM (24-hour clock), e.g. "08:30"').format(section=section)
            )


def with_language(config: Config, language: str | None) -> Config:
    """`config` with `--lang`: the shop's language, and the certificates' when they followed it."""
    if language is None or language == config.language:
        return config
    certificates = config.certificates
    if certificates.language == config.language:
        certificates = replace(certificates, language=language)
    return replace(config, language=language, certificates=certificates)


# Upper limits of the retention periods: beyond them a value is a typing error (and dates overflow).
RETENTION_LIMITS = {"backup_days": 3650, "abandoned_months": 120, "record_years": 100}
_PREFIX = re.compile(r"[A-Za-z0-9]{1,12}")
_LEVEL = {"min_level_magnetic": re.compile(r"H-[1-7]"), "min_level_flash": re.compile(r"E-[1-7]")}


def _validate(config: Config) -> None:
    """Values that parse but make no sense, refused when the config is loaded, naming the key."""
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            _("config: timezone '{timezone}' is not a known time zone (e.g. Europe/Amsterdam)").format(
                timezone=config.timezone
            )
        ) from None
    for key, limit in RETENTION_LIMITS.items():
        if getattr(config.retention, key) > limit:
            raise ConfigError(_("config: [retention] {key} must be at most {limit}").format(key=key, limit=limit))
    if not _PREFIX.fullmatch(config.certificates.prefix):
        raise ConfigError(_("config: [certificates] prefix must be 1 to 12 letters or digits (it starts every number)"))
    for key, pattern in _LEVEL.items():
        value = getattr(config.destruction, key)
        if not pattern.fullmatch(value):
            example = "H-4" if key.endswith("magnetic") else "E-4"
            raise ConfigError(
                _("config: [destruction] {key} must be a DIN 66399 level like {example}: '{value}'").format(
                    key=key, example=example, value=value
                )
            )
    if config.health.destroy_failed and not config.health.retire_failing:
        raise ConfigError(
            _("config: [health] destroy_failed needs retire_failing = true (only a retired drive is destroyed)")
        )
    if config.health.destroy_after_days > 3650:
        raise ConfigError(_("config: [health] destroy_after_days must be at most 3650"))
    if not 1 <= config.mail.port <= 65535:
        raise ConfigError(_("config: [mail] port must be between 1 and 65535"))


@dataclass(frozen=True)
class HealthConfig:
    """Limits a backup drive must stay within to stay in the pool (issue 17). A figure above its
    limit makes the drive failing; so do I/O errors in its erasure and a speed below
    `min_speed_percent` % of its own earlier runs (0: not checked)."""

    max_reallocated_sectors: int = 10
    max_pending_sectors: int = 0
    max_offline_uncorrectable: int = 0
    max_crc_errors: int = 50
    max_media_errors: int = 0
    max_percentage_used: int = 90
    max_grown_defects: int = 10
    max_uncorrected_errors: int = 0
    max_temperature_c: int = 60
    max_erase_io_errors: int = 0
    min_speed_percent: int = 50
    retire_failing: bool = True  # a failing backup drive leaves the pool
    # a backup drive retired for failing health is queued for destruction as a shop-owned disk (its
    # destruction certificate is for the shop's own records), due `destroy_after_days` days later
    destroy_failed: bool = False
    destroy_after_days: int = 0


_SECTIONS["health"] = HealthConfig
_HOUR = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


@dataclass(frozen=True)
class DigestConfig:
    """The morning digest (`wipestation digest --mail`): who gets it, and when the timer sends it."""

    to: tuple[str, ...] = ()  # addresses; empty: `--mail` is refused
    hour: str = "08:30"  # the shop's opening hour (local time of the workstation), HH:MM


@dataclass(frozen=True)
class BackupConfig:
    """The daily backup timer (`wipestation db backup DIR --keep N`) that setup-workstation installs."""

    dir: str = ""  # empty: <data folder>/backups
    keep: int = 14
    hour: str = "19:00"


_SECTIONS.update(digest=DigestConfig, backup=BackupConfig)


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
