"""Reading SMART: `smartctl -j -a`, and `nvme smart-log -o json` where it says more, into one
`HealthReading`. A drive that gives no SMART verdict is `unknown`, never `healthy`."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass
from typing import Any

from wipestation.common.commands import CommandRunner
from wipestation.common.reading import parse_json

HEALTHY = "healthy"
FAILING = "failing"
UNKNOWN = "unknown"

SMARTCTL_TIMEOUT = 120.0

# ATA SMART attribute ids
ATA_REALLOCATED = 5
ATA_PENDING = 197
ATA_OFFLINE_UNCORRECTABLE = 198
ATA_CRC_ERRORS = 199

# smartctl's exit status bit 3: "SMART status check returned DISK FAILING"
SMARTCTL_DISK_FAILING = 1 << 3


@dataclass(frozen=True)
class HealthReading:
    """What the tools said about one drive. None: the tool did not report it."""

    smart_passed: bool | None = None  # the drive's own overall self-assessment
    protocol: str | None = None  # ATA / NVMe / SCSI
    device_type: str | None = None  # smartctl's device type: sat, nvme, scsi, usbjmicron, ...
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None
    reallocated_sectors: int | None = None
    pending_sectors: int | None = None
    offline_uncorrectable: int | None = None
    crc_errors: int | None = None
    power_on_hours: int | None = None
    temperature_c: int | None = None
    nvme_critical_warning: int | None = None
    percentage_used: int | None = None
    media_errors: int | None = None
    available_spare: int | None = None
    available_spare_threshold: int | None = None
    grown_defects: int | None = None  # SCSI/SAS grown defect list
    uncorrected_errors: int | None = None  # SCSI/SAS error counter log: read + write + verify
    source: str = "none"  # smartctl, nvme, smartctl+nvme, none
    notes: tuple[str, ...] = ()  # why something could not be read

    FIGURES = (
        "reallocated_sectors",
        "pending_sectors",
        "offline_uncorrectable",
        "crc_errors",
        "power_on_hours",
        "temperature_c",
        "nvme_critical_warning",
        "percentage_used",
        "media_errors",
        "available_spare",
        "available_spare_threshold",
        "grown_defects",
        "uncorrected_errors",
    )

    def figures(self) -> dict[str, Any]:
        """The counters that were read (None left out), with the protocol and tool."""
        out = {k: v for k, v in asdict(self).items() if k in self.FIGURES and v is not None}
        for key, name in (
            ("protocol", "protocol"),
            ("device_type", "device_type"),
            ("model", "smart_model"),
            ("serial", "smart_serial"),
            ("firmware", "smart_firmware"),
        ):
            value = getattr(self, key)
            if value is not None:
                out[name] = value
        return out

    @property
    def has_smart(self) -> bool:
        return self.smart_passed is not None or any(getattr(self, k) is not None for k in self.FIGURES)


def unknown(note: str) -> HealthReading:
    return HealthReading(notes=(note,))


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def _messages(data: dict[str, Any]) -> tuple[str, ...]:
    raw = (data.get("smartctl") or {}).get("messages") or []
    return tuple(str(m.get("string")) for m in raw if isinstance(m, dict) and m.get("string"))


def parse_smartctl_health(text: str) -> HealthReading:
    """`smartctl -j -a DEV` (or `-x`): the overall verdict and the counters that matter for reuse.
    Raises ValueError when the text is not smartctl's JSON (or is too large, too deep, or holds a
    negative counter)."""
    data = parse_json(text, "smartctl output")
    if not isinstance(data, dict):
        raise ValueError("smartctl output is not a JSON object")
    device = data.get("device") or {}
    status = data.get("smart_status")
    passed: bool | None = None
    if isinstance(status, dict) and isinstance(status.get("passed"), bool):
        passed = status["passed"]
    exit_status = _int((data.get("smartctl") or {}).get("exit_status"))
    if exit_status is not None and exit_status & SMARTCTL_DISK_FAILING:
        passed = False
    attrs: dict[int, int | None] = {}
    table = (data.get("ata_smart_attributes") or {}).get("table") or []
    for row in table:
        if isinstance(row, dict) and isinstance(row.get("id"), int):
            attrs[row["id"]] = _int((row.get("raw") or {}).get("value"))
    nvme = data.get("nvme_smart_health_information_log") or {}
    temperature = _int((data.get("temperature") or {}).get("current"))
    if temperature is None and nvme:
        temperature = _int(nvme.get("temperature"))
    hours = _int((data.get("power_on_time") or {}).get("hours"))
    if hours is None and nvme:
        hours = _int(nvme.get("power_on_hours"))
    uncorrected: int | None = None
    counters = data.get("scsi_error_counter_log") or {}
    if counters:
        uncorrected = sum(
            _int((counters.get(k) or {}).get("total_uncorrected_errors")) or 0 for k in ("read", "write", "verify")
        )
    return _checked(
        HealthReading(
            smart_passed=passed,
            protocol=device.get("protocol"),
            device_type=device.get("type"),
            model=data.get("model_name") or data.get("scsi_model_name") or data.get("product"),
            serial=data.get("serial_number"),
            firmware=data.get("firmware_version") or data.get("revision") or data.get("scsi_revision"),
            reallocated_sectors=attrs.get(ATA_REALLOCATED),
            pending_sectors=attrs.get(ATA_PENDING),
            offline_uncorrectable=attrs.get(ATA_OFFLINE_UNCORRECTABLE),
            crc_errors=attrs.get(ATA_CRC_ERRORS),
            power_on_hours=hours,
            temperature_c=temperature,
            nvme_critical_warning=_int(nvme.get("critical_warning")) if nvme else None,
            percentage_used=_int(nvme.get("percentage_used")) if nvme else None,
            media_errors=_int(nvme.get("media_errors")) if nvme else None,
            available_spare=_int(nvme.get("available_spare")) if nvme else None,
            available_spare_threshold=_int(nvme.get("available_spare_threshold")) if nvme else None,
            grown_defects=_int(data.get("scsi_grown_defect_list")),
            uncorrected_errors=uncorrected,
            source="smartctl",
            notes=_messages(data) if passed is None else (),
        )
    )


def _checked(reading: HealthReading) -> HealthReading:
    """A counter below zero is no reading a verdict can rest on (a tool or a firmware gone wrong)."""
    for key in HealthReading.FIGURES:
        value = getattr(reading, key)
        if key != "temperature_c" and value is not None and value < 0:
            raise ValueError(f"{key} is negative ({value})")
    for key in ("protocol", "device_type", "model", "serial", "firmware"):
        value = getattr(reading, key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key} is not text")
    return reading


KELVIN = 273


def parse_nvme_smart_log(text: str) -> HealthReading:
    """`nvme smart-log DEV -o json` (nvme-cli 1.x: numbers, 2.x: critical_warning as an object).
    The temperature is in kelvin there. NVMe has no separate verdict: like smartctl, a critical
    warning of 0 passes and any bit set fails."""
    data = parse_json(text, "nvme smart-log output")
    if not isinstance(data, dict) or "critical_warning" not in data:
        raise ValueError("not the output of nvme smart-log -o json")
    warning_raw = data.get("critical_warning")
    warning = _int(warning_raw.get("value")) if isinstance(warning_raw, dict) else _int(warning_raw)
    kelvin = _int(data.get("temperature"))
    return _checked(
        HealthReading(
            smart_passed=None if warning is None else warning == 0,
            protocol="NVMe",
            nvme_critical_warning=warning,
            temperature_c=None if kelvin is None else kelvin - KELVIN,
            percentage_used=_int(data.get("percent_used")),
            media_errors=_int(data.get("media_errors")),
            power_on_hours=_int(data.get("power_on_hours")),
            available_spare=_int(data.get("avail_spare")),
            available_spare_threshold=_int(data.get("spare_thresh")),
            source="nvme",
        )
    )


def merge(smartctl: HealthReading, nvme: HealthReading) -> HealthReading:
    """smartctl's reading, with what only nvme smart-log said filled in."""
    values = asdict(smartctl)
    filled = False
    for key in (*HealthReading.FIGURES, "smart_passed"):
        if values[key] is None and getattr(nvme, key) is not None:
            values[key] = getattr(nvme, key)
            filled = True
    if smartctl.smart_passed is True and nvme.smart_passed is False:
        values["smart_passed"] = False
        filled = True
    if not filled:
        return smartctl
    values["source"] = "nvme" if smartctl.source == "none" else "smartctl+nvme"
    values["protocol"] = values["protocol"] or "NVMe"
    values["notes"] = tuple(values["notes"]) if values["smart_passed"] is None else ()
    return HealthReading(**values)


