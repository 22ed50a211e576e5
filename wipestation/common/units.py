"""Parsing what a person types: dates (ISO) and capacities (500GB, 2TB, 1TiB, bytes)."""

from __future__ import annotations

import re
from datetime import date

from wipestation.common.errors import BadValue
from wipestation.common.i18n import _

_UNITS = {
    "": 1,
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "PB": 10**15,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
    "TIB": 2**40,
    "PIB": 2**50,
}
MAX_CAPACITY = 10**18  # 1000 PB: larger is a typing error (and beyond a 64-bit column)
MIN_CAPACITY = 10**6  # 1 MB: a floppy disk holds more; anything smaller is a typing error
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2100, 12, 31)
_CAPACITY = re.compile(r"[ ]*([0-9]{1,30}(?:\.[0-9]{1,30})?)[ ]*([a-zA-Z]{0,3})[ ]*")


def parse_capacity(text: str) -> int:
    """`500GB` -> 500_000_000_000, `1TiB` -> 2**40, `4096` -> 4096."""
    match = _CAPACITY.fullmatch(text)
    unit = match.group(2).upper() if match else ""
    if not match or unit not in _UNITS:
        raise BadValue(_("not a capacity: '{text}' (examples: 500GB, 2TB, 1TiB, 4096)").format(text=text))
    value = float(match.group(1)) * _UNITS[unit]
    if value <= 0 or value != int(value):
        raise BadValue(_("not a capacity: '{text}' (must be a positive whole number of bytes)").format(text=text))
    if value > MAX_CAPACITY:
        raise BadValue(_("not a capacity: '{text}' (at most 1000 PB)").format(text=text))
    if value < MIN_CAPACITY:
        raise BadValue(_("not a capacity: '{text}' (at least 1 MB: check the unit)").format(text=text))
    return int(value)


def parse_date(text: str) -> date:
    """An ISO date YYYY-MM-DD, between 1900 and 2100 (the same on every database)."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
            raise ValueError
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadValue(_("not a date: '{text}' (use YYYY-MM-DD)").format(text=text)) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise BadValue(
            _("not a date for this shop: '{text}' (between {first} and {last})").format(
                text=text, first=FIRST_DATE, last=LAST_DATE
            )
        )
    return day


def format_capacity(n: int | None) -> str:
    if n is None:
        return "?"
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"
