"""The destruction certificate's own sections: the basis for destroying the disk, its custody, and
the destruction with its DIN 66399 level."""

from __future__ import annotations

from reportlab.platypus import Flowable

from certificates.fonts import FONT_MONO, clean
from certificates.sections import Row, Sections
from certificates.texts import fmt_date, term, yes_no
from certificates.texts.stored import health_line, shop_reason_line
from wipestation.documents.certify import DestructionFacts


def destruction_sections(s: Sections) -> list[Flowable]:
    x = s.d.destruction
    assert x is not None
    if x.owner == "shop":  # the shop's own retired drive: no customer, no custody
        story = s.section("section.basis", _shop_basis_rows(s, x), paired=True)
        story += s.drive(paired=True)
    else:
        story = s.section("section.basis", _basis_rows(s, x), paired=True)
        story += s.drive(paired=True)
        story += s.section("section.custody", _custody_rows(s, x), paired=True)
    # short facts side by side: the statement and the signature stay on page 1 (as on an erasure's)
    story += s.section("section.destruction", _destruction_rows(s, x), paired=True)
    return story


def level_meaning(s: Sections, level: str) -> str | None:
    meaning = s.t_opt(f"level.{level}")
    return s.t("level.meaning", level=level, meaning=meaning) if meaning else None


def _basis_rows(s: Sections, x: DestructionFacts) -> list[Row]:
    return [  # the repair job is in the customer section
        (s.t("drive.host_computer"), s.v(s.d.drive.host_computer)),
        (s.t("basis.abandoned_on"), clean(fmt_date(x.abandoned_on, s.lang))),
        (s.t("basis.retention_end"), clean(fmt_date(x.retention_end, s.lang))),
        (s.t("basis.early_reason"), clean(x.early_reason) if x.early_reason else None),
    ]


def _shop_basis_rows(s: Sections, x: DestructionFacts) -> list[Row]:
    """The shop's own retired drive: who owns it, why it was destroyed, its last health reading."""
    return [
        (s.t("basis.owner"), clean(s.t("basis.owner_shop"))),
        (s.t("basis.shop_reason"), s.v(shop_reason_line(x.shop_reason, s.lang) if x.shop_reason else None)),
        (s.t("basis.health"), clean(health_line(x.health, s.lang)) if x.health else s.t("unknown")),
        (s.t("basis.queued_on"), clean(fmt_date(x.abandoned_on, s.lang))),
        (s.t("basis.early_reason"), clean(x.early_reason) if x.early_reason else None),
    ]


def _custody_rows(s: Sections, x: DestructionFacts) -> list[Row]:
    return [
        (s.t("custody.received_on"), clean(fmt_date(x.received_on, s.lang))),
        (s.t("custody.location"), s.v(x.storage_location)),
        (s.t("custody.seal_number"), s.v(x.seal_number) if x.seal_number else s.t("none")),
        (s.t("custody.serial_rescanned"), clean(yes_no(x.serial_rescanned, s.lang))),
    ]


def _destruction_rows(s: Sections, x: DestructionFacts) -> list[Row]:
    # the files' hashes only: their names are the shop's internal storage paths
    evidence = "<br/>".join(
        f"{clean(s.t('destruction.evidence_item', n=n))}: <font name='{FONT_MONO}' size='7'>{ev.sha256}</font>"
        for n, ev in enumerate(x.evidence, 1)
    )
    protection = s.with_note(clean(str(x.protection_class)), s.t_opt(f"class.{x.protection_class}"))
    return [  # in pairs of short values (a paired section), the long ones on their own line
        (s.t("destruction.method"), clean(term("method", x.method, s.lang))),
        (s.t("destruction.equipment"), s.v(x.equipment)),
        (s.t("destruction.standard"), "DIN 66399 / ISO/IEC 21964"),
        (s.t("destruction.particle_size"), s.v(x.particle_size)),
        (s.t("destruction.protection_class"), protection),
        (s.t("destruction.level"), s.with_note(f"<b>{clean(x.level)}</b>", level_meaning(s, x.level))),
        (s.t("destruction.lower_level_reason"), clean(x.lower_level_reason) if x.lower_level_reason else None),
        (s.t("destruction.place"), clean(term("place", x.place, s.lang))),
        (s.t("destruction.destroyed_on"), clean(fmt_date(x.destroyed_on, s.lang))),
        (s.t("destruction.operator"), s.v(x.operator)),
        (s.t("destruction.witness"), s.v(x.witness) if x.witness else s.t("none")),
        (s.t("destruction.prior_erasure"), s.v(x.prior_erasure) if x.prior_erasure else s.t("none")),
        (s.t("destruction.evidence"), evidence or s.t("none")),
    ]
