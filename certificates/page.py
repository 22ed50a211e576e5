"""The fixed parts of every page, drawn on the canvas by small `_draw_*` functions: the shop's
name and address, the logo, the QR code, the rule under the header, and the footer."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from certificates.fonts import FONT, FONT_BOLD, safe_text
from certificates.layout import (
    ACCENT,
    HEADER_HEIGHT,
    LOGO_MAX_HEIGHT,
    LOGO_MAX_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QR_SIZE,
    RULE_GREY,
    SHOP_LINE_MIN_SIZE,
    SHOP_LINE_SIZE,
    SHOP_NAME_MIN_SIZE,
    SHOP_NAME_SIZE,
    SHOP_TEXT_WIDTH,
)
from certificates.qr import qr_matrix
from certificates.texts import t
from wipestation.documents.certify import CertificateData

QR_BORDER = 2  # modules of quiet zone drawn inside QR_SIZE (the page margin adds more)
QR_MASK = 0  # any mask is valid QR; a fixed one saves trying all eight on every certificate


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR matrix (error correction M) of payload, computed once per certificate."""
    return qr_matrix(payload, QR_MASK)


@dataclass(frozen=True)
class PageContext:
    data: CertificateData
    lang: str
    payload: str
    modules: list[list[bool]]
    logo: Any = None  # an ImageReader of `[shop] logo`


LOGO_MAX_BYTES = 10 * 1024 * 1024


def load_logo(path: str | None) -> Any:
    """`[shop] logo` as an image reportlab can draw; a file that cannot be read is an error, not ignored."""
    if not path:
        return None
    from reportlab.lib.utils import ImageReader

    from wipestation.common.errors import BadValue, ConfigError
    from wipestation.common.i18n import _
    from wipestation.common.reading import read_regular

    try:  # a regular file of a sane size, read without blocking (a FIFO or /dev/zero is refused)
        data = read_regular(Path(path).expanduser(), "[shop] logo", LOGO_MAX_BYTES)
    except BadValue as exc:
        raise ConfigError(_("config: {problem}").format(problem=str(exc))) from None
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
    except Exception:  # noqa: BLE001 - PIL and reportlab raise many kinds for a bad image
        raise ConfigError(
            _("[shop] logo cannot be read as an image: {path} (use a PNG or JPEG file)").format(path=path)
        ) from None
    return reader


def _draw_logo(canvas: Canvas, ctx: PageContext) -> None:
    """The logo left of the QR code; the shop's name and address keep the left of the header."""
    if ctx.logo is None:
        return
    width, height = ctx.logo.getSize()
    scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
    top = PAGE_HEIGHT - MARGIN_TOP
    right = PAGE_WIDTH - MARGIN_RIGHT - QR_SIZE - 3 * mm
    w, h = width * scale, height * scale
    canvas.drawImage(ctx.logo, right - w, top - h, w, h, mask="auto")


