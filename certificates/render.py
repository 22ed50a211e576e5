"""The certificate layout (reportlab), after pretix's invoice renderer.

Page geometry is named constants, there is one stylesheet of named paragraph styles, the fixed parts
of a page are drawn by small `_draw_*` functions, and the story is built only from the frozen
`CertificateData` the core filled. Every string that came from a person or a device is
normalised (only what is unsafe: compatibility look-alikes such as full-width letters and
ligatures, control and direction characters; `²`, `≤`, `é` are kept), given a fallback where the
font has no glyph, and escaped before it becomes Paragraph markup.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer, Table
from reportlab.platypus.tables import TableStyle

from certificates.texts import (
    TEXTS,
    fmt_bytes,
    fmt_date,
    fmt_datetime,
    fmt_duration,
    fmt_int,
    fmt_percent,
    local_date,
    t,
    term,
    yes_no,
)
from wipestation.certify import ANONYMISED, CertificateData, qr_payload

# --- Geometry ------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 16 * mm
HEADER_HEIGHT = 36 * mm  # shop block and QR code, drawn on every page
FOOTER_HEIGHT = 10 * mm
QR_SIZE = 34 * mm
SHOP_TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - QR_SIZE - 3 * mm  # left of the QR code
SHOP_NAME_SIZE, SHOP_NAME_MIN_SIZE = 15.0, 11.0
SHOP_LINE_SIZE, SHOP_LINE_MIN_SIZE = 8.5, 7.0
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
LABEL_WIDTH = 55 * mm
CELL_PADDING = 2
VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH
ACCENT = colors.HexColor("#1f4e79")
RULE_GREY = colors.HexColor("#b0b7bf")
BAND_GREY = colors.HexColor("#eef2f6")
PASSED_GREEN = colors.HexColor("#d9f0dc")
EXCEPTIONS_AMBER = colors.HexColor("#fcebc7")
FAILED_RED = colors.HexColor("#f7d4d4")
LOGO_MAX_WIDTH = 40 * mm
LOGO_MAX_HEIGHT = 16 * mm

# --- Fonts ---------------------------------------------------------------------------------------

_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)
_MONO_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/dejavu/DejaVuSansMono.ttf")
FONT = "CertSans"
FONT_BOLD = "CertSans-Bold"
FONT_MONO = "CertMono"
_fonts_ready = False
rl_config.useA85 = 0  # binary streams: smaller files, and ASCII85 encoding costs ~10 % of a render


def _register_fonts() -> None:
    """DejaVu (wide Unicode coverage) when installed, else the Vera fonts reportlab ships."""
    global _fonts_ready
    if _fonts_ready:
        return
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    regular, bold = str(bundled / "Vera.ttf"), str(bundled / "VeraBd.ttf")
    for reg, bld in _FONT_CANDIDATES:
        if Path(reg).exists() and Path(bld).exists():
            regular, bold = reg, bld
            break
    mono = next((m for m in _MONO_CANDIDATES if Path(m).exists()), str(bundled / "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(FONT, regular))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, bold))
    pdfmetrics.registerFont(TTFont(FONT_MONO, mono))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_ready = True


# --- Styles --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    number: ParagraphStyle
    section: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    mono: ParagraphStyle
    body: ParagraphStyle
    notice: ParagraphStyle
    small: ParagraphStyle
    banner: ParagraphStyle


def stylesheet() -> Styles:
    _register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=10.5, alignment=TA_LEFT, splitLongWords=1)
    return Styles(
        title=ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=21, textColor=ACCENT),
        number=ParagraphStyle("number", parent=base, fontSize=10, leading=13),
        section=ParagraphStyle(
            "section",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            textColor=ACCENT,
            spaceBefore=6,
            keepWithNext=1,
        ),
        label=ParagraphStyle("label", parent=base, textColor=colors.HexColor("#444444")),
        value=ParagraphStyle("value", parent=base),
        mono=ParagraphStyle("mono", parent=base, fontName=FONT_MONO, fontSize=8, leading=10),
        body=ParagraphStyle("body", parent=base, fontSize=9, leading=12),
        notice=ParagraphStyle("notice", parent=base, textColor=colors.HexColor("#8a4b00")),
        small=ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555")),
        banner=ParagraphStyle("banner", parent=base, fontSize=10.5, leading=13.5),
    )


# Compatibility forms that only look like other letters: full-width and half-width forms, ligatures.
_LOOKALIKE_RANGES = ((0xFF00, 0xFFEF), (0xFB00, 0xFB4F))
REPLACEMENT = "\ufffd"  # printed for a character no font here can draw (an emoji, say): visible, never a box


def _safe_char(ch: str) -> str:
    code = ord(ch)
    if any(lo <= code <= hi for lo, hi in _LOOKALIKE_RANGES):
        return unicodedata.normalize("NFKC", ch)
    if not ch.isprintable():
        return " "
    return ch


def _glyphs() -> dict[int, int]:
    _register_fonts()
    face = pdfmetrics.getFont(FONT).face
    return face.charToGlyph  # type: ignore[no-any-return]


def safe_text(value: object) -> str:
    """Normalise only what is unsafe; a character the font lacks becomes U+FFFD (shown as such)."""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to normalise, and the font has every ASCII glyph
    text = "".join(_safe_char(ch) for ch in unicodedata.normalize("NFC", text))
    glyphs = _glyphs()
    return "".join(ch if ch.isascii() or ord(ch) in glyphs else REPLACEMENT for ch in text)


def clean(value: object) -> str:
    """A user or device string made safe for Paragraph markup: see safe_text, then escaped."""
    return escape(safe_text(value))


# --- Fixed parts of every page -------------------------------------------------------------------


QR_BORDER = 2  # modules of quiet zone drawn inside QR_SIZE (the page margin adds more)
QR_MASK = 0  # any mask is valid QR; a fixed one saves trying all eight on every certificate


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR matrix (error correction M) of payload, computed once per certificate."""
    qr = QrCodeWidget(payload, barLevel="M").qr
    qr.version = qr.calculate_version()
    qr.makeImpl(False, QR_MASK)
    return [[bool(cell) for cell in row] for row in qr.modules]


