"""The erasure methods offered for a drive: which it supports (from its capabilities), their NIST
category there, and the one recommended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wipestation.common.commands import CommandRunner
from wipestation.common.devices import DetectedDrive
from wipestation.common.i18n import N_, Phrase
from wipestation.erasure.firmware import detect_support
from wipestation.erasure.methods import METHODS, category_text


@dataclass(frozen=True)
class MethodOffer:
    """One sanitisation method as offered for one drive (or in general, without a drive)."""

    name: str
    kind: str  # overwrite / firmware
    passes: int
    patterns: str
    nist_category: str
    description: str
    supported: bool | None = None  # None: no drive given
    reason: str | None = None
    recommended: bool = False
    recommended_verify: str | None = None  # for the recommended overwrite: full / sample
    recommendation: str | None = None  # why this one, for this drive

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "passes": self.passes,
            "patterns": self.patterns,
            "nist_category": self.nist_category,
            "description": self.description,
        }
        if self.supported is not None:
            out["supported"], out["reason"] = self.supported, self.reason
            out["recommended"] = self.recommended
            out["recommended_verify"] = self.recommended_verify
            out["recommendation"] = self.recommendation
        return out


FLASH = frozenset({"ssd", "flash"})
# A firmware Purge, best first: sanitize (crypto/block erase of every block, spare ones included),
# then Format with secure erase, then ATA SECURITY ERASE (Purge only where it says so).
PURGE_PREFERENCE = ("nvme-sanitize", "ata-sanitize", "scsi-sanitize", "nvme-format", "ata-secure-erase")


def recommend(offers: list[MethodOffer], media: str) -> list[MethodOffer]:
    """Mark the one method to use on this drive: flash with a firmware Purge -> that Purge; flash
    without -> one verified overwrite, which is only Clear; a hard disk (or unknown media) -> one
    pass with sampled (hard disk) or full verification. Nothing when no drive is given or it is protected."""
    from dataclasses import replace

    by_name = {o.name: o for o in offers}
    if not offers or offers[0].supported is None or not by_name["zero"].supported:
        return offers
    # Phrases: `methods --json` keeps the English, the CLI shows them in the reader's language
    choice, why = "zero", Phrase(N_("media unknown: one overwrite with full verification (NIST Clear)"))
    verify: str | None = "full"
    if media in FLASH:
        if any(o.reason == NOT_PROBED for o in offers):
            return offers  # whether the flash drive has a firmware Purge is not known yet
        purge = next(
            (n for n in PURGE_PREFERENCE if by_name[n].supported and by_name[n].nist_category == "Purge"), None
        )
        if purge is not None:
            choice, verify = purge, None
            why = Phrase(
                N_("flash with a firmware Purge: the drive erases every block, its spare blocks too (NIST Purge)")
            )
        else:
            why = Phrase(
                N_(
                    "flash without a firmware Purge: one overwrite with full verification, which is only Clear "
                    "(spare and remapped blocks keep old data)"
                )
            )
    elif media == "hdd":
        verify = "sample"
        why = Phrase(N_("a hard disk: one pass with sampled verification (NIST Clear)"))
    return [
        replace(o, recommended=True, recommended_verify=verify, recommendation=why) if o.name == choice else o
        for o in offers
    ]


NOT_PROBED = N_("capabilities not read yet")  # compared as the English (a Phrase equals its English)


def method_offers(runner: CommandRunner, detected: DetectedDrive | None, *, probe: bool = True) -> list[MethodOffer]:
    """Every method with its NIST category; for a drive, which it supports and why (capabilities first).

    `probe=False` answers at once without asking the drive (hdparm, nvme, ... can take a second over
    a USB bridge): overwrites are offered, firmware methods wait for the probe."""
    support = {}
    if probe and detected is not None and detected.protected_reason is None and detected.identity.device:
        support = detect_support(runner, detected.identity, detected.identity.device)
    media = detected.identity.media if detected is not None else "unknown"
    offers = []
    for m in METHODS.values():
        category = category_text(m, media)
        supported: bool | None = None
        reason: str | None = None
        if detected is not None:
            # Phrases: `--json` and the record keep the English, the reader sees their language
            if detected.protected_reason is not None:
                supported, reason = False, Phrase(N_("protected: {reason}"), reason=detected.protected_reason)
            elif m.kind == "overwrite":
                supported, reason = True, Phrase(N_("host overwrite of every addressable block"))
            elif m.name in support:
                s = support[m.name]
                supported, reason = bool(s.supported), s.reason
                if s.supported:
                    category = "Purge" if s.purge else "Clear"
            else:
                supported, reason = False, Phrase(N_("capabilities unknown") if probe else NOT_PROBED)
        offers.append(
            MethodOffer(m.name, m.kind, m.pass_count, m.pattern_label, category, m.description, supported, reason)
        )
    return recommend(offers, media)
