"""The sanitisation methods: what each one writes or asks the drive's firmware to do, and the
NIST SP 800-88 category it earns on which media (standards.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from wipestation.common.errors import BadValue
from wipestation.common.i18n import _
from wipestation.common.identity import DriveIdentity

CLEAR = "Clear"
PURGE = "Purge"


@dataclass(frozen=True)
class Pattern:
    """One overwrite pass: a constant byte, or the keyed AES-256-CTR stream."""

    kind: Literal["constant", "random"]
    byte: int = 0

    @property
    def label(self) -> str:
        return "random (AES-256-CTR)" if self.kind == "random" else f"0x{self.byte:02X}"


ZEROS = Pattern("constant", 0x00)
ONES = Pattern("constant", 0xFF)
RANDOM = Pattern("random")


@dataclass(frozen=True)
class Method:
    name: str
    kind: Literal["overwrite", "firmware"]
    passes: tuple[Pattern, ...]
    description: str

    @property
    def pass_count(self) -> int:
        return len(self.passes) if self.kind == "overwrite" else 1

    @property
    def pattern_label(self) -> str:
        return ", ".join(p.label for p in self.passes) if self.passes else "drive firmware"

    @property
    def needs_key(self) -> bool:
        return any(p.kind == "random" for p in self.passes)


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("zero", "overwrite", (ZEROS,), "One pass of zeros (0x00) over every addressable block."),
        Method("ones", "overwrite", (ONES,), "One pass of 0xFF over every addressable block."),
        Method(
            "random",
            "overwrite",
            (RANDOM,),
            "One pass of a keyed AES-256-CTR stream; the key is kept only until the erasure ends "
            "so the whole pass can be regenerated for verification.",
        ),
        Method(
            "zero-verify-2pass",
            "overwrite",
            (ONES, ZEROS),
            "Two passes: 0xFF then 0x00 (pattern and its complement, the NIST Clear for USB flash); "
            "the last pass (zeros) is verified.",
        ),
        Method(
            "dod-3pass",
            "overwrite",
            (ZEROS, ONES, RANDOM),
            "DoD 5220.22-M style, three passes: 0x00, 0xFF, random (AES-256-CTR). Asked for by name; "
            "NIST SP 800-88 Rev. 2 calls multi-pass overwrites unnecessary.",
        ),
        Method(
            "ata-secure-erase",
            "firmware",
            (),
            "ATA SECURITY ERASE UNIT through hdparm (enhanced mode when the drive supports it): a temporary "
            "user password is set and the erase clears it. The drive must not be frozen or locked.",
        ),
        Method(
            "ata-sanitize",
            "firmware",
            (),
            "ATA SANITIZE through hdparm: crypto scramble, else block erase, else overwrite; progress polled "
            "with --sanitize-status.",
        ),
        Method(
            "nvme-format",
            "firmware",
            (),
            "NVMe Format NVM with Secure Erase Settings: SES=2 (cryptographic erase) where the controller "
            "supports it, else SES=1 (user data erase). Never without --ses.",
        ),
        Method(
            "nvme-sanitize",
            "firmware",
            (),
            "NVMe Sanitize: crypto erase, else block erase, else overwrite; progress polled from the "
            "Sanitize Status log (nvme sanitize-log).",
        ),
        Method(
            "scsi-sanitize",
            "firmware",
            (),
            "SCSI SANITIZE through sg_sanitize: cryptographic erase, else block erase, else overwrite; "
            "progress polled with sg_requests --progress.",
        ),
    )
}

OVERWRITE_METHODS = tuple(name for name, m in METHODS.items() if m.kind == "overwrite")
FIRMWARE_METHODS = tuple(name for name, m in METHODS.items() if m.kind == "firmware")


def get_method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise BadValue(
            _("unknown method '{name}' (known: {known})").format(name=name, known=", ".join(METHODS))
        ) from None


def nist_category(method: Method, identity: DriveIdentity, *, enhanced: bool = False) -> str:
    """Never overstated: a host overwrite is Clear on every medium (and never Purge on flash);
    firmware sanitize, NVMe Format with SES and enhanced secure erase on a hard disk are Purge;
    ATA SECURITY ERASE on flash is only Clear (NIST SP 800-88 Rev. 1, App. A)."""
    if method.kind == "overwrite":
        return CLEAR
    if method.name == "ata-secure-erase":
        return PURGE if enhanced and identity.media == "hdd" else CLEAR
    return PURGE


def category_text(method: Method, media: str) -> str:
    """What `methods` shows before a drive's capabilities are known."""
    if method.kind == "overwrite":
        return CLEAR
    if method.name == "ata-secure-erase":
        return "Purge (enhanced, HDD) / Clear" if media in {"hdd", "unknown"} else CLEAR
    return PURGE
