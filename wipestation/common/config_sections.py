"""The sections of the TOML configuration, one frozen dataclass each, with the defaults that keep the shop's
privacy policy. `wipestation.common.config` reads the file into them; `config_keys` says what each key takes."""

from __future__ import annotations

from dataclasses import dataclass


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
