"""The shop's signing key and self-signed X.509 certificate.

Created on first use in `data_dir/keys` (owner-only permissions), or loaded from the paths in the
configuration. A file that exists but cannot be read as a key or certificate is a ConfigError: a
damaged key is never silently replaced.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificatePublicKeyTypes,
    PrivateKeyTypes,
    PublicKeyTypes,
)
from cryptography.x509.oid import NameOID

from wipestation.common.config import Config
from wipestation.common.errors import BadValue, ConfigError
from wipestation.common.i18n import _
from wipestation.common.reading import read_regular

KEY_FILE_MAX_BYTES = 1024 * 1024  # a PEM key or certificate is a few KB

KEY_FILE = "shop-signing-key.pem"
CERT_FILE = "shop-signing-cert.pem"
KEY_BITS = 3072
VALIDITY_YEARS = 30
SIGNING_KEY_TYPES = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)


@dataclass(frozen=True)
class ShopKeyPaths:
    key: Path
    cert: Path
    create: bool  # created on first use when both are missing (default location only)


def key_paths(config: Config) -> ShopKeyPaths:
    c = config.certificates
    if c.key_path or c.cert_path:
        if not (c.key_path and c.cert_path):
            raise ConfigError(_("config: [certificates] key_path and cert_path go together"))
        return ShopKeyPaths(Path(c.key_path).expanduser(), Path(c.cert_path).expanduser(), create=False)
    directory = config.data_dir / "keys"
    return ShopKeyPaths(directory / KEY_FILE, directory / CERT_FILE, create=True)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, lower-case hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def normalise_fingerprint(text: str) -> str:
    return text.replace(":", "").replace(" ", "").strip().lower()


@dataclass(frozen=True)
class ShopKey:
    key: PrivateKeyTypes
    cert: x509.Certificate

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.cert)


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, mode)


def _shared(directory: Path) -> bool:
    """A set-group-id folder: the shop's shared data folder (setup-workstation), where every technician
    of the group signs with the one shop key, so the group may read it (never write it)."""
    try:
        return bool(directory.stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def create_shop_key(paths: ShopKeyPaths, shop_name: str) -> ShopKey:
    """A new RSA key and a self-signed certificate for the shop, written owner-only."""
    paths.key.parent.mkdir(parents=True, exist_ok=True)
    shared = _shared(paths.key.parent.parent)
    os.chmod(paths.key.parent, 0o2750 if shared else 0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{shop_name or 'wipestation'} certificates"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, shop_name or "wipestation"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * VALIDITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_private(paths.key, key_pem, 0o640 if shared else 0o600)
    _write_private(paths.cert, cert.public_bytes(serialization.Encoding.PEM), 0o640 if shared else 0o600)
    return ShopKey(key=key, cert=cert)


def _spki(public_key: PublicKeyTypes | CertificatePublicKeyTypes) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_private(paths: ShopKeyPaths) -> None:
    """The key the tool created keeps its owner-only permissions (0600, directory 0700); a key that
    others can read is refused, as ssh does, rather than used. In the shop's shared (set-group-id) data
    folder the group may read it (0640, directory 2750): the technicians sign with it."""
    shared = _shared(paths.key.parent)
    forbidden = 0o027 if shared else 0o077
    for path, wanted in ((paths.key, 0o640 if shared else 0o600), (paths.key.parent, 0o2750 if shared else 0o700)):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & forbidden:
            raise ConfigError(
                _(
                    "certificate signing key is readable by others: {path} has mode {mode} (chmod {wanted} {path})"
                ).format(path=path, mode=f"{mode:04o}", wanted=f"{wanted:o}")
            )


def load_certificate(path: Path) -> x509.Certificate:
    try:
        data = read_regular(path, "[certificates] cert_path", KEY_FILE_MAX_BYTES)
    except BadValue as exc:
        raise ConfigError(
            _("certificate signing certificate unreadable: {path}: {reason}").format(path=path, reason=str(exc))
        ) from None
    try:
        return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    except ValueError:
        raise ConfigError(_("certificate signing certificate is damaged: {path}").format(path=path)) from None


@contextmanager
def _creating(paths: ShopKeyPaths) -> Iterator[None]:
    """Check-and-create under an exclusive lock on the keys directory, so one process creates the
    key and any other that found it missing waits, then loads that one."""
    paths.key.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.key.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _create_if_missing(paths: ShopKeyPaths, shop_name: str) -> ShopKey | None:
    """The new key when neither file exists (made by this process); None when there is one to load."""
    if paths.key.exists() and paths.cert.exists():
        return None
    with _creating(paths):  # two processes (or erasures side by side) on a shop without a key yet
        if not paths.key.exists() and not paths.cert.exists():
            return create_shop_key(paths, shop_name)
    return None


def load_shop_key(config: Config, *, create: bool = True) -> ShopKey:
    """The shop's key and certificate; created on first use at the default location."""
    paths = key_paths(config)
    if paths.create and create and (created := _create_if_missing(paths, config.shop.name)) is not None:
        return created
    if not paths.key.exists() and not paths.cert.exists():
        raise ConfigError(_("certificate signing key not found: {path}").format(path=paths.key))
    if not paths.key.exists() or not paths.cert.exists():
        missing = paths.key if not paths.key.exists() else paths.cert
        raise ConfigError(_("certificate signing key incomplete: {path} is missing").format(path=missing))
    try:
        raw = read_regular(paths.key, "[certificates] key_path", KEY_FILE_MAX_BYTES)
    except BadValue as exc:
        raise ConfigError(
            _("certificate signing key unreadable: {path}: {reason}").format(path=paths.key, reason=str(exc))
        ) from None
    try:
        if b"-----BEGIN" in raw:
            key = serialization.load_pem_private_key(raw, password=None)
        else:
            key = serialization.load_der_private_key(raw, password=None)
    except TypeError:
        raise ConfigError(
            _("certificate signing key is damaged or needs a password: {path}").format(path=paths.key)
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigError(_("certificate signing key is damaged: {path}").format(path=paths.key)) from None
    if not isinstance(key, SIGNING_KEY_TYPES):
        raise ConfigError(
            _("certificate signing key is of a kind that cannot sign PDFs: {path}").format(path=paths.key)
        )
    cert = load_certificate(paths.cert)
    if _spki(cert.public_key()) != _spki(key.public_key()):
        raise ConfigError(_("certificate signing key does not match its certificate: {path}").format(path=paths.cert))
    if paths.create:
        _check_private(paths)
    shop = ShopKey(key=key, cert=cert)
    expected = config.certificates.fingerprint
    if expected and normalise_fingerprint(expected) != shop.fingerprint:
        raise ConfigError(_("certificate signing certificate does not match [certificates] fingerprint"))
    return shop


def shop_fingerprint(config: Config) -> str | None:
    """The fingerprint a genuine certificate's signer has: from the config, else from the shop's
    certificate file; None when neither exists yet."""
    if config.certificates.fingerprint:
        return normalise_fingerprint(config.certificates.fingerprint)
    paths = key_paths(config)
    if not paths.cert.exists():
        return None
    return fingerprint(load_certificate(paths.cert))
