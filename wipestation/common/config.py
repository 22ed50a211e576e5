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

from wipestation.common.config_keys import ALIASES, KEY_KINDS, take_key
from wipestation.common.config_sections import (
    BackupConfig,
    CertificatesConfig,
    DestructionConfig,
    DestructionMachine,
    DevicesConfig,
    DigestConfig,
    HealthConfig,
    MailConfig,
    RetentionConfig,
    ShopConfig,
)
from wipestation.common.errors import BadValue, ConfigError, NotFound
from wipestation.common.i18n import _
from wipestation.common.inputs import (
    CONFIG_MAX_BYTES,
)
from wipestation.common.reading import check_depth, read_regular

__all__ = [
    "KEY_KINDS",
    "BackupConfig",
    "CertificatesConfig",
    "Config",
    "DestructionConfig",
    "DestructionMachine",
    "DevicesConfig",
    "DigestConfig",
    "HealthConfig",
    "MailConfig",
    "RetentionConfig",
    "ShopConfig",
    "default_data_dir",
    "default_db_url",
    "load_config",
    "take_key",
    "with_language",
]

APP_NAME = "wipestation"


def default_db_url(config: Config) -> str:
    """The shop's SQLite database in its data folder (`--db` or WIPESTATION_DB for another)."""
    return f"sqlite:///{config.data_dir / 'wipestation.sqlite3'}"


def default_data_dir() -> Path:
    """Where the SQLite file, keys and evidence live unless configured otherwise."""
    env = os.environ.get("WIPESTATION_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME))


_HOUR = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
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
    "health": HealthConfig,
    "digest": DigestConfig,
    "backup": BackupConfig,
}


def _section(cls: type, name: str, raw: object) -> object:
    if not isinstance(raw, dict):
        raise ConfigError(_("config: [{name}] must be a table").format(name=name))
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    aliases = ALIASES.get(name, {})
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
