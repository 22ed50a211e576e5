"""Hidden sectors: a Host Protected Area (`hdparm -N`) or a Device Configuration Overlay
(`hdparm --dco-identify`) that makes a drive look smaller than it is.

An overwrite reaches only the visible sectors. Before one starts, the hidden ones are either made
visible again (`erase --restore-hidden`: the HPA is lifted for this power cycle and the DCO restored
to the factory size) or the erasure ends "with exceptions", saying how many sectors were not written.
Everything runs through the injected CommandRunner, so the decisions and the command lines are tested
against recorded outputs of the real tool.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from wipestation.common.commands import CommandRunner
from wipestation.common.erasure_details import HiddenAreas, RestoredHidden
from wipestation.common.errors import SafetyRefusal
from wipestation.common.i18n import _
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.firmware import HpaState, parse_hdparm_hpa

State = Literal["none", "hidden", "unknown", "not-applicable"]


def parse_hdparm_dco(text: str) -> int | None:
    """`hdparm --dco-identify DEV`: '\tReal max sectors: 976773168' (the factory size, in sectors).
    None when the drive gave no DCO data (no DCO feature set, or a bridge answering garbage: 0 or 1)."""
    m = re.search(r"Real max sectors:\s*(\d+)", text)
    if not m:
        return None
    value = int(m.group(1))
    return value if value > 1 else None


@dataclass(frozen=True)
class HiddenArea:
    """What `hdparm -N` and `--dco-identify` said about one drive, in its logical sectors."""

    state: State
    visible_sectors: int | None = None
    native_sectors: int | None = None  # the HPA's native max (READ NATIVE MAX ADDRESS)
    dco_sectors: int | None = None  # the DCO's real max (the factory size), when readable
    why_unknown: str | None = None

    @property
    def full_sectors(self) -> int | None:
        """The drive's whole size: the factory size when the DCO says so, else the native max."""
        known = [n for n in (self.native_sectors, self.dco_sectors) if n is not None]
        return max(known) if known else None

    @property
    def hidden_sectors(self) -> int:
        if self.state != "hidden" or self.visible_sectors is None or self.full_sectors is None:
            return 0
        return self.full_sectors - self.visible_sectors

    @property
    def hpa_hidden(self) -> bool:
        return (
            self.native_sectors is not None
            and self.visible_sectors is not None
            and self.native_sectors > self.visible_sectors
        )

    @property
    def dco_hidden(self) -> bool:
        return (
            self.dco_sectors is not None and self.native_sectors is not None and self.dco_sectors > self.native_sectors
        )

    @property
    def text(self) -> str:
        """One line for the record and the certificate."""
        if self.state == "not-applicable":
            return f"not applicable ({self.why_unknown})"
        if self.state == "unknown":
            return f"unknown ({self.why_unknown})"
        dco = "DCO not reported" if self.dco_sectors is None else f"DCO real max {self.dco_sectors}"
        if self.state == "none":
            return f"none: {self.visible_sectors} of {self.full_sectors} sectors visible (HPA disabled; {dco})"
        parts = []
        if self.hpa_hidden:
            parts.append(f"HPA hides {(self.native_sectors or 0) - (self.visible_sectors or 0)}")
        if self.dco_hidden:
            parts.append(f"DCO hides {(self.dco_sectors or 0) - (self.native_sectors or 0)}")
        return (
            f"hidden sectors: {self.visible_sectors} of {self.full_sectors} sectors visible, "
            f"{self.hidden_sectors} hidden ({', '.join(parts)})"
        )


NO_HPA_BUSES = {"nvme": "NVMe drives have no HPA or DCO"}
NO_ANSWER_BUSES = {"loop": "a loop device has no HPA or DCO", "virtio": "a virtual disk has no HPA or DCO"}


def probe_hidden(runner: CommandRunner, device: str, bus: str | None) -> HiddenArea:
    """Ask the drive (never writes). "unknown" when hdparm gets no real answer (a USB bridge that
    passes no ATA commands answers `max sectors = 0/1`, or nothing at all)."""
    if bus in NO_HPA_BUSES:
        return HiddenArea("not-applicable", why_unknown=NO_HPA_BUSES[bus])
    result = runner.run(["hdparm", "-N", device], timeout=30)
    hpa: HpaState | None = parse_hdparm_hpa(result.stdout) if result.ok else None
    if hpa is None:
        if bus in NO_ANSWER_BUSES:
            return HiddenArea("not-applicable", why_unknown=NO_ANSWER_BUSES[bus])
        if result.returncode == 127:
            why = "hdparm is not installed"
        else:
            why = "hdparm -N gave no HPA state: not ATA, or a USB bridge that does not pass the command"
        return HiddenArea("unknown", why_unknown=why)
    dco_out = runner.run(["hdparm", "--dco-identify", device], timeout=30)
    dco = parse_hdparm_dco(dco_out.stdout) if dco_out.ok else None
    area = HiddenArea("none", hpa.visible_sectors, hpa.native_sectors, dco)
    if area.hpa_hidden or area.dco_hidden:
        area = HiddenArea("hidden", hpa.visible_sectors, hpa.native_sectors, dco)
    return area


