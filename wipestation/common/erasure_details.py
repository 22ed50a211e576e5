"""What an erasure row keeps besides its columns (`Erasure.details`), typed: one dataclass per kind of
detail, stored as JSON with a `version` key.

This module alone converts between the dataclasses and the stored JSON (`to_json`, `from_json`; the
store's column type calls them), so everyone else reads typed attributes. A row written before the
version key existed (one flat object: `technique`, `hpa_dco`, `resumed`, ...) still reads. A version
newer than this tool's is refused with one clear line rather than read wrongly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wipestation.common.i18n import _

VERSION = 1
NOTHING_HIDDEN = "nothing hidden"  # what `--restore-hidden` says on a drive that hid nothing


@dataclass(frozen=True, slots=True)
class Technique:
    """The method in words, as the certificate names it."""

    description: str | None = None  # e.g. "Overwrite with zeros"
    pattern: str | None = None  # e.g. "0x00"


@dataclass(frozen=True, slots=True)
class Origin:
    """The drive's bus and media as detected, how the erasure was ordered, the customer's asset tag."""

    bus: str | None = None
    media: str | None = None
    via: str | None = None  # "cli", "console"
    asset_tag: str | None = None


@dataclass(frozen=True, slots=True)
class Firmware:
    """A firmware method: which command the drive ran and why that one."""

    action: str | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RestoredHidden:
    """What `--restore-hidden` made visible before the erasure."""

    visible_sectors: int | None
    restored_sectors: int | None
    commands: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HiddenAreas:
    """The drive's HPA/DCO: the state read in words, and what was done about it."""

    text: str | None = None  # e.g. "HPA: none; DCO: none" (the certificate's line)
    state: str | None = None  # "none", "hidden", "unknown", "restored"
    restored: RestoredHidden | None = None
    nothing_to_restore: bool = False  # --restore-hidden was asked on a drive that hid nothing
    sectors_not_written: int | None = None  # hidden sectors the overwrite could not reach

    def restored_summary(self) -> str | dict[str, Any] | None:
        """The `hidden_restored` value of `erase --json`: "nothing hidden", what was restored, or None."""
        if self.restored is not None:
            return _restored_json(self.restored)
        return NOTHING_HIDDEN if self.nothing_to_restore else None


@dataclass(frozen=True, slots=True)
class Verification:
    """What the verification found beyond its columns: the first mismatching ranges, its sampled parts."""

    mismatches: tuple[tuple[int, int], ...] = ()
    subsections: int | None = None


@dataclass(frozen=True, slots=True)
class ErasureDetails:
    """Everything `Erasure.details` holds. `sector_size` is the logical sector size the erasure wrote
    with (the certificate's sector count); `resumed` how many times it continued from a checkpoint;
    `superseded` that a later erasure of the drive started from the first byte instead."""

    technique: Technique = Technique()
    origin: Origin = Origin()
    firmware: Firmware | None = None
    hidden: HiddenAreas = HiddenAreas()
    verification: Verification = Verification()
    sector_size: int | None = None
    resumed: int = 0
    superseded: bool = False
    unknown: Mapping[str, Any] = field(default_factory=dict)  # keys this version does not know, kept as stored


class NewerDetails(ValueError):
    """The stored details carry a version this tool does not know."""


def to_json(details: ErasureDetails) -> dict[str, Any]:
    """The stored form: a JSON object with `version`; empty parts are left out."""
    out: dict[str, Any] = dict(details.unknown)
    out["version"] = VERSION
    technique = _dropping_none({"description": details.technique.description, "pattern": details.technique.pattern})
    origin = details.origin
    parts: dict[str, Any] = {
        "technique": technique,
        "origin": _dropping_none(
            {"bus": origin.bus, "media": origin.media, "via": origin.via, "asset_tag": origin.asset_tag}
        ),
        "firmware": None
        if details.firmware is None
        else {"action": details.firmware.action, "reason": details.firmware.reason},
        "hidden": _hidden_json(details.hidden),
        "verification": _verification_json(details.verification),
        "sector_size": details.sector_size,
        "resumed": details.resumed or None,
        "superseded": details.superseded or None,
    }
    out.update({k: v for k, v in parts.items() if v})
    return out


