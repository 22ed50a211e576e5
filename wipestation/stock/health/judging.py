"""Judging a reading against the configured limits and what an erasure of the drive showed."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wipestation.common.config import HealthConfig
from wipestation.stock.health.reading import FAILING, HEALTHY, UNKNOWN, HealthReading


@dataclass(frozen=True)
class Assessment:
    verdict: str  # healthy / failing / unknown
    reasons: tuple[str, ...] = field(default=())

    @property
    def failing(self) -> bool:
        return self.verdict == FAILING


@dataclass(frozen=True)
class ErasureSigns:
    """What an erasure of the drive showed: blocks it could not write, and its speed (None when it
    shared the workstation with another erasure: `shared`)."""

    io_errors: int = 0
    bytes_per_second: float | None = None
    earlier_bytes_per_second: tuple[float, ...] = ()
    shared: bool = False


def assess(reading: HealthReading, limits: HealthConfig, signs: ErasureSigns | None = None) -> Assessment:
    """Failing when the drive says so, or a figure passes its configured limit, or its erasure hit
    I/O errors. A run far slower than the drive's own earlier runs is a second sign only: it is
    named beside another one, and never fails a drive alone (the rule `pool --help` states).
    Otherwise healthy only when the drive gave a SMART verdict; without one, unknown."""
    failing: list[str] = []
    if reading.smart_passed is False:
        failing.append("the drive's SMART self-assessment failed")
    checks = (
        ("reallocated_sectors", limits.max_reallocated_sectors, "reallocated sectors"),
        ("pending_sectors", limits.max_pending_sectors, "pending sectors"),
        ("offline_uncorrectable", limits.max_offline_uncorrectable, "offline-uncorrectable sectors"),
        ("crc_errors", limits.max_crc_errors, "interface CRC errors"),
        ("media_errors", limits.max_media_errors, "NVMe media errors"),
        ("percentage_used", limits.max_percentage_used, "percentage used"),
        ("grown_defects", limits.max_grown_defects, "grown defects"),
        ("uncorrected_errors", limits.max_uncorrected_errors, "uncorrected errors"),
        ("temperature_c", limits.max_temperature_c, "temperature (C)"),
    )
    for key, limit, words in checks:
        value = getattr(reading, key)
        if value is not None and value > limit:
            failing.append(f"{words} {value} > {limit}")
    if reading.nvme_critical_warning:
        failing.append(f"NVMe critical warning 0x{reading.nvme_critical_warning:02x}")
    if signs is not None:
        if signs.io_errors > limits.max_erase_io_errors:
            failing.append(f"the erasure hit {signs.io_errors} unwritable range(s)")
        slow = slow_reason(signs, limits.min_speed_percent)
        if slow and failing:
            failing.append(slow)
    if failing:
        return Assessment(FAILING, tuple(failing))
    if reading.smart_passed is None:
        return Assessment(UNKNOWN, reading.notes or ("the drive gave no SMART verdict",))
    return Assessment(HEALTHY)


def slow_reason(signs: ErasureSigns, min_percent: int) -> str | None:
    """A speed below `min_percent` % of the median of the drive's own earlier runs (0: not checked)."""
    if not min_percent or signs.bytes_per_second is None or not signs.earlier_bytes_per_second:
        return None
    usual = statistics.median(signs.earlier_bytes_per_second)
    if usual <= 0:
        return None
    percent = signs.bytes_per_second / usual * 100
    if percent < min_percent:
        return (
            f"the erasure ran at {signs.bytes_per_second / 1e6:.1f} MB/s, {percent:.0f} % of its usual "
            f"{usual / 1e6:.1f} MB/s (limit {min_percent} %)"
        )
    return None


def summary(verdict: str, reading: HealthReading | dict[str, Any], reasons: Sequence[str] = ()) -> str:
    """One line for the erasure certificate, as nwipe's report gives it: the verdict and the figures."""
    figures = reading.figures() if isinstance(reading, HealthReading) else dict(reading)
    parts = [f"health {verdict}"]
    labels = (
        ("reallocated_sectors", "reallocated {}"),
        ("pending_sectors", "pending {}"),
        ("offline_uncorrectable", "offline-uncorrectable {}"),
        ("crc_errors", "CRC errors {}"),
        ("grown_defects", "grown defects {}"),
        ("media_errors", "media errors {}"),
        ("percentage_used", "used {} %"),
        ("nvme_critical_warning", "critical warning {}"),
        ("power_on_hours", "power-on {} h"),
        ("temperature_c", "{} C"),
    )
    shown = [fmt.format(figures[k]) for k, fmt in labels if figures.get(k) is not None]
    if shown:
        parts.append(", ".join(shown))
    if reasons:
        parts.append("; ".join(reasons))
    return "; ".join(parts)
