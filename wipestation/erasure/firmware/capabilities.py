"""Which firmware methods a drive accepts, and why not (the probes never write)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wipestation.common.commands import CommandRunner
from wipestation.common.i18n import N_, Phrase
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.firmware.parsing import (
    parse_hdparm_hpa,
    parse_hdparm_identify,
    parse_hdparm_sanitize_state,
    parse_nvme_id_ctrl,
    parse_sg_opcodes_sanitize,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FirmwareSupport:
    method: str
    supported: bool
    reason: str  # what will be done, or why it cannot be: a Phrase (English stored, shown in the reader's language)
    purge: bool = False
    action: str | None = None  # enhanced / normal, crypto / block / overwrite, ses=1 / ses=2
    details: dict[str, Any] = field(default_factory=dict)


FROZEN_TEXT = N_(
    "ATA security is frozen (the BIOS froze it at boot): suspend and resume the workstation "
    "(systemctl suspend) or hot-plug the drive's power, then try again"
)
LOCKED_TEXT = N_(
    "ATA security is locked (a password is set and the drive is locked): it must be unlocked with "
    "its password (hdparm --security-unlock) before it can be erased"
)
SANITIZE_FROZEN_TEXT = N_(
    "the drive's SANITIZE is frozen (a SANITIZE FREEZE LOCK since it was powered on): suspend and resume "
    "the workstation (systemctl suspend) or re-plug the drive in a hot-plug bay, then try again"
)
ENABLED_TEXT = N_("ATA security already has a user password set: disable it first (hdparm --security-disable)")
EXPIRED_TEXT = N_("ATA security count expired (too many wrong passwords): power-cycle the drive")


def _unsupported(method: str, reason: str, **values: object) -> FirmwareSupport:
    """Not offered, and why: `reason` is a template marked N_() (a Phrase is made of it and `values`)."""
    return FirmwareSupport(method, False, reason if isinstance(reason, Phrase) else Phrase(reason, **values))


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
        return {n: _unsupported(n, N_("not available on a {bus} device"), bus=identity.bus) for n in names}
    out: dict[str, FirmwareSupport] = {}
    if identity.bus == "nvme":
        out.update(_nvme_support(runner, device, namespaces(device)))
    else:
        out["nvme-format"] = _unsupported("nvme-format", N_("not an NVMe drive"))
        out["nvme-sanitize"] = _unsupported("nvme-sanitize", N_("not an NVMe drive"))
    if identity.bus in ("ata", "usb", "scsi"):
        out.update(_ata_support(runner, identity, device))
        out["scsi-sanitize"] = _scsi_support(runner, device)
    else:
        for n in ("ata-secure-erase", "ata-sanitize", "scsi-sanitize"):
            out.setdefault(n, _unsupported(n, N_("not on the {bus} bus"), bus=identity.bus))
    return {n: out[n] for n in names}


def _ata_support(runner: CommandRunner, identity: DriveIdentity, device: str) -> dict[str, FirmwareSupport]:
    result = runner.run(["hdparm", "-I", device], timeout=30)
    if not result.ok or ("Security:" not in result.stdout and "Commands/features" not in result.stdout):
        why = N_("hdparm -I gave no ATA identify data (not ATA, or the USB bridge blocks pass-through)")
        if result.returncode == 127:
            why = N_("hdparm is not installed")
        return {
            "ata-secure-erase": _unsupported("ata-secure-erase", why),
            "ata-sanitize": _unsupported("ata-sanitize", why),
        }
    info = parse_hdparm_identify(result.stdout)
    hpa = parse_hdparm_hpa(runner.run(["hdparm", "-N", device], timeout=30).stdout)
    facts: dict[str, Any] = {"ata": info.__dict__, "hpa_dco": hpa.text if hpa else None}
    media_hdd = info.rotational if info.rotational is not None else identity.media == "hdd"
    if not info.security_supported:
        secure = _unsupported("ata-secure-erase", N_("the drive does not support the ATA security feature set"))
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
        note = Phrase(N_("Purge") if purge else N_("Clear (normal mode, or flash media)"))
        secure = FirmwareSupport(
            "ata-secure-erase",
            True,
            Phrase(N_("{action} SECURITY ERASE UNIT: {note}"), action=action, note=note),
            purge,
            action,
            facts,
        )
    # SANITIZE has its own freeze lock, independent of the security freeze (which only blocks the
    # SECURITY commands): availability comes from the sanitize state.
    blocked = _sanitize_blocked(runner, device) if info.sanitize else None
    if not info.sanitize:
        sanitize = _unsupported("ata-sanitize", N_("the drive does not support the ATA SANITIZE feature set"))
    elif blocked is not None:
        sanitize = _unsupported("ata-sanitize", blocked)
    else:
        action = "crypto" if info.crypto_scramble else "block" if info.block_erase else "overwrite"
        if action == "overwrite" and not info.overwrite:
            sanitize = _unsupported("ata-sanitize", N_("SANITIZE is reported without any sanitize command"))
        else:
            # NIST SP 800-88 App. A: SANITIZE OVERWRITE purges a hard disk; on flash only block erase and
            # crypto scramble are Purge (an overwrite of flash is Clear).
            purge = action != "overwrite" or bool(media_hdd)
            note = Phrase(N_("Purge") if purge else N_("Clear (an overwrite of flash media)"))
            why = Phrase(N_("SANITIZE {action}: {note}"), action=action, note=note)
            sanitize = FirmwareSupport("ata-sanitize", True, why, purge, action, facts)
    return {"ata-secure-erase": secure, "ata-sanitize": sanitize}


def _sanitize_blocked(runner: CommandRunner, device: str) -> str | None:
    """Why SANITIZE cannot start now, from `hdparm --sanitize-status`; None when it can. A state that
    cannot be read refuses (fail closed)."""
    result = runner.run(["hdparm", "--sanitize-status", device], timeout=30)
    state = parse_hdparm_sanitize_state(f"{result.stdout}\n{result.stderr}")
    if state == "SD1":
        return Phrase(SANITIZE_FROZEN_TEXT)
    if state == "SD2":
        return Phrase(N_("a sanitize operation is already in progress on the drive: wait for it to end"))
    if state is None:
        said = (result.stderr or result.stdout).strip().splitlines()
        why = said[0][:120] if said else f"exit {result.returncode}"
        return Phrase(N_("the drive's sanitize state could not be read (hdparm --sanitize-status: {why})"), why=why)
    return None


def _nvme_support(runner: CommandRunner, device: str, namespaces: list[str]) -> dict[str, FirmwareSupport]:
    result = runner.run(["nvme", "id-ctrl", device, "-o", "json"], timeout=30)
    if not result.ok:
        why = (
            Phrase(N_("nvme-cli is not installed"))
            if result.returncode == 127
            else Phrase(N_("nvme id-ctrl failed: {error}"), error=result.stderr.strip())
        )
        return {"nvme-format": _unsupported("nvme-format", why), "nvme-sanitize": _unsupported("nvme-sanitize", why)}
    ctrl = parse_nvme_id_ctrl(result.stdout)
    facts: dict[str, Any] = {"nvme": ctrl.__dict__}
    if not ctrl.format_supported:
        fmt = _unsupported("nvme-format", N_("the controller does not support Format NVM"))
    else:
        ses = 2 if ctrl.crypto_erase_on_format else 1
        what = Phrase(N_("cryptographic erase") if ses == 2 else N_("user data erase"))
        text = (
            N_("Format NVM SES={ses}, {what} (applies to every namespace): Purge")
            if ctrl.format_all_namespaces
            else N_("Format NVM SES={ses}, {what}: Purge")
        )
        fmt = FirmwareSupport("nvme-format", True, Phrase(text, ses=ses, what=what), True, f"ses={ses}", facts)
    # Sanitize always, and Format when FNA says so, erase every namespace of the controller: with
    # more than one, the others (another disk to the system, possibly a protected one) would go too.
    others = N_("{command}: it would erase every namespace of the controller, and it has {n}: {names}")
    count = {"n": len(namespaces), "names": ", ".join(namespaces)}
    if len(namespaces) > 1 and ctrl.format_all_namespaces and fmt.supported:
        fmt = _unsupported("nvme-format", others, command="Format NVM", **count)
    if len(namespaces) > 1:
        san = _unsupported("nvme-sanitize", others, command="Sanitize", **count)
    elif not ctrl.sanitize:
        san = _unsupported("nvme-sanitize", N_("the controller reports no sanitize capability (SANICAP = 0)"))
    else:
        action = "crypto" if ctrl.sanitize_crypto else "block" if ctrl.sanitize_block else "overwrite"
        san = FirmwareSupport(
            "nvme-sanitize", True, Phrase(N_("Sanitize {action}: Purge"), action=action), True, action, facts
        )
    return {"nvme-format": fmt, "nvme-sanitize": san}


def _scsi_support(runner: CommandRunner, device: str) -> FirmwareSupport:
    result = runner.run(["sg_opcodes", device], timeout=30)
    if result.returncode == 127:
        return _unsupported("scsi-sanitize", N_("sg3-utils is not installed"))
    actions = parse_sg_opcodes_sanitize(result.stdout)
    if "cryptographic erase" in actions:
        action = "crypto"
    elif "block erase" in actions:
        action = "block"
    else:
        return _unsupported("scsi-sanitize", N_("the device does not report SCSI SANITIZE crypto or block erase"))
    why = Phrase(N_("SANITIZE {action} erase: Purge"), action=action)
    return FirmwareSupport("scsi-sanitize", True, why, True, action, {"scsi": sorted(actions)})


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
