"""Firmware sanitisation: capability detection, command building, progress polling and a check
that the data really changed. Every tool runs through a CommandRunner, so the parsing and the
command lines are tested against recorded outputs (tests/fixtures/tools) without the drives."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wipestation.commands import CommandRunner
from wipestation.erasure.blockio import AlignedBuffer
from wipestation.erasure.engine import EngineResult, OpenedDevice, Progress
from wipestation.erasure.verify import merge_ranges
from wipestation.errors import InvalidState
from wipestation.identity import DriveIdentity

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Parsing


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


def _int(value: Any) -> int:
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


# ---------------------------------------------------------------------------------------------
# Capabilities


@dataclass(frozen=True)
class FirmwareSupport:
    method: str
    supported: bool
    reason: str  # what will be done, or why it cannot be
    purge: bool = False
    action: str | None = None  # enhanced / normal, crypto / block / overwrite, ses=1 / ses=2
    details: dict[str, Any] = field(default_factory=dict)


FROZEN_TEXT = (
    "ATA security is frozen (the BIOS froze it at boot): suspend and resume the workstation "
    "(systemctl suspend) or hot-plug the drive's power, then try again"
)
LOCKED_TEXT = (
    "ATA security is locked (a password is set and the drive is locked): it must be unlocked with "
    "its password (hdparm --security-unlock) before it can be erased"
)
SANITIZE_FROZEN_TEXT = (
    "the drive's SANITIZE is frozen (a SANITIZE FREEZE LOCK since it was powered on): suspend and resume "
    "the workstation (systemctl suspend) or re-plug the drive in a hot-plug bay, then try again"
)
ENABLED_TEXT = "ATA security already has a user password set: disable it first (hdparm --security-disable)"
EXPIRED_TEXT = "ATA security count expired (too many wrong passwords): power-cycle the drive"


def _unsupported(method: str, reason: str) -> FirmwareSupport:
    return FirmwareSupport(method, False, reason)


def nvme_namespaces(device: str, sys_root: str = "/sys") -> list[str]:
    """The namespaces (block devices) of the NVMe controller behind `device`, this one included."""
    name = os.path.basename(os.path.realpath(device))
    controller = os.path.join(sys_root, "class", "block", name, "device")
    try:
        entries = os.listdir(controller)
    except OSError:
        return [name]
    return sorted(e for e in entries if re.fullmatch(r"nvme\d+n\d+", e)) or [name]


def detect_support(
    runner: CommandRunner,
    identity: DriveIdentity,
    device: str,
    *,
    namespaces: Callable[[str], list[str]] = nvme_namespaces,
) -> dict[str, FirmwareSupport]:
    """Which firmware methods the drive accepts, each with the reason (probes never write)."""
    names = ("ata-secure-erase", "ata-sanitize", "nvme-format", "nvme-sanitize", "scsi-sanitize")
    if identity.bus in ("loop", "virtio", "unknown"):
        return {n: _unsupported(n, f"not available on a {identity.bus} device") for n in names}
    out: dict[str, FirmwareSupport] = {}
    if identity.bus == "nvme":
        out.update(_nvme_support(runner, device, namespaces(device)))
    else:
        out["nvme-format"] = _unsupported("nvme-format", "not an NVMe drive")
        out["nvme-sanitize"] = _unsupported("nvme-sanitize", "not an NVMe drive")
    if identity.bus in ("ata", "usb", "scsi"):
        out.update(_ata_support(runner, identity, device))
        out["scsi-sanitize"] = _scsi_support(runner, device)
    else:
        for n in ("ata-secure-erase", "ata-sanitize", "scsi-sanitize"):
            out.setdefault(n, _unsupported(n, f"not on the {identity.bus} bus"))
    return {n: out[n] for n in names}


def _ata_support(runner: CommandRunner, identity: DriveIdentity, device: str) -> dict[str, FirmwareSupport]:
    result = runner.run(["hdparm", "-I", device], timeout=30)
    if not result.ok or ("Security:" not in result.stdout and "Commands/features" not in result.stdout):
        why = "hdparm -I gave no ATA identify data (not ATA, or the USB bridge blocks pass-through)"
        if result.returncode == 127:
            why = "hdparm is not installed"
        return {
            "ata-secure-erase": _unsupported("ata-secure-erase", why),
            "ata-sanitize": _unsupported("ata-sanitize", why),
        }
    info = parse_hdparm_identify(result.stdout)
    hpa = parse_hdparm_hpa(runner.run(["hdparm", "-N", device], timeout=30).stdout)
    facts: dict[str, Any] = {"ata": info.__dict__, "hpa_dco": hpa.text if hpa else None}
    media_hdd = info.rotational if info.rotational is not None else identity.media == "hdd"
    if not info.security_supported:
        secure = _unsupported("ata-secure-erase", "the drive does not support the ATA security feature set")
    elif info.frozen:
        secure = _unsupported("ata-secure-erase", FROZEN_TEXT)
    elif info.locked:
        secure = _unsupported("ata-secure-erase", LOCKED_TEXT)
    elif info.security_enabled:
        secure = _unsupported("ata-secure-erase", ENABLED_TEXT)
    elif info.count_expired:
        secure = _unsupported("ata-secure-erase", EXPIRED_TEXT)
    else:
        action = "enhanced" if info.enhanced_erase else "normal"
        purge = info.enhanced_erase and bool(media_hdd)
        note = "Purge" if purge else "Clear (normal mode, or flash media)"
        secure = FirmwareSupport(
            "ata-secure-erase", True, f"{action} SECURITY ERASE UNIT: {note}", purge, action, facts
        )
    # SANITIZE has its own freeze lock, independent of the security freeze (which only blocks the
    # SECURITY commands): availability comes from the sanitize state.
    blocked = _sanitize_blocked(runner, device) if info.sanitize else None
    if not info.sanitize:
        sanitize = _unsupported("ata-sanitize", "the drive does not support the ATA SANITIZE feature set")
    elif blocked is not None:
        sanitize = _unsupported("ata-sanitize", blocked)
    else:
        action = "crypto" if info.crypto_scramble else "block" if info.block_erase else "overwrite"
        if action == "overwrite" and not info.overwrite:
            sanitize = _unsupported("ata-sanitize", "SANITIZE is reported without any sanitize command")
        else:
            # NIST SP 800-88 App. A: SANITIZE OVERWRITE purges a hard disk; on flash only block erase and
            # crypto scramble are Purge (an overwrite of flash is Clear).
            purge = action != "overwrite" or bool(media_hdd)
            note = "Purge" if purge else "Clear (an overwrite of flash media)"
            sanitize = FirmwareSupport("ata-sanitize", True, f"SANITIZE {action}: {note}", purge, action, facts)
    return {"ata-secure-erase": secure, "ata-sanitize": sanitize}


def _sanitize_blocked(runner: CommandRunner, device: str) -> str | None:
    """Why SANITIZE cannot start now, from `hdparm --sanitize-status`; None when it can. A state that
    cannot be read refuses (fail closed)."""
    result = runner.run(["hdparm", "--sanitize-status", device], timeout=30)
    state = parse_hdparm_sanitize_state(f"{result.stdout}\n{result.stderr}")
    if state == "SD1":
        return SANITIZE_FROZEN_TEXT
    if state == "SD2":
        return "a sanitize operation is already in progress on the drive: wait for it to end"
    if state is None:
        said = (result.stderr or result.stdout).strip().splitlines()
        why = said[0][:120] if said else f"exit {result.returncode}"
        return f"the drive's sanitize state could not be read (hdparm --sanitize-status: {why})"
    return None


def _nvme_support(runner: CommandRunner, device: str, namespaces: list[str]) -> dict[str, FirmwareSupport]:
    result = runner.run(["nvme", "id-ctrl", device, "-o", "json"], timeout=30)
    if not result.ok:
        why = (
            "nvme-cli is not installed" if result.returncode == 127 else f"nvme id-ctrl failed: {result.stderr.strip()}"
        )
        return {"nvme-format": _unsupported("nvme-format", why), "nvme-sanitize": _unsupported("nvme-sanitize", why)}
    ctrl = parse_nvme_id_ctrl(result.stdout)
    facts: dict[str, Any] = {"nvme": ctrl.__dict__}
    if not ctrl.format_supported:
        fmt = _unsupported("nvme-format", "the controller does not support Format NVM")
    else:
        ses = 2 if ctrl.crypto_erase_on_format else 1
        what = "cryptographic erase" if ses == 2 else "user data erase"
        scope = " (applies to every namespace)" if ctrl.format_all_namespaces else ""
        fmt = FirmwareSupport(
            "nvme-format", True, f"Format NVM SES={ses}, {what}{scope}: Purge", True, f"ses={ses}", facts
        )
    # Sanitize always, and Format when FNA says so, erase every namespace of the controller: with
    # more than one, the others (another disk to the system, possibly a protected one) would go too.
    others = f"it would erase every namespace of the controller, and it has {len(namespaces)}: {', '.join(namespaces)}"
    if len(namespaces) > 1 and ctrl.format_all_namespaces and fmt.supported:
        fmt = _unsupported("nvme-format", f"Format NVM: {others}")
    if len(namespaces) > 1:
        san = _unsupported("nvme-sanitize", f"Sanitize: {others}")
    elif not ctrl.sanitize:
        san = _unsupported("nvme-sanitize", "the controller reports no sanitize capability (SANICAP = 0)")
    else:
        action = "crypto" if ctrl.sanitize_crypto else "block" if ctrl.sanitize_block else "overwrite"
        san = FirmwareSupport("nvme-sanitize", True, f"Sanitize {action}: Purge", True, action, facts)
    return {"nvme-format": fmt, "nvme-sanitize": san}


def _scsi_support(runner: CommandRunner, device: str) -> FirmwareSupport:
    result = runner.run(["sg_opcodes", device], timeout=30)
    if result.returncode == 127:
        return _unsupported("scsi-sanitize", "sg3-utils is not installed")
    actions = parse_sg_opcodes_sanitize(result.stdout)
    if "cryptographic erase" in actions:
        action = "crypto"
    elif "block erase" in actions:
        action = "block"
    else:
        return _unsupported("scsi-sanitize", "the device does not report SCSI SANITIZE crypto or block erase")
    return FirmwareSupport(
        "scsi-sanitize", True, f"SANITIZE {action} erase: Purge", True, action, {"scsi": sorted(actions)}
    )


def tool_versions(runner: CommandRunner, method: str) -> str:
    """hdparm / nvme-cli / sg3-utils version text for the record and the certificate."""
    probe = {
        "ata-secure-erase": ["hdparm", "-V"],
        "ata-sanitize": ["hdparm", "-V"],
        "nvme-format": ["nvme", "version"],
        "nvme-sanitize": ["nvme", "version"],
        "scsi-sanitize": ["sg_sanitize", "--version"],
    }[method]
    result = runner.run(probe, timeout=10)
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0].strip() if text else probe[0]


# ---------------------------------------------------------------------------------------------
# Commands


@dataclass(frozen=True)
class FirmwarePlan:
    method: str
    commands: tuple[tuple[str, ...], ...]  # run in order, each must succeed
    poll: tuple[str, ...] | None  # polled until the operation ends
    timeout: float  # seconds for a blocking command
    # Run (best effort) when a command after the first one fails: what the first one left on the drive
    # must not stay there (a temporary ATA user password would lock the drive at its next power-on).
    on_failure: tuple[tuple[str, ...], ...] = ()
    note_on_failure: str = ""


def build_commands(support: FirmwareSupport, device: str, password: str | None = None) -> FirmwarePlan:
    """The exact command lines for a supported method (never nvme format without --ses)."""
    if not support.supported:
        raise InvalidState(f"{support.method} is not possible on this drive: {support.reason}")
    action = support.action
    if support.method == "ata-secure-erase":
        pw = password or "ws" + secrets.token_hex(4)
        flag = "--security-erase-enhanced" if action == "enhanced" else "--security-erase"
        minutes = 600
        ata = support.details.get("ata") or {}
        minutes = int(ata.get("enhanced_erase_minutes" if action == "enhanced" else "erase_minutes") or minutes)
        return FirmwarePlan(
            support.method,
            (
                ("hdparm", "--user-master", "u", "--security-set-pass", pw, device),
                ("hdparm", "--user-master", "u", flag, pw, device),
            ),
            None,
            minutes * 60 * 2 + 600,
            on_failure=(("hdparm", "--user-master", "u", "--security-disable", pw, device),),
            note_on_failure=f"the temporary ATA user password is {pw!r}",
        )
    if support.method == "ata-sanitize":
        sanitize_flag = {"crypto": "--sanitize-crypto-scramble", "block": "--sanitize-block-erase"}.get(action or "")
        cmd = (
            ("hdparm", "--yes-i-know-what-i-am-doing", sanitize_flag, device)
            if sanitize_flag
            else ("hdparm", "--yes-i-know-what-i-am-doing", "--sanitize-overwrite", "hex:00000000", device)
        )
        return FirmwarePlan(support.method, (cmd,), ("hdparm", "--sanitize-status", device), 600)
    if support.method == "nvme-format":
        ses = "2" if action == "ses=2" else "1"
        return FirmwarePlan(support.method, (("nvme", "format", device, f"--ses={ses}", "--force"),), None, 7200)
    if support.method == "nvme-sanitize":
        sanact = {"crypto": "4", "block": "2", "overwrite": "3"}[action or "block"]
        return FirmwarePlan(
            support.method,
            (("nvme", "sanitize", device, f"--sanact={sanact}"),),
            ("nvme", "sanitize-log", device, "-o", "json"),
            600,
        )
    if support.method == "scsi-sanitize":
        flag = "--crypto" if action == "crypto" else "--block"
        return FirmwarePlan(
            support.method,
            (("sg_sanitize", flag, "--quick", "--early", device),),
            ("sg_requests", "--progress", device),
            600,
        )
    raise InvalidState(f"{support.method} is not a firmware method")


# ---------------------------------------------------------------------------------------------
# Running


MARKER_SAMPLES = 64


class FirmwareEngine:
    """Plants a random marker in sampled blocks, runs the firmware command, polls its progress,
    then reads the samples back: every marker must be gone."""

    def __init__(
        self,
        runner: CommandRunner,
        *,
        on_progress: Callable[[Progress], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        poll_seconds: float = 5.0,
        max_polls: int = 100_000,
        heartbeat: Callable[[], None] | None = None,
        heartbeat_seconds: float = 30.0,
    ) -> None:
        """`heartbeat` is called every `heartbeat_seconds` from a thread of its own while the firmware
        works: a secure erase or a format blocks in one command for up to hours, and an erasure that
        says nothing for minutes is taken for one whose process died."""
        self._runner = runner
        self._on_progress = on_progress
        self._sleep = sleep
        self._poll_seconds = poll_seconds
        self._max_polls = max_polls
        self._heartbeat = heartbeat
        self._heartbeat_seconds = heartbeat_seconds

    def run(self, opened: OpenedDevice, plan: FirmwarePlan, size: int) -> EngineResult:
        done = threading.Event()
        beating: threading.Thread | None = None
        if self._heartbeat is not None:
            beating = threading.Thread(
                target=_beat, args=(self._heartbeat, self._heartbeat_seconds, done), name="firmware-heartbeat"
            )
            beating.daemon = True
            beating.start()
        try:
            return self._run(opened, plan, size)
        finally:
            done.set()
            if beating is not None:
                beating.join()

    def _run(self, opened: OpenedDevice, plan: FirmwarePlan, size: int) -> EngineResult:
        dev = opened.device
        lbs = dev.logical_block_size
        blocks = size // lbs
        picks = sorted({0, blocks - 1, *(blocks * i // MARKER_SAMPLES for i in range(MARKER_SAMPLES))})
        marker = AlignedBuffer(max(lbs, 4096))
        readback = AlignedBuffer(max(lbs, 4096))
        result = EngineResult(outcome="succeeded", bytes_written=0, verify_mode="sample")
        try:
            token = secrets.token_bytes(lbs)
            marker.view[:lbs] = token
            for block in picks:
                dev.pwrite(marker.view[:lbs], block * lbs)
            dev.sync()
            self._report(0.0)
            for index, args in enumerate(plan.commands):
                done = self._runner.run(args, timeout=plan.timeout)
                if not done.ok:
                    result.outcome = "failed"
                    result.error = f"{args[0]} {args[1]} failed: {(done.stderr or done.stdout).strip()[:200]}"
                    if index > 0:
                        result.error += self._recover(plan)
                    return result
            if plan.poll is not None:
                error = self._poll(plan.poll)
                if error:
                    result.outcome = "failed"
                    result.error = error
                    return result
            self._report(1.0)
            unchanged: list[tuple[int, int]] = []
            for block in picks:
                dev.pread(readback.view[:lbs], block * lbs)
                if bytes(readback.view[:lbs]) == token:
                    unchanged.append((block * lbs, (block + 1) * lbs))
            result.bytes_verified = len(picks) * lbs
            result.verify_coverage = result.bytes_verified / size if size else 0.0
            result.mismatches = merge_ranges(unchanged)
            result.verify_result = "failed" if unchanged else "passed"
            if unchanged:
                result.outcome = "failed"
                result.error = f"the firmware reported success but {len(unchanged)} sampled block(s) did not change"
            result.bytes_written = size
            return result
        finally:
            marker.close()
            readback.close()

    def _recover(self, plan: FirmwarePlan) -> str:
        """Undo what the first command left on the drive; say what was done (and what the technician
        needs if it could not be undone)."""
        if not plan.on_failure:
            return ""
        undone = all(self._runner.run(args, timeout=120).ok for args in plan.on_failure)
        state = "it was removed again" if undone else "it could NOT be removed: unlock the drive with it"
        return f"; {plan.note_on_failure}: {state}"

    def _poll(self, args: tuple[str, ...]) -> str | None:
        for _ in range(self._max_polls):
            out = self._runner.run(args, timeout=60)
            if not out.ok:
                return f"{args[0]} status query failed: {(out.stderr or out.stdout).strip()[:200]}"
            if args[0] == "nvme":
                status = parse_nvme_sanitize_log(out.stdout)
                if status.state == SANITIZE_FAILED:
                    return "the drive reports the sanitize operation failed"
                if not status.running:
                    return None if status.succeeded else "the drive reports no completed sanitize operation"
                self._report(status.progress)
            elif args[0] == "hdparm":
                if not parse_hdparm_sanitize_running(out.stdout):
                    if parse_hdparm_sanitize_succeeded(out.stdout):
                        return None
                    return "the drive does not report the sanitize operation completed without error"
                self._report(parse_percent(out.stdout) or 0.0)
            else:
                pct = parse_percent(out.stdout)
                if pct is None:
                    return None
                self._report(pct)
            self._sleep(self._poll_seconds)
        return "the sanitize operation did not finish in time"

    def _report(self, fraction: float) -> None:
        if self._on_progress is not None:
            done = int(fraction * 1_000_000)
            self._on_progress(Progress("firmware", 1, 1, done, 1_000_000, 0.0, None))


def _beat(heartbeat: Callable[[], None], every: float, done: threading.Event) -> None:
    while not done.wait(every):
        try:
            heartbeat()
        except Exception:  # a missed heartbeat must not end the erasure; the next one may get through
            log.warning("erasure heartbeat failed", exc_info=True)
