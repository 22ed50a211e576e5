"""The exact command lines of a supported firmware method."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from wipestation.common.errors import InvalidState
from wipestation.common.i18n import _, shown
from wipestation.erasure.firmware.capabilities import FirmwareSupport

log = logging.getLogger(__name__)


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
        raise InvalidState(
            _("{method} is not possible on this drive: {reason}").format(
                method=support.method, reason=shown(support.reason)
            )
        )
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
    raise InvalidState(_("{method} is not a firmware method").format(method=support.method))
