"""The payload encryption against the reference (Debian's `age`), and the AF-split."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from wipestation.backups import afsplit, stream

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _bech32(hrp: str, data: bytes) -> str:
    acc, bits, five = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = _polymod([*expanded, *five, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in five + checksum)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _age_file(recipient_public: bytes, payload_writer_key: bytes, plaintext: bytes) -> bytes:
    """An age v1 file: an X25519 stanza wrapping the file key, the header MAC, then OUR payload."""
    ephemeral = X25519PrivateKey.generate()
    share = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    wrap_key = _hkdf(shared, share + recipient_public, b"age-encryption.org/v1/X25519")
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), payload_writer_key, None)
    header = f"age-encryption.org/v1\n-> X25519 {_b64(share)}\n{_b64(body)}\n---".encode()
    mac = hmac.new(_hkdf(payload_writer_key, b"", b"header"), header, hashlib.sha256).digest()
    out = io.BytesIO()
    out.write(header + b" " + _b64(mac).encode() + b"\n")
    writer = stream.Writer(payload_writer_key, out)
    for i in range(0, len(plaintext), 10_000):  # written in pieces that do not fall on chunk borders
        writer.write(plaintext[i : i + 10_000])
    writer.close()
    return out.getvalue()


@pytest.mark.skipif(shutil.which("age") is None, reason="Debian's age is not installed (scripts/setup --test)")
@pytest.mark.parametrize("size", [0, 1, stream.CHUNK, stream.CHUNK + 1, 3 * stream.CHUNK + 123])
def test_age_decrypts_our_payload(tmp_path: Path, size: int) -> None:
    identity = X25519PrivateKey.generate()
    secret = identity.private_bytes_raw()
    public = identity.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    (tmp_path / "id.txt").write_text(_bech32("age-secret-key-", secret).upper() + "\n")
    plaintext = os.urandom(size)
    (tmp_path / "f.age").write_bytes(_age_file(public, os.urandom(16), plaintext))
    done = subprocess.run(
        ["age", "-d", "-i", str(tmp_path / "id.txt"), str(tmp_path / "f.age")], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == plaintext


def test_random_access_and_tamper() -> None:
    key = os.urandom(32)
    data = os.urandom(5 * stream.CHUNK + 7)
    out = io.BytesIO()
    writer = stream.Writer(key, out)
    writer.write(data)
    writer.close()
    sealed = out.getvalue()
    assert len(sealed) == stream.sealed_size(len(data))
    reader = stream.Reader(key, io.BytesIO(sealed), len(data))
    assert b"".join(reader.read(stream.CHUNK - 3, 2 * stream.CHUNK)) == data[stream.CHUNK - 3 : 3 * stream.CHUNK - 3]
    assert stream.decrypt_all(key, io.BytesIO(sealed)) == data
    bad = bytearray(sealed)
    bad[stream.NONCE + stream.SEALED_CHUNK + 5] ^= 1
    with pytest.raises(stream.Tampered):
        b"".join(stream.Reader(key, io.BytesIO(bytes(bad)), len(data)).read(stream.CHUNK, 10))
    with pytest.raises(stream.Tampered):  # a truncated stream ends without the last flag
        stream.decrypt_all(key, io.BytesIO(sealed[: stream.NONCE + 2 * stream.SEALED_CHUNK]))


def test_afsplit_needs_every_stripe() -> None:
    key = os.urandom(32)
    material = afsplit.split(key)
    assert len(material) == afsplit.STRIPES * 32
    assert afsplit.merge(material, 32) == key
    damaged = bytearray(material)
    damaged[12_345] ^= 0x80
    assert afsplit.merge(bytes(damaged), 32) != key
