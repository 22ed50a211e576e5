"""LUKS's anti-forensic split (cryptsetup `af.c`, with SHA-256 as the diffusion hash).

`split(key, stripes)` returns stripes x len(key) bytes: stripes-1 random blocks and a last block that is
the key xor the diffused xor-chain of the others. Every byte is needed to merge it back, so overwriting
any part of a slot (or losing one sector of it) makes the key unrecoverable.
"""

from __future__ import annotations

import hashlib
import os

STRIPES = 4000


def _diffuse(block: bytes) -> bytes:
    digest = hashlib.sha256().digest_size
    out = bytearray()
    for i in range(-(-len(block) // digest)):
        piece = block[i * digest : (i + 1) * digest]
        out += hashlib.sha256(i.to_bytes(4, "big") + piece).digest()[: len(piece)]
    return bytes(out)


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def split(key: bytes, stripes: int = STRIPES) -> bytes:
    size = len(key)
    material = bytearray(os.urandom(size * (stripes - 1)))
    acc = bytes(size)
    for i in range(stripes - 1):
        acc = _diffuse(_xor(acc, bytes(material[i * size : (i + 1) * size])))
    material += _xor(acc, key)
    return bytes(material)


def merge(material: bytes, size: int, stripes: int = STRIPES) -> bytes:
    if len(material) != size * stripes:
        raise ValueError("AF material of the wrong length")
    acc = bytes(size)
    for i in range(stripes - 1):
        acc = _diffuse(_xor(acc, material[i * size : (i + 1) * size]))
    return _xor(acc, material[(stripes - 1) * size :])