def from_json(stored: Mapping[str, Any] | None) -> ErasureDetails:
    """The typed details of a stored object (None or {} is no details); a row without `version` is read
    the old, flat way."""
    if not stored:
        return ErasureDetails()
    version = stored.get("version")
    if version is None:
        return _from_flat(stored)
    if version != VERSION:
        raise NewerDetails(
            _("erasure details of version {version} are newer than this tool (it reads {known})").format(
                version=version, known=VERSION
            )
        )
    known = {"version", "technique", "origin", "firmware", "hidden", "verification", "sector_size", "resumed"}
    known.add("superseded")
    technique, origin = stored.get("technique") or {}, stored.get("origin") or {}
    firmware, hidden = stored.get("firmware"), stored.get("hidden") or {}
    return ErasureDetails(
        technique=Technique(_str(technique.get("description")), _str(technique.get("pattern"))),
        origin=Origin(
            _str(origin.get("bus")), _str(origin.get("media")), _str(origin.get("via")), _str(origin.get("asset_tag"))
        ),
        firmware=None if firmware is None else Firmware(_str(firmware.get("action")), _str(firmware.get("reason"))),
        hidden=HiddenAreas(
            text=_str(hidden.get("text")),
            state=_str(hidden.get("state")),
            restored=_restored(hidden.get("restored")),
            nothing_to_restore=bool(hidden.get("nothing_to_restore", False)),
            sectors_not_written=_int(hidden.get("sectors_not_written")),
        ),
        verification=_verification(stored.get("verification") or {}),
        sector_size=_int(stored.get("sector_size")),
        resumed=int(stored.get("resumed") or 0),
        superseded=bool(stored.get("superseded", False)),
        unknown={k: v for k, v in stored.items() if k not in known},
    )


_FLAT_KEYS = frozenset(
    {
        "technique",
        "pattern",
        "bus",
        "media",
        "via",
        "asset_tag",
        "firmware_action",
        "firmware_reason",
        "hpa_dco",
        "hpa",
        "dco",
        "hidden_state",
        "hidden_restored",
        "sectors_not_written",
        "sector_size",
        "verify_mismatches",
        "verify_subsections",
        "resumed",
        "superseded",
    }
)


def _from_flat(old: Mapping[str, Any]) -> ErasureDetails:
    """A row written before the version key: one flat object (the oldest rows name HPA and DCO apart)."""
    text = _str(old.get("hpa_dco"))
    if text is None and ("hpa" in old or "dco" in old):
        text = f"HPA: {old.get('hpa', '?')}; DCO: {old.get('dco', '?')}"
    restored = old.get("hidden_restored")
    action = old.get("firmware_action")
    return ErasureDetails(
        technique=Technique(_str(old.get("technique")), _str(old.get("pattern"))),
        origin=Origin(_str(old.get("bus")), _str(old.get("media")), _str(old.get("via")), _str(old.get("asset_tag"))),
        firmware=Firmware(_str(action), _str(old.get("firmware_reason"))) if action else None,
        hidden=HiddenAreas(
            text=text,
            state=_str(old.get("hidden_state")),
            restored=_restored(restored) if isinstance(restored, Mapping) else None,
            nothing_to_restore=restored == NOTHING_HIDDEN,
            sectors_not_written=_int(old.get("sectors_not_written")),
        ),
        verification=_verification(
            {"mismatches": old.get("verify_mismatches"), "subsections": old.get("verify_subsections")}
        ),
        sector_size=_int(old.get("sector_size")),
        resumed=int(old.get("resumed") or 0),
        superseded=bool(old.get("superseded", False)),
        unknown={k: v for k, v in old.items() if k not in _FLAT_KEYS},
    )


def _hidden_json(hidden: HiddenAreas) -> dict[str, Any]:
    return _dropping_none(
        {
            "text": hidden.text,
            "state": hidden.state,
            "restored": None if hidden.restored is None else _restored_json(hidden.restored),
            "nothing_to_restore": hidden.nothing_to_restore or None,
            "sectors_not_written": hidden.sectors_not_written,
        }
    )


def _restored_json(restored: RestoredHidden) -> dict[str, Any]:
    return {
        "visible_sectors": restored.visible_sectors,
        "restored_sectors": restored.restored_sectors,
        "commands": list(restored.commands),
    }


def _restored(value: object) -> RestoredHidden | None:
    if not isinstance(value, Mapping):
        return None
    commands: list[object] = value.get("commands") or []
    return RestoredHidden(
        _int(value.get("visible_sectors")), _int(value.get("restored_sectors")), tuple(str(c) for c in commands)
    )


def _verification_json(verification: Verification) -> dict[str, Any]:
    return _dropping_none(
        {
            "mismatches": [list(r) for r in verification.mismatches] or None,
            "subsections": verification.subsections,
        }
    )


def _verification(value: Mapping[str, Any]) -> Verification:
    ranges = value.get("mismatches") or ()
    return Verification(tuple((int(a), int(b)) for a, b in ranges), _int(value.get("subsections")))


def _dropping_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float | str) else None