def _draw_shop(canvas: Canvas, ctx: PageContext) -> None:
    """Name, address, KvK number and contact, left of the QR code. A long line is set smaller and
    then wrapped; it never runs under the QR code (which would hide it)."""
    issuer = ctx.data.issuer
    top = PAGE_HEIGHT - MARGIN_TOP
    lowest = top - HEADER_HEIGHT + 3 * mm + 4  # just above the rule
    width = SHOP_TEXT_WIDTH - (LOGO_MAX_WIDTH + 3 * mm if ctx.logo is not None else 0)
    canvas.setFillColor(ACCENT)
    y = top - 12
    size, lines = _fit(issuer.name, FONT_BOLD, SHOP_NAME_SIZE, SHOP_NAME_MIN_SIZE, width)
    canvas.setFont(FONT_BOLD, size)
    for index, line in enumerate(lines):
        y -= size * 1.15 if index else 0
        canvas.drawString(MARGIN_LEFT, y, line)
    canvas.setFillColor(colors.black)
    y -= 13
    rest = [issuer.address, f"{t('kvk', ctx.lang)}: {issuer.kvk}" if issuer.kvk else "", issuer.contact]
    out: list[tuple[float, str]] = []
    for text in (ln for ln in rest if ln):
        size, lines = _fit(text, FONT, SHOP_LINE_SIZE, SHOP_LINE_MIN_SIZE, width)
        out += [(size, line) for line in lines]
    room = max(1, int((y - lowest) // 11) + 1)
    if len(out) > room:  # more than the header holds: shorten the last line visibly
        size, last = out[room - 1]
        out = [*out[: room - 1], (size, _shorten(last + " …", FONT, size, width))]
    for size, line in out:
        canvas.setFont(FONT, size)
        canvas.drawString(MARGIN_LEFT, y, line)
        y -= 11


def _fit(text: str, font: str, size: float, min_size: float, width: float = SHOP_TEXT_WIDTH) -> tuple[float, list[str]]:
    """`text` in `font` at the largest size down to `min_size` that fits `width` on one line,
    else wrapped at `min_size` (a word wider than the line is shortened visibly)."""
    value = _plain(text)
    while size > min_size and pdfmetrics.stringWidth(value, font, size) > width:
        size = max(min_size, size - 0.5)
    lines = simpleSplit(value, font, size, width) or [""]
    return size, [_shorten(line, font, size, width) for line in lines]


def _shorten(line: str, font: str, size: float, width: float = SHOP_TEXT_WIDTH) -> str:
    if pdfmetrics.stringWidth(line, font, size) <= width:
        return line
    while line and pdfmetrics.stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line + "…"


def draw_qr_modules(canvas: Canvas, modules: list[list[bool]], left: float, top: float, box: float) -> None:
    """A QR code's dark modules as one path of horizontal runs, row 0 at `top` (certificates, labels)."""
    count = len(modules)
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect(left + start * box, top - (r + 1) * box, (c - start) * box, box)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)


QR_FORM = "certificate-qr"


def _draw_qr(canvas: Canvas, ctx: PageContext) -> None:
    """The QR code, drawn once per document as a form that every page shows (its path of a few
    hundred runs was most of each page's content)."""
    if not canvas.hasForm(QR_FORM):
        canvas.beginForm(QR_FORM)
        _draw_qr_code(canvas, ctx)
        canvas.endForm()
    canvas.doForm(QR_FORM)


def _draw_qr_code(canvas: Canvas, ctx: PageContext) -> None:
    count = len(ctx.modules)
    box = QR_SIZE / (count + 2 * QR_BORDER)
    left = PAGE_WIDTH - MARGIN_RIGHT - QR_SIZE + QR_BORDER * box
    top = PAGE_HEIGHT - MARGIN_TOP + 2 * mm - QR_BORDER * box
    canvas.setFillColor(colors.white)
    canvas.rect(left - QR_BORDER * box, top - QR_SIZE + QR_BORDER * box, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    draw_qr_modules(canvas, ctx.modules, left, top, box)


def _draw_rule(canvas: Canvas) -> None:
    y = PAGE_HEIGHT - MARGIN_TOP - HEADER_HEIGHT + 3 * mm
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN_LEFT, y, PAGE_WIDTH - MARGIN_RIGHT, y)


def _draw_footer(canvas: Canvas, ctx: PageContext, page: int) -> None:
    canvas.setStrokeColor(RULE_GREY)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_LEFT, MARGIN_BOTTOM, PAGE_WIDTH - MARGIN_RIGHT, MARGIN_BOTTOM)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(MARGIN_LEFT, MARGIN_BOTTOM - 10, f"{ctx.data.number} · {_plain(ctx.data.issuer.name, 60)}")
    # "Pagina 1 van " here, the total after it: a form every page shows, drawn when the document is
    # complete (PageCountCanvas.save); no second layout pass
    right = PAGE_WIDTH - MARGIN_RIGHT - pdfmetrics.stringWidth("00", FONT, 7.5)
    canvas.drawRightString(right, MARGIN_BOTTOM - 10, t("page_of", ctx.lang, page=page) + " ")
    canvas.doForm(TOTAL_FORM)


TOTAL_FORM = "certificate-page-total"


class PageCountCanvas(Canvas):  # type: ignore[misc]
    """A canvas that draws the page total into the footer's form once every page is laid out."""

    def save(self) -> None:
        total = self.getPageNumber() - 1  # showPage was called for the last page
        self.beginForm(TOTAL_FORM)
        self.setFont(FONT, 7.5)
        self.setFillColor(colors.HexColor("#555555"))
        self.drawString(
            PAGE_WIDTH - MARGIN_RIGHT - pdfmetrics.stringWidth("00", FONT, 7.5), MARGIN_BOTTOM - 10, str(total)
        )
        self.endForm()
        super().save()


def _plain(text: str, limit: int | None = None) -> str:
    """For canvas strings: safe_text, and visibly shortened when longer than `limit`."""
    value = safe_text(text)
    return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"
