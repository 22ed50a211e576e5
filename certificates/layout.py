"""Layout primitives: page geometry as named constants, the colours, and the one stylesheet of
named paragraph styles (after pretix's invoice renderer)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from certificates.fonts import FONT, FONT_BOLD, FONT_MONO, register_fonts

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


@cache
def stylesheet() -> Styles:
    """The styles, made once (fixed paragraphs are shared by style)."""
    register_fonts()
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
