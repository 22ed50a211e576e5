"""Parsing the outputs of hdparm, nvme-cli, sg_opcodes and smartctl (recorded outputs in
tests/fixtures/tools)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AtaInfo:
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None
    rotational: bool | None = None
    security_supported: bool = False
    security_enabled: bool = False
    locked: bool = False
    frozen: bool = False
    count_expired: bool = False
    enhanced_erase: bool = False
    erase_minutes: int | None = None
    enhanced_erase_minutes: int | None = None
    sanitize: bool = False
    crypto_scramble: bool = False
    block_erase: bool = False
    overwrite: bool = False
    hpa_feature: bool = False


def parse_hdparm_identify(text: str) -> AtaInfo:
    """`hdparm -I DEV`: identity, the Security section and the sanitize feature lines."""
    values: dict[str, Any] = {}
    for key, label in (("model", "Model Number"), ("serial", "Serial Number"), ("firmware", "Firmware Revision")):
        m = re.search(rf"^\s*{label}:\s*(.+?)\s*$", text, re.M)
        if m:
            values[key] = m.group(1)
    m = re.search(r"Nominal Media Rotation Rate:\s*(.+)", text)
    if m:
        values["rotational"] = "solid state" not in m.group(1).lower()
    features = {line.strip().lstrip("*").strip() for line in text.splitlines() if line.strip().startswith("*")}
    values["sanitize"] = "SANITIZE feature set" in features
    values["crypto_scramble"] = "CRYPTO_SCRAMBLE_EXT command" in features
    values["block_erase"] = "BLOCK_ERASE_EXT command" in features
    values["overwrite"] = "OVERWRITE_EXT command" in features
    values["hpa_feature"] = "Host Protected Area feature set" in features
    section = re.search(r"^Security:\s*\n((?:[ \t].*\n?)*)", text, re.M)
    if section:
        for raw in section.group(1).splitlines():
            line = raw.strip()
            negated = line.startswith("not")
            word = line[3:].strip() if negated else line
            if word.startswith("supported: enhanced erase"):
                values["enhanced_erase"] = not negated
            elif word in ("supported", "enabled", "locked", "frozen"):
                name = {"supported": "security_supported", "enabled": "security_enabled"}.get(word, word)
                values[name] = not negated
            elif word.startswith("expired"):
                values["count_expired"] = not negated
            times = re.search(r"(\d+)min for SECURITY ERASE UNIT\.(?:\s*(\d+)min for ENHANCED)?", line)
            if times:
                values["erase_minutes"] = int(times.group(1))
                if times.group(2):
                    values["enhanced_erase_minutes"] = int(times.group(2))
    return AtaInfo(**values)


@dataclass(frozen=True)
class HpaState:
    visible_sectors: int
    native_sectors: int
    enabled: bool

    @property
    def text(self) -> str:
        state = "enabled (hidden area present)" if self.enabled else "disabled"
        return f"HPA {state}: {self.visible_sectors}/{self.native_sectors} sectors"


def parse_hdparm_hpa(text: str) -> HpaState | None:
    """`hdparm -N DEV`: ' max sectors   = 1953525168/1953525168, HPA is disabled'."""
    m = re.search(r"max sectors\s*=\s*(\d+)/(\d+),\s*HPA is (enabled|disabled)", text)
    if not m or int(m.group(1)) == 0 or int(m.group(2)) <= 1:
        return None  # a USB bridge that passes no ATA command makes hdparm print '0/1, HPA is enabled'
    return HpaState(int(m.group(1)), int(m.group(2)), m.group(3) == "enabled")


@dataclass(frozen=True)
class NvmeController:
    serial: str | None
    model: str | None
    firmware: str | None
    format_supported: bool  # OACS bit 1
    crypto_erase_on_format: bool  # FNA bit 2
    format_all_namespaces: bool  # FNA bit 0 / 1: format or erase applies to all namespaces
    sanitize_crypto: bool  # SANICAP bit 0
    sanitize_block: bool  # SANICAP bit 1
    sanitize_overwrite: bool  # SANICAP bit 2

    @property
    def sanitize(self) -> bool:
        return self.sanitize_crypto or self.sanitize_block or self.sanitize_overwrite


def _int(value: object) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value, 0)
    return 0


def parse_nvme_id_ctrl(text: str) -> NvmeController:
    """`nvme id-ctrl DEV -o json`."""
    data = json.loads(text)
    oacs, fna, sanicap = _int(data.get("oacs", 0)), _int(data.get("fna", 0)), _int(data.get("sanicap", 0))
    return NvmeController(
        serial=str(data.get("sn", "")).strip() or None,
        model=str(data.get("mn", "")).strip() or None,
        firmware=str(data.get("fr", "")).strip() or None,
        format_supported=bool(oacs & 0x2),
        crypto_erase_on_format=bool(fna & 0x4),
        format_all_namespaces=bool(fna & 0x3),
        sanitize_crypto=bool(sanicap & 0x1),
        sanitize_block=bool(sanicap & 0x2),
        sanitize_overwrite=bool(sanicap & 0x4),
    )


SANITIZE_NEVER, SANITIZE_DONE, SANITIZE_RUNNING, SANITIZE_FAILED, SANITIZE_DONE_NO_DEALLOC = range(5)


@dataclass(frozen=True)
class SanitizeStatus:
    state: int  # SSTAT bits 2:0
    progress: float  # 0..1 (SPROG / 65536); 1.0 when nothing runs

    @property
    def running(self) -> bool:
        return self.state == SANITIZE_RUNNING

    @property
    def succeeded(self) -> bool:
        return self.state in (SANITIZE_DONE, SANITIZE_DONE_NO_DEALLOC)


_SSTAT_WORDS = (
    ("in progress", SANITIZE_RUNNING),
    ("failed", SANITIZE_FAILED),
    ("no-deallocate", SANITIZE_DONE_NO_DEALLOC),
    ("completed successfully", SANITIZE_DONE),
    ("never", SANITIZE_NEVER),
)


def parse_nvme_sanitize_log(text: str) -> SanitizeStatus:
    """`nvme sanitize-log DEV -o json`: {"<dev>": {"sprog": N, "sstat": ...}}; sstat is an integer
    in some nvme-cli versions and an object with a `status` (text or number) in others."""
    data = json.loads(text)
    if "sprog" not in data:
        inner = next((v for v in data.values() if isinstance(v, dict) and "sprog" in v), None)
        if inner is None:
            raise ValueError("sanitize-log: no sprog field")
        data = inner
    sprog = _int(data.get("sprog", 65535))
    sstat = data.get("sstat", 0)
    if isinstance(sstat, dict):
        status = sstat.get("status", 0)
        if isinstance(status, str) and not status.strip().lstrip("-").isdigit():
            low = status.lower()
            state = next((code for word, code in _SSTAT_WORDS if word in low), SANITIZE_NEVER)
        else:
            state = _int(status) & 0x7
    else:
        state = _int(sstat) & 0x7
    progress = 1.0 if sprog >= 65535 else sprog / 65536
    return SanitizeStatus(state, progress)


@dataclass(frozen=True)
class SmartInfo:
    protocol: str | None
    model: str | None
    serial: str | None
    firmware: str | None
    capacity_bytes: int | None
    rotation_rate: int | None  # 0: solid state
    smartctl_version: str | None
    security_frozen: bool | None
    security_enabled: bool | None

    @property
    def media(self) -> str:
        if self.rotation_rate is None:
            return "ssd" if self.protocol == "NVMe" else "unknown"
        return "ssd" if self.rotation_rate == 0 else "hdd"


def parse_smartctl_info(text: str) -> SmartInfo:
    """`smartctl -j -i DEV`."""
    data = json.loads(text)
    version = data.get("smartctl", {}).get("version")
    security = data.get("ata_security") or {}
    capacity = (data.get("user_capacity") or {}).get("bytes")
    if capacity is None:
        capacity = data.get("nvme_total_capacity")
    return SmartInfo(
        protocol=(data.get("device") or {}).get("protocol"),
        model=data.get("model_name") or data.get("scsi_model_name"),
        serial=data.get("serial_number"),
        # ATA and NVMe: firmware_version; SAS/SCSI: scsi_revision (smartctl >= 7.3) or revision (older).
        firmware=data.get("firmware_version") or data.get("scsi_revision") or data.get("revision"),
        capacity_bytes=int(capacity) if capacity is not None else None,
        rotation_rate=data.get("rotation_rate"),
        smartctl_version=".".join(str(v) for v in version) if isinstance(version, list) else None,
        security_frozen=security.get("frozen") if security else None,
        security_enabled=security.get("enabled") if security else None,
    )


def parse_sg_opcodes_sanitize(text: str) -> set[str]:
    """`sg_opcodes DEV`: the SANITIZE (48h) service actions the device reports."""
    found: set[str] = set()
    for line in text.splitlines():
        m = re.match(r"^\s*48\s+([0-9a-fA-F]+)\s+.*Sanitize,\s*(.+?)\s*$", line)
        if m:
            found.add(m.group(2).lower())
    return found


def parse_percent(text: str) -> float | None:
    """'Progress indication: 37.50% done' (sg_requests) or 'Progress: 0x6000 (37%)' (hdparm)."""
    m = re.search(r"Progress(?: indication)?:\s*(?:0x[0-9a-fA-F]+\s*\()?\s*([\d.]+)%", text)
    return float(m.group(1)) / 100 if m else None


def parse_hdparm_sanitize_running(text: str) -> bool:
    """`hdparm --sanitize-status DEV`: 'State: SD2 Sanitize operation In Process'."""
    return bool(re.search(r"In Process", text, re.I))


def parse_hdparm_sanitize_state(text: str) -> str | None:
    """`hdparm --sanitize-status DEV`: the state of the drive's sanitize state machine, 'SD0'..'SD4'
    ('    State:    SD1 Sanitize Frozen'); a command aborted because the drive is sanitize-frozen
    ('SANITIZE device error reason: Device in FROZEN state') is SD1. None: no state in the text."""
    m = re.search(r"State:\s*(SD[0-4])\b", text)
    if m:
        return m.group(1)
    if re.search(r"error reason:\s*Device in FROZEN state", text, re.I):
        return "SD1"
    return None


def parse_hdparm_sanitize_succeeded(text: str) -> bool:
    """hdparm prints 'Last Sanitize Operation Completed Without Error' only when the drive sets the
    SANITIZE OPERATION SUCCEEDED flag; an idle drive without it did not sanitize (or failed)."""
    return bool(re.search(r"Completed Without Error", text, re.I))