@dataclass(frozen=True)
class PageContext:
    data: CertificateData
    lang: str
    payload: str
    modules: list[list[bool]]
    logo: Any = None  # an ImageReader of `[shop] logo`


def load_logo(path: str | None) -> Any:
    """`[shop] logo` as an image reportlab can draw; a file that cannot be read is an error, not ignored."""
    if not path:
        return None
    from reportlab.lib.utils import ImageReader

    from wipestation.errors import ConfigError

    try:
        reader = ImageReader(str(Path(path).expanduser()))
        reader.getSize()
    except Exception as exc:  # noqa: BLE001 - PIL and reportlab raise many kinds for a bad image
        raise ConfigError(f"[shop] logo cannot be read as an image: {path} ({type(exc).__name__})") from None
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


def _draw_qr(canvas: Canvas, ctx: PageContext) -> None:
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
    canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, MARGIN_BOTTOM - 10, t("page", ctx.lang, page=page))


def _plain(text: str, limit: int | None = None) -> str:
    """For canvas strings: safe_text, and visibly shortened when longer than `limit`."""
    value = safe_text(text)
    return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"


# --- The story -----------------------------------------------------------------------------------

Row = tuple[str, str | None]  # (label text, value markup or None to leave out)


class _Renderer:
    def __init__(
        self, data: CertificateData, lang: str, styles: Styles, signer: str, verify_url: str | None = None
    ) -> None:
        self.d = data
        self.lang = lang
        self.s = styles
        self.signer = signer
        self.verify_url = verify_url

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def t_opt(self, key: str, **values: object) -> str | None:
        """A text of the catalogue, or None when it has none for this key."""
        return t(key, self.lang, **values) if key in TEXTS else None

    def level_meaning(self, level: str) -> str | None:
        meaning = self.t_opt(f"level.{level}")
        return self.t("level.meaning", level=level, meaning=meaning) if meaning else None

    def technique(self) -> str:
        """The erasure technique from the catalogue by method; the stored text only for an unknown method."""
        e = self.d.erasure
        assert e is not None
        return self.t_opt(f"technique.{e.method}") or e.technique

    def v(self, value: object | None) -> str:
        """A user/device value as markup; "unknown" when missing."""
        return self.t("unknown") if value is None or value == "" else clean(value)

    def cell(self, markup: str, style: ParagraphStyle, width: float) -> Flowable | str:
        """A plain string when the text has no markup and fits on one line (a Paragraph costs ten
        times as much to lay out), else a Paragraph that wraps."""
        plain = "<" not in markup and "&" not in markup
        if plain and pdfmetrics.stringWidth(markup, style.fontName, style.fontSize) <= width - 2 * CELL_PADDING - 1:
            return markup
        return Paragraph(markup, style)

    def section(self, key: str, rows: Iterable[Row]) -> list[Flowable]:
        cells = [
            [self.cell(clean(label), self.s.label, LABEL_WIDTH), self.cell(value, self.s.value, VALUE_WIDTH)]
            for label, value in rows
            if value is not None
        ]
        table = Table(cells, colWidths=[LABEL_WIDTH, VALUE_WIDTH], splitByRow=1, splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    # plain string cells look like the Paragraph styles label and value
                    ("FONTNAME", (0, 0), (-1, -1), self.s.value.fontName),
                    ("FONTSIZE", (0, 0), (-1, -1), self.s.value.fontSize),
                    ("LEADING", (0, 0), (-1, -1), self.s.value.leading),
                    ("TEXTCOLOR", (0, 0), (0, -1), self.s.label.textColor),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
                ]
            )
        )
        heading = Paragraph(clean(self.t(key)), self.s.section)
        return [heading, table]

    def story(self) -> list[Flowable]:
        d = self.d
        title = self.t(f"title.{d.kind}")
        story: list[Flowable] = [
            Paragraph(clean(title), self.s.title),
            Paragraph(
                f"{clean(self.t('number'))}: <b>{clean(d.number)}</b> &nbsp;&nbsp; "
                f"{clean(self.t('issued_at'))}: {clean(fmt_datetime(d.issued_at, d.timezone, self.lang))}",
                self.s.number,
            ),
        ]
        story += self.banner()
        if d.anonymised:
            story += [Spacer(1, 2 * mm), Paragraph(clean(self.t("anonymised_copy")), self.s.notice)]
        story += self.customer()
        if d.erasure is not None:
            story += self.erasure()
        if d.destruction is not None:
            story += self.destruction()
        story += self.attestation()
        story += self.authenticity()
        story += self.how_to_check()
        return story

    def status(self) -> tuple[str, colors.Color]:
        d = self.d
        if d.destruction is not None:
            return self.t("status.destruction", level=d.destruction.level), PASSED_GREEN
        e = d.erasure
        assert e is not None
        outcome = str(getattr(e, "outcome", "") or "")
        if e.verify_result == "failed":
            return self.t("status.erasure.failed"), FAILED_RED
        if e.sectors_not_written:
            return self.t("status.erasure.hidden", sectors=fmt_int(e.sectors_not_written, self.lang)), EXCEPTIONS_AMBER
        if e.errors or "exception" in outcome:
            return self.t("status.erasure.exceptions"), EXCEPTIONS_AMBER
        return self.t("status.erasure.passed"), PASSED_GREEN

    def banner(self) -> list[Flowable]:
        """The result first: one coloured line under the title."""
        text, colour = self.status()
        url = self.verify_url
        how = self.t("check.short", url=url) if url else self.t("check.short_no_url")
        cell = Paragraph(f"<b>{clean(text)}</b><br/><font size='7.5'>{clean(how)}</font>", self.s.banner)
        table = Table([[cell]], colWidths=[CONTENT_WIDTH])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colour),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return [Spacer(1, 2 * mm), table]

    def with_note(self, value: str, note: str | None) -> str:
        """A value with a plain-language line under it."""
        if not note:
            return value
        return f"{value}<br/><font size='7.5' color='#555555'>{clean(note)}</font>"

    def how_to_check(self) -> list[Flowable]:
        """How to check the certificate and what its terms mean (fills the rest of the last page)."""
        url = self.verify_url
        contact = self.d.issuer.contact
        steps = [self.t("check.1", url=url), self.t("check.2")] if url else [self.t("check.1_no_url", contact=contact)]
        steps.append(self.t("check.3"))
        terms = [self.t("term.nist"), self.t("term.din"), self.t("term.sha256"), self.t("term.signature")]
        story: list[Flowable] = [Paragraph(clean(self.t("section.check")), self.s.section)]
        story += [Paragraph(clean(step), self.s.body) for step in steps]
        story.append(Paragraph(clean(self.t("section.terms")), self.s.section))
        story += [Paragraph(clean(term_text), self.s.small) for term_text in terms]
        return story

    def customer(self) -> list[Flowable]:
        c = self.d.customer
        if c is None:
            return []
        name = self.t("customer.anonymised") if self.d.anonymised and c.name == ANONYMISED else self.v(c.name)
        return self.section(
            "section.customer",
            [(self.t("customer.name"), name), (self.t("customer.job_ref"), self.v(c.job_ref))],
        )

    def drive(self) -> list[Flowable]:
        dr = self.d.drive
        bus = term("bus", dr.bus, self.lang) if dr.bus and dr.bus != "unknown" else None
        return self.section(
            "section.drive",
            [
                (self.t("drive.manufacturer"), self.v(dr.manufacturer)),
                (self.t("drive.model"), self.v(dr.model)),
                (self.t("drive.serial"), self.v(dr.serial)),
                (self.t("drive.capacity"), clean(fmt_bytes(dr.capacity_bytes, self.lang))),
                (self.t("drive.firmware"), self.v(dr.firmware)),
                (self.t("drive.bus"), self.v(bus)),
                (self.t("drive.media"), clean(term("media", dr.media or "unknown", self.lang))),
                # a destruction names the computer in its basis already
                (
                    self.t("drive.host_computer"),
                    clean(dr.host_computer) if dr.host_computer and self.d.destruction is None else None,
                ),
            ],
        )

    def erasure(self) -> list[Flowable]:
        e = self.d.erasure
        assert e is not None
        c = self.d.customer
        if e.backup_made_on is not None:
            job = c.job_ref if c is not None and c.job_ref else self.t("unknown")
            key = "reason.abandoned_text" if e.abandoned else "reason.backup_text"
            origin = self.t(key, date=fmt_date(e.backup_made_on, self.lang), job=job)
        else:
            origin = self.t("reason.no_backup")
        rule = self.t(f"rule.{e.retention_rule}", days=e.retention_days)
        tz = self.d.timezone
        story = self.section(
            "section.reason",
            [
                (self.t("reason.backup"), clean(origin)),
                (self.t("reason.rule"), clean(rule)),
                (self.t("reason.due_on"), clean(fmt_date(e.due_on, self.lang)) if e.due_on else None),
            ],
        )
        story += self.drive()
        story += self.section(
            "section.erasure",
            [
                (
                    self.t("erasure.nist_category"),
                    self.with_note(self.v(e.nist_category), self.t_opt(f"nist.{e.nist_category}")),
                ),
                (self.t("erasure.technique"), clean(self.technique())),
                (self.t("erasure.tool"), self.v(e.tool)),
                (self.t("erasure.hpa_dco"), self.v(e.hpa_dco)),
                (
                    self.t("erasure.not_written"),
                    clean(
                        self.t(
                            "erasure.not_written_text",
                            sectors=fmt_int(e.sectors_not_written, self.lang),
                            size=fmt_bytes(e.bytes_not_written, self.lang),
                        )
                    )
                    if e.sectors_not_written
                    else None,
                ),
                (self.t("erasure.started_at"), clean(fmt_datetime(e.started_at, tz, self.lang))),
                (self.t("erasure.ended_at"), clean(fmt_datetime(e.ended_at, tz, self.lang))),
                (self.t("erasure.duration"), clean(fmt_duration(e.duration_seconds, self.lang))),
                (self.t("erasure.bytes_written"), clean(fmt_bytes(e.bytes_written, self.lang))),
                (self.t("erasure.bytes_verified"), clean(fmt_bytes(e.bytes_verified, self.lang))),
                (self.t("erasure.errors"), clean(fmt_int(e.errors, self.lang))),
                (self.t("erasure.health"), clean(e.health) if e.health else None),
                (
                    self.t("verify.method"),
                    clean(term("verify_visible" if e.sectors_not_written else "verify", e.verify_method, self.lang)),
                ),
                (self.t("verify.result"), clean(term("result", e.verify_result, self.lang))),
                (self.t("verify.seed"), clean(e.verify_seed) if e.verify_seed else None),
                (
                    self.t("verify.coverage"),
                    clean(fmt_percent(e.verify_coverage_percent, self.lang)) if e.verify_coverage_percent else None,
                ),
                (self.t("erasure.destination"), clean(term("destination", e.destination, self.lang))),
            ],
        )
        return story

    def shop_basis(self) -> list[Flowable]:
        """The shop's own retired drive: who owns it, why it was destroyed, its last health reading."""
        x = self.d.destruction
        assert x is not None
        return self.section(
            "section.basis",
            [
                (self.t("basis.owner"), clean(self.t("basis.owner_shop"))),
                (self.t("basis.shop_reason"), self.v(x.shop_reason)),
                (self.t("basis.health"), clean(x.health) if x.health else self.t("unknown")),
                (self.t("basis.queued_on"), clean(fmt_date(x.abandoned_on, self.lang))),
                (self.t("basis.early_reason"), clean(x.early_reason) if x.early_reason else None),
            ],
        )

    def destruction(self) -> list[Flowable]:
        x = self.d.destruction
        assert x is not None
        if x.owner == "shop":
            return self.shop_basis() + self.drive() + self.destruction_rows()
        c = self.d.customer
        story = self.section(
            "section.basis",
            [
                (self.t("drive.host_computer"), self.v(self.d.drive.host_computer)),
                (self.t("customer.job_ref"), self.v(c.job_ref if c else None)),
                (self.t("basis.abandoned_on"), clean(fmt_date(x.abandoned_on, self.lang))),
                (self.t("basis.retention_end"), clean(fmt_date(x.retention_end, self.lang))),
                (self.t("basis.early_reason"), clean(x.early_reason) if x.early_reason else None),
            ],
        )
        drive_rows = self.drive()
        story += drive_rows
        story += self.section(
            "section.custody",
            [
                (self.t("custody.received_on"), clean(fmt_date(x.received_on, self.lang))),
                (self.t("custody.location"), self.v(x.storage_location)),
                (self.t("custody.seal_number"), self.v(x.seal_number) if x.seal_number else self.t("none")),
                (self.t("custody.serial_rescanned"), clean(yes_no(x.serial_rescanned, self.lang))),
            ],
        )
        return story + self.destruction_rows()

    def destruction_rows(self) -> list[Flowable]:
        x = self.d.destruction
        assert x is not None
        evidence = "<br/>".join(
            f"{clean(ev.file)}<br/><font name='{FONT_MONO}' size='7.5'>{ev.sha256}</font>" for ev in x.evidence
        )
        return self.section(
            "section.destruction",
            [
                (self.t("destruction.method"), clean(term("method", x.method, self.lang))),
                (self.t("destruction.equipment"), self.v(x.equipment)),
                (self.t("destruction.standard"), "DIN 66399 / ISO/IEC 21964"),
                (
                    self.t("destruction.protection_class"),
                    self.with_note(clean(str(x.protection_class)), self.t_opt(f"class.{x.protection_class}")),
                ),
                (
                    self.t("destruction.level"),
                    self.with_note(f"<b>{clean(x.level)}</b>", self.level_meaning(x.level)),
                ),
                (self.t("destruction.particle_size"), self.v(x.particle_size)),
                (
                    self.t("destruction.lower_level_reason"),
                    clean(x.lower_level_reason) if x.lower_level_reason else None,
                ),
                (self.t("destruction.prior_erasure"), self.v(x.prior_erasure) if x.prior_erasure else self.t("none")),
                (self.t("destruction.place"), clean(term("place", x.place, self.lang))),
                (self.t("destruction.destroyed_on"), clean(fmt_date(x.destroyed_on, self.lang))),
                (self.t("destruction.operator"), self.v(x.operator)),
                (self.t("destruction.witness"), self.v(x.witness) if x.witness else self.t("none")),
                (self.t("destruction.batch"), self.v(x.batch)),
                (self.t("destruction.evidence"), evidence or self.t("none")),
            ],
        )

    def attest_text(self) -> str:
        e = self.d.erasure
        if e is not None and e.sectors_not_written:
            return self.t("attest.erasure_exceptions", sectors=fmt_int(e.sectors_not_written, self.lang))
        return self.t(f"attest.{self.d.kind}")

    def attestation(self) -> list[Flowable]:
        d = self.d
        date_text = fmt_date(local_date(d.issued_at, d.timezone), self.lang)  # the shop's calendar day
        people: list[tuple[str, str]] = []
        if d.destruction is not None:
            people.append((self.t("sign.operator"), d.destruction.operator))
            if d.destruction.witness:
                people.append((self.t("sign.witness"), d.destruction.witness))
        else:
            people.append((self.t("sign.technician"), d.technician))
        if d.validator:
            people.append((self.t("sign.validator"), d.validator))
        cells = []
        for role, name in people:
            cells.append(
                Paragraph(
                    f"{clean(role)}: <b>{clean(name)}</b><br/><br/><br/>"
                    f"{clean(self.t('sign.signature'))}: ______________________________<br/>"
                    f"{clean(self.t('sign.date'))}: {date_text}",
                    self.s.value,
                )
            )
        width = CONTENT_WIDTH / max(1, len(cells))
        block = Table([cells], colWidths=[width] * len(cells), splitInRow=1)  # very long names run on
        block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
        return [
            KeepTogether(
                [
                    Paragraph(clean(self.t("section.attestation")), self.s.section),
                    Paragraph(clean(self.attest_text()), self.s.body),
                    Spacer(1, 2 * mm),
                    block,
                ]
            )
        ]

    def auth_how(self) -> str:
        if self.verify_url:
            return self.t("auth.how", url=self.verify_url)
        return self.t("auth.how_no_url", contact=self.d.issuer.contact)

    def authenticity(self) -> list[Flowable]:
        rows = [
            [Paragraph(clean(self.t("auth.sha256")), self.s.label), Paragraph(self.d.sha256(), self.s.mono)],
            [Paragraph(clean(self.t("auth.signer")), self.s.label), Paragraph(clean(self.d.issuer.name), self.s.value)],
            [Paragraph(clean(self.t("auth.fingerprint")), self.s.label), Paragraph(clean(self.signer), self.s.mono)],
        ]
        table = Table(rows, colWidths=[LABEL_WIDTH, VALUE_WIDTH])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), BAND_GREY),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return [
            KeepTogether(
                [
                    Paragraph(clean(self.t("section.authenticity")), self.s.section),
                    table,
                    Spacer(1, 1.5 * mm),
                    Paragraph(clean(self.auth_how()), self.s.small),
                    *(
                        [Paragraph(clean(f"audit {h.event}:{h.hash}"), self.s.small)]
                        if (h := self.d.audit_head)
                        else []
                    ),
                ]
            )
        ]


def render_unsigned(
    data: CertificateData,
    lang: str,
    *,
    signer_fingerprint: str,
    verify_url: str | None = None,
    logo: Any = None,
) -> bytes:
    """The certificate as an unsigned PDF (the signer adds the data attachment and the signature)."""
    styles = stylesheet()
    payload = qr_payload(data.number, data.sha256(), verify_url)
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
    doc.build(_Renderer(data, lang, styles, signer_fingerprint, verify_url).story())
    return buffer.getvalue()
