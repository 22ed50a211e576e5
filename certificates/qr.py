"""QR matrices from reportlab's encoder, with a faster Reed-Solomon step.

reportlab's `QRCode.createData` computes the error-correction codewords with polynomial objects and
builds the generator polynomial again for every block: a fifth of a certificate's layout time. The
same codewords come from the usual table-driven division by a generator made once per length; the
rest (bit stream, padding, module placement, masking) is reportlab's own, so the matrix is the same
(tests/certificates/test_qr.py compares the two for many payloads).
"""

from __future__ import annotations

from functools import cache
from itertools import zip_longest
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget

_EXP = qrencoder.EXP_TABLE
_LOG = qrencoder.LOG_TABLE


@cache
def _generator_logs(length: int) -> tuple[int, ...]:
    """The logs of the generator polynomial's coefficients after the leading 1 (all non-zero)."""
    coefficients = qrencoder.QRUtil.getErrorCorrectPolynomial(length).num
    return tuple(_LOG[c] for c in coefficients[1:])


def _remainder(data: list[int], length: int) -> list[int]:
    """The `length` error-correction codewords of one block: data * x^length mod generator."""
    generator = _generator_logs(length)
    remainder = [0] * length
    for value in data:
        factor = value ^ remainder[0]
        del remainder[0]
        remainder.append(0)
        if factor:
            shift = _LOG[factor]
            for i, log in enumerate(generator):
                remainder[i] ^= _EXP[(log + shift) % 255]
    return remainder


def _codewords(version: int, level: int, data_list: list[Any]) -> list[int]:
    """reportlab's `QRCode.createData` (bit stream, terminator, padding, interleaving) with the
    error-correction codewords from `_remainder`."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, level)
    buffer = qrencoder.QRBitBuffer()
    for data in data_list:
        data.write(buffer, version)
    capacity = 8 * sum(block.dataCount for block in blocks)
    if buffer.getLengthInBits() > capacity:
        raise ValueError(f"QR code length overflow ({buffer.getLengthInBits()} > {capacity})")
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pads = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    while len(buffer.buffer) < capacity // 8:
        buffer.buffer.append(pads[(len(buffer.buffer) - buffer.length // 8) % 2])
    raw: list[int] = buffer.buffer
    data_blocks: list[list[int]] = []
    ec_blocks: list[list[int]] = []
    offset = 0
    for block in blocks:
        data_blocks.append(raw[offset : offset + block.dataCount])
        offset += block.dataCount
        ec_blocks.append(_remainder(data_blocks[-1], block.totalCount - block.dataCount))
    return [
        value
        for group in (data_blocks, ec_blocks)
        for column in zip_longest(*group)
        for value in column
        if value is not None
    ]


@cache
def _placement(version: int, mask: int) -> tuple[tuple[int, int, bool], ...]:
    """Where the data bits go (row, column), in reportlab's order, each with its mask bit."""
    qr = qrencoder.QRCode(version, qrencoder.QRErrorCorrectLevel.M)
    qr.moduleCount = version * 4 + 17
    flip = qrencoder.QRUtil.getMask(mask)
    return tuple((row, col, bool(flip(row, col))) for col, row in qr._dataPosIterator())


def qr_matrix(payload: str, mask: int) -> list[list[bool]]:
    """The QR matrix (error correction M) of `payload` with a fixed mask pattern (any of the eight
    is valid: the code says which, and trying all eight costs eight placements). reportlab's
    `makeImpl`, with the codewords from `_codewords` and the data placed from `_placement`."""
    qr = QrCodeWidget(payload, barLevel="M").qr
    version = qr.version = qr.calculate_version()
    count = qr.moduleCount = version * 4 + 17
    qr.modules = [[False] * count for _ in range(count)]
    qr.setupPositionProbePattern(0, 0)
    qr.setupPositionProbePattern(count - 7, 0)
    qr.setupPositionProbePattern(0, count - 7)
    qr.setupPositionAdjustPattern()
    qr.setupTimingPattern()
    qr.setupTypeInfo(False, mask)
    if version >= 7:
        qr.setupTypeNumber(False)
    modules: list[list[bool]] = qr.modules
    codewords = _codewords(version, qr.errorCorrectLevel, qr.dataList)
    bits = [bool(byte & bit) for byte in codewords for bit in (0x80, 0x40, 0x20, 0x10, 8, 4, 2, 1)]
    places = _placement(version, mask)
    bits += [False] * (len(places) - len(bits))  # the remainder bits
    for (row, col, flip), dark in zip(places, bits, strict=False):
        modules[row][col] = dark ^ flip
    return [[bool(cell) for cell in row] for row in modules]
