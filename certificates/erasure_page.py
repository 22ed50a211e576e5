"""The erasure certificate's own sections: where the data came from, and the erasure with its
verification."""

from __future__ import annotations

from reportlab.platypus import Flowable

from certificates.fonts import clean
from certificates.sections import Row, Sections
from certificates.texts import fmt_bytes, fmt_date, fmt_datetime, fmt_duration, fmt_int, fmt_percent, term
from certificates.texts.stored import health_line, hpa_dco_line
from wipestation.documents.certify import ErasureFacts


def erasure_sections(s: Sections) -> list[Flowable]:
    e = s.d.erasure
    assert e is not None
    story = s.section("section.reason", _reason_rows(s, e))
    story += s.drive()
    story += s.section("section.erasure", [*_erasure_rows(s, e), *_verification_rows(s, e)])
    return story


def _reason_rows(s: Sections, e: ErasureFacts) -> list[Row]:
    """Why the data existed and which rule made it due."""
    c = s.d.customer
    if e.backup_made_on is not None:
        job = c.job_ref if c is not None and c.job_ref else s.t("unknown")
        key = "reason.abandoned_text" if e.abandoned else "reason.backup_text"
        origin = s.t(key, date=fmt_date(e.backup_made_on, s.lang), job=job)
    else:
        origin = s.t("reason.no_backup")
    rule = s.t(f"rule.{e.retention_rule}", days=e.retention_days)
    return [
        (s.t("reason.backup"), clean(origin)),
        (s.t("reason.rule"), clean(rule)),
        (s.t("reason.due_on"), clean(fmt_date(e.due_on, s.lang)) if e.due_on else None),
    ]


def technique(s: Sections, e: ErasureFacts) -> str:
    """The erasure technique from the catalogue by method; the stored text only for an unknown method."""
    return s.t_opt(f"technique.{e.method}") or e.technique


def _not_written(s: Sections, e: ErasureFacts) -> str | None:
    if not e.sectors_not_written:
        return None
    sectors, size = fmt_int(e.sectors_not_written, s.lang), fmt_bytes(e.bytes_not_written, s.lang)
    return clean(s.t("erasure.not_written_text", sectors=sectors, size=size))


def _sectors(s: Sections, e: ErasureFacts) -> str | None:
    if not e.sector_size or e.sector_count is None:
        return None
    return clean(
        s.t("erasure.sectors_text", count=fmt_int(e.sector_count, s.lang), size=fmt_int(e.sector_size, s.lang))
    )


def _erasure_rows(s: Sections, e: ErasureFacts) -> list[Row]:
    tz, lang = s.d.timezone, s.lang
    return [
        (s.t("erasure.nist_category"), s.with_note(s.v(e.nist_category), s.t_opt(f"nist.{e.nist_category}"))),
        (s.t("erasure.technique"), clean(technique(s, e))),
        (s.t("erasure.tool"), s.v(e.tool)),
        (s.t("erasure.workstation"), clean(e.workstation) if e.workstation else None),
        (s.t("erasure.hpa_dco"), s.v(hpa_dco_line(e.hpa_dco, lang) if e.hpa_dco else None)),
        (s.t("erasure.not_written"), _not_written(s, e)),
        (s.t("erasure.started_at"), clean(fmt_datetime(e.started_at, tz, lang))),
        (s.t("erasure.ended_at"), clean(fmt_datetime(e.ended_at, tz, lang))),
        (s.t("erasure.duration"), clean(fmt_duration(e.duration_seconds, lang))),
        (s.t("erasure.sectors"), _sectors(s, e)),
        (s.t("erasure.bytes_written"), clean(fmt_bytes(e.bytes_written, lang))),
        (s.t("erasure.bytes_verified"), clean(fmt_bytes(e.bytes_verified, lang))),
        (s.t("erasure.errors"), clean(fmt_int(e.errors, lang))),
        (s.t("erasure.health"), clean(health_line(e.health, lang)) if e.health else None),
    ]


def _verification_rows(s: Sections, e: ErasureFacts) -> list[Row]:
    lang = s.lang
    verify_terms = "verify_visible" if e.sectors_not_written else "verify"
    coverage = e.verify_coverage_percent
    return [
        (s.t("verify.method"), clean(term(verify_terms, e.verify_method, lang))),
        (s.t("verify.result"), clean(term("result", e.verify_result, lang))),
        (s.t("verify.seed"), clean(e.verify_seed) if e.verify_seed else None),
        (s.t("verify.coverage"), clean(fmt_percent(coverage, lang)) if coverage else None),
        (s.t("erasure.destination"), clean(term("destination", e.destination, lang))),
    ]
