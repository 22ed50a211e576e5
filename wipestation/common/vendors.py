"""The manufacturer of a drive from its model string, when the drive itself did not say.

Many drives report no vendor, or only "ATA" (the SATA layer's name, not the maker); their model
numbers start with the maker's well-known prefix (WDC WD10EZEX, ST500DM002, CT500MX500SSD1, ...).
"""

from __future__ import annotations

import re

# (pattern on the upper-case model, manufacturer); the first match wins
MODEL_PREFIXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"^WDC[ _]", "Western Digital"),
        (r"^WD[0-9]", "Western Digital"),
        (r"^WD[ _]", "Western Digital"),
        (r"^ST[0-9]", "Seagate"),
        (r"^SEAGATE", "Seagate"),
        (r"^HGST", "HGST"),
        (r"^HUS|^HUH|^HTE", "HGST"),
        (r"^HITACHI|^HDS[0-9]|^HDT[0-9]|^HTS[0-9]", "Hitachi"),
        (r"^TOSHIBA|^MQ0[0-9]|^DT01|^MG0[0-9]|^HDWD", "Toshiba"),
        (r"^SAMSUNG|^MZ-|^MZ[0-9A-Z]{2}", "Samsung"),
        (r"^KINGSTON|^SA400|^SV300|^SUV", "Kingston"),
        (r"^CRUCIAL|^CT[0-9]", "Crucial"),
        (r"^MICRON|^MTFD", "Micron"),
        (r"^INTEL|^SSDSC|^SSDPE", "Intel"),
        (r"^SANDISK|^SDSSD", "SanDisk"),
        (r"^KIOXIA", "Kioxia"),
        (r"^MAXTOR", "Maxtor"),
        (r"^FUJITSU|^MHV[0-9]|^MHZ[0-9]", "Fujitsu"),
        (r"^SK ?HYNIX|^HFS[0-9]", "SK hynix"),
        (r"^ADATA", "ADATA"),
        (r"^APPLE", "Apple"),
    )
)
NOT_A_VENDOR = frozenset({"", "ATA", "UNKNOWN", "GENERIC", "USB", "SCSI"})


def manufacturer(vendor: str | None, model: str | None) -> str | None:
    """The vendor the drive reported, unless it says nothing; else the maker the model's prefix names."""
    if vendor is not None and vendor.strip().upper() not in NOT_A_VENDOR:
        return vendor.strip()
    text = (model or "").strip().upper()
    for pattern, name in MODEL_PREFIXES:
        if pattern.search(text):
            return name
    return vendor.strip() if vendor and vendor.strip().upper() not in NOT_A_VENDOR else None
