"""The sections of an erasure certificate whose scope is one data set (one backup on a shared pool
drive, erased cryptographically): what was erased, how, and what was not (the drive)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from certificates.fonts import clean
from certificates.sections import Row, Sections
from certificates.statement import statement_values
from certificates.texts import fmt_bytes, fmt_datetime, fmt_int
from wipestation.documents.certify import DataSetFacts


def data_set_sections(s: Sections) -> list[Flowable]:
    e = s.d.data_set
    assert e is not None
    story = s.section("section.data_set", _rows(s, e))
    story += s.drive()
    return story


def _rows(s: Sections, e: DataSetFacts) -> list[Row]:
    tz, lang = s.d.timezone, s.lang
    values = statement_values(s.d, s.lang)
    data = s.t(
        "data_set.data_text", objects=fmt_int(e.objects_overwritten, lang), bytes=fmt_bytes(e.bytes_overwritten, lang)
    )
    return [
        (s.t("data_set.scope"), clean(s.t("data_set.scope_text", **values))),
        (s.t("reason.rule"), clean(s.t(f"rule.{e.retention_rule}", days=e.retention_days))),
        (s.t("data_set.method"), clean(s.t("data_set.method_text"))),
        (s.t("data_set.key"), clean(s.t("data_set.key_text"))),
        (s.t("data_set.data"), clean(data)),
        (s.t("data_set.made_at"), clean(fmt_datetime(e.made_at, tz, lang))),
        (s.t("data_set.erased_at"), clean(fmt_datetime(e.erased_at, tz, lang))),
        (s.t("data_set.drive", serial=s.d.drive.serial), clean(s.t("data_set.drive_text"))),
        (s.t("data_set.medium"), _medium(s)),
    ]


def _medium(s: Sections) -> str | None:
    """Pool drives are rotating disks (SSD and flash refused); one whose medium is unknown says so."""
    if s.d.drive.media == "hdd":
        return None
    return clean(s.t("data_set.medium_text", serial=s.d.drive.serial))
