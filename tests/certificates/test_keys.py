"""The shop's signing key: owner-only files, one clear error for a key that cannot be used."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import NameOID

from certificates.keys import key_paths, load_shop_key
from tests.certificates.conftest import KeyFiles, config_for
from wipestation.common.config import Config
from wipestation.common.errors import ConfigError


def _self_signed(key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey, name: str) -> x509.Certificate:
    from datetime import UTC, datetime, timedelta

    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, algorithm)
    )


def _write(tmp_path: Path, key: ed25519.Ed25519PrivateKey, cert: x509.Certificate) -> KeyFiles:
    files = KeyFiles(tmp_path / "k.pem", tmp_path / "c.pem")
    files.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return files


def test_a_key_that_does_not_match_its_certificate_is_one_clear_error(tmp_path: Path) -> None:
    """Also for key kinds without RSA's public numbers (Ed25519), which raised AttributeError."""
    key = ed25519.Ed25519PrivateKey.generate()
    other = ed25519.Ed25519PrivateKey.generate()
    files = _write(tmp_path, key, _self_signed(other, "other"))
    with pytest.raises(ConfigError, match="does not match its certificate"):
        load_shop_key(config_for(tmp_path / "data", files))
    files = _write(tmp_path, key, _self_signed(key, "shop"))
    assert load_shop_key(config_for(tmp_path / "data", files)).cert.subject.rfc4514_string() == "CN=shop"


def test_the_key_created_on_first_use_is_owner_only_and_refused_once_others_can_read_it(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "data")
    shop = load_shop_key(config)
    paths = key_paths(config)
    assert os.stat(paths.key).st_mode & 0o777 == 0o600
    assert os.stat(paths.key.parent).st_mode & 0o777 == 0o700
    assert load_shop_key(config).fingerprint == shop.fingerprint
    os.chmod(paths.key, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        load_shop_key(config)
    os.chmod(paths.key, 0o600)
    os.chmod(paths.key.parent, 0o755)
    with pytest.raises(ConfigError, match="chmod 700"):
        load_shop_key(config)


def test_a_password_protected_key_says_so(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    files = KeyFiles(tmp_path / "k.pem", tmp_path / "c.pem")
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    files.cert.write_bytes(_self_signed(key, "shop").public_bytes(serialization.Encoding.PEM))
    with pytest.raises(ConfigError, match="needs a password"):
        load_shop_key(config_for(tmp_path / "data", files))


def test_two_first_uses_at_once_make_one_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes or erasures side by side on a shop without a key: one creates it, the other waits
    and loads that one (both used to create one; the second write failed on the existing file)."""
    import threading
    import time

    real_generate = rsa.generate_private_key

    def slow_generate(public_exponent: int, key_size: int, backend: Any = None) -> rsa.RSAPrivateKey:
        time.sleep(0.3)  # widens the window between "no key here" and writing it
        return real_generate(public_exponent, key_size)

    monkeypatch.setattr(rsa, "generate_private_key", slow_generate)
    config = Config(data_dir=tmp_path / "data")
    found: list[str] = []
    failed: list[BaseException] = []

    def first_use() -> None:
        try:
            found.append(load_shop_key(config).fingerprint)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failed.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == [] and len(found) == 2 and found[0] == found[1]