def read_health(runner: CommandRunner, device: str, *, bus: str | None = None) -> HealthReading:
    """Ask the drive at `device`. Never raises for a drive without SMART: that reading is unknown.
    A loop device is asked through the runner too (smartctl finds no SMART there: unknown), so that
    a test can give a real loop device a recorded reading through the CommandRunner seam."""
    loop = bus == "loop" or device.startswith("/dev/loop")
    reading = unknown("smartctl gave no answer")
    result = runner.run(["smartctl", "-j", "-a", device], timeout=SMARTCTL_TIMEOUT)
    if result.returncode == 127:
        reading = unknown("smartctl is not installed")
    elif result.stdout.strip():
        try:
            reading = parse_smartctl_health(result.stdout)
        except (ValueError, TypeError, AttributeError) as exc:
            why = str(exc) if isinstance(exc, ValueError) and str(exc) else "not JSON"
            reading = unknown(f"smartctl output unreadable ({_first_line(result.stderr) or why})")
    else:
        reading = unknown(f"smartctl: {_first_line(result.stderr) or f'exit status {result.returncode}'}")
    if loop:
        answered = result.returncode != 124  # a tool that timed out said nothing about the device
        return reading if reading.has_smart or not answered else unknown("a loop device has no SMART")
    if reading.protocol == "NVMe" or "nvme" in device.rsplit("/", 1)[-1]:
        log = runner.run(["nvme", "smart-log", device, "-o", "json"], timeout=SMARTCTL_TIMEOUT)
        if log.returncode == 0 and log.stdout.strip():
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                reading = merge(reading, parse_nvme_smart_log(log.stdout))
    return reading


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""