def restore_commands(area: HiddenArea, device: str) -> list[tuple[str, ...]]:
    """The command lines that make every sector visible: first the HPA is lifted to the native max
    for this power cycle (a DCO restore is refused while an HPA is set), then the DCO is restored
    to the factory size."""
    commands: list[tuple[str, ...]] = []
    if area.hpa_hidden:
        commands.append(("hdparm", "--yes-i-know-what-i-am-doing", "-N", str(area.native_sectors), device))
    if area.dco_hidden:
        commands.append(("hdparm", "--yes-i-know-what-i-am-doing", "--dco-restore", device))
    return commands


def rescan_capacity(device: str, sys_root: str = "/sys") -> None:
    """Make the kernel read the drive's capacity again (SCSI disk: `device/rescan`)."""
    name = os.path.basename(os.path.realpath(device))
    path = os.path.join(sys_root, "class", "block", name, "device", "rescan")
    if os.path.exists(path):
        with open(path, "w") as fh:
            fh.write("1")


Rescan = Callable[[str], None]


@dataclass(frozen=True)
class HiddenDecision:
    """What the erasure does about hidden sectors: the identity to erase (its capacity grows when the
    native size was restored), the sectors it will not reach, and what the record keeps."""

    identity: DriveIdentity
    area: HiddenArea
    sectors_not_written: int
    sector_size: int
    details: HiddenAreas


def settle_hidden(
    runner: CommandRunner,
    device: str,
    identity: DriveIdentity,
    *,
    restore: bool,
    rescan: Rescan,
    reread: Callable[[], DriveIdentity],
) -> HiddenDecision:
    """Before an overwrite: read the HPA/DCO state; with `restore`, make every sector visible (or refuse:
    SafetyRefusal, before anything is written); without it, say how many sectors stay unwritten."""
    area = probe_hidden(runner, device, identity.bus)
    visible = area.visible_sectors or 0
    capacity = identity.capacity_bytes or 0
    sector = capacity // visible if visible and capacity % visible == 0 and capacity // visible in (512, 4096) else 512
    details = HiddenAreas(text=area.text, state=area.state)
    if restore and area.state == "unknown":
        raise SafetyRefusal(
            _("--restore-hidden: the HPA/DCO state of {device} cannot be read ({why}); nothing was written").format(
                device=device, why=area.why_unknown
            )
        )
    if area.state != "hidden":
        return HiddenDecision(identity, area, 0, sector, replace(details, nothing_to_restore=restore))
    if not restore:
        details = replace(details, sectors_not_written=area.hidden_sectors)
        return HiddenDecision(identity, area, area.hidden_sectors, sector, details)
    return _restore(runner, device, identity, area, sector, rescan=rescan, reread=reread)


def _restore(
    runner: CommandRunner,
    device: str,
    identity: DriveIdentity,
    area: HiddenArea,
    sector: int,
    *,
    rescan: Rescan,
    reread: Callable[[], DriveIdentity],
) -> HiddenDecision:
    """--restore-hidden on a drive that hides sectors: run the commands, have the kernel read the
    capacity again, and check that the drive and the system now both see every sector."""
    commands = restore_commands(area, device)
    for args in commands:
        done = runner.run(args, timeout=120)
        if not done.ok:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise SafetyRefusal(
                _("--restore-hidden: `{command}` failed on {device} ({said}); nothing was written").format(
                    command=" ".join(args[:-1]),
                    device=device,
                    said=said[-1][:120] if said else _("exit {code}").format(code=done.returncode),
                )
            )
    rescan(device)
    after = probe_hidden(runner, device, identity.bus)
    if after.state != "none":
        raise SafetyRefusal(
            _("--restore-hidden: {device} still hides sectors after the restore ({state}); nothing was written").format(
                device=device, state=after.text
            )
        )
    fresh = reread()
    expected = (after.visible_sectors or 0) * sector
    if fresh.capacity_bytes != expected:
        raise SafetyRefusal(
            _(
                "--restore-hidden: the system sees {size} bytes on {device} after the restore, the drive {expected}; "
                "nothing was written"
            ).format(size=fresh.capacity_bytes, device=device, expected=expected)
        )
    details = HiddenAreas(
        text=f"restored before the erasure ({area.text}); now {after.text}",
        state="restored",
        restored=RestoredHidden(area.visible_sectors, area.hidden_sectors, tuple(" ".join(c) for c in commands)),
    )
    return HiddenDecision(fresh, after, 0, sector, details)
