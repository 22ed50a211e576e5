"""Drive health: read SMART (`smartctl -j -a`, and `nvme smart-log -o json` where it says more),
judge it against the configured limits, and record it per drive and date.

The verdict is `healthy`, `failing` or `unknown`. A drive that gives no SMART verdict (a loop device,
a USB bridge that hides it, smartctl missing) is `unknown`, never `healthy`. Everything with a side
effect comes in: the CommandRunner (the tools), the Session and the Env (clock, config, actor).

One module per concern: `reading` (the tools' outputs), `judging` (the verdict), `records` (stored
readings). Import from here.
"""

from __future__ import annotations

from wipestation.stock.health.judging import (
    Assessment,
    ErasureSigns,
    assess,
    slow_reason,
    summary,
)
from wipestation.stock.health.reading import (
    ATA_CRC_ERRORS,
    ATA_OFFLINE_UNCORRECTABLE,
    ATA_PENDING,
    ATA_REALLOCATED,
    FAILING,
    HEALTHY,
    KELVIN,
    SMARTCTL_DISK_FAILING,
    SMARTCTL_TIMEOUT,
    UNKNOWN,
    HealthReading,
    merge,
    parse_nvme_smart_log,
    parse_smartctl_health,
    read_health,
    unknown,
)
from wipestation.stock.health.records import (
    erasure_signs,
    erasure_speed,
    health_for_erasure,
    health_summary,
    health_to_dict,
    latest_health,
    store_health,
)

__all__ = [
    "ATA_CRC_ERRORS",
    "ATA_OFFLINE_UNCORRECTABLE",
    "ATA_PENDING",
    "ATA_REALLOCATED",
    "FAILING",
    "HEALTHY",
    "KELVIN",
    "SMARTCTL_DISK_FAILING",
    "SMARTCTL_TIMEOUT",
    "UNKNOWN",
    "Assessment",
    "ErasureSigns",
    "HealthReading",
    "assess",
    "erasure_signs",
    "erasure_speed",
    "health_for_erasure",
    "health_summary",
    "health_to_dict",
    "latest_health",
    "merge",
    "parse_nvme_smart_log",
    "parse_smartctl_health",
    "read_health",
    "slow_reason",
    "store_health",
    "summary",
    "unknown",
]
