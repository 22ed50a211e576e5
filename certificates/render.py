"""The certificate layout (reportlab), after pretix's invoice renderer: `render_unsigned` turns the
frozen `CertificateData` the core filled into an unsigned PDF (the signer adds the data attachment
and the signature).

The parts, by concern: `layout` (page geometry, colours, the stylesheet), `fonts` (fonts, the safe
text and glyph fallback), `page` (the fixed parts drawn on every page: shop, logo, QR code, footer),
`sections` (the label/value tables and the parts every certificate has), `erasure_page` and
`destruction_page` (each kind's own sections). The names others use are importable from here.
"""

from __future__ import annotations

import io
import threading
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

from certificates.dataset_page import data_set_sections
from certificates.destruction_page import destruction_sections
from certificates.erasure_page import erasure_sections
from certificates.fonts import FONT, FONT_BOLD, FONT_MONO, clean, safe_text
from certificates.layout import (
    CONTENT_WIDTH,
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QR_SIZE,
    Styles,
    stylesheet,
)
from certificates.page import (
    PageContext,
    PageCountCanvas,
    _draw_footer,
    _draw_logo,
    _draw_qr,
    _draw_rule,
    _draw_shop,
    draw_qr_modules,
    load_logo,
    qr_modules,
)
from certificates.sections import Sections, fixed
from certificates.texts import fmt_datetime, t
from wipestation.documents.certify import CertificateData, qr_payload

__all__ = [
    "FONT",
    "FONT_BOLD",
    "FONT_MONO",
    "MARGIN_RIGHT",
    "PAGE_WIDTH",
    "QR_SIZE",
    "PageContext",
    "Styles",
    "_draw_shop",
    "build_story",
    "clean",
    "draw_qr_modules",
    "load_logo",
    "qr_modules",
    "render_unsigned",
    "safe_text",
    "stylesheet",
]


def build_story(s: Sections) -> list[Flowable]:
    """Title and number, the result, the customer, the kind's own sections, attestation, authenticity,
    and how to check."""
    d = s.d
    story: list[Flowable] = [
        fixed(clean(s.t(f"title.{d.kind}")), s.s.title),
        Paragraph(
            f"{clean(s.t('number'))}: <b>{clean(d.number)}</b> &nbsp;&nbsp; "
            f"{clean(s.t('issued_at'))}: {clean(fmt_datetime(d.issued_at, d.timezone, s.lang))}",
            s.s.number,
        ),
    ]
    story += s.banner()
    if d.issued_later:
        story += [Spacer(1, 2 * mm), fixed(clean(s.t("issued_later")), s.s.notice)]
    if d.anonymised:
        story += [Spacer(1, 2 * mm), fixed(clean(s.t("anonymised_copy")), s.s.notice)]
    story += s.customer()
    if d.erasure is not None:
        story += erasure_sections(s)
    if d.data_set is not None:
        story += data_set_sections(s)
    if d.destruction is not None:
        story += destruction_sections(s)
    story += s.attestation()
    story += s.authenticity()
    story += s.how_to_check()
    return story


_RENDER_LOCK = threading.Lock()


def render_unsigned(
    data: CertificateData,
    lang: str,
    *,
    signer_fingerprint: str,
    verify_url: str | None = None,
    logo: Any = None,
    sha256: str | None = None,
) -> bytes:
    """The certificate as an unsigned PDF (the signer adds the data attachment and the signature).
    `sha256` is the data's hash when the caller has it already."""
    with _RENDER_LOCK:  # the fixed paragraphs and the fonts' subsets are shared: one render at a time
        return _render(data, lang, signer_fingerprint, verify_url, logo, sha256 or data.sha256())


def _render(
    data: CertificateData, lang: str, signer_fingerprint: str, verify_url: str | None, logo: Any, sha256: str
) -> bytes:
    styles = stylesheet()
    payload = qr_payload(data.number, sha256, verify_url)
    ctx = PageContext(data=data, lang=lang, payload=payload, modules=qr_modules(payload), logo=logo)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{t('title.' + data.kind, lang)} {data.number}",
        author=safe_text(data.issuer.name),
        subject=ctx.payload,
        creator="wipestation",
        lang=lang,
        invariant=1,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM + FOOTER_HEIGHT - 6 * mm,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM - HEADER_HEIGHT - FOOTER_HEIGHT + 6 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def on_page(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        _draw_logo(canvas, ctx)
        _draw_shop(canvas, ctx)
        _draw_qr(canvas, ctx)
        _draw_rule(canvas)
        _draw_footer(canvas, ctx, document.page)
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="certificate", frames=[frame], onPage=on_page)])
    doc.build(
        build_story(Sections(data, lang, styles, signer_fingerprint, verify_url, sha256)), canvasmaker=PageCountCanvas
    )
    return buffer.getvalue()
